package znode

import (
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zpath"
)

// The raw API the snapshot package (zk/snapshot) serializes through. It
// sees nodes as NodeData and never the tree's internals.
//
// A fuzzy snapshot (paper §4.3) visits nodes one at a time while writes
// continue between visits, so it must read a node's children when it
// visits the node: use Node (children are read at the call) and keep your
// own stack, or Walk when no write can interleave. Replaying the txns
// logged since the snapshot started (Apply is idempotent) repairs
// whatever the walk saw half-done.
//
// Restoring: call Restore for every node, parents before children (the
// order Walk produces). "/" and the /zookeeper nodes exist in a New tree
// and are overwritten.

// NodeData is one znode as a snapshot stores it. Stat is the persisted
// Stat (ZooKeeper's StatPersisted): Cversion counts child creates only and
// EphemeralOwner is the raw encoding (math.MinInt64 for a container, the
// TTL encoding), unlike the Stat the reads return to clients
// (DataNode.copyStat). NumChildren and DataLength are derived; Restore
// ignores them.
type NodeData struct {
	Data []byte
	ACL  []proto.ACL
	Stat proto.Stat
}

// Node returns a node and its children's names (sorted), read now.
func (t *Tree) Node(path string) (NodeData, []string, bool) {
	n, ok := t.nodeData(path)
	if !ok {
		return NodeData{}, nil, false
	}
	children, _, _ := t.Children(path)
	return n, children, true
}

// nodeData is Node without the children.
func (t *Tree) nodeData(path string) (NodeData, bool) {
	data, acl, stat, ok := t.rawNode(path)
	return NodeData{Data: data, ACL: acl, Stat: stat}, ok
}

// Walk visits every node depth-first, parents before children, children
// in sorted order, reading each node's children when it visits it. It
// stops at the first error fn returns.
func (t *Tree) Walk(fn func(path string, n NodeData) error) error {
	stack := []string{zpath.Root}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n, children, ok := t.Node(p)
		if !ok {
			continue // deleted since its parent was visited
		}
		if err := fn(p, n); err != nil {
			return err
		}
		for i := len(children) - 1; i >= 0; i-- {
			stack = append(stack, zpath.Join(p, children[i]))
		}
	}
	return nil
}

// Restore puts a node back exactly as given: inserted under its parent,
// which must already exist (NONODE otherwise), or overwriting an existing
// node's data, ACL and Stat (its children stay). The parent's Stat is not
// touched: it is restored from its own NodeData. The path is validated
// (BADARGUMENTS).
func (t *Tree) Restore(path string, n NodeData) error {
	if err := zpath.Validate(path); err != nil {
		return err
	}
	return t.putNode(path, n.Data, n.ACL, n.Stat)
}
