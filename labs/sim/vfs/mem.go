package vfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

// Mem is an in-memory file system that remembers what a power cut would
// keep. It is safe for concurrent use and deterministic: nothing in it
// depends on time or a global random source.
//
// Every file (an inode) has two versions of its bytes: what readers see now,
// and what was there at its last Sync. The namespace (which name points to
// which inode) also has two versions: the live one, and the durable one as
// of the last SyncDir of each directory; creates, renames and removes made
// since are kept, in order, in a pending list. Crash builds a new Mem from
// the durable versions, optionally letting a random prefix of the pending
// namespace operations and a random prefix of each file's unsynced tail
// through (a torn write).
//
// Directories are simpler: MkdirAll is durable at once, which is all the
// servers need (they create their data directories at start-up).
type Mem struct {
	mu      sync.Mutex
	files   map[string]*inode // the live namespace
	durable map[string]*inode // the namespace a crash starts from
	pending []nsOp            // namespace changes not yet made durable, oldest first
	dirs    map[string]bool
	fault   func(op Op, name string) error
}

// inode is a file's bytes.
type inode struct {
	data   []byte // what readers see
	synced []byte // what survives a crash for sure
}

// nsOp is a create, remove or rename that a crash may undo.
type nsOp struct {
	kind     Op // OpCreate, OpRemove or OpRename
	old, new string
	ino      *inode
}

// Op names a file-system operation, for fault injection.
type Op string

const (
	OpOpen     Op = "open"     // OpenFile of an existing file
	OpCreate   Op = "create"   // OpenFile creating a file
	OpWrite    Op = "write"    // Write and WriteAt
	OpSync     Op = "sync"     // File.Sync
	OpTruncate Op = "truncate" // File.Truncate
	OpRemove   Op = "remove"   // Remove, RemoveAll
	OpRename   Op = "rename"   // Rename
	OpSyncDir  Op = "syncdir"  // SyncDir
	OpMkdir    Op = "mkdir"    // MkdirAll
)

// NewMem returns an empty in-memory file system holding only "/" and ".".
func NewMem() *Mem {
	return &Mem{
		files:   map[string]*inode{},
		durable: map[string]*inode{},
		dirs:    map[string]bool{"/": true, ".": true},
	}
}

var _ FS = (*Mem)(nil)

// SetFault installs a hook called before every mutating operation (and
// every open). If it returns an error, the operation fails with it and
// changes nothing. A nil hook removes fault injection. The hook runs with
// the file system locked: it must not call back into m.
func (m *Mem) SetFault(hook func(op Op, name string) error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fault = hook
}

// FailNth returns a fault hook that fails the n-th (1-based) operation of
// kind op with err, and every later one too if sticky is set. A typical
// test: m.SetFault(vfs.FailNth(vfs.OpSync, 3, io.ErrUnexpectedEOF, true)).
func FailNth(op Op, n int, err error, sticky bool) func(Op, string) error {
	count := 0
	return func(o Op, _ string) error {
		if o != op {
			return nil
		}
		count++
		if count == n || (sticky && count > n) {
			return err
		}
		return nil
	}
}

// ErrInjected is a convenient error for fault hooks.
var ErrInjected = errors.New("vfs: injected fault")

func (m *Mem) check(op Op, name string) error {
	if m.fault == nil {
		return nil
	}
	if err := m.fault(op, name); err != nil {
		return &fs.PathError{Op: string(op), Path: name, Err: err}
	}
	return nil
}

func clean(name string) string { return path.Clean(name) }

func parent(name string) string {
	d := path.Dir(name)
	if d == "" {
		return "."
	}
	return d
}

// Crash returns the disk as a power cut at this instant would leave it, as
// a new, independent Mem (m itself is left alone, so goroutines still
// writing to it cannot touch the crashed disk).
//
// With a nil r the result is exactly the durable state: each file holds its
// synced bytes and the namespace is as of the last SyncDirs. With an r,
// the crash is one of the states a real disk might be in: a random prefix
// of the pending creates/renames/removes happened, and each file may keep a
// random prefix of the bytes appended after its last Sync.
func (m *Mem) Crash(r *rand.Rand) *Mem {
	m.mu.Lock()
	defer m.mu.Unlock()
	ns := make(map[string]*inode, len(m.durable))
	for name, ino := range m.durable {
		ns[name] = ino
	}
	if r != nil && len(m.pending) > 0 {
		k := r.IntN(len(m.pending) + 1)
		for _, op := range m.pending[:k] {
			op.applyTo(ns)
		}
	}
	out := NewMem()
	for d := range m.dirs {
		out.dirs[d] = true
	}
	copies := map[*inode]*inode{} // a hard-linked inode stays one inode
	// Visit names in sorted order: r is drawn from below, and map order
	// would make the same r tear different files on different runs.
	names := make([]string, 0, len(ns))
	for name := range ns {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ino := ns[name]
		c, ok := copies[ino]
		if !ok {
			data := append([]byte(nil), ino.synced...)
			if r != nil && len(ino.data) > len(ino.synced) && r.IntN(2) == 0 {
				tail := ino.data[len(ino.synced):]
				data = append(data, tail[:r.IntN(len(tail)+1)]...)
			}
			c = &inode{data: data, synced: append([]byte(nil), data...)}
			copies[ino] = c
		}
		out.files[name] = c
		out.durable[name] = c
	}
	return out
}

func (op nsOp) applyTo(ns map[string]*inode) {
	switch op.kind {
	case OpCreate:
		ns[op.new] = op.ino
	case OpRemove:
		delete(ns, op.old)
	case OpRename:
		delete(ns, op.old)
		ns[op.new] = op.ino
	}
}

// OpenFile opens name. O_CREATE needs the parent directory to exist.
func (m *Mem) OpenFile(name string, flag int, perm os.FileMode) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	name = clean(name)
	pe := func(err error) error { return &fs.PathError{Op: "open", Path: name, Err: err} }
	if m.dirs[name] {
		return nil, pe(errors.New("is a directory"))
	}
	ino, exists := m.files[name]
	switch {
	case exists && flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0:
		return nil, pe(fs.ErrExist)
	case !exists && flag&os.O_CREATE == 0:
		return nil, pe(fs.ErrNotExist)
	case !exists:
		if !m.dirs[parent(name)] {
			return nil, pe(fs.ErrNotExist)
		}
		if err := m.check(OpCreate, name); err != nil {
			return nil, err
		}
		ino = &inode{}
		m.files[name] = ino
		m.pending = append(m.pending, nsOp{kind: OpCreate, new: name, ino: ino})
	default:
		if err := m.check(OpOpen, name); err != nil {
			return nil, err
		}
	}
	writable := flag&(os.O_WRONLY|os.O_RDWR) != 0
	if flag&os.O_TRUNC != 0 && writable {
		ino.data = nil
	}
	return &memFile{m: m, ino: ino, name: name, flag: flag, readable: flag&os.O_WRONLY == 0, writable: writable}, nil
}

// Remove deletes a file or an empty directory.
func (m *Mem) Remove(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	name = clean(name)
	if err := m.check(OpRemove, name); err != nil {
		return err
	}
	if m.dirs[name] {
		for f := range m.files {
			if parent(f) == name {
				return &fs.PathError{Op: "remove", Path: name, Err: errors.New("directory not empty")}
			}
		}
		for d := range m.dirs {
			if d != name && parent(d) == name {
				return &fs.PathError{Op: "remove", Path: name, Err: errors.New("directory not empty")}
			}
		}
		delete(m.dirs, name)
		return nil
	}
	if _, ok := m.files[name]; !ok {
		return &fs.PathError{Op: "remove", Path: name, Err: fs.ErrNotExist}
	}
	m.removeLocked(name)
	return nil
}

func (m *Mem) removeLocked(name string) {
	delete(m.files, name)
	m.pending = append(m.pending, nsOp{kind: OpRemove, old: name})
}

// RemoveAll deletes name and everything below it; a missing name is fine.
// Removing a directory is durable at once, like creating one.
func (m *Mem) RemoveAll(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	name = clean(name)
	if err := m.check(OpRemove, name); err != nil {
		return err
	}
	under := func(p string) bool { return p == name || strings.HasPrefix(p, name+"/") || name == "/" || name == "." }
	for f := range m.files {
		if under(f) {
			m.removeLocked(f)
		}
	}
	for d := range m.dirs {
		if under(d) && d != "/" && d != "." {
			delete(m.dirs, d)
		}
	}
	return nil
}

// Rename atomically replaces newpath with oldpath.
func (m *Mem) Rename(oldpath, newpath string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	oldpath, newpath = clean(oldpath), clean(newpath)
	if err := m.check(OpRename, oldpath); err != nil {
		return err
	}
	ino, ok := m.files[oldpath]
	if !ok {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: fs.ErrNotExist}
	}
	if !m.dirs[parent(newpath)] || m.dirs[newpath] {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: fs.ErrNotExist}
	}
	if oldpath == newpath {
		return nil
	}
	delete(m.files, oldpath)
	m.files[newpath] = ino
	m.pending = append(m.pending, nsOp{kind: OpRename, old: oldpath, new: newpath, ino: ino})
	return nil
}

// MkdirAll creates dir and its parents (durably at once).
func (m *Mem) MkdirAll(dir string, perm os.FileMode) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	dir = clean(dir)
	if err := m.check(OpMkdir, dir); err != nil {
		return err
	}
	for d := dir; ; d = parent(d) {
		if _, isFile := m.files[d]; isFile {
			return &fs.PathError{Op: "mkdir", Path: d, Err: errors.New("not a directory")}
		}
		m.dirs[d] = true
		if d == "/" || d == "." {
			return nil
		}
	}
}

// ReadDir lists the files and directories directly in dir, sorted.
func (m *Mem) ReadDir(dir string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	dir = clean(dir)
	if !m.dirs[dir] {
		return nil, &fs.PathError{Op: "readdir", Path: dir, Err: fs.ErrNotExist}
	}
	var names []string
	for f := range m.files {
		if parent(f) == dir {
			names = append(names, path.Base(f))
		}
	}
	for d := range m.dirs {
		if d != dir && parent(d) == dir {
			names = append(names, path.Base(d))
		}
	}
	sort.Strings(names)
	return names, nil
}

// Stat describes name.
func (m *Mem) Stat(name string) (os.FileInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	name = clean(name)
	if m.dirs[name] {
		return fileInfo{name: path.Base(name), dir: true}, nil
	}
	ino, ok := m.files[name]
	if !ok {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	return fileInfo{name: path.Base(name), size: int64(len(ino.data))}, nil
}

// SyncDir makes every pending create, rename and remove that touches dir
// durable.
func (m *Mem) SyncDir(dir string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	dir = clean(dir)
	if err := m.check(OpSyncDir, dir); err != nil {
		return err
	}
	if !m.dirs[dir] {
		return &fs.PathError{Op: "syncdir", Path: dir, Err: fs.ErrNotExist}
	}
	keep := m.pending[:0]
	for _, op := range m.pending {
		if (op.old != "" && parent(op.old) == dir) || (op.new != "" && parent(op.new) == dir) {
			op.applyTo(m.durable)
			continue
		}
		keep = append(keep, op)
	}
	m.pending = keep
	return nil
}

// memFile is an open file of a Mem.
type memFile struct {
	m                  *Mem
	ino                *inode
	name               string
	flag               int
	off                int64
	readable, writable bool
	closed             bool
}

var errClosed = fs.ErrClosed

func (f *memFile) Name() string { return f.name }

func (f *memFile) Read(p []byte) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	n, err := f.readAt(p, f.off)
	f.off += int64(n)
	return n, err
}

func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	n, err := f.readAt(p, off)
	if err == nil && n < len(p) {
		err = io.EOF
	}
	return n, err
}

func (f *memFile) readAt(p []byte, off int64) (int, error) {
	if f.closed {
		return 0, f.err("read", errClosed)
	}
	if !f.readable {
		return 0, f.err("read", errors.New("file not open for reading"))
	}
	if off < 0 {
		return 0, f.err("read", errors.New("negative offset"))
	}
	if off >= int64(len(f.ino.data)) {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	return copy(p, f.ino.data[off:]), nil
}

func (f *memFile) Write(p []byte) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if f.flag&os.O_APPEND != 0 {
		f.off = int64(len(f.ino.data))
	}
	n, err := f.writeAt(p, f.off)
	f.off += int64(n)
	return n, err
}

func (f *memFile) WriteAt(p []byte, off int64) (int, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if f.flag&os.O_APPEND != 0 {
		return 0, f.err("writeat", errors.New("invalid use of WriteAt on file opened with O_APPEND"))
	}
	return f.writeAt(p, off)
}

func (f *memFile) writeAt(p []byte, off int64) (int, error) {
	if f.closed {
		return 0, f.err("write", errClosed)
	}
	if !f.writable {
		return 0, f.err("write", errors.New("file not open for writing"))
	}
	if off < 0 {
		return 0, f.err("write", errors.New("negative offset"))
	}
	if err := f.m.check(OpWrite, f.name); err != nil {
		return 0, err
	}
	end := off + int64(len(p))
	if end > int64(len(f.ino.data)) {
		grown := make([]byte, end)
		copy(grown, f.ino.data)
		f.ino.data = grown
	}
	copy(f.ino.data[off:], p)
	return len(p), nil
}

func (f *memFile) Seek(offset int64, whence int) (int64, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if f.closed {
		return 0, f.err("seek", errClosed)
	}
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = f.off + offset
	case io.SeekEnd:
		abs = int64(len(f.ino.data)) + offset
	default:
		return 0, f.err("seek", fmt.Errorf("bad whence %d", whence))
	}
	if abs < 0 {
		return 0, f.err("seek", errors.New("negative position"))
	}
	f.off = abs
	return abs, nil
}

func (f *memFile) Close() error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if f.closed {
		return f.err("close", errClosed)
	}
	f.closed = true
	return nil
}

// Sync makes the file's current bytes the ones a crash keeps.
func (f *memFile) Sync() error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if f.closed {
		return f.err("sync", errClosed)
	}
	if err := f.m.check(OpSync, f.name); err != nil {
		return err
	}
	f.ino.synced = append(f.ino.synced[:0:0], f.ino.data...)
	return nil
}

func (f *memFile) Truncate(size int64) error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if f.closed {
		return f.err("truncate", errClosed)
	}
	if !f.writable || size < 0 {
		return f.err("truncate", fs.ErrInvalid)
	}
	if err := f.m.check(OpTruncate, f.name); err != nil {
		return err
	}
	if size <= int64(len(f.ino.data)) {
		f.ino.data = f.ino.data[:size:size]
	} else {
		grown := make([]byte, size)
		copy(grown, f.ino.data)
		f.ino.data = grown
	}
	return nil
}

func (f *memFile) Size() (int64, error) {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if f.closed {
		return 0, f.err("size", errClosed)
	}
	return int64(len(f.ino.data)), nil
}

func (f *memFile) err(op string, err error) error {
	return &fs.PathError{Op: op, Path: f.name, Err: err}
}

type fileInfo struct {
	name string
	size int64
	dir  bool
}

func (i fileInfo) Name() string { return i.name }
func (i fileInfo) Size() int64  { return i.size }
func (i fileInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return i.dir }
func (i fileInfo) Sys() any           { return nil }
