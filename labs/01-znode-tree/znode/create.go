package znode

// Lab 1: create. This file replaces zk/znode/create.go.

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
)

// prepCreate checks a create (ops 1, 15, 19, 21) against the tree, without
// changing it, and returns the txn to log: *proto.CreateContainerTxn for
// op createContainer, *proto.CreateTTLTxn for createTTL, *proto.CreateTxn
// otherwise, with the final path and ParentCVersion = parent's cversion+1.
// ttl is -1 unless op is createTTL. auth are the session's ids.
//
// Check in this order (PrepRequestProcessor.pRequest2TxnCreate); the first
// failure is the answer:
//
//  1. mode.Valid(), and the TTL fits the mode: a TTL mode needs
//     ephemeral.TTLOwner(ttl) to succeed, any other mode needs ttl < 0 → zkerr.BadArguments
//  2. zpath.ParentForCreate(path) (a '/' and no NUL)         → its error
//  3. acl.Fixup(acls, auth): what you will store             → its error
//  4. the parent exists                                       → zkerr.NoNode
//  5. acl.Check(parent's ACL, proto.PermCreate, auth)         → zkerr.NoAuth
//  6. sequential: path += fmt.Sprintf("%010d", parent's cversion)
//  7. zpath.Validate(path), on the final path                 → its error
//  8. the node does not exist                                 → zkerr.NodeExists
//  9. the parent is not ephemeral: ephemeral.Of(owner) == ephemeral.Normal
//     (containers and TTL nodes may have children)           → zkerr.NoChildrenForEphemerals
//
// Hint: step 7 comes late on purpose: "/queue/" is a fine sequential
// prefix, and "/missing/" is NONODE rather than BADARGUMENTS.
func (t *Tree) prepCreate(op proto.OpCode, path string, data []byte, acls []proto.ACL,
	mode proto.CreateMode, ttl int64, auth []proto.Id) (proto.Record, error) {
	// Your code here (lab 1).
	return nil, fmt.Errorf("not implemented: lab 1 (Tree.prepCreate)")
}

// createNode applies a create txn (DataTree.createNode). The new node's
// Stat: czxid = mzxid = pzxid = zxid, ctime = mtime = time, versions 0,
// ephemeralOwner = owner. Return its Stat and the events, in this order:
// NodeCreated on path, NodeChildrenChanged on the parent (State
// proto.StateSyncConnected).
//
// It must be idempotent, for replaying a log over a fuzzy snapshot:
//   - parent missing → zkerr.NoNode; node already there → zkerr.NodeExists;
//     either way change nothing.
//   - parentCVersion -1 means "parent's cversion + 1". Set the parent's
//     cversion to parentCVersion and its pzxid to zxid only if that makes
//     the cversion grow: a replayed create must not move it back.
func (t *Tree) createNode(path string, data []byte, acls []proto.ACL, owner int64,
	parentCVersion int32, zxid, time int64) (proto.Stat, []proto.WatcherEvent, error) {
	// Your code here (lab 1).
	return proto.Stat{}, nil, fmt.Errorf("not implemented: lab 1 (Tree.createNode)")
}
