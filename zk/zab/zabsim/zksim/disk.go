package zksim

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/snapshot"
	"github.com/zkafka/zkafka/zk/txnlog"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/znode"
)

// The disk holds what zk/server's ensemble mode keeps: two epoch files, a
// snapshot of the tree and the txn log (zk/txnlog), on the node's vfs.Mem.
const (
	dataDir  = "/data"
	logDir   = "/log"
	snapFile = dataDir + "/snapshot" // 8-byte zxid, then zk/snapshot's file format
)

type stored struct {
	storage zab.Storage
	tree    *znode.Tree
	log     *txnlog.Log
}

func recoverDisk(fs vfs.FS) (*stored, error) {
	if err := fs.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	st := stored{tree: znode.New()}
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
	default:
		if len(b) < 8 {
			return nil, fmt.Errorf("zksim: a snapshot file of %d bytes", len(b))
		}
		st.storage.SnapshotZxid = int64(binary.BigEndian.Uint64(b))
		if st.tree, err = decodeTree(b[8:]); err != nil {
			return nil, err
		}
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
	return &st, it.Err()
}

func readEpoch(fs vfs.FS, name string) (int64, error) {
	b, err := vfs.ReadFile(fs, dataDir+"/"+name)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}

func writeEpoch(fs vfs.FS, name string, epoch int64) error {
	return vfs.WriteFileAtomic(fs, dataDir+"/"+name, []byte(strconv.FormatInt(epoch, 10)))
}

// writeSnapshot stores a tree image (encodeTree's bytes) at zxid durably.
func writeSnapshot(fs vfs.FS, zxid int64, image []byte) error {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(image)), uint64(zxid))
	return vfs.WriteFileAtomic(fs, snapFile, append(b, image...))
}

// encodeTree serializes a tree in zk/snapshot's file format (the payload
// of a SNAP packet), through an in-memory file system.
func encodeTree(t *znode.Tree, zxid int64) ([]byte, error) {
	mem := vfs.NewMem()
	if err := snapshot.Write(mem, "/s", zxid, nil, t); err != nil {
		return nil, err
	}
	return vfs.ReadFile(mem, "/s/"+snapshot.FileName(zxid))
}

func decodeTree(b []byte) (*znode.Tree, error) {
	t := znode.New()
	_, err := snapshot.Decode(b, func(n snapshot.Node) error {
		return t.Restore(n.Path, znode.NodeData{Data: n.Data, ACL: n.ACL, Stat: n.Stat})
	})
	return t, err
}
