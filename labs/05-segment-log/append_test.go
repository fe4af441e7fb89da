//go:build grade

package lab05_test

import (
	"encoding/binary"
	"errors"
	"path"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// TestAppendAssignsOffsets checks that Append gives each batch the next
// offsets, stamps baseOffset and the leader epoch in place (the CRC stays
// valid), and writes the batches to the .log as they are.
//
// Points: 10
// Reference: docs/reference/kafka.md §2 "Broker rewrites"; AK LogValidator.assignOffsetsNonCompressed
func TestAppendAssignsOffsets(t *testing.T) {
	mem := vfs.NewMem()
	l := open(t, mem, log.DefaultConfig(), log.Recovery{})
	req := append(batchOf(10, 3, 5), batchOf(20, 2, 5)...)
	info, err := l.Append(req, 7, 0)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	if info.FirstOffset != 0 || info.LastOffset != 4 || info.Records != 5 || info.MaxTimestamp != 21 {
		t.Fatalf("AppendInfo %+v, want offsets 0..4, 5 records, max timestamp 21", info)
	}
	if info := appendOK(t, l, batchOf(30, 1, 5), 0); info.FirstOffset != 5 || l.EndOffset() != 6 {
		t.Fatalf("second append: first offset %d, LEO %d; want 5, 6", info.FirstOffset, l.EndOffset())
	}
	data, err := vfs.ReadFile(mem, path.Join(dir, "00000000000000000000.log"))
	if err != nil {
		t.Fatal(err)
	}
	var bases []int64
	for rest := data; len(rest) > 0; {
		b, tail, h, err := record.Split(rest)
		if err != nil {
			t.Fatalf(".log holds something that is not a batch: %v", err)
		}
		if _, err := record.Validate(b); err != nil {
			t.Fatalf("batch on disk fails validation (CRC recomputed or bytes changed?): %v", err)
		}
		if h.BaseOffset < 5 && h.PartitionLeaderEpoch != 7 {
			t.Fatalf("batch at %d carries epoch %d, want 7", h.BaseOffset, h.PartitionLeaderEpoch)
		}
		bases = append(bases, h.BaseOffset)
		rest = tail
	}
	if len(bases) != 3 || bases[0] != 0 || bases[1] != 3 || bases[2] != 5 {
		t.Fatalf("base offsets on disk %v, want [0 3 5]", bases)
	}
}

// TestAppendRejectsCorrupt checks that one bad batch rejects the whole
// request with CORRUPT_MESSAGE and leaves the log and the request's bytes
// untouched.
//
// Points: 5
// Reference: docs/reference/kafka.md §2; AK LogValidator.validateBatch
func TestAppendRejectsCorrupt(t *testing.T) {
	l := open(t, vfs.NewMem(), log.DefaultConfig(), log.Recovery{})
	good, bad := batchOf(1, 2, 10), batchOf(1, 2, 10)
	bad[len(bad)-1] ^= 1
	req := append(append([]byte{}, good...), bad...)
	if _, err := l.Append(req, 0, 0); !errors.Is(err, kerr.CorruptMessage) {
		t.Fatalf("Append(good+bad CRC) = %v, want CORRUPT_MESSAGE", err)
	}
	if _, err := l.Append(good[:len(good)-3], 0, 0); !errors.Is(err, kerr.CorruptMessage) {
		t.Fatalf("Append(torn batch) = %v, want CORRUPT_MESSAGE", err)
	}
	if l.EndOffset() != 0 || l.Size() != 0 {
		t.Fatalf("rejected appends changed the log: LEO %d, size %d", l.EndOffset(), l.Size())
	}
	appendOK(t, l, batchOf(1, 2, 10), 0)
	if l.EndOffset() != 2 {
		t.Fatalf("LEO %d after a good append, want 2", l.EndOffset())
	}
	_ = binary.BigEndian
}

// TestIndexFiles checks the append rule and the on-disk entry formats: an
// offset index entry (relOffset u32, position u32) when more than
// index.interval.bytes were appended since the last one, mapping the
// append's last offset to its start position; and a time index entry
// (timestamp i64, relOffset u32) with the max timestamp so far.
//
// Points: 10
// Reference: docs/reference/kafka.md §3 "Index files"; AK LogSegment.append
func TestIndexFiles(t *testing.T) {
	cfg := log.DefaultConfig()
	cfg.IndexIntervalBytes = 250
	mem := vfs.NewMem()
	l := open(t, mem, cfg, log.Recovery{})
	var pos []int64
	var p int64
	for i := 0; i < 8; i++ {
		b := batchOf(int64(100+i), 2, 50) // about 170 bytes
		pos = append(pos, p)
		p += int64(len(b))
		appendOK(t, l, b, 0)
	}
	// Appends 0 and 1 bring 340 bytes (> 250): append 2 gets an entry, then 4, then 6.
	raw, _ := vfs.ReadFile(mem, path.Join(dir, "00000000000000000000.index"))
	want := []struct{ rel, pos uint32 }{{5, uint32(pos[2])}, {9, uint32(pos[4])}, {13, uint32(pos[6])}}
	if len(raw) != 8*len(want) {
		t.Fatalf(".index is %d bytes, want %d entries of 8 bytes", len(raw), len(want))
	}
	for i, w := range want {
		rel, ps := binary.BigEndian.Uint32(raw[8*i:]), binary.BigEndian.Uint32(raw[8*i+4:])
		if rel != w.rel || ps != w.pos {
			t.Fatalf(".index entry %d = (%d, %d), want (%d, %d)", i, rel, ps, w.rel, w.pos)
		}
	}
	traw, _ := vfs.ReadFile(mem, path.Join(dir, "00000000000000000000.timeindex"))
	if len(traw) != 12*3 {
		t.Fatalf(".timeindex is %d bytes, want 3 entries of 12 bytes", len(traw))
	}
	for i, w := range []struct {
		ts  int64
		rel uint32
	}{{103, 5}, {105, 9}, {107, 13}} {
		ts, rel := int64(binary.BigEndian.Uint64(traw[12*i:])), binary.BigEndian.Uint32(traw[12*i+8:])
		if ts != w.ts || rel != w.rel {
			t.Fatalf(".timeindex entry %d = (%d, %d), want (%d, %d)", i, ts, rel, w.ts, w.rel)
		}
	}
	if s := l.Segments(); s[0].IndexEntries != 3 || s[0].TimeEntries != 3 {
		t.Fatalf("in-memory entries %+v", s[0])
	}
}
