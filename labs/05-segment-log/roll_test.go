//go:build grade

package lab05_test

import (
	"testing"

	"github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// TestRollOnSegmentBytes checks a roll when the active segment would grow
// past segment.bytes; the new segment starts at the log end offset.
//
// Points: 5
// Reference: docs/reference/kafka.md §3 "Roll"; AK LogSegment.shouldRoll
func TestRollOnSegmentBytes(t *testing.T) {
	cfg := log.DefaultConfig()
	cfg.SegmentBytes = int64(2*len(batchOf(1, 1, 100)) + 10)
	l := open(t, vfs.NewMem(), cfg, log.Recovery{})
	for i := 0; i < 5; i++ {
		appendOK(t, l, batchOf(1000, 1, 100), 0)
	}
	s := l.Segments()
	if len(s) != 3 || s[1].BaseOffset != 2 || s[2].BaseOffset != 4 {
		t.Fatalf("segments %+v, want bases 0, 2, 4", s)
	}
	if got := len(batches(t, l)); got != 5 {
		t.Fatalf("%d batches readable, want 5", got)
	}
}

// TestRollOnSegmentMs checks a roll once the segment is older than
// segment.ms, measured from its first batch's timestamp.
//
// Points: 5
// Reference: docs/reference/kafka.md §3 "Roll"; AK LogSegment.timeWaitedForRoll
func TestRollOnSegmentMs(t *testing.T) {
	cfg := log.DefaultConfig()
	cfg.SegmentMs = 100
	l := open(t, vfs.NewMem(), cfg, log.Recovery{})
	appendOK(t, l, batchOf(1000, 1, 10), 0)
	appendOK(t, l, batchOf(1100, 1, 10), 0) // exactly 100 ms: not yet
	if len(l.Segments()) != 1 {
		t.Fatalf("rolled at exactly segment.ms: %+v", l.Segments())
	}
	appendOK(t, l, batchOf(1101, 1, 10), 0)
	if s := l.Segments(); len(s) != 2 || s[1].BaseOffset != 2 {
		t.Fatalf("segments %+v, want a roll at offset 2", s)
	}
}

// TestRollOnFullIndexAndOverflow checks rolls when an index is full and
// when an offset would not fit 32 bits relative to the segment's base.
//
// Points: 5
// Reference: docs/reference/kafka.md §3 "Roll"; AK LogSegment.shouldRoll, canConvertToRelativeOffset
func TestRollOnFullIndexAndOverflow(t *testing.T) {
	cfg := log.DefaultConfig()
	cfg.IndexIntervalBytes = 0
	cfg.SegmentIndexBytes = 24 // 3 offset entries, 2 time entries
	l := open(t, vfs.NewMem(), cfg, log.Recovery{})
	for i := 0; i < 6; i++ {
		appendOK(t, l, batchOf(int64(1000+i), 1, 10), 0)
	}
	s := l.Segments()
	if len(s) < 2 || s[0].TimeEntries != 2 || s[0].IndexEntries > 3 {
		t.Fatalf("segments %+v, want a roll once the time index holds 2 entries", s)
	}
	l2 := open(t, vfs.NewMem(), log.DefaultConfig(), log.Recovery{})
	appendOK(t, l2, batchOf(1, 1, 10), 0)
	far := batchOf(1, 1, 10)
	record.SetBaseOffset(far, 1<<32)
	if _, err := l2.AppendAsFollower(far, 0); err != nil {
		t.Fatalf("AppendAsFollower: %v", err)
	}
	if s := l2.Segments(); len(s) != 2 || s[1].BaseOffset != 1<<32 {
		t.Fatalf("segments %+v, want a new segment at 2^32", s)
	}
}
