package znode

// Lab 1: setData, setACL and check. This file replaces zk/znode/setdata.go.

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
)

// prepSetData checks a setData (op 5) and returns the *proto.SetDataTxn
// with Version = the node's version + 1. Order (PrepRequestProcessor,
// case setData): zpath.Validate → its error; node exists → zkerr.NoNode;
// acl.Check(node's ACL, proto.PermWrite, auth) → zkerr.NoAuth;
// version == -1 or equal → zkerr.BadVersion.
func (t *Tree) prepSetData(path string, data []byte, version int32, auth []proto.Id) (proto.Record, error) {
	// Your code here (lab 1).
	return nil, fmt.Errorf("not implemented: lab 1 (Tree.prepSetData)")
}

// setData applies a setData txn (DataTree.setData): data, mtime = time,
// mzxid = zxid, version = the txn's version (do not add one: the txn
// carries the result). Returns the Stat and one NodeDataChanged event.
// Node missing → zkerr.NoNode.
func (t *Tree) setData(path string, data []byte, version int32, zxid, time int64) (proto.Stat, []proto.WatcherEvent, error) {
	// Your code here (lab 1).
	return proto.Stat{}, nil, fmt.Errorf("not implemented: lab 1 (Tree.setData)")
}

// prepSetACL checks a setACL (op 7) and returns the *proto.SetACLTxn with
// the fixed-up ACL and Version = aversion + 1. Order: zpath.Validate;
// acl.Fixup(acls, auth) → its error; node exists → zkerr.NoNode;
// acl.Check(node's ACL, proto.PermAdmin, auth) → zkerr.NoAuth; version
// against the node's *aversion* → zkerr.BadVersion.
func (t *Tree) prepSetACL(path string, acls []proto.ACL, version int32, auth []proto.Id) (proto.Record, error) {
	// Your code here (lab 1).
	return nil, fmt.Errorf("not implemented: lab 1 (Tree.prepSetACL)")
}

// setACL applies a setACL txn: the ACL and aversion. No watch fires.
func (t *Tree) setACL(path string, acls []proto.ACL, aversion int32) (proto.Stat, error) {
	// Your code here (lab 1).
	return proto.Stat{}, fmt.Errorf("not implemented: lab 1 (Tree.setACL)")
}

// prepCheck checks a check op (13, inside a multi) and returns a
// *proto.CheckVersionTxn{Path, Version: node's version + 1}. Order:
// zpath.Validate; node exists → zkerr.NoNode; acl.Check(node's ACL,
// proto.PermRead, auth) → zkerr.NoAuth; version → zkerr.BadVersion.
func (t *Tree) prepCheck(path string, version int32, auth []proto.Id) (proto.Record, error) {
	// Your code here (lab 1).
	return nil, fmt.Errorf("not implemented: lab 1 (Tree.prepCheck)")
}
