package zabsim

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/txnlog"
	"github.com/zkafka/zkafka/zk/zab"
)

// A server's disk (the sim node's vfs.Mem) holds what a ZooKeeper server's
// dataDir does, in the same shape as zk/server:
//
//	/data/acceptedEpoch, /data/currentEpoch   written atomically (temp, fsync, rename)
//	/data/snapshot                            the state machine at a zxid, atomically
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
	storage  zab.Storage
	snapshot []Write // the state machine at storage.SnapshotZxid
	log      *txnlog.Log
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
	default:
		if st.storage.SnapshotZxid, st.snapshot, err = decodeSnapshot(b); err != nil {
			return nil, fmt.Errorf("zabsim: %s: %w", snapFile, err)
		}
	}
	if st.log, err = txnlog.Open(fs, logDir, txnlog.Options{}); err != nil {
		return nil, err
	}
	it := st.log.Iterator(st.storage.SnapshotZxid + 1)
	for it.Next() {
		txn := it.Txn()
		if txn.Header.Zxid <= st.storage.SnapshotZxid {
			continue
		}
		st.storage.Entries = append(st.storage.Entries, zab.Entry{Zxid: txn.Header.Zxid, Txn: txn})
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

func writeSnapshot(fs vfs.FS, zxid int64, ws []Write) error {
	return vfs.WriteFileAtomic(fs, snapFile, encodeSnapshot(zxid, ws))
}

// A snapshot is the zxid it is at, then (zxid, write id) per applied write,
// big-endian: also the payload of a SNAP packet.
func encodeSnapshot(zxid int64, ws []Write) []byte {
	b := make([]byte, 0, 8+16*len(ws))
	b = binary.BigEndian.AppendUint64(b, uint64(zxid))
	for _, w := range ws {
		b = binary.BigEndian.AppendUint64(b, uint64(w.Zxid))
		b = binary.BigEndian.AppendUint64(b, uint64(w.ID))
	}
	return b
}

func decodeSnapshot(b []byte) (int64, []Write, error) {
	if len(b) < 8 || (len(b)-8)%16 != 0 {
		return 0, nil, fmt.Errorf("a snapshot of %d bytes", len(b))
	}
	zxid := int64(binary.BigEndian.Uint64(b))
	ws := make([]Write, 0, (len(b)-8)/16)
	for i := 8; i < len(b); i += 16 {
		ws = append(ws, Write{Zxid: int64(binary.BigEndian.Uint64(b[i:])), ID: int64(binary.BigEndian.Uint64(b[i+8:]))})
	}
	if n := len(ws); n > 0 && ws[n-1].Zxid != zxid {
		return 0, nil, fmt.Errorf("snapshot at %#x ends with a write at %#x", zxid, ws[n-1].Zxid)
	}
	return zxid, ws, nil
}

// Txn is the txn of client write w: a setData whose ClientID carries the
// write id, so that two different writes never look alike.
func Txn(w int64) proto.Txn {
	return proto.Txn{
		Header: proto.TxnHeader{ClientID: w, Cxid: int32(w), Type: proto.OpSetData},
		Record: &proto.SetDataTxn{Path: "/w", Data: []byte(strconv.FormatInt(w, 10))},
	}
}

// key is how zabcheck sees a txn's content.
func key(txn proto.Txn) string { return strconv.FormatInt(txn.Header.ClientID, 10) }
