package znode

// Lab 1: setData, setACL and check. This file replaces zk/znode/setdata.go.

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
)

// prepSetData checks a setData (op 5) and returns the *proto.SetDataTxn
// carrying the node's next version.
//
// Contract: it changes nothing; the checks, in PrepRequestProcessor's
// order (case setData): the path is valid → zkerr.BadArguments; the node
// exists → zkerr.NoNode; the session has WRITE on it → zkerr.NoAuth;
// version is -1 or the node's version → zkerr.BadVersion. The txn's
// Version is the node's version + 1.
func (t *Tree) prepSetData(path string, data []byte, version int32, auth []proto.Id) (proto.Record, error) {
	// Your code here (lab 1).
	return nil, fmt.Errorf("not implemented: lab 1 (Tree.prepSetData)")
}

// setData applies a setData txn (DataTree.setData).
//
// Contract: the node gets data, mtime = time, mzxid = zxid and version
// (the txn's: the version after the write, stored as given). It returns
// the node's Stat and one NodeDataChanged event on path; a missing node is
// zkerr.NoNode.
func (t *Tree) setData(path string, data []byte, version int32, zxid, time int64) (proto.Stat, []proto.WatcherEvent, error) {
	// Your code here (lab 1).
	return proto.Stat{}, nil, fmt.Errorf("not implemented: lab 1 (Tree.setData)")
}

// prepSetACL checks a setACL (op 7) and returns the *proto.SetACLTxn
// carrying the fixed-up ACL and the next aversion.
//
// Contract: it changes nothing; the checks, in PrepRequestProcessor's
// order (case setACL): the path is valid → zkerr.BadArguments; the ACL is
// valid → zkerr.InvalidACL; the node exists → zkerr.NoNode; the session
// has ADMIN on it → zkerr.NoAuth; version is -1 or the node's aversion →
// zkerr.BadVersion. The txn's Version is the aversion + 1.
func (t *Tree) prepSetACL(path string, acls []proto.ACL, version int32, auth []proto.Id) (proto.Record, error) {
	// Your code here (lab 1).
	return nil, fmt.Errorf("not implemented: lab 1 (Tree.prepSetACL)")
}

// setACL applies a setACL txn (DataTree.setACL).
//
// Contract: the node gets the ACL and aversion; it returns the node's
// Stat, or zkerr.NoNode. No watch fires.
func (t *Tree) setACL(path string, acls []proto.ACL, aversion int32) (proto.Stat, error) {
	// Your code here (lab 1).
	return proto.Stat{}, fmt.Errorf("not implemented: lab 1 (Tree.setACL)")
}

// prepCheck checks a check op (13, inside a multi) and returns its
// *proto.CheckVersionTxn.
//
// Contract: it changes nothing; the checks, in PrepRequestProcessor's
// order (case check): the path is valid → zkerr.BadArguments; the node
// exists → zkerr.NoNode; the session has READ on it → zkerr.NoAuth;
// version is -1 or the node's version → zkerr.BadVersion. Like
// ZooKeeper's, the txn carries the node's version + 1.
func (t *Tree) prepCheck(path string, version int32, auth []proto.Id) (proto.Record, error) {
	// Your code here (lab 1).
	return nil, fmt.Errorf("not implemented: lab 1 (Tree.prepCheck)")
}
