package txnlog

import (
	"errors"
	"path"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/proto"
)

// Iterator walks the txns of a log in zxid order. It sees what has been
// written to the files (Flush or Commit), not what is still buffered.
//
//	it := log.Iterator(snapZxid + 1)
//	for it.Next() {
//		tree.Apply(it.Txn())
//	}
//	if err := it.Err(); err != nil { ... }
type Iterator struct {
	fs    vfs.FS
	dir   string
	files []segment
	from  int64

	data []byte // the current file's bytes
	off  int
	txn  proto.Txn
	err  error
}

// Iterator returns an iterator over the txns with zxid >= from.
func (l *Log) Iterator(from int64) *Iterator {
	l.forgetPurged()
	return newIterator(l.fs, l.dir, append([]segment(nil), l.files...), from)
}

// forgetPurged drops from the file list the files Purge (a function of the
// directory, not of the Log) has removed since, so that iterating or
// truncating never trips over a file that is gone.
func (l *Log) forgetPurged() {
	kept := l.files[:0]
	for _, s := range l.files {
		if _, err := l.fs.Stat(path.Join(l.dir, s.name)); err == nil {
			kept = append(kept, s)
		}
	}
	l.files = kept
}

// ReadFrom iterates the log in dir without opening it for writing (and so
// without recovering it: a torn tail simply ends the iteration).
func ReadFrom(fs vfs.FS, dir string, from int64) *Iterator {
	files, err := listFiles(fs, dir)
	it := newIterator(fs, dir, files, from)
	it.err = err
	return it
}

func newIterator(fs vfs.FS, dir string, files []segment, from int64) *Iterator {
	// Skip the files that end before from: file i ends before file i+1 starts.
	start := 0
	for start+1 < len(files) && files[start+1].first <= from {
		start++
	}
	return &Iterator{fs: fs, dir: dir, files: files[start:], from: from}
}

// Next advances to the next txn; false at the end or on an error.
func (it *Iterator) Next() bool {
	for it.err == nil {
		if it.data == nil || it.off >= len(it.data) {
			if len(it.files) == 0 {
				return false
			}
			data, err := vfs.ReadFile(it.fs, path.Join(it.dir, it.files[0].name))
			if err != nil {
				it.err = err
				return false
			}
			it.files = it.files[1:]
			it.data, it.off = data, HeaderSize
			continue
		}
		txn, n, err := DecodeEntry(it.data[it.off:])
		if err != nil {
			if errors.Is(err, ErrEnd) || errors.Is(err, ErrTorn) {
				// The end of this file's content.
				it.off = len(it.data)
				continue
			}
			it.err = err
			return false
		}
		it.off += n
		if txn.Header.Zxid >= it.from {
			it.txn = txn
			return true
		}
	}
	return false
}

// Txn is the current txn.
func (it *Iterator) Txn() proto.Txn { return it.txn }

// Err is the error that stopped the iteration, if any.
func (it *Iterator) Err() error { return it.err }
