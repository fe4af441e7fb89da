package zksim

import (
	"bytes"
	"cmp"
	"slices"

	"github.com/zkafka/zkafka/zk/snapshot"
	"github.com/zkafka/zkafka/zk/znode"
)

// The disk (epoch files, snapshot, txn log) is zabsim's Runtime's; the
// state machine's image in the snapshot file and in a SNAP packet is the
// tree in zk/snapshot's file format.

// encodeTree serializes a tree and the live sessions (id → timeout) in
// zk/snapshot's file format (the payload of a SNAP packet).
func encodeTree(t *znode.Tree, sessions map[int64]int32) ([]byte, error) {
	var ss []snapshot.Session
	for id, to := range sessions {
		ss = append(ss, snapshot.Session{ID: id, Timeout: to})
	}
	slices.SortFunc(ss, func(a, b snapshot.Session) int { return cmp.Compare(a.ID, b.ID) })
	var buf bytes.Buffer
	if err := snapshot.Encode(&buf, ss, t); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decodeTree(b []byte) (*znode.Tree, map[int64]int32, error) {
	t := znode.New()
	ss, err := snapshot.Decode(b, func(n snapshot.Node) error {
		return t.Restore(n.Path, znode.NodeData{Data: n.Data, ACL: n.ACL, Stat: n.Stat})
	})
	sessions := map[int64]int32{}
	for _, s := range ss {
		sessions[s.ID] = s.Timeout
	}
	return t, sessions, err
}
