package znode

// This file is replaced by labs/01-znode-tree/znode/delete.go in lab 1.

import (
	"github.com/zkafka/zkafka/zk/acl"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/zpath"
)

// prepDelete checks a delete (op 2) and returns the *proto.DeleteTxn to
// log.
//
// Contract: it changes nothing. The checks run in PrepRequestProcessor's
// order (case delete), and the first failure is the answer:
//
//  1. the path has a '/', no NUL, and is not a special node → zkerr.BadArguments
//  2. the parent exists                                     → zkerr.NoNode
//  3. the session has DELETE on the parent                  → zkerr.NoAuth
//  4. the node exists                                       → zkerr.NoNode
//  5. version is -1 or the node's version                   → zkerr.BadVersion
//  6. the node has no children                              → zkerr.NotEmpty
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
// events.
//
// Contract: the events are NodeDeleted on path, then NodeChildrenChanged
// on the parent. The parent's cversion does not change (ZooKeeper 3.8
// bumps it on create only); its pzxid becomes zxid, but only forward.
// A missing parent is zkerr.NoNode; a missing node is zkerr.NoNode after
// the pzxid update (ZooKeeper does it in that order), so replay over a
// fuzzy snapshot converges either way.
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
