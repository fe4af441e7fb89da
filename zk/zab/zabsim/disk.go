package zabsim

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/txnlog"
	"github.com/zkafka/zkafka/zk/zab"
)

// A server's disk (the sim node's vfs.Mem) holds what a ZooKeeper server's
// dataDir does, in the same shape as zk/server:
//
//	/data/acceptedEpoch, /data/currentEpoch   written atomically (temp, fsync, rename)
//	/data/snapshot                            8-byte zxid, then the state machine's image, atomically
//	/log/log.<zxid>                           the txn log (zk/txnlog), fsynced per Ready
//
// A crash keeps exactly what was fsynced (vfs.Mem.Crash), maybe with a
// torn log tail past it, which txnlog.Open cuts off at recovery.
const (
	dataDir  = "/data"
	logDir   = "/log"
	snapFile = dataDir + "/snapshot"
)

// stored is what a server finds on its disk when it boots.
type stored struct {
	storage zab.Storage
	image   []byte // the state machine at storage.SnapshotZxid (nil: none)
	log     *txnlog.Log
}

// recoverDisk reads a disk: the epoch files, the snapshot, and the log
// entries after the snapshot.
func recoverDisk(fs vfs.FS) (*stored, error) {
	if err := fs.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	var st stored
	var err error
	if st.storage.AcceptedEpoch, err = readEpoch(fs, "acceptedEpoch"); err != nil {
		return nil, err
	}
	if st.storage.CurrentEpoch, err = readEpoch(fs, "currentEpoch"); err != nil {
		return nil, err
	}
	b, err := vfs.ReadFile(fs, snapFile)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	case len(b) < 8:
		return nil, fmt.Errorf("zabsim: %s: a snapshot file of %d bytes", snapFile, len(b))
	default:
		st.storage.SnapshotZxid, st.image = int64(binary.BigEndian.Uint64(b)), b[8:]
	}
	if st.log, err = txnlog.Open(fs, logDir, txnlog.Options{}); err != nil {
		return nil, err
	}
	it := st.log.Iterator(st.storage.SnapshotZxid + 1)
	for it.Next() {
		if txn := it.Txn(); txn.Header.Zxid > st.storage.SnapshotZxid {
			st.storage.Entries = append(st.storage.Entries, zab.Entry{Zxid: txn.Header.Zxid, Txn: txn})
		}
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	return &st, nil
}

func readEpoch(fs vfs.FS, name string) (int64, error) {
	b, err := vfs.ReadFile(fs, dataDir+"/"+name)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil // a new server
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("zabsim: %s: %q is not an epoch", name, b)
	}
	return n, nil
}

func writeEpoch(fs vfs.FS, name string, epoch int64) error {
	return vfs.WriteFileAtomic(fs, dataDir+"/"+name, []byte(strconv.FormatInt(epoch, 10)))
}

// writeSnapshot stores a state machine image at zxid durably.
func writeSnapshot(fs vfs.FS, zxid int64, image []byte) error {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(image)), uint64(zxid))
	return vfs.WriteFileAtomic(fs, snapFile, append(b, image...))
}
