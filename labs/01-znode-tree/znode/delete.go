package znode

// Lab 1: delete. This file replaces zk/znode/delete.go.

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
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
	// Your code here (lab 1).
	return nil, fmt.Errorf("not implemented: lab 1 (Tree.prepDelete)")
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
	// Your code here (lab 1).
	return nil, fmt.Errorf("not implemented: lab 1 (Tree.deleteNode)")
}
