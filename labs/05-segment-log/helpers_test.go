//go:build grade

package lab05_test

import (
	"bytes"
	"testing"

	"github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

const dir = "/data/orders-0"

// batchOf builds a producer batch of n records with size-byte values at
// timestamps ts, ts+1, ...
func batchOf(ts int64, n, size int) []byte {
	recs := make([]record.Record, n)
	for i := range recs {
		recs[i] = record.Record{OffsetDelta: int32(i), TimestampDelta: int64(i), Value: bytes.Repeat([]byte{'v'}, size)}
	}
	b, err := record.AppendBatch(nil, record.NoProducer(record.None, ts), recs)
	if err != nil {
		panic(err)
	}
	return b
}

func cfgSmall() log.Config {
	c := log.DefaultConfig()
	c.SegmentBytes = 1024
	c.IndexIntervalBytes = 100
	c.RetentionMs = -1
	return c
}

func open(t *testing.T, fs vfs.FS, cfg log.Config, rec log.Recovery) *log.Log {
	t.Helper()
	l, err := log.Open(fs, dir, cfg, rec, 0)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return l
}

func appendOK(t *testing.T, l *log.Log, b []byte, now int64) log.AppendInfo {
	t.Helper()
	info, err := l.Append(b, 0, now)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	return info
}

// batches reads the whole log one batch at a time.
func batches(t *testing.T, l *log.Log) [][]byte {
	t.Helper()
	var out [][]byte
	for off := l.StartOffset(); off < l.EndOffset(); {
		sec, err := l.Read(off, 1, l.EndOffset(), true)
		if err != nil {
			t.Fatalf("Read(%d): %v", off, err)
		}
		b, err := sec.Bytes()
		if err != nil {
			t.Fatalf("Section.Bytes: %v", err)
		}
		batch, rest, h, err := record.Split(b)
		if err != nil || len(rest) != 0 {
			t.Fatalf("Read(%d, maxBytes 1, minOne) = %d bytes, not exactly one whole batch (%v)", off, len(b), err)
		}
		if h.LastOffset() < off || h.BaseOffset > off {
			t.Fatalf("Read(%d) returned batch [%d, %d], which does not hold %d", off, h.BaseOffset, h.LastOffset(), off)
		}
		out = append(out, batch)
		off = h.NextOffset()
	}
	return out
}
