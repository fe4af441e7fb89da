package zkerr

import (
	"errors"
	"fmt"
	"testing"
)

func TestCodesAreErrorsAndRoundTrip(t *testing.T) {
	wrapped := fmt.Errorf("create /a: %w", NodeExists)
	if !errors.Is(wrapped, NodeExists) {
		t.Fatal("errors.Is does not see a wrapped code")
	}
	if CodeOf(wrapped) != NodeExists || CodeOf(nil) != OK || CodeOf(errors.New("disk on fire")) != SystemError {
		t.Fatal("CodeOf maps wrong")
	}
	// Reference: docs/reference/zookeeper.md §1.6 — spot-check the numbers clients depend on.
	for c, want := range map[Code]int32{NoNode: -101, BadVersion: -103, NodeExists: -110, NotEmpty: -111, SessionExpired: -112, Unimplemented: -6, NoWatcher: -121} {
		if int32(c) != want {
			t.Errorf("%s = %d, want %d", c.Name(), c, want)
		}
	}
	if Code(-999).Known() || Code(-999).Name() != "UNKNOWN(-999)" {
		t.Error("unknown code not reported as such")
	}
}
