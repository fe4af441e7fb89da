package zksim

import (
	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/snapshot"
	"github.com/zkafka/zkafka/zk/znode"
)

// The disk (epoch files, snapshot, txn log) is zabsim's Runtime's; the
// state machine's image in the snapshot file and in a SNAP packet is the
// tree in zk/snapshot's file format.

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
