package quorumpeer

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/snapshot"
	"github.com/zkafka/zkafka/zk/txnlog"
	"github.com/zkafka/zkafka/zk/zab"
)

// The durable state of a member, as ZooKeeper keeps it: in SnapDir the
// epoch files acceptedEpoch and currentEpoch (QuorumPeer writes them with
// AtomicFileOutputStream: a temporary file, fsync, rename) and the
// snapshot.<zxid> files (written the same way here: a crash leaves the
// old set or the new one); in LogDir the log.<zxid> files (zk/txnlog,
// fsynced per Ready). A crash keeps exactly what was fsynced, maybe with
// a torn log tail, which txnlog.Open cuts off.

// The epoch files' names in SnapDir.
const (
	AcceptedEpochFile = "acceptedEpoch"
	CurrentEpochFile  = "currentEpoch"
)

// recoverDisk reads the epochs, restores sm from the newest snapshot it
// accepts, and opens the log, returning what was logged after the
// snapshot.
func recoverDisk(fs vfs.FS, cfg Config, sm StateMachine) (zab.Storage, *txnlog.Log, error) {
	var st zab.Storage
	if err := fs.MkdirAll(cfg.SnapDir, 0o755); err != nil {
		return st, nil, err
	}
	var err error
	if st.AcceptedEpoch, err = ReadEpoch(fs, cfg.SnapDir, AcceptedEpochFile); err != nil {
		return st, nil, err
	}
	if st.CurrentEpoch, err = ReadEpoch(fs, cfg.SnapDir, CurrentEpochFile); err != nil {
		return st, nil, err
	}
	if st.SnapshotZxid, err = restoreNewest(fs, cfg, sm); err != nil {
		return st, nil, err
	}
	log, err := txnlog.Open(fs, cfg.LogDir, txnlog.Options{Logger: cfg.Logger})
	if err != nil {
		return st, nil, fmt.Errorf("quorumpeer: txn log: %w", err)
	}
	it := log.Iterator(st.SnapshotZxid + 1)
	for it.Next() {
		if txn := it.Txn(); txn.Header.Zxid > st.SnapshotZxid {
			st.Entries = append(st.Entries, zab.Entry{Zxid: txn.Header.Zxid, Txn: txn})
		}
	}
	if err := it.Err(); err != nil {
		log.Close()
		return st, nil, err
	}
	return st, log, nil
}

// restoreNewest restores sm from the newest snapshot it accepts (older
// ones are tried if a newer one is refused, as FileSnap.deserialize
// does); with none, sm starts empty at zxid 0.
func restoreNewest(fs vfs.FS, cfg Config, sm StateMachine) (int64, error) {
	zxids, err := snapshot.List(fs, cfg.SnapDir)
	if err != nil {
		return 0, err
	}
	for _, z := range zxids {
		b, err := vfs.ReadFile(fs, path.Join(cfg.SnapDir, snapshot.FileName(z)))
		if err != nil {
			return 0, err
		}
		if err := sm.Restore(z, b); err != nil {
			cfg.Logger.Warn("skipping a snapshot the state machine refuses", "zxid", z, "err", err)
			continue
		}
		return z, nil
	}
	return 0, sm.Restore(0, nil)
}

// ReadEpoch reads an epoch file (AcceptedEpochFile, CurrentEpochFile); a missing file is epoch 0 (a new server).
func ReadEpoch(fs vfs.FS, dir, name string) (int64, error) {
	b, err := vfs.ReadFile(fs, path.Join(dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("quorumpeer: %s: %q is not an epoch", name, b)
	}
	return n, nil
}

// WriteEpoch replaces an epoch file atomically (temp, fsync, rename).
func WriteEpoch(fs vfs.FS, dir, name string, epoch int64) error {
	return vfs.WriteFileAtomic(fs, path.Join(dir, name), []byte(strconv.FormatInt(epoch, 10)))
}

// writeSnapshot stores a state machine image at zxid durably.
func writeSnapshot(fs vfs.FS, dir string, zxid int64, image []byte) error {
	return vfs.WriteFileAtomic(fs, path.Join(dir, snapshot.FileName(zxid)), image)
}

// purge keeps the newest retain snapshots and the log files they need.
func purge(fs vfs.FS, snapDir, logDir string, retain int) error {
	return snapshot.Purge(fs, snapDir, retain, func(z int64) error { return txnlog.Purge(fs, logDir, z) })
}
