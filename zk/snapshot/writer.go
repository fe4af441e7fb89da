package snapshot

import (
	"errors"
	"hash"
	"hash/adler32"
	"os"
	"path"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/txnlog"
)

// Source is the tree as a fuzzy snapshot reads it; *znode.Tree satisfies it.
type Source interface {
	GetData(path string) ([]byte, proto.Stat, error)
	GetACL(path string) ([]proto.ACL, proto.Stat, error)
	Children(path string) ([]string, proto.Stat, error)
}

// flushAt is how much encoded data a Writer buffers before writing it out.
const flushAt = 64 << 10

// Writer writes one fuzzy snapshot, a few nodes at a time.
//
// Begin and Step must be called by the goroutine that owns the tree, between
// writes; Finish (the slow part: fsync) may be called from another
// goroutine once Step has reported done, as long as only one does.
type Writer struct {
	fs    vfs.FS
	dir   string
	name  string
	zxid  int64
	f     vfs.File
	buf   []byte
	sum   hash.Hash32
	stack []string // paths still to visit, depth first
	err   error
}

// Begin starts the snapshot of a tree whose last applied txn is zxid, with
// the session table as it is now.
func Begin(fs vfs.FS, dir string, zxid int64, sessions []Session) (*Writer, error) {
	if err := fs.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	name := path.Join(dir, FileName(zxid))
	f, err := fs.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	w := &Writer{fs: fs, dir: dir, name: name, zxid: zxid, f: f, sum: adler32.New(), stack: []string{"/"}}
	e := proto.NewEncoder(nil)
	(&txnlog.FileHeader{Magic: Magic, Version: Version}).Encode(e)
	e.Int(int32(len(sessions)))
	for _, s := range sessions {
		e.Long(s.ID)
		e.Int(s.Timeout)
	}
	w.buf = e.Bytes()
	return w, nil
}

// Zxid is the zxid the snapshot is named after.
func (w *Writer) Zxid() int64 { return w.zxid }

// Step serializes up to max nodes and reports whether every node has been
// written. A node deleted since its parent was visited is skipped.
func (w *Writer) Step(tree Source, max int) (bool, error) {
	if w.err != nil {
		return false, w.err
	}
	for n := 0; n < max && len(w.stack) > 0; n++ {
		p := w.stack[len(w.stack)-1]
		w.stack = w.stack[:len(w.stack)-1]
		data, stat, err := tree.GetData(p)
		if err != nil {
			continue // deleted meanwhile: the log replay deletes it anyway
		}
		acl, _, _ := tree.GetACL(p)
		children, _, _ := tree.Children(p)
		e := proto.NewEncoder(w.buf)
		(&Node{Path: p, Data: data, ACL: acl, Stat: stat}).encode(e)
		w.buf = e.Bytes()
		// Push in reverse so the children are visited in sorted order.
		for i := len(children) - 1; i >= 0; i-- {
			c := children[i]
			if p == "/" {
				w.stack = append(w.stack, "/"+c)
			} else {
				w.stack = append(w.stack, p+"/"+c)
			}
		}
		if len(w.buf) >= flushAt {
			if err := w.flush(); err != nil {
				return false, err
			}
		}
	}
	return len(w.stack) == 0, nil
}

func (w *Writer) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	w.sum.Write(w.buf)
	if _, err := w.f.Write(w.buf); err != nil {
		w.err = err
		return err
	}
	w.buf = w.buf[:0]
	return nil
}

// Finish writes the trailer, fsyncs the file and its directory. Once it
// returns nil the snapshot is durable and valid.
func (w *Writer) Finish() error {
	if w.err != nil {
		w.Abort()
		return w.err
	}
	if len(w.stack) != 0 {
		w.Abort()
		return errors.New("snapshot: Finish before Step reported done")
	}
	e := proto.NewEncoder(w.buf)
	e.String("") // end of nodes
	w.buf = e.Bytes()
	if err := w.flush(); err != nil {
		w.Abort()
		return err
	}
	e = proto.NewEncoder(nil)
	e.Long(int64(w.sum.Sum32()))
	e.String("/")
	if _, err := w.f.Write(e.Bytes()); err != nil {
		w.Abort()
		return err
	}
	if err := w.f.Sync(); err != nil {
		w.Abort()
		return err
	}
	if err := w.f.Close(); err != nil {
		return err
	}
	return w.fs.SyncDir(w.dir)
}

// Abort gives up on the snapshot and removes its file.
func (w *Writer) Abort() {
	w.f.Close()
	w.fs.Remove(w.name)
}

// Write takes a whole snapshot at once (for tests and for shutdown).
func Write(fs vfs.FS, dir string, zxid int64, sessions []Session, tree Source) error {
	w, err := Begin(fs, dir, zxid, sessions)
	if err != nil {
		return err
	}
	for {
		done, err := w.Step(tree, 1<<30)
		if err != nil {
			w.Abort()
			return err
		}
		if done {
			return w.Finish()
		}
	}
}
