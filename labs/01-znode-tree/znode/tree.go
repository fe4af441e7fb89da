package znode

// Lab 1: the data tree. This file replaces zk/znode/tree.go.
//
// Keep the API exactly as it is: the rest of zk/znode (execute.go,
// apply.go, multi.go, snapshot.go, ...) calls these functions.

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
)

// Tree is ZooKeeper's DataTree. It is not safe for concurrent use.
type Tree struct {
	// Your code here (lab 1).
	//
	// Hint: ZooKeeper keeps a map from the full path to the node, so every
	// lookup is one map access, and gives each node a set of its children's
	// names. You will also want each session's ephemeral paths (for
	// Ephemerals and closeSession) and a running total for
	// ApproximateDataSize, so that no operation walks the whole tree.
}

// New returns the tree a fresh server starts with: "/", "/zookeeper",
// "/zookeeper/quota" and "/zookeeper/config", every Stat zero, ACLs
// proto.OpenACLUnsafe except /zookeeper/config, which is
// proto.ReadACLUnsafe with aversion -1 (DataTree.addConfigNode calls
// setACL with version -1).
//
// New must return a usable, non-nil *Tree even before you start.
func New() *Tree {
	// Your code here (lab 1).
	return &Tree{}
}

// GetData returns a node's data and Stat, or zkerr.NoNode.
//
// Every Stat you hand out (here, in the other reads, and from createNode,
// setData and setACL) is the Stat as *clients* see it (DataNode.copyStat),
// which is not quite what you store:
//   - DataLength and NumChildren are current;
//   - Cversion is reported as 2*cversion - NumChildren, where the stored
//     cversion counts creates only: clients see creates + deletes;
//   - EphemeralOwner is 0 unless ephemeral.Of(owner) == ephemeral.Normal.
//
// Hint: write one helper that turns a stored node into a client Stat.
func (t *Tree) GetData(path string) ([]byte, proto.Stat, error) {
	// Your code here (lab 1).
	return nil, proto.Stat{}, fmt.Errorf("not implemented: lab 1 (Tree.GetData)")
}

// Exists returns a node's Stat, or zkerr.NoNode. A path containing a NUL
// byte is zkerr.BadArguments (FinalRequestProcessor, case exists).
func (t *Tree) Exists(path string) (proto.Stat, error) {
	// Your code here (lab 1).
	return proto.Stat{}, fmt.Errorf("not implemented: lab 1 (Tree.Exists)")
}

// Children returns a node's child names, sorted, and its Stat.
func (t *Tree) Children(path string) ([]string, proto.Stat, error) {
	// Your code here (lab 1).
	return nil, proto.Stat{}, fmt.Errorf("not implemented: lab 1 (Tree.Children)")
}

// GetACL returns a node's ACL and Stat.
func (t *Tree) GetACL(path string) ([]proto.ACL, proto.Stat, error) {
	// Your code here (lab 1).
	return nil, proto.Stat{}, fmt.Errorf("not implemented: lab 1 (Tree.GetACL)")
}

// Ephemerals returns the paths of the nodes whose ephemeralOwner is
// session, sorted. Containers and TTL nodes are not ephemerals (see
// package ephemeral).
func (t *Tree) Ephemerals(session int64) []string {
	// Your code here (lab 1).
	return nil
}

// AllChildrenNumber counts every descendant of path, or zkerr.NoNode.
// For "/" that includes /zookeeper and its two children.
func (t *Tree) AllChildrenNumber(path string) (int32, error) {
	// Your code here (lab 1).
	return 0, fmt.Errorf("not implemented: lab 1 (Tree.AllChildrenNumber)")
}

// NodeCount is ZooKeeper's znode_count: the number of nodes plus one
// (DataTree keeps the root under both "" and "/"). A fresh tree says 5.
func (t *Tree) NodeCount() int {
	// Your code here (lab 1).
	return 0
}

// ApproximateDataSize is the sum over all nodes of len(path) + len(data)
// (DataTree.getNodeSize). A fresh tree says 44.
func (t *Tree) ApproximateDataSize() int64 {
	// Your code here (lab 1).
	return 0
}

// rawNode returns a node with its *stored* Stat: cversion counting
// creates only, ephemeralOwner as stored (math.MinInt64 for containers,
// the TTL encoding), DataLength and NumChildren current. ok is false if
// the node does not exist. Snapshots (snapshot.go) and the multi rollback
// read nodes through it and write them back with putNode.
func (t *Tree) rawNode(path string) (data []byte, acl []proto.ACL, stat proto.Stat, ok bool) {
	// Your code here (lab 1).
	return nil, nil, proto.Stat{}, false
}

// putNode stores a node exactly as given. If path exists, replace its
// data, ACL and Stat and keep its children. Otherwise insert it under its
// parent, which must exist (zkerr.NoNode if not), without touching the
// parent's Stat. Ignore stat.NumChildren and stat.DataLength: derive them.
// Keep your indexes (ephemerals, data size) right in both cases.
//
// Snapshot restore and the rollback of a failed multi use it.
func (t *Tree) putNode(path string, data []byte, acl []proto.ACL, stat proto.Stat) error {
	// Your code here (lab 1).
	return fmt.Errorf("not implemented: lab 1 (Tree.putNode)")
}
