package znode

// Lab 1: the data tree. This file replaces zk/znode/tree.go.
//
// Keep the API exactly as it is: the rest of zk/znode (execute.go,
// apply.go, multi.go, snapshot.go, ...) calls these functions.
//
// Each function's "Contract:" paragraph says what must hold, the
// reference's word for word; how to get there is in the handout's hints
// (labs/01-znode-tree/README.md), folded in three levels.

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
)

// Tree is ZooKeeper's DataTree. It is not safe for concurrent use.
type Tree struct {
	// Your code here (lab 1). The handout's hints (level 2) suggest a shape.
}

// New returns the tree a fresh server starts with.
//
// Contract: four nodes, "/", "/zookeeper", "/zookeeper/quota" and
// "/zookeeper/config", every persisted Stat zero (so clients see cversion
// -1 on "/" and -2 on "/zookeeper"), ACLs proto.OpenACLUnsafe except
// /zookeeper/config: proto.ReadACLUnsafe with aversion -1
// (DataTree.addConfigNode sets it with setACL(..., version -1)).
//
// New must return a usable, non-nil *Tree even before you start.
func New() *Tree {
	// Your code here (lab 1).
	return &Tree{}
}

// GetData returns a node's data and Stat.
//
// Contract: the node's data and its Stat, or zkerr.NoNode. The slice is
// the tree's own: callers do not modify it. Every Stat the tree hands out
// (here, in the other reads, and from createNode, setData and setACL) is
// the Stat as clients see it (DataNode.copyStat), not the stored one:
// DataLength and NumChildren are current; Cversion is 2*cversion -
// NumChildren, where the stored cversion counts creates only (clients see
// creates + deletes); EphemeralOwner is 0 unless the node is an ordinary
// ephemeral (not a container or TTL node).
func (t *Tree) GetData(path string) ([]byte, proto.Stat, error) {
	// Your code here (lab 1).
	return nil, proto.Stat{}, fmt.Errorf("not implemented: lab 1 (Tree.GetData)")
}

// Exists returns a node's Stat.
//
// Contract: the node's Stat, or zkerr.NoNode; a path containing a NUL
// byte is zkerr.BadArguments (FinalRequestProcessor, case exists).
func (t *Tree) Exists(path string) (proto.Stat, error) {
	// Your code here (lab 1).
	return proto.Stat{}, fmt.Errorf("not implemented: lab 1 (Tree.Exists)")
}

// Children returns a node's child names and Stat.
//
// Contract: the child names (not paths), sorted, and the node's Stat, or
// zkerr.NoNode.
func (t *Tree) Children(path string) ([]string, proto.Stat, error) {
	// Your code here (lab 1).
	return nil, proto.Stat{}, fmt.Errorf("not implemented: lab 1 (Tree.Children)")
}

// GetACL returns a node's ACL and Stat.
//
// Contract: the node's ACL and Stat, or zkerr.NoNode. The slice is the
// tree's own.
func (t *Tree) GetACL(path string) ([]proto.ACL, proto.Stat, error) {
	// Your code here (lab 1).
	return nil, proto.Stat{}, fmt.Errorf("not implemented: lab 1 (Tree.GetACL)")
}

// Ephemerals returns the paths of a session's ephemeral nodes.
//
// Contract: the paths of the nodes whose ephemeralOwner is session (as an
// ordinary ephemeral: not containers or TTL nodes), sorted; none for a
// session without any.
func (t *Tree) Ephemerals(session int64) []string {
	// Your code here (lab 1).
	return nil
}

// AllChildrenNumber counts every descendant of path (DataTree.getAllChildrenNumber).
//
// Contract: the number of nodes below path, at any depth, or zkerr.NoNode;
// for "/" that includes /zookeeper and its two children.
func (t *Tree) AllChildrenNumber(path string) (int32, error) {
	// Your code here (lab 1).
	return 0, fmt.Errorf("not implemented: lab 1 (Tree.AllChildrenNumber)")
}

// NodeCount is ZooKeeper's znode_count.
//
// Contract: the number of nodes plus one, because DataTree keeps the root
// under two keys ("" and "/"). A fresh tree reports 5, as a fresh
// ZooKeeper 3.8 does.
func (t *Tree) NodeCount() int {
	// Your code here (lab 1).
	return 0
}

// ApproximateDataSize is ZooKeeper's approximate_data_size (DataTree.getNodeSize).
//
// Contract: the sum over all nodes of len(path) + len(data). A fresh tree
// reports 44.
func (t *Tree) ApproximateDataSize() int64 {
	// Your code here (lab 1).
	return 0
}

// rawNode returns a node with its persisted Stat: what a snapshot stores and putNode takes back.
//
// Contract: the node's data, ACL and stored Stat (cversion counting
// creates only, ephemeralOwner as stored: math.MinInt64 for a container,
// the TTL encoding), with DataLength and NumChildren current; ok is false
// if the node does not exist.
func (t *Tree) rawNode(path string) (data []byte, acl []proto.ACL, stat proto.Stat, ok bool) {
	// Your code here (lab 1).
	return nil, nil, proto.Stat{}, false
}

// putNode stores a node exactly as given, for snapshot restore and for rolling back a failed multi.
//
// Contract: if path exists, its data, ACL and Stat are replaced and its
// children kept; otherwise it is inserted under its parent, which must
// exist (zkerr.NoNode), leaving the parent's Stat alone. NumChildren and
// DataLength in stat are ignored: the tree derives them. The tree's
// indexes (the sessions' ephemerals, the data size) stay right either
// way.
func (t *Tree) putNode(path string, data []byte, acl []proto.ACL, stat proto.Stat) error {
	// Your code here (lab 1).
	return fmt.Errorf("not implemented: lab 1 (Tree.putNode)")
}
