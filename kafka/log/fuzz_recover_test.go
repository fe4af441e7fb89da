package log

import (
	"testing"

	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// FuzzRecover writes arbitrary bytes after a few good batches into a
// segment (and arbitrary bytes into its offset index), opens the log as
// after a crash, and checks recovery never panics and leaves a log whose
// every batch validates, whose offsets are contiguous, and that accepts
// and serves a new append. With a clean-shutdown marker the files are
// trusted, so only "no panic" is checked there.
// Reference: docs/reference/kafka.md §3 "Recovery"; AK Log.recoverLog, LogSegment.recover.
func FuzzRecover(f *testing.F) {
	good := append(record.Simple(1000, []byte("a"), []byte("b")), record.Simple(2000, []byte("c"))...)
	f.Add(3, []byte{}, []byte{})
	f.Add(1, []byte{0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 80}, []byte{0, 0, 0, 1, 0, 0, 0, 0})
	f.Add(2, good[:40], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, keep int, tail, index []byte) {
		batches := [][]byte{record.Simple(1000, []byte("a"), []byte("b")), record.Simple(2000, []byte("c")), record.Simple(3000, []byte("d"), []byte("e"))}
		var seg []byte
		next := int64(0)
		for i := 0; i < keep%4 && i < len(batches); i++ {
			b := append([]byte(nil), batches[i]...)
			record.SetBaseOffset(b, next)
			h, err := record.ParseHeader(b)
			if err != nil {
				t.Fatal(err)
			}
			next += int64(h.LastOffsetDelta) + 1
			seg = append(seg, b...)
		}
		seg = append(seg, tail...)
		for _, clean := range []bool{false, true} {
			fs := vfs.NewMem()
			fs.MkdirAll("/p-0", 0o755)
			write := func(name string, data []byte) {
				fh, err := vfs.Create(fs, "/p-0/"+name)
				if err != nil {
					t.Fatal(err)
				}
				fh.Write(data)
				fh.Sync()
				fh.Close()
			}
			write("00000000000000000000.log", seg)
			write("00000000000000000000.index", index)
			l, err := Open(fs, "/p-0", DefaultConfig(), Recovery{Clean: clean}, 5000)
			if err != nil {
				continue // refusing a corrupt log is allowed; panicking is not
			}
			if clean {
				l.Close()
				continue
			}
			if l.EndOffset() < next {
				t.Fatalf("recovery lost good batches: end offset %d, want >= %d", l.EndOffset(), next)
			}
			checkReadable(t, l)
			info, err := l.Append(record.Simple(9000, []byte("new")), 0, 9000)
			if err != nil {
				t.Fatalf("append after recovery: %v", err)
			}
			if info.FirstOffset != l.EndOffset()-1 {
				t.Fatalf("append got offset %d, end offset now %d", info.FirstOffset, l.EndOffset())
			}
			checkReadable(t, l)
			l.Close()
		}
	})
}

// checkReadable reads the whole log batch by batch: every batch validates
// and offsets are contiguous from the start offset to the end offset.
func checkReadable(t *testing.T, l *Log) {
	t.Helper()
	off := l.StartOffset()
	for off < l.EndOffset() {
		sec, err := l.Read(off, 1<<20, l.EndOffset(), true)
		if err != nil {
			t.Fatalf("read at %d (end %d): %v", off, l.EndOffset(), err)
		}
		b, err := sec.Bytes()
		if err != nil || len(b) == 0 {
			t.Fatalf("read at %d: %d bytes, %v", off, len(b), err)
		}
		for len(b) > 0 {
			n, ok := record.BatchSize(b)
			if !ok || n > len(b) {
				t.Fatalf("batch at offset %d: size %d of %d bytes", off, n, len(b))
			}
			h, err := record.Validate(b[:n])
			if err != nil {
				t.Fatalf("recovered batch at offset %d does not validate: %v", off, err)
			}
			if h.BaseOffset != off {
				t.Fatalf("batch base offset %d, want %d (offsets must be contiguous)", h.BaseOffset, off)
			}
			off = h.BaseOffset + int64(h.LastOffsetDelta) + 1
			b = b[n:]
		}
	}
}
