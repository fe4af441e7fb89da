package log

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

const testDir = "/data/t-0"

// smallConfig makes segments roll every few batches and indexes dense.
func smallConfig() Config {
	c := DefaultConfig()
	c.SegmentBytes = 1024
	c.IndexIntervalBytes = 100
	c.RetentionMs = -1
	return c
}

// mkBatch builds a producer batch of n records at timestamps ts, ts+1, ...
// with values of size bytes.
func mkBatch(ts int64, n, size int) []byte {
	recs := make([]record.Record, n)
	for i := range recs {
		recs[i] = record.Record{OffsetDelta: int32(i), TimestampDelta: int64(i), Value: bytes.Repeat([]byte{byte('a' + i%26)}, size)}
	}
	b, err := record.AppendBatch(nil, record.NoProducer(record.None, ts), recs)
	if err != nil {
		panic(err)
	}
	return b
}

func mustOpen(t testing.TB, fs vfs.FS, cfg Config, rec Recovery) *Log {
	t.Helper()
	l, err := Open(fs, testDir, cfg, rec, 0)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return l
}

func mustAppend(t testing.TB, l *Log, b []byte, now int64) AppendInfo {
	t.Helper()
	info, err := l.Append(b, 0, now)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	return info
}

// readAllBatches reads the whole log batch by batch through Read.
func readAllBatches(t testing.TB, l *Log) [][]byte {
	t.Helper()
	var out [][]byte
	for off := l.StartOffset(); off < l.EndOffset(); {
		sec, err := l.Read(off, 1, l.EndOffset(), true)
		if err != nil {
			t.Fatalf("Read(%d): %v", off, err)
		}
		b, err := sec.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		batch, rest, h, err := record.Split(b)
		if err != nil || len(rest) != 0 {
			t.Fatalf("Read(%d) with maxBytes 1 returned %d bytes, not one whole batch: %v", off, len(b), err)
		}
		if h.LastOffset() < off {
			t.Fatalf("Read(%d) returned batch [%d, %d]", off, h.BaseOffset, h.LastOffset())
		}
		out = append(out, batch)
		off = h.NextOffset()
	}
	return out
}

func describe(b []byte) string {
	h, err := record.ParseHeader(b)
	if err != nil {
		return fmt.Sprintf("<bad: %v>", err)
	}
	return fmt.Sprintf("[%d..%d]", h.BaseOffset, h.LastOffset())
}

var _ = rand.New
