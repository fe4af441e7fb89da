package znode

// This file is replaced by labs/01-znode-tree/znode/setdata.go in lab 1.

import (
	"github.com/zkafka/zkafka/zk/acl"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/zpath"
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
	n, err := t.existing(path)
	if err != nil {
		return nil, err
	}
	if !acl.Check(n.acl, proto.PermWrite, auth) {
		return nil, zkerr.NoAuth
	}
	next, err := checkVersion(n.stat.Version, version)
	if err != nil {
		return nil, err
	}
	return &proto.SetDataTxn{Path: path, Data: data, Version: next}, nil
}

// setData applies a setData txn (DataTree.setData).
//
// Contract: the node gets data, mtime = time, mzxid = zxid and version
// (the txn's: the version after the write, stored as given). It returns
// the node's Stat and one NodeDataChanged event on path; a missing node is
// zkerr.NoNode.
func (t *Tree) setData(path string, data []byte, version int32, zxid, time int64) (proto.Stat, []proto.WatcherEvent, error) {
	n := t.nodes[path]
	if n == nil {
		return proto.Stat{}, nil, zkerr.NoNode
	}
	t.dataSize += int64(len(data) - len(n.data))
	n.data = data
	n.stat.Mtime = time
	n.stat.Mzxid = zxid
	n.stat.Version = version
	return n.statOf(), []proto.WatcherEvent{
		{Type: proto.EventNodeDataChanged, State: proto.StateSyncConnected, Path: path},
	}, nil
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
	if err := zpath.Validate(path); err != nil {
		return nil, err
	}
	stored, err := acl.Fixup(acls, auth)
	if err != nil {
		return nil, err
	}
	n := t.nodes[path]
	if n == nil {
		return nil, zkerr.NoNode
	}
	if !acl.Check(n.acl, proto.PermAdmin, auth) {
		return nil, zkerr.NoAuth
	}
	next, err := checkVersion(n.stat.Aversion, version)
	if err != nil {
		return nil, err
	}
	return &proto.SetACLTxn{Path: path, ACL: stored, Version: next}, nil
}

// setACL applies a setACL txn (DataTree.setACL).
//
// Contract: the node gets the ACL and aversion; it returns the node's
// Stat, or zkerr.NoNode. No watch fires.
func (t *Tree) setACL(path string, acls []proto.ACL, aversion int32) (proto.Stat, error) {
	n := t.nodes[path]
	if n == nil {
		return proto.Stat{}, zkerr.NoNode
	}
	n.acl = acls
	n.stat.Aversion = aversion
	return n.statOf(), nil
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
	n, err := t.existing(path)
	if err != nil {
		return nil, err
	}
	if !acl.Check(n.acl, proto.PermRead, auth) {
		return nil, zkerr.NoAuth
	}
	next, err := checkVersion(n.stat.Version, version)
	if err != nil {
		return nil, err
	}
	return &proto.CheckVersionTxn{Path: path, Version: next}, nil
}

// existing validates path and returns its node, or BADARGUMENTS / NONODE.
func (t *Tree) existing(path string) (*node, error) {
	if err := zpath.Validate(path); err != nil {
		return nil, err
	}
	n := t.nodes[path]
	if n == nil {
		return nil, zkerr.NoNode
	}
	return n, nil
}

// checkVersion is PrepRequestProcessor.checkAndIncVersion: expected -1
// matches any version; the result is the version after the write.
func checkVersion(current, expected int32) (int32, error) {
	if expected != -1 && expected != current {
		return 0, zkerr.BadVersion
	}
	return current + 1, nil
}
