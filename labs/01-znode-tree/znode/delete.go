package znode

// Lab 1: delete. This file replaces zk/znode/delete.go.

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
)

// prepDelete checks a delete (op 2) and returns the *proto.DeleteTxn to
// log. Order (PrepRequestProcessor, case delete):
//
//  1. zpath.ParentForDelete(path): a '/', no NUL, not "/" or /zookeeper… → its error
//  2. the parent exists                                  → zkerr.NoNode
//  3. acl.Check(parent's ACL, proto.PermDelete, auth)    → zkerr.NoAuth
//  4. the node exists                                    → zkerr.NoNode
//  5. version == -1 or version == the node's version     → zkerr.BadVersion
//  6. the node has no children                           → zkerr.NotEmpty
func (t *Tree) prepDelete(path string, version int32, auth []proto.Id) (proto.Record, error) {
	// Your code here (lab 1).
	return nil, fmt.Errorf("not implemented: lab 1 (Tree.prepDelete)")
}

// deleteNode applies a delete (DataTree.deleteNode) and returns the
// events: NodeDeleted on path, then NodeChildrenChanged on the parent.
//
//   - The parent's pzxid becomes zxid, but only if zxid is larger.
//   - The parent's cversion does NOT change: ZooKeeper 3.8 bumps it on
//     create only. (Surprised? Read DataTree.deleteNode.)
//   - Parent missing → zkerr.NoNode. Node missing → zkerr.NoNode, but
//     after the pzxid update (ZooKeeper does it in that order).
//   - Remember your indexes: ephemerals, data size.
func (t *Tree) deleteNode(path string, zxid int64) ([]proto.WatcherEvent, error) {
	// Your code here (lab 1).
	return nil, fmt.Errorf("not implemented: lab 1 (Tree.deleteNode)")
}
