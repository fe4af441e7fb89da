package znode

import (
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/znode/ephemeral"
	"github.com/zkafka/zkafka/zk/zpath"
)

// Containers returns the container nodes that ZooKeeper's ContainerManager
// would delete now: containers that have had children (cversion > 0) and
// have none left. It walks the whole tree (O(nodes)); the manager runs it
// on a timer, not per request.
func (t *Tree) Containers() []string {
	var out []string
	_ = t.Walk(func(path string, n NodeData) error {
		if ephemeral.Of(n.Stat.EphemeralOwner) == ephemeral.Container &&
			n.Stat.NumChildren == 0 && n.Stat.Cversion > 0 {
			out = append(out, path)
		}
		return nil
	})
	return out
}

// ExpiredTTLs returns the TTL nodes without children whose TTL has run out
// at nowMs, measured from their last modification (ContainerManager.
// getCandidates: now - mtime > ttl).
func (t *Tree) ExpiredTTLs(nowMs int64) []string {
	var out []string
	_ = t.Walk(func(path string, n NodeData) error {
		owner := n.Stat.EphemeralOwner
		if ephemeral.Of(owner) == ephemeral.TTL && n.Stat.NumChildren == 0 &&
			nowMs-n.Stat.Mtime > ephemeral.TTLOf(owner) {
			out = append(out, path)
		}
		return nil
	})
	return out
}

// prepDeleteContainer checks a deleteContainer (op 20, which only the
// server's ContainerManager sends) as PrepRequestProcessor does: no ACL
// check; NONODE, NOTEMPTY, and BADVERSION for an ephemeral node. (As in
// ZooKeeper, only ephemerals are refused, not every non-container.)
func (t *Tree) prepDeleteContainer(path string) (proto.Record, error) {
	parentPath, err := zpath.ParentForDelete(path)
	if err != nil {
		return nil, err
	}
	stat, err := t.Exists(path)
	if err != nil {
		return nil, err
	}
	if stat.NumChildren > 0 {
		return nil, zkerr.NotEmpty
	}
	if ephemeral.Of(stat.EphemeralOwner) == ephemeral.Normal {
		return nil, zkerr.BadVersion
	}
	if _, err := t.Exists(parentPath); err != nil {
		return nil, err
	}
	return &proto.DeleteTxn{Path: path}, nil
}
