package snapshot

import (
	"fmt"
	"log/slog"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/txnlog"
	"github.com/zkafka/zkafka/zk/znode"
)

// State is what a server recovers at start-up.
type State struct {
	Tree     *znode.Tree
	Sessions map[int64]int32 // live session id → timeout (ms)
	Zxid     int64           // the last txn applied
	SnapZxid int64           // the snapshot it started from (0: none)
}

// Restore rebuilds the server's state (FileTxnSnapLog.restore): the newest
// valid snapshot in snapDir, then every txn in log with a zxid above the
// snapshot's, applied with Tree.Apply (idempotent, so the fuzzy parts of
// the snapshot are repaired). Sessions are tracked through the replay:
// createSession adds one, closeSession removes it. log must have been
// opened (and so recovered) already.
func Restore(fs vfs.FS, snapDir string, log *txnlog.Log, logger *slog.Logger) (*State, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := fs.MkdirAll(snapDir, 0o755); err != nil {
		return nil, err
	}
	st := &State{Sessions: map[int64]int32{}}
	zxid, sessions, found, err := Newest(fs, snapDir, logger,
		func() { st.Tree = znode.New() },
		func(n Node) error {
			return st.Tree.Restore(n.Path, znode.NodeData{Data: n.Data, ACL: n.ACL, Stat: n.Stat})
		})
	if err != nil {
		return nil, err
	}
	if !found {
		st.Tree = znode.New()
	}
	for _, s := range sessions {
		st.Sessions[s.ID] = s.Timeout
	}
	st.SnapZxid, st.Zxid = zxid, zxid
	it := log.Iterator(zxid + 1)
	replayed := 0
	for it.Next() {
		txn := it.Txn()
		if _, err := st.Tree.Apply(txn); err != nil {
			// Apply reports problems it tolerated (e.g. a node a fuzzy
			// snapshot already has); ZooKeeper logs and goes on too.
			logger.Debug("snapshot: replay", "zxid", fmt.Sprintf("%#x", txn.Header.Zxid), "err", err)
		}
		switch txn.Header.Type {
		case proto.OpCreateSession:
			if r, ok := txn.Record.(*proto.CreateSessionTxn); ok {
				st.Sessions[txn.Header.ClientID] = r.TimeOut
			}
		case proto.OpCloseSession:
			delete(st.Sessions, txn.Header.ClientID)
		}
		st.Zxid = txn.Header.Zxid
		replayed++
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	logger.Info("restored", "snapshot_zxid", fmt.Sprintf("%#x", zxid), "replayed_txns", replayed,
		"last_zxid", fmt.Sprintf("%#x", st.Zxid), "sessions", len(st.Sessions))
	return st, nil
}
