//go:build grade

package lab05_test

import (
	"bytes"
	"os"
	"path"
	"testing"

	"github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// TestRecoverTornTail crashes after unflushed appends (a random prefix of
// the unsynced bytes survives): every flushed batch must survive, and the
// log must end exactly at the last whole valid batch.
//
// Points: 10
// Reference: docs/reference/kafka.md §3 "Recovery"; AK LogSegment.recover
func TestRecoverTornTail(t *testing.T) {
	r := sim.Rand(t)
	for iter := 0; iter < 40; iter++ {
		mem := vfs.NewMem()
		l := open(t, mem, log.DefaultConfig(), log.Recovery{})
		var want [][]byte
		for i := 0; i < 4; i++ {
			appendOK(t, l, batchOf(int64(i), 1+r.IntN(3), r.IntN(80)), 0)
		}
		if err := l.Flush(); err != nil {
			t.Fatalf("Flush: %v", err)
		}
		flushed := batches(t, l)
		for i := 0; i < 4; i++ {
			appendOK(t, l, batchOf(int64(i), 1+r.IntN(3), r.IntN(80)), 0)
		}
		want = batches(t, l)
		crashed := mem.Crash(r)
		raw, _ := vfs.ReadFile(crashed, path.Join(dir, "00000000000000000000.log"))
		wholeBatches := 0
		for rest := raw; ; wholeBatches++ {
			n, ok := record.BatchSize(rest)
			if !ok || n > len(rest) {
				break
			}
			rest = rest[n:]
		}
		l2 := open(t, crashed, log.DefaultConfig(), log.Recovery{})
		got := batches(t, l2)
		if len(got) < len(flushed) {
			t.Fatalf("iteration %d: %d batches after the crash, but %d were flushed", iter, len(got), len(flushed))
		}
		if len(got) != wholeBatches {
			t.Fatalf("iteration %d: recovered %d batches, the file held %d whole ones", iter, len(got), wholeBatches)
		}
		for i := range got {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("iteration %d: batch %d differs after recovery", iter, i)
			}
		}
		after, _ := crashed.Stat(path.Join(dir, "00000000000000000000.log"))
		if after.Size() != l2.Size() {
			t.Fatalf("iteration %d: .log is %d bytes, the log %d: the torn tail was not cut", iter, after.Size(), l2.Size())
		}
	}
}

// TestRecoverGarbage checks that recovery cuts at the first invalid byte:
// zeros after the last batch (an inode grown before its data was written),
// random bytes, and a whole batch with a bad CRC.
//
// Points: 5
// Reference: docs/reference/kafka.md §3 "Recovery" (the CRC matters)
func TestRecoverGarbage(t *testing.T) {
	for _, c := range []struct {
		name string
		tail func(last []byte) (off int, b []byte) // write b at len(log)+off
		keep int64                                 // batches that must survive
	}{
		{"zeros", func([]byte) (int, []byte) { return 0, make([]byte, 300) }, 3},
		{"random bytes", func([]byte) (int, []byte) { return 0, []byte("this is not a record batch, not at all") }, 3},
		{"bad crc", func(last []byte) (int, []byte) { return -1, []byte{last[len(last)-1] ^ 0xff} }, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			mem := vfs.NewMem()
			l := open(t, mem, log.DefaultConfig(), log.Recovery{})
			var last []byte
			for i := 0; i < 3; i++ {
				last = batchOf(int64(i), 2, 40)
				appendOK(t, l, last, 0)
			}
			size := l.Size()
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			f, err := mem.OpenFile(path.Join(dir, "00000000000000000000.log"), os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			off, b := c.tail(last)
			f.WriteAt(b, size+int64(off))
			f.Sync()
			f.Close()
			l2 := open(t, mem, log.DefaultConfig(), log.Recovery{}) // unclean: no marker
			if l2.EndOffset() != 2*c.keep || int64(len(batches(t, l2))) != c.keep {
				t.Fatalf("LEO %d after recovery, want %d (%d batches)", l2.EndOffset(), 2*c.keep, c.keep)
			}
			appendOK(t, l2, batchOf(9, 1, 5), 0)
			if got := len(batches(t, l2)); int64(got) != c.keep+1 {
				t.Fatalf("%d batches after appending past the cut, want %d", got, c.keep+1)
			}
		})
	}
}

// TestRecoverRebuildsIndexes checks that an unclean open rebuilds the
// indexes from the log: deleted or garbage index files come back with the
// entries the appends made, and reads use them.
//
// Points: 5
// Reference: docs/reference/kafka.md §3 "Index files" (rebuilt, not checksummed, after a crash)
func TestRecoverRebuildsIndexes(t *testing.T) {
	mem := vfs.NewMem()
	cfg := log.DefaultConfig()
	cfg.IndexIntervalBytes = 200
	l := open(t, mem, cfg, log.Recovery{})
	for i := 0; i < 20; i++ {
		appendOK(t, l, batchOf(int64(1000+i), 1, 150), 0) // one batch per append: per-batch rule = append rule
	}
	before := l.Segments()[0]
	idx, _ := vfs.ReadFile(mem, path.Join(dir, "00000000000000000000.index"))
	tidx, _ := vfs.ReadFile(mem, path.Join(dir, "00000000000000000000.timeindex"))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	mem.Remove(path.Join(dir, "00000000000000000000.index"))
	f, _ := vfs.Create(mem, path.Join(dir, "00000000000000000000.timeindex"))
	f.Write(bytes.Repeat([]byte{0xee}, 40))
	f.Sync()
	f.Close()
	l2 := open(t, mem, cfg, log.Recovery{})
	after := l2.Segments()[0]
	if after.IndexEntries != before.IndexEntries || after.TimeEntries != before.TimeEntries || before.IndexEntries == 0 {
		t.Fatalf("rebuilt %d/%d entries, appends made %d/%d", after.IndexEntries, after.TimeEntries, before.IndexEntries, before.TimeEntries)
	}
	idx2, _ := vfs.ReadFile(mem, path.Join(dir, "00000000000000000000.index"))
	tidx2, _ := vfs.ReadFile(mem, path.Join(dir, "00000000000000000000.timeindex"))
	if !bytes.Equal(idx, idx2) || !bytes.Equal(tidx, tidx2) {
		t.Fatalf("rebuilt index files differ:\n.index     %x\n  rebuilt  %x\n.timeindex %x\n  rebuilt  %x", idx, idx2, tidx, tidx2)
	}
	if got := len(batches(t, l2)); got != 20 {
		t.Fatalf("%d batches readable, want 20", got)
	}
}
