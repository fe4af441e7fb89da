package recipes

import (
	"fmt"
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
)

// TestBySequence checks that queue nodes are ordered by their sequence
// suffix, not by their guid prefix, and that foreign names sort last.
// Reference: docs/reference/zookeeper.md §7 (Lock: "the lowest sequence number").
func TestBySequence(t *testing.T) {
	r := sim.Rand(t)
	n := 1 + r.IntN(50)
	perm := r.Perm(n)
	var names []string
	for _, seq := range perm {
		names = append(names, fmt.Sprintf("_c_%016x-lock-%010d", r.Uint64(), seq))
	}
	names = append(names, "junk")
	got := bySequence(names)
	for i := range n {
		if want := fmt.Sprintf("%010d", i); got[i][len(got[i])-10:] != want {
			t.Fatalf("position %d: %s, want sequence %s (all: %v)", i, got[i], want, got)
		}
	}
	if got[n] != "junk" {
		t.Errorf("foreign name not last: %v", got)
	}
}
