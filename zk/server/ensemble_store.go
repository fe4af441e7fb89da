package server

import (
	"bytes"
	"fmt"
	"path"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/snapshot"
	"github.com/zkafka/zkafka/zk/txnlog"
	"github.com/zkafka/zkafka/zk/znode"
)

// The durable state of an ensemble member, in dataDir/version-2 as
// ZooKeeper keeps it: snapshot.<zxid> files, log.<zxid> files, and the two
// epoch files acceptedEpoch and currentEpoch (QuorumPeer writes them with
// AtomicFileOutputStream: a temporary file, fsync, rename).

// machine is the state machine zab replicates: the tree and the session
// table (id → timeout), at Zxid.
type machine struct {
	Tree     *znode.Tree
	Sessions map[int64]int32
	Zxid     int64
}

// applySessions keeps a session table in step with a txn.
func applySessions(sessions map[int64]int32, txn proto.Txn) {
	switch txn.Header.Type {
	case proto.OpCreateSession:
		if r, ok := txn.Record.(*proto.CreateSessionTxn); ok {
			sessions[txn.Header.ClientID] = r.TimeOut
		}
	case proto.OpCloseSession:
		delete(sessions, txn.Header.ClientID)
	}
}

// emptyMachine is a new server's state: the tree with only its root.
func emptyMachine() *machine {
	return &machine{Tree: znode.New(), Sessions: map[int64]int32{}}
}

// decodeMachine reads a snapshot file's bytes (as on disk, and as a SNAP
// packet carries them).
func decodeMachine(b []byte, zxid int64) (*machine, error) {
	m := &machine{Tree: znode.New(), Sessions: map[int64]int32{}, Zxid: zxid}
	ss, err := snapshot.Decode(b, func(n snapshot.Node) error {
		return m.Tree.Restore(n.Path, znode.NodeData{Data: n.Data, ACL: n.ACL, Stat: n.Stat})
	})
	if err != nil {
		return nil, err
	}
	for _, s := range ss {
		m.Sessions[s.ID] = s.Timeout
	}
	return m, nil
}

// encodeMachine serializes a tree and its sessions in the snapshot file
// format: the SNAP packet's payload and the runtime's snapshot file.
func encodeMachine(tree *znode.Tree, sessions map[int64]int32) ([]byte, error) {
	var buf bytes.Buffer
	if err := snapshot.Encode(&buf, sessionList(sessions), tree); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func sessionList(m map[int64]int32) []snapshot.Session {
	out := make([]snapshot.Session, 0, len(m))
	for id, to := range m {
		out = append(out, snapshot.Session{ID: id, Timeout: to})
	}
	// Deterministic files: sorted by id.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].ID < out[j-1].ID; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// loadSnapshotAtMost loads the newest valid snapshot whose zxid is at
// most max (an empty tree at 0 if there is none).
func loadSnapshotAtMost(fs vfs.FS, dir string, max int64) (*machine, error) {
	zxids, err := snapshot.List(fs, dir)
	if err != nil {
		return nil, err
	}
	for _, z := range zxids {
		if z > max {
			continue
		}
		b, err := vfs.ReadFile(fs, path.Join(dir, snapshot.FileName(z)))
		if err != nil {
			continue
		}
		if m, err := decodeMachine(b, z); err == nil {
			return m, nil
		}
	}
	return emptyMachine(), nil
}

// machineAt rebuilds the state machine at exactly zxid from the newest
// snapshot at or below it and the logged txns up to zxid: what a leader
// that executed ahead of commit goes back to when it stops leading, and
// what it sends in a SNAP while its own tree is ahead.
func machineAt(fs vfs.FS, snapDir string, log *txnlog.Log, zxid int64) (*machine, error) {
	m, err := loadSnapshotAtMost(fs, snapDir, zxid)
	if err != nil {
		return nil, err
	}
	it := log.Iterator(m.Zxid + 1)
	for it.Next() {
		txn := it.Txn()
		if txn.Header.Zxid > zxid {
			break
		}
		m.Tree.Apply(txn) // tolerated replay errors, as in snapshot.Restore
		applySessions(m.Sessions, txn)
		m.Zxid = txn.Header.Zxid
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	if m.Zxid != zxid {
		return nil, fmt.Errorf("server: cannot rebuild the state at %#x: the log ends at %#x", zxid, m.Zxid)
	}
	return m, nil
}
