package partition

import (
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
)

// TestSticky: one partition per topic until its batch completes, then
// another available one; a stale completion changes nothing; with one
// available partition it is that one; with none, any partition.
//
// Reference: KIP-480; AK 2.4.0 StickyPartitionCache.partition and
// nextPartition, DefaultPartitioner.onNewBatch.
func TestSticky(t *testing.T) {
	s := NewSticky(sim.Rand(t))
	all := []int32{0, 1, 2, 3, 4, 5}
	p := s.Partition("a", 6, all)
	for range 10 {
		if got := s.Partition("a", 6, all); got != p {
			t.Fatalf("sticky partition moved from %d to %d without a new batch", p, got)
		}
	}
	for range 50 {
		q := s.NewBatch("a", 6, all, p)
		if q == p {
			t.Fatalf("NewBatch(prev %d) stayed on %d with other partitions available", p, q)
		}
		if got := s.NewBatch("a", 6, all, p); got != q {
			t.Fatalf("a stale NewBatch(prev %d) moved the sticky partition from %d to %d", p, q, got)
		}
		p = q
	}
	if got := s.NewBatch("a", 6, []int32{4}, p); got != 4 {
		t.Fatalf("with only partition 4 available: %d", got)
	}
	for range 50 {
		if got := s.NewBatch("b", 3, nil, s.Partition("b", 3, nil)); got < 0 || got >= 3 {
			t.Fatalf("with no partition available: %d, want one of [0, 3)", got)
		}
	}
	// A topic that shrank (recreated) gets a new partition in range.
	if got := s.Partition("a", 2, []int32{0, 1}); got > 1 {
		t.Fatalf("after the topic shrank to 2 partitions: %d", got)
	}
}
