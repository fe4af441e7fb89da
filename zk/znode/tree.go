package znode

// This file is replaced by labs/01-znode-tree/znode/tree.go in lab 1.

import (
	"sort"
	"strings"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/znode/ephemeral"
	"github.com/zkafka/zkafka/zk/zpath"
)

// Tree is ZooKeeper's DataTree: every znode by its full path, plus the
// indexes the server needs (each session's ephemerals, the data size).
// It is not safe for concurrent use.
type Tree struct {
	nodes      map[string]*node              // full path → node, "/" included
	ephemerals map[int64]map[string]struct{} // session → its ephemeral paths
	dataSize   int64                         // Σ len(path)+len(data)
}

// node is one znode. stat is the persisted Stat (StatPersisted): its
// cversion counts child creates only and its ephemeralOwner is the raw
// encoding. NumChildren and DataLength are not kept in it; they are
// derived from children and data.
type node struct {
	data     []byte
	acl      []proto.ACL
	stat     proto.Stat
	children map[string]struct{} // child names (not paths)
}

// rawStat is the persisted Stat with the derived fields filled in.
func (n *node) rawStat() proto.Stat {
	s := n.stat
	s.DataLength = int32(len(n.data))
	s.NumChildren = int32(len(n.children))
	return s
}

// #region stat-of

// statOf is the Stat as clients see it (DataNode.copyStat), which differs
// from the persisted one in two fields:
//   - cversion is reported as 2*creates - numChildren: "for every create
//     there is a delete except for the children still present", so the
//     client sees the number of child changes (creates + deletes);
//   - ephemeralOwner is 0 unless the node is a real ephemeral (containers
//     and TTL nodes show 0).
func (n *node) statOf() proto.Stat {
	s := n.rawStat()
	s.Cversion = s.Cversion*2 - s.NumChildren
	if ephemeral.Of(s.EphemeralOwner) != ephemeral.Normal {
		s.EphemeralOwner = 0
	}
	return s
}

// #endregion stat-of

// New returns the tree a fresh server starts with.
//
// Contract: four nodes, "/", "/zookeeper", "/zookeeper/quota" and
// "/zookeeper/config", every persisted Stat zero (so clients see cversion
// -1 on "/" and -2 on "/zookeeper"), ACLs proto.OpenACLUnsafe except
// /zookeeper/config: proto.ReadACLUnsafe with aversion -1
// (DataTree.addConfigNode sets it with setACL(..., version -1)).
func New() *Tree {
	t := &Tree{
		nodes:      make(map[string]*node),
		ephemerals: make(map[int64]map[string]struct{}),
	}
	t.nodes[zpath.Root] = &node{acl: proto.OpenACLUnsafe, children: map[string]struct{}{}}
	t.dataSize = int64(len(zpath.Root))
	t.attach(zpath.ZooKeeper, &node{acl: proto.OpenACLUnsafe})
	t.attach(zpath.Quota, &node{acl: proto.OpenACLUnsafe})
	t.attach(zpath.Config, &node{acl: proto.ReadACLUnsafe, stat: proto.Stat{Aversion: -1}})
	return t
}

// attach links a new node under its (existing) parent and updates the
// indexes. It does not touch the parent's Stat: callers decide that.
func (t *Tree) attach(path string, n *node) {
	if n.children == nil {
		n.children = make(map[string]struct{})
	}
	t.nodes[path] = n
	t.nodes[zpath.Parent(path)].children[zpath.Base(path)] = struct{}{}
	t.dataSize += int64(len(path) + len(n.data))
	if owner := n.stat.EphemeralOwner; ephemeral.Of(owner) == ephemeral.Normal {
		set := t.ephemerals[owner]
		if set == nil {
			set = make(map[string]struct{})
			t.ephemerals[owner] = set
		}
		set[path] = struct{}{}
	}
}

// detach is attach's inverse: it unlinks a node from the map, its parent's
// children and the indexes.
func (t *Tree) detach(path string, n *node) {
	delete(t.nodes, path)
	if p := t.nodes[zpath.Parent(path)]; p != nil {
		delete(p.children, zpath.Base(path))
	}
	t.dataSize -= int64(len(path) + len(n.data))
	if owner := n.stat.EphemeralOwner; ephemeral.Of(owner) == ephemeral.Normal {
		if set := t.ephemerals[owner]; set != nil {
			delete(set, path)
			if len(set) == 0 {
				delete(t.ephemerals, owner)
			}
		}
	}
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
	n := t.nodes[path]
	if n == nil {
		return nil, proto.Stat{}, zkerr.NoNode
	}
	return n.data, n.statOf(), nil
}

// Exists returns a node's Stat.
//
// Contract: the node's Stat, or zkerr.NoNode; a path containing a NUL
// byte is zkerr.BadArguments (FinalRequestProcessor, case exists).
func (t *Tree) Exists(path string) (proto.Stat, error) {
	if strings.IndexByte(path, 0) >= 0 {
		return proto.Stat{}, zkerr.BadArguments
	}
	n := t.nodes[path]
	if n == nil {
		return proto.Stat{}, zkerr.NoNode
	}
	return n.statOf(), nil
}

// Children returns a node's child names and Stat.
//
// Contract: the child names (not paths), sorted, and the node's Stat, or
// zkerr.NoNode.
func (t *Tree) Children(path string) ([]string, proto.Stat, error) {
	n := t.nodes[path]
	if n == nil {
		return nil, proto.Stat{}, zkerr.NoNode
	}
	names := make([]string, 0, len(n.children))
	for c := range n.children {
		names = append(names, c)
	}
	sort.Strings(names)
	return names, n.statOf(), nil
}

// GetACL returns a node's ACL and Stat.
//
// Contract: the node's ACL and Stat, or zkerr.NoNode. The slice is the
// tree's own.
func (t *Tree) GetACL(path string) ([]proto.ACL, proto.Stat, error) {
	n := t.nodes[path]
	if n == nil {
		return nil, proto.Stat{}, zkerr.NoNode
	}
	return n.acl, n.statOf(), nil
}

// Ephemerals returns the paths of a session's ephemeral nodes.
//
// Contract: the paths of the nodes whose ephemeralOwner is session (as an
// ordinary ephemeral: not containers or TTL nodes), sorted; none for a
// session without any.
func (t *Tree) Ephemerals(session int64) []string {
	set := t.ephemerals[session]
	paths := make([]string, 0, len(set))
	for p := range set {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// AllChildrenNumber counts every descendant of path (DataTree.getAllChildrenNumber).
//
// Contract: the number of nodes below path, at any depth, or zkerr.NoNode;
// for "/" that includes /zookeeper and its two children.
func (t *Tree) AllChildrenNumber(path string) (int32, error) {
	n := t.nodes[path]
	if n == nil {
		return 0, zkerr.NoNode
	}
	if path == zpath.Root {
		return int32(len(t.nodes) - 1), nil
	}
	var count int32
	stack := []string{path}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for c := range t.nodes[p].children {
			count++
			stack = append(stack, zpath.Join(p, c))
		}
	}
	return count, nil
}

// NodeCount is ZooKeeper's znode_count.
//
// Contract: the number of nodes plus one, because DataTree keeps the root
// under two keys ("" and "/"). A fresh tree reports 5, as a fresh
// ZooKeeper 3.8 does.
func (t *Tree) NodeCount() int { return len(t.nodes) + 1 }

// ApproximateDataSize is ZooKeeper's approximate_data_size (DataTree.getNodeSize).
//
// Contract: the sum over all nodes of len(path) + len(data). A fresh tree
// reports 44.
func (t *Tree) ApproximateDataSize() int64 { return t.dataSize }

// rawNode returns a node with its persisted Stat: what a snapshot stores and putNode takes back.
//
// Contract: the node's data, ACL and stored Stat (cversion counting
// creates only, ephemeralOwner as stored: math.MinInt64 for a container,
// the TTL encoding), with DataLength and NumChildren current; ok is false
// if the node does not exist.
func (t *Tree) rawNode(path string) (data []byte, acl []proto.ACL, stat proto.Stat, ok bool) {
	n := t.nodes[path]
	if n == nil {
		return nil, nil, proto.Stat{}, false
	}
	return n.data, n.acl, n.rawStat(), true
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
	if old := t.nodes[path]; old != nil {
		children := old.children
		t.detach(path, old)
		n := &node{data: data, acl: acl, stat: stat, children: children}
		if path == zpath.Root { // the root has no parent to attach to
			t.nodes[path] = n
			t.dataSize += int64(len(path) + len(data))
			return nil
		}
		t.attach(path, n)
		return nil
	}
	if path == zpath.Root || t.nodes[zpath.Parent(path)] == nil {
		return zkerr.NoNode
	}
	t.attach(path, &node{data: data, acl: acl, stat: stat})
	return nil
}
