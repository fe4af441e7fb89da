package snapshot

import (
	"errors"
	"log/slog"
	"path"
	"sort"

	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// List returns the zxids of the snapshot files in dir, newest first.
func List(fs vfs.FS, dir string) ([]int64, error) {
	names, err := fs.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var zxids []int64
	for _, n := range names {
		if z, ok := ParseFileName(n); ok {
			zxids = append(zxids, z)
		}
	}
	sort.Slice(zxids, func(i, j int) bool { return zxids[i] > zxids[j] })
	return zxids, nil
}

// maxTries is how many snapshots Newest tries before giving up
// (FileSnap.deserialize tries up to 100).
const maxTries = 100

// Newest reads the newest valid snapshot in dir. begin is called before
// each attempt (to reset the tree being filled) and node for each node.
// It returns the snapshot's zxid and session table; found is false if dir
// holds no valid snapshot (a fresh server).
func Newest(fs vfs.FS, dir string, logger *slog.Logger, begin func(), node func(Node) error) (zxid int64, sessions []Session, found bool, err error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	zxids, err := List(fs, dir)
	if err != nil {
		return 0, nil, false, err
	}
	for i, z := range zxids {
		if i == maxTries {
			break
		}
		name := path.Join(dir, FileName(z))
		data, err := vfs.ReadFile(fs, name)
		if err != nil {
			return 0, nil, false, err
		}
		begin()
		sessions, err := Decode(data, node)
		if errors.Is(err, ErrInvalid) {
			logger.Warn("snapshot: skipping an invalid snapshot", "file", name, "err", err)
			continue
		}
		if err != nil {
			return 0, nil, false, err
		}
		return z, sessions, true, nil
	}
	return 0, nil, false, nil
}

// Purge keeps the newest retain valid-looking snapshots in snapDir and
// removes older ones, then calls purgeLog with the oldest kept snapshot's
// zxid, so the log files it covers can go too (PurgeTxnLog), e.g.
//
//	snapshot.Purge(fs, snapDir, 3, func(z int64) error { return txnlog.Purge(fs, logDir, z) })
func Purge(fs vfs.FS, snapDir string, retain int, purgeLog func(zxid int64) error) error {
	zxids, err := List(fs, snapDir)
	if err != nil || len(zxids) <= retain || retain < 1 {
		return err
	}
	for _, z := range zxids[retain:] {
		if err := fs.Remove(path.Join(snapDir, FileName(z))); err != nil {
			return err
		}
	}
	if err := fs.SyncDir(snapDir); err != nil {
		return err
	}
	return purgeLog(zxids[retain-1])
}
