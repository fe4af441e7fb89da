package znode

// This file is replaced by labs/01-znode-tree/znode/create.go in lab 1.

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/acl"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/znode/ephemeral"
	"github.com/zkafka/zkafka/zk/zpath"
)

// #region prep-create

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
	if !mode.Valid() {
		return nil, fmt.Errorf("%w: create flags %d", zkerr.BadArguments, int32(mode))
	}
	// EphemeralType.validateTTL: TTL modes need 0 < ttl <= MaxTTL, other
	// modes need ttl < 0 (so createTTL with a plain mode is refused).
	if mode.TTL() {
		if _, err := ephemeral.TTLOwner(ttl); err != nil {
			return nil, fmt.Errorf("%w: %v", zkerr.BadArguments, err)
		}
	} else if ttl >= 0 {
		return nil, fmt.Errorf("%w: ttl not valid for mode %d", zkerr.BadArguments, int32(mode))
	}
	parentPath, err := zpath.ParentForCreate(path)
	if err != nil {
		return nil, err
	}
	stored, err := acl.Fixup(acls, auth)
	if err != nil {
		return nil, err
	}
	parent := t.nodes[parentPath]
	if parent == nil {
		return nil, zkerr.NoNode
	}
	if !acl.Check(parent.acl, proto.PermCreate, auth) {
		return nil, zkerr.NoAuth
	}
	if mode.Sequential() {
		path = fmt.Sprintf("%s%010d", path, parent.stat.Cversion)
	}
	if err := zpath.Validate(path); err != nil {
		return nil, err
	}
	if t.nodes[path] != nil {
		return nil, zkerr.NodeExists
	}
	if ephemeral.Of(parent.stat.EphemeralOwner) == ephemeral.Normal {
		return nil, zkerr.NoChildrenForEphemerals
	}
	newCversion := parent.stat.Cversion + 1
	switch op {
	case proto.OpCreateContainer:
		return &proto.CreateContainerTxn{Path: path, Data: data, ACL: stored, ParentCVersion: newCversion}, nil
	case proto.OpCreateTTL:
		return &proto.CreateTTLTxn{Path: path, Data: data, ACL: stored, ParentCVersion: newCversion, TTL: ttl}, nil
	}
	return &proto.CreateTxn{Path: path, Data: data, ACL: stored, Ephemeral: mode.Ephemeral(), ParentCVersion: newCversion}, nil
}

// #endregion prep-create

// #region create-node

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
	parentPath := zpath.Parent(path)
	parent := t.nodes[parentPath]
	if parent == nil {
		return proto.Stat{}, nil, zkerr.NoNode
	}
	if _, ok := parent.children[zpath.Base(path)]; ok {
		return proto.Stat{}, nil, zkerr.NodeExists
	}
	if parentCVersion == -1 {
		parentCVersion = parent.stat.Cversion + 1
	}
	if parentCVersion > parent.stat.Cversion {
		parent.stat.Cversion = parentCVersion
		parent.stat.Pzxid = zxid
	}
	n := &node{data: data, acl: acls, stat: proto.Stat{
		Czxid: zxid, Mzxid: zxid, Pzxid: zxid,
		Ctime: time, Mtime: time,
		EphemeralOwner: owner,
	}}
	t.attach(path, n)
	return n.statOf(), []proto.WatcherEvent{
		{Type: proto.EventNodeCreated, State: proto.StateSyncConnected, Path: path},
		{Type: proto.EventNodeChildrenChanged, State: proto.StateSyncConnected, Path: parentPath},
	}, nil
}

// #endregion create-node
