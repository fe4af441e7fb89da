package cluster

import (
	"strings"
	"testing"
	"time"
)

// TestWaitForWakesOnChangesAndTimesOut: WaitFor returns as soon as its
// condition holds after a change (here: a leader is killed and the others
// elect a new one), and reports the cluster's state when it never does.
func TestWaitForWakesOnChangesAndTimesOut(t *testing.T) {
	c, err := Start(Options{N: 3, TickTime: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	old, err := c.WaitServing(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c.Kill(old)
	if err := c.WaitFor(10*time.Second, func() bool {
		l := c.Leader()
		return l != 0 && l != old
	}); err != nil {
		t.Fatalf("no new leader after killing %d: %v", old, err)
	}
	err = c.WaitFor(200*time.Millisecond, func() bool { return false })
	if err == nil || !strings.Contains(err.Error(), "not met within") {
		t.Fatalf("WaitFor on a condition that never holds returned %v", err)
	}
}
