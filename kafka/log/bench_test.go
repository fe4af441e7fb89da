package log

import (
	"path"
	"testing"

	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// BenchmarkAppend appends 16 KiB batches of 100-byte records to a real
// directory (no fsync: the default flush policy).
func BenchmarkAppend(b *testing.B) {
	l, err := Open(vfs.OS{}, path.Join(b.TempDir(), "bench-0"), DefaultConfig(), Recovery{}, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	batch := mkBatch(1, 150, 100)
	req := make([]byte, len(batch))
	b.SetBytes(int64(len(batch)))
	b.ReportAllocs()
	for b.Loop() {
		copy(req, batch) // a produce request arrives as fresh bytes
		if _, err := l.Append(req, 0, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead reads 1 MiB fetches at random-ish offsets.
func BenchmarkRead(b *testing.B) {
	l, err := Open(vfs.OS{}, path.Join(b.TempDir(), "bench-0"), DefaultConfig(), Recovery{}, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	batch := mkBatch(1, 150, 100)
	for i := 0; i < 2000; i++ {
		if _, err := l.Append(append([]byte(nil), batch...), 0, 1); err != nil {
			b.Fatal(err)
		}
	}
	h, _ := record.ParseHeader(batch)
	end := l.EndOffset()
	buf := make([]byte, 1<<20)
	b.ReportAllocs()
	var off int64
	for b.Loop() {
		sec, err := l.Read(off, 1<<20, end, true)
		if err != nil || sec.Size == 0 {
			b.Fatal(err)
		}
		if _, err := sec.File.ReadAt(buf[:sec.Size], sec.Pos); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(sec.Size)
		off = (off + 7919*int64(h.NumRecords)) % end
	}
}
