//go:build grade

package lab05_test

import (
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// TestReadEveryOffset reads from every offset of a many-segment log with
// a dense sparse index: each read must start at the batch holding the
// offset (index lookup, then a forward scan).
//
// Points: 10
// Reference: docs/reference/kafka.md §3 "Lookup"; AK OffsetIndex.lookup, LogSegment.translateOffset
func TestReadEveryOffset(t *testing.T) {
	l := open(t, vfs.NewMem(), cfgSmall(), log.Recovery{})
	for i := 0; i < 40; i++ {
		appendOK(t, l, batchOf(int64(i), 1+i%4, 30), 0)
	}
	if len(l.Segments()) < 3 {
		t.Fatalf("want several segments, got %+v", l.Segments())
	}
	for off := int64(0); off < l.EndOffset(); off++ {
		sec, err := l.Read(off, 1, l.EndOffset(), true)
		if err != nil {
			t.Fatalf("Read(%d): %v", off, err)
		}
		b, err := sec.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		_, rest, h, err := record.Split(b)
		if err != nil || len(rest) != 0 {
			t.Fatalf("Read(%d) = %d bytes, not one whole batch: %v", off, len(b), err)
		}
		if h.BaseOffset > off || h.LastOffset() < off {
			t.Fatalf("Read(%d) starts at batch [%d, %d]", off, h.BaseOffset, h.LastOffset())
		}
	}
	if got := len(batches(t, l)); got != 40 {
		t.Fatalf("%d batches readable, want 40", got)
	}
}

// TestReadLimits checks maxBytes (whole batches only), KIP-74's first
// batch, the high watermark bound, reads at the log end and out of range.
//
// Points: 10
// Reference: docs/reference/kafka.md §2 "Fetch truncation" (KIP-74); AK LogSegment.read
func TestReadLimits(t *testing.T) {
	l := open(t, vfs.NewMem(), log.DefaultConfig(), log.Recovery{})
	big, small := batchOf(1, 1, 1000), batchOf(2, 1, 10)
	appendOK(t, l, big, 0)
	appendOK(t, l, small, 0)
	appendOK(t, l, batchOf(3, 1, 10), 0)
	if sec, err := l.Read(0, 100, l.EndOffset(), true); err != nil || sec.Size != int64(len(big)) {
		t.Fatalf("Read(0, maxBytes 100, minOne) = %d bytes (%v), want the whole first batch (%d)", sec.Size, err, len(big))
	}
	if sec, err := l.Read(0, 100, l.EndOffset(), false); err != nil || sec.Size != 0 {
		t.Fatalf("Read(0, maxBytes 100, !minOne) = %d bytes (%v), want 0", sec.Size, err)
	}
	if sec, _ := l.Read(0, len(big)+len(small)-1, l.EndOffset(), true); sec.Size != int64(len(big)) {
		t.Fatalf("a partial second batch was returned: %d bytes", sec.Size)
	}
	if sec, _ := l.Read(0, 1<<20, l.EndOffset(), true); sec.Size != int64(len(big)+2*len(small)) {
		t.Fatalf("Read(0, 1 MiB) = %d bytes, want all three batches", sec.Size)
	}
	if sec, _ := l.Read(0, 1<<20, 2, true); sec.Size != int64(len(big)+len(small)) {
		t.Fatalf("Read up to high watermark 2 = %d bytes, want two batches", sec.Size)
	}
	if sec, err := l.Read(3, 100, 3, true); err != nil || sec.Size != 0 {
		t.Fatalf("Read at the log end = %d bytes, %v; want empty", sec.Size, err)
	}
	if _, err := l.Read(4, 100, 4, true); !errors.Is(err, kerr.OffsetOutOfRange) {
		t.Fatalf("Read past the log end: %v, want OFFSET_OUT_OF_RANGE", err)
	}
}

// TestOffsetForTimestamp checks ListOffsets: -2 earliest, -1 latest, and
// the first offset whose timestamp is >= the target, with timestamps that
// go back and forth.
//
// Points: 10
// Reference: docs/reference/kafka.md §1.3; AK Log.fetchOffsetByTimestamp, LogSegment.findOffsetByTimestamp; franz-go#706
func TestOffsetForTimestamp(t *testing.T) {
	l := open(t, vfs.NewMem(), cfgSmall(), log.Recovery{})
	for _, ts := range []int64{100, 300, 200, 400, 400, 500} {
		appendOK(t, l, batchOf(ts, 2, 200), 0) // records at ts, ts+1
	}
	for _, c := range []struct{ target, off, ts int64 }{
		{-2, 0, -1}, {-1, 12, -1},
		{0, 0, 100}, {101, 1, 101}, {102, 2, 300}, {250, 2, 300},
		{301, 3, 301}, {302, 6, 400}, {401, 7, 401}, {402, 10, 500}, {502, -1, -1},
	} {
		off, ts, err := l.OffsetForTimestamp(c.target)
		if err != nil || off != c.off || ts != c.ts {
			t.Errorf("OffsetForTimestamp(%d) = (%d, %d, %v), want (%d, %d)", c.target, off, ts, err, c.off, c.ts)
		}
	}
}
