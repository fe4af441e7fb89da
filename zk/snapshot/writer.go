package snapshot

import (
	"errors"
	"hash"
	"hash/adler32"
	"io"
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

// stream serializes a snapshot onto any io.Writer: the header and session
// table, the nodes depth first, the trailer (end marker and Adler-32 of
// everything before it). A file (Writer) and a byte buffer (Encode) are
// both written through it, so the SNAP packet's payload is byte for byte
// the file a server would write.
type stream struct {
	out   io.Writer
	buf   []byte
	sum   hash.Hash32
	stack []string // paths still to visit, depth first
	err   error
}

func newStream(out io.Writer, sessions []Session) *stream {
	st := &stream{out: out, sum: adler32.New(), stack: []string{"/"}}
	e := proto.NewEncoder(nil)
	(&txnlog.FileHeader{Magic: Magic, Version: Version}).Encode(e)
	e.Int(int32(len(sessions)))
	for _, s := range sessions {
		e.Long(s.ID)
		e.Int(s.Timeout)
	}
	st.buf = e.Bytes()
	return st
}

// step serializes up to max nodes and reports whether every node has been
// written. A node deleted since its parent was visited is skipped.
func (st *stream) step(tree Source, max int) (bool, error) {
	if st.err != nil {
		return false, st.err
	}
	for n := 0; n < max && len(st.stack) > 0; n++ {
		p := st.stack[len(st.stack)-1]
		st.stack = st.stack[:len(st.stack)-1]
		data, stat, err := tree.GetData(p)
		if err != nil {
			continue // deleted meanwhile: the log replay deletes it anyway
		}
		acl, _, _ := tree.GetACL(p)
		children, _, _ := tree.Children(p)
		e := proto.NewEncoder(st.buf)
		(&Node{Path: p, Data: data, ACL: acl, Stat: stat}).encode(e)
		st.buf = e.Bytes()
		// Push in reverse so the children are visited in sorted order.
		for i := len(children) - 1; i >= 0; i-- {
			c := children[i]
			if p == "/" {
				st.stack = append(st.stack, "/"+c)
			} else {
				st.stack = append(st.stack, p+"/"+c)
			}
		}
		if len(st.buf) >= flushAt {
			if err := st.flush(); err != nil {
				return false, err
			}
		}
	}
	return len(st.stack) == 0, nil
}

func (st *stream) flush() error {
	if len(st.buf) == 0 {
		return nil
	}
	st.sum.Write(st.buf)
	if _, err := st.out.Write(st.buf); err != nil {
		st.err = err
		return err
	}
	st.buf = st.buf[:0]
	return nil
}

// finish writes the end of nodes and the trailer.
func (st *stream) finish() error {
	if st.err != nil {
		return st.err
	}
	if len(st.stack) != 0 {
		return errors.New("snapshot: finished before every node was written")
	}
	e := proto.NewEncoder(st.buf)
	e.String("") // end of nodes
	st.buf = e.Bytes()
	if err := st.flush(); err != nil {
		return err
	}
	e = proto.NewEncoder(nil)
	e.Long(int64(st.sum.Sum32()))
	e.String("/")
	if _, err := st.out.Write(e.Bytes()); err != nil {
		st.err = err
		return err
	}
	return nil
}

// Encode writes a whole snapshot of tree (last applied txn zxid, the
// given session table) to w, in the file format: a SNAP packet's payload,
// a replicated state machine's image. Decode reads it back.
func Encode(w io.Writer, sessions []Session, tree Source) error {
	st := newStream(w, sessions)
	for {
		done, err := st.step(tree, 1<<30)
		if err != nil {
			return err
		}
		if done {
			return st.finish()
		}
	}
}

// Writer writes one fuzzy snapshot file, a few nodes at a time.
//
// Begin and Step must be called by the goroutine that owns the tree, between
// writes; Finish (the slow part: fsync) may be called from another
// goroutine once Step has reported done, as long as only one does.
type Writer struct {
	fs   vfs.FS
	dir  string
	name string
	zxid int64
	f    vfs.File
	st   *stream
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
	return &Writer{fs: fs, dir: dir, name: name, zxid: zxid, f: f, st: newStream(f, sessions)}, nil
}

// Zxid is the zxid the snapshot is named after.
func (w *Writer) Zxid() int64 { return w.zxid }

// Step serializes up to max nodes and reports whether every node has been
// written. A node deleted since its parent was visited is skipped.
func (w *Writer) Step(tree Source, max int) (bool, error) { return w.st.step(tree, max) }

// Finish writes the trailer, fsyncs the file and its directory. Once it
// returns nil the snapshot is durable and valid.
func (w *Writer) Finish() error {
	if err := w.st.finish(); err != nil {
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
