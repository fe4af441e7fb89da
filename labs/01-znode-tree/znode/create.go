package znode

// Lab 1: create. This file replaces zk/znode/create.go.

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
)

// prepCreate checks a create (ops 1, 15, 19, 21) against the tree and
// returns the txn to log: a *proto.CreateContainerTxn for
// createContainer, a *proto.CreateTTLTxn for createTTL, a
// *proto.CreateTxn otherwise, carrying the final path and ParentCVersion,
// the parent's cversion + 1. ttl is -1 unless op is createTTL; auth are
// the session's ids.
//
// Contract: it changes nothing. The checks run in
// PrepRequestProcessor.pRequest2TxnCreate's order, and the first failure
// is the answer:
//
//  1. flags name a CreateMode, and the TTL fits the mode  → zkerr.BadArguments
//  2. the path has a '/' and no NUL                        → zkerr.BadArguments
//  3. the ACL is valid                                     → zkerr.InvalidACL
//  4. the parent exists                                    → zkerr.NoNode
//  5. the session has CREATE on the parent                 → zkerr.NoAuth
//  6. sequential: the path gets %010d of the parent's cversion
//  7. the final path is valid                              → zkerr.BadArguments
//  8. the node does not exist                              → zkerr.NodeExists
//  9. the parent is not an ordinary ephemeral              → zkerr.NoChildrenForEphemerals
func (t *Tree) prepCreate(op proto.OpCode, path string, data []byte, acls []proto.ACL,
	mode proto.CreateMode, ttl int64, auth []proto.Id) (proto.Record, error) {
	// Your code here (lab 1).
	return nil, fmt.Errorf("not implemented: lab 1 (Tree.prepCreate)")
}

// createNode applies a create txn (DataTree.createNode) and returns the
// new node's Stat and the events.
//
// Contract: the new node's Stat is czxid = mzxid = pzxid = zxid, ctime =
// mtime = time, versions 0, ephemeralOwner = owner. The events, in firing
// order: NodeCreated on path, then NodeChildrenChanged on the parent
// (State proto.StateSyncConnected). It is idempotent, for replaying a log
// over a fuzzy snapshot: a missing parent is zkerr.NoNode and a present
// node zkerr.NodeExists, both changing nothing. parentCVersion -1 means
// "the parent's cversion + 1"; the parent's cversion becomes
// parentCVersion and its pzxid zxid only if that makes the cversion grow.
func (t *Tree) createNode(path string, data []byte, acls []proto.ACL, owner int64,
	parentCVersion int32, zxid, time int64) (proto.Stat, []proto.WatcherEvent, error) {
	// Your code here (lab 1).
	return proto.Stat{}, nil, fmt.Errorf("not implemented: lab 1 (Tree.createNode)")
}
