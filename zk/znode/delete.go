package znode

// This file is replaced by labs/01-znode-tree/znode/delete.go in lab 1.

import (
	"github.com/zkafka/zkafka/zk/acl"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/zpath"
)

// prepDelete checks a delete (op 2) and returns the *proto.DeleteTxn to
// log. The order is PrepRequestProcessor's (case delete):
//
//  1. the path has a '/', no NUL, and is not a special node → BADARGUMENTS
//  2. the parent exists                                     → NONODE
//  3. the session has DELETE on the parent                  → NOAUTH
//  4. the node exists                                       → NONODE
//  5. version is -1 or the node's version                   → BADVERSION
//  6. the node has no children                              → NOTEMPTY
func (t *Tree) prepDelete(path string, version int32, auth []proto.Id) (proto.Record, error) {
	parentPath, err := zpath.ParentForDelete(path)
	if err != nil {
		return nil, err
	}
	parent := t.nodes[parentPath]
	if parent == nil {
		return nil, zkerr.NoNode
	}
	if !acl.Check(parent.acl, proto.PermDelete, auth) {
		return nil, zkerr.NoAuth
	}
	n := t.nodes[path]
	if n == nil {
		return nil, zkerr.NoNode
	}
	if version != -1 && version != n.stat.Version {
		return nil, zkerr.BadVersion
	}
	if len(n.children) > 0 {
		return nil, zkerr.NotEmpty
	}
	return &proto.DeleteTxn{Path: path}, nil
}

// deleteNode applies a delete (DataTree.deleteNode) and returns the
// events: NodeDeleted on the path, then NodeChildrenChanged on the parent.
//
// A delete does NOT change the parent's cversion in ZooKeeper 3.8 (only
// creates do); it sets the parent's pzxid, and only forward (a replayed
// delete must not move pzxid back past a later create's). The pzxid moves
// even when the child is already gone, then NONODE is returned: replay
// over a fuzzy snapshot converges either way.
func (t *Tree) deleteNode(path string, zxid int64) ([]proto.WatcherEvent, error) {
	parentPath := zpath.Parent(path)
	parent := t.nodes[parentPath]
	if parent == nil {
		return nil, zkerr.NoNode
	}
	if zxid > parent.stat.Pzxid {
		parent.stat.Pzxid = zxid
	}
	n := t.nodes[path]
	if n == nil {
		return nil, zkerr.NoNode
	}
	// A live delete has no children (prepDelete checked), but replaying a
	// log twice over its own result can delete a node whose children were
	// re-created later in the log. ZooKeeper would leave them orphaned in
	// its map; we drop the subtree, so the invariants hold and the replay
	// re-creates them.
	for c := range n.children {
		t.deleteNode(zpath.Join(path, c), zxid)
	}
	t.detach(path, n)
	return []proto.WatcherEvent{
		{Type: proto.EventNodeDeleted, State: proto.StateSyncConnected, Path: path},
		{Type: proto.EventNodeChildrenChanged, State: proto.StateSyncConnected, Path: parentPath},
	}, nil
}
