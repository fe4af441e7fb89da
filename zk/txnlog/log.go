package txnlog

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"sort"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/proto"
)

// ErrZxidOrder means Append was given a zxid not above the last one.
var ErrZxidOrder = errors.New("txnlog: zxid does not increase")

// ErrFailed means an earlier write or fsync failed; the Log takes no more
// writes (its on-disk state is unknown until recovered by Open).
var ErrFailed = errors.New("txnlog: log failed earlier")

// Log is the transaction log in one directory. See the package doc.
type Log struct {
	fs     vfs.FS
	dir    string
	logger *slog.Logger

	files []segment // every log file, oldest first

	cur      vfs.File // the file being appended to, nil after Roll
	size     int64    // bytes of cur already written
	newFile  bool     // cur was created since the last SyncDir
	pending  []byte   // appended, not yet written
	pendingN int      // txns in pending

	lastZxid int64 // of the last appended txn
	failed   error
}

// segment is one log file and the zxid of its first txn.
type segment struct {
	name  string // base name, log.<hex>
	first int64
}

// Options tune Open.
type Options struct {
	// Logger receives recovery warnings; nil discards them.
	Logger *slog.Logger
}

// Open opens (creating if needed) the log in dir and recovers it: every
// file is scanned and the log is cut at the first torn or corrupt entry.
func Open(fs vfs.FS, dir string, opts Options) (*Log, error) {
	l := &Log{fs: fs, dir: dir, logger: opts.Logger}
	if l.logger == nil {
		l.logger = slog.New(slog.DiscardHandler)
	}
	if err := fs.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	files, err := listFiles(fs, dir)
	if err != nil {
		return nil, err
	}
	for i, seg := range files {
		last, end, valid, err := l.scan(seg)
		if err != nil {
			return nil, err
		}
		if valid {
			l.files = append(l.files, seg)
			if last != 0 {
				l.lastZxid = last
			}
			if end == nil {
				continue
			}
		}
		// The log ends inside this file: cut it and drop every later file.
		if err := l.cut(seg, valid, end, files[i+1:]); err != nil {
			return nil, err
		}
		break
	}
	// A last file with a header and no txn (a crash right after a roll)
	// would collide with the next file's name: remove it.
	if n := len(l.files); n > 0 && l.files[n-1].first > l.lastZxid {
		if err := fs.Remove(path.Join(dir, l.files[n-1].name)); err != nil {
			return nil, err
		}
		if err := fs.SyncDir(dir); err != nil {
			return nil, err
		}
		l.files = l.files[:n-1]
	}
	return l, nil
}

// cutPoint says where a file's valid content ends.
type cutPoint struct {
	offset int64
	reason error
}

// scan reads a file. It returns the last zxid in it (0 if none), where the
// valid content ends if it is followed by something invalid (nil if the
// whole file is good), and whether the file header is valid at all.
func (l *Log) scan(seg segment) (last int64, end *cutPoint, valid bool, err error) {
	data, err := vfs.ReadFile(l.fs, path.Join(l.dir, seg.name))
	if err != nil {
		return 0, nil, false, err
	}
	var h FileHeader
	if len(data) < HeaderSize || proto.Decode(data[:HeaderSize], &h) != nil || h.Magic != Magic {
		return 0, &cutPoint{0, fmt.Errorf("%w: bad file header", ErrCorrupt)}, false, nil
	}
	off := HeaderSize
	prev := l.lastZxid
	for off < len(data) {
		txn, n, derr := DecodeEntry(data[off:])
		if errors.Is(derr, ErrEnd) {
			// Zero padding: the file ends here, nothing to cut.
			break
		}
		if derr == nil && txn.Header.Zxid <= prev {
			derr = fmt.Errorf("%w: zxid %#x after %#x", ErrCorrupt, txn.Header.Zxid, prev)
		}
		if derr != nil {
			return last, &cutPoint{int64(off), derr}, true, nil
		}
		prev, last = txn.Header.Zxid, txn.Header.Zxid
		off += n
	}
	return last, nil, true, nil
}

// cut truncates seg at end (or removes it if its header is bad) and
// removes every later file, durably.
func (l *Log) cut(seg segment, valid bool, end *cutPoint, later []segment) error {
	l.logger.Warn("txnlog: cutting the log at a torn or corrupt entry",
		"file", seg.name, "offset", end.offset, "reason", end.reason, "dropped_files", len(later))
	if valid {
		f, err := l.fs.OpenFile(path.Join(l.dir, seg.name), os.O_RDWR, 0)
		if err != nil {
			return err
		}
		if err := f.Truncate(end.offset); err != nil {
			f.Close()
			return err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	} else {
		later = append([]segment{seg}, later...)
	}
	for _, s := range later {
		if err := l.fs.Remove(path.Join(l.dir, s.name)); err != nil {
			return err
		}
	}
	return l.fs.SyncDir(l.dir)
}

func listFiles(fs vfs.FS, dir string) ([]segment, error) {
	names, err := fs.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var segs []segment
	for _, n := range names {
		if z, ok := ParseFileName(n); ok {
			segs = append(segs, segment{name: n, first: z})
		}
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].first < segs[j].first })
	return segs, nil
}

// LastZxid is the zxid of the last txn appended (committed or not), or of
// the last txn recovered by Open; 0 for an empty log.
func (l *Log) LastZxid() int64 { return l.lastZxid }

// Append buffers txn for the next Commit. Its zxid must be above every
// zxid already in the log.
func (l *Log) Append(txn *proto.Txn) error {
	if l.failed != nil {
		return fmt.Errorf("%w: %v", ErrFailed, l.failed)
	}
	if txn.Header.Zxid <= l.lastZxid {
		return fmt.Errorf("%w: %#x after %#x", ErrZxidOrder, txn.Header.Zxid, l.lastZxid)
	}
	if l.cur == nil {
		if err := l.startFile(txn.Header.Zxid); err != nil {
			return l.fail(err)
		}
	}
	l.pending = AppendEntry(l.pending, txn)
	l.pendingN++
	l.lastZxid = txn.Header.Zxid
	return nil
}

// Pending is the number of txns appended since the last Commit.
func (l *Log) Pending() int { return l.pendingN }

// startFile creates log.<zxid> and writes its header (not yet synced).
func (l *Log) startFile(zxid int64) error {
	name := FileName(zxid)
	f, err := l.fs.OpenFile(path.Join(l.dir, name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	l.cur, l.size, l.newFile = f, 0, true
	l.files = append(l.files, segment{name: name, first: zxid})
	l.pending = append(l.pending, proto.Encode(&FileHeader{Magic: Magic, Version: Version})...)
	return nil
}

// Flush writes the buffered entries to the file without fsyncing.
func (l *Log) Flush() error {
	if l.failed != nil {
		return fmt.Errorf("%w: %v", ErrFailed, l.failed)
	}
	if len(l.pending) == 0 {
		return nil
	}
	if _, err := l.cur.WriteAt(l.pending, l.size); err != nil {
		return l.fail(err)
	}
	l.size += int64(len(l.pending))
	l.pending = l.pending[:0]
	return nil
}

// #region commit

// Commit writes the buffered entries and fsyncs them: one fsync for the
// whole batch (group commit). When Commit returns nil, every txn appended
// so far survives a crash.
func (l *Log) Commit() error {
	if err := l.Flush(); err != nil {
		return err
	}
	l.pendingN = 0
	if l.cur == nil {
		return nil
	}
	if err := l.cur.Sync(); err != nil {
		return l.fail(err)
	}
	if l.newFile {
		// The new file's name must be durable too, or a crash could
		// lose the file with every txn in it.
		if err := l.fs.SyncDir(l.dir); err != nil {
			return l.fail(err)
		}
		l.newFile = false
	}
	return nil
}

// #endregion commit

func (l *Log) fail(err error) error {
	l.failed = err
	return err
}

// Roll commits and closes the current file; the next Append starts a new
// one. The server rolls when it starts a snapshot, so that older files can
// later be purged.
func (l *Log) Roll() error {
	if err := l.Commit(); err != nil {
		return err
	}
	if l.cur == nil {
		return nil
	}
	err := l.cur.Close()
	l.cur = nil
	return err
}

// Close commits and closes the log.
func (l *Log) Close() error {
	if l.failed != nil {
		if l.cur != nil {
			l.cur.Close()
			l.cur = nil
		}
		return nil
	}
	return l.Roll()
}

// Truncate removes every txn with a zxid above zxid (chapter 4: a follower
// told TRUNC drops txns the new leader never committed). Buffered txns are
// committed first.
func (l *Log) Truncate(zxid int64) error {
	if err := l.Roll(); err != nil {
		return err
	}
	l.forgetPurged()
	var keep, drop []segment
	for _, s := range l.files {
		if s.first > zxid {
			drop = append(drop, s)
		} else {
			keep = append(keep, s)
		}
	}
	if len(keep) > 0 {
		s := keep[len(keep)-1]
		off, err := l.offsetAfter(s, zxid)
		if err != nil {
			return err
		}
		f, err := l.fs.OpenFile(path.Join(l.dir, s.name), os.O_RDWR, 0)
		if err != nil {
			return err
		}
		err = f.Truncate(off)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return l.fail(err)
		}
	}
	for _, s := range drop {
		if err := l.fs.Remove(path.Join(l.dir, s.name)); err != nil {
			return l.fail(err)
		}
	}
	if err := l.fs.SyncDir(l.dir); err != nil {
		return l.fail(err)
	}
	l.files = keep
	l.lastZxid = 0
	it := l.Iterator(0)
	for it.Next() {
		l.lastZxid = it.Txn().Header.Zxid
	}
	return it.Err()
}

// offsetAfter finds the end offset of the last entry with zxid <= zxid in s.
func (l *Log) offsetAfter(s segment, zxid int64) (int64, error) {
	data, err := vfs.ReadFile(l.fs, path.Join(l.dir, s.name))
	if err != nil {
		return 0, err
	}
	off := HeaderSize
	for off < len(data) {
		txn, n, err := DecodeEntry(data[off:])
		if err != nil || txn.Header.Zxid > zxid {
			break
		}
		off += n
	}
	return int64(off), nil
}

// Purge removes log files holding only txns at or below zxid, the zxid a
// snapshot covers: after the snapshot they are never replayed. The file
// containing zxid+1 (and every later one) is kept.
func Purge(fs vfs.FS, dir string, zxid int64) error {
	files, err := listFiles(fs, dir)
	if err != nil {
		return err
	}
	removed := false
	for i := 0; i+1 < len(files); i++ {
		if files[i+1].first > zxid+1 {
			break
		}
		if err := fs.Remove(path.Join(dir, files[i].name)); err != nil {
			return err
		}
		removed = true
	}
	if removed {
		return fs.SyncDir(dir)
	}
	return nil
}

// Files lists the log files in dir, oldest first, with the zxid of each
// one's first txn (for tools and 4lw output).
func Files(fs vfs.FS, dir string) ([]string, error) {
	segs, err := listFiles(fs, dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(segs))
	for i, s := range segs {
		names[i] = s.name
	}
	return names, nil
}
