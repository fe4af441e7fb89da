//go:build grade

package lab01_test

import (
	"testing"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/znode"
)

// TestMulti checks a successful multi (later ops see earlier ones, one
// zxid for all, result types by op) and a failed one (reply err 0, results
// 0 / code / -2, logged as ErrorTxns, every Stat and index rolled back,
// no events).
//
// Points: 12
// Reference: docs/reference/zookeeper.md §1.7; PrepRequestProcessor (multi), DataTree.processTxn (multi), FinalRequestProcessor (multi)
func TestMulti(t *testing.T) {
	s := newServer()
	ok(t, "create /m", s.exec(1, proto.OpCreate, createReq("/m", 0, "")))
	multi := func(ops ...proto.MultiOp) *proto.MultiRequest { return &proto.MultiRequest{Ops: ops} }
	op := func(typ proto.OpCode, rec proto.Record) proto.MultiOp { return proto.MultiOp{Type: typ, Record: rec} }

	res := ok(t, "multi", s.exec(9, proto.OpMulti, multi(
		op(proto.OpCreate, createReq("/m/a", 0, "A")),
		op(proto.OpCreate2, createReq("/m/a/s-", proto.ModeEphemeralSequential, "")),
		op(proto.OpSetData, &proto.SetDataRequest{Path: "/m/a", Data: []byte("AA"), Version: 0}),
		op(proto.OpCheck, &proto.CheckVersionRequest{Path: "/m/a", Version: 1}),
		op(proto.OpDelete, &proto.DeleteRequest{Path: "/m/a/s-0000000000", Version: 0}),
	)))
	z := s.zxid
	mr, isMulti := res.Response.(*proto.MultiResponse)
	if !isMulti || len(mr.Results) != 5 {
		t.Fatalf("reply %#v, want a MultiResponse with 5 results", res.Response)
	}
	if r, is := mr.Results[0].Record.(*proto.CreateResponse); mr.Results[0].Type != proto.OpCreate || !is || r.Path != "/m/a" {
		t.Fatalf("result 0 %+v, want create /m/a", mr.Results[0])
	}
	wantS := proto.Stat{Czxid: z, Mzxid: z, Ctime: 1000 * z, Mtime: 1000 * z, EphemeralOwner: 9, Pzxid: z}
	if r, is := mr.Results[1].Record.(*proto.Create2Response); mr.Results[1].Type != proto.OpCreate2 || !is || r.Path != "/m/a/s-0000000000" || r.Stat != wantS {
		t.Fatalf("result 1 %+v, want create2 /m/a/s-0000000000 with %s", mr.Results[1], fmtStat(wantS))
	}
	if r, is := mr.Results[2].Record.(*proto.StatResponse); mr.Results[2].Type != proto.OpSetData || !is || r.Stat.Version != 1 {
		t.Fatalf("result 2 %+v, want setData with version 1", mr.Results[2])
	}
	if mr.Results[3].Type != proto.OpCheck || mr.Results[4].Type != proto.OpDelete {
		t.Fatalf("results 3, 4: %+v %+v", mr.Results[3], mr.Results[4])
	}
	wantStat(t, s.tree, "/m/a", proto.Stat{Czxid: z, Mzxid: z, Ctime: 1000 * z, Mtime: 1000 * z, Version: 1, Cversion: 2*1 - 0, DataLength: 2, Pzxid: z})
	if len(res.Events) != 7 || res.Events[0] != event(proto.EventNodeCreated, "/m/a") || res.Events[6] != event(proto.EventNodeChildrenChanged, "/m/a") {
		t.Fatalf("events %v, want the 7 events of the 5 ops in order", res.Events)
	}
	if mt, is := res.Txn.Record.(*proto.MultiTxn); !is || len(mt.Txns) != 5 || res.Txn.Header.Type != proto.OpMulti {
		t.Fatalf("logged %+v %#v, want a MultiTxn of 5", res.Txn.Header, res.Txn.Record)
	}

	before := snapshotOf(t, s.tree)
	size, count := s.tree.ApproximateDataSize(), s.tree.NodeCount()
	res = s.exec(9, proto.OpMulti, multi(
		op(proto.OpCreate, createReq("/m/b", proto.ModeEphemeral, "B")),
		op(proto.OpSetData, &proto.SetDataRequest{Path: "/m/a", Data: []byte("much longer"), Version: 1}),
		op(proto.OpDelete, &proto.DeleteRequest{Path: "/m/a", Version: -1}),
		op(proto.OpCreate, createReq("/m/a", 0, "")), // deleted above, so this works
		op(proto.OpCreate, createReq("/m/b", 0, "")), // NODEEXISTS: created by op 0
		op(proto.OpDelete, &proto.DeleteRequest{Path: "/nope", Version: -1}),
	))
	if res.Err != nil {
		t.Fatalf("failed multi: reply err %v, want nil (the header says 0)", res.Err)
	}
	want := []int32{0, 0, 0, 0, int32(zkerr.NodeExists), int32(zkerr.RuntimeInconsistency)}
	mr, _ = res.Response.(*proto.MultiResponse)
	if mr == nil || len(mr.Results) != len(want) {
		t.Fatalf("reply %#v, want %d results", res.Response, len(want))
	}
	mt, _ := res.Txn.Record.(*proto.MultiTxn)
	if mt == nil || len(mt.Txns) != len(want) {
		t.Fatalf("logged %#v, want a MultiTxn of %d ErrorTxns", res.Txn.Record, len(want))
	}
	for i, code := range want {
		if r := mr.Results[i]; r.Type != proto.OpError || r.Err != code {
			t.Fatalf("result %d = %+v, want error result %d", i, r, code)
		}
		if e, is := mt.Txns[i].Txn.(*proto.ErrorTxn); mt.Txns[i].Type != proto.OpError || !is || e.Err != code {
			t.Fatalf("sub-txn %d = %+v, want ErrorTxn{%d}", i, mt.Txns[i], code)
		}
	}
	if len(res.Events) != 0 {
		t.Fatalf("failed multi fired %v", res.Events)
	}
	after := snapshotOf(t, s.tree)
	for p, v := range before {
		if after[p] != v {
			t.Fatalf("failed multi changed %s:\n got %s\nwant %s", p, after[p], v)
		}
	}
	if len(after) != len(before) || s.tree.ApproximateDataSize() != size || s.tree.NodeCount() != count {
		t.Fatalf("failed multi changed the tree's size")
	}
	if e := s.tree.Ephemerals(9); len(e) != 0 {
		t.Fatalf("Ephemerals(9) = %v after a rolled-back create", e)
	}
	// The failed multi consumed a zxid but no sequence number.
	res = ok(t, "seq", s.exec(1, proto.OpCreate, createReq("/m/s-", proto.ModePersistentSequential, "")))
	if p := res.Response.(*proto.CreateResponse).Path; p != "/m/s-0000000001" {
		t.Fatalf("next sequential name %s, want /m/s-0000000001", p)
	}
}

// TestApplyReplay checks that applying the logged txns to a fresh tree
// rebuilds the same tree, that a snapshot restored from Walk plus a
// replayed overlapping suffix converges, and replay's idempotence rules.
//
// Points: 10
// Reference: docs/reference/zookeeper.md §4 (fuzzy snapshots, idempotent txns); DataTree.processTxn, createNode, deleteNode
func TestApplyReplay(t *testing.T) {
	s := newServer()
	ok(t, "a", s.exec(1, proto.OpCreate, createReq("/a", 0, "1")))
	ok(t, "a/s", s.exec(2, proto.OpCreate, createReq("/a/s-", proto.ModeEphemeralSequential, "")))
	ok(t, "a/s", s.exec(2, proto.OpCreate2, createReq("/a/s-", proto.ModeEphemeralSequential, "x")))
	ok(t, "set", s.exec(1, proto.OpSetData, &proto.SetDataRequest{Path: "/a", Data: []byte("22"), Version: -1}))
	wantCode(t, "fail", s.exec(1, proto.OpDelete, &proto.DeleteRequest{Path: "/a", Version: -1}), zkerr.NotEmpty)
	ok(t, "del", s.exec(2, proto.OpDelete, &proto.DeleteRequest{Path: "/a/s-0000000000", Version: -1}))
	ok(t, "acl", s.exec(1, proto.OpSetACL, &proto.SetACLRequest{Path: "/a", ACL: proto.OpenACLUnsafe, Version: 0}))
	ok(t, "c", s.exec(1, proto.OpCreateContainer, createReq("/c", proto.ModeContainer, "")))
	ok(t, "multi", s.exec(1, proto.OpMulti, &proto.MultiRequest{Ops: []proto.MultiOp{
		{Type: proto.OpCreate, Record: createReq("/c/x", 0, "")},
		{Type: proto.OpSetData, Record: &proto.SetDataRequest{Path: "/a", Version: -1}},
	}}))
	ok(t, "close", s.exec(2, proto.OpCloseSession, nil))

	replay := znode.New()
	for _, txn := range s.log {
		if _, err := replay.Apply(txn); err != nil {
			t.Fatalf("Apply(%v): %v", txn.Header.Type, err)
		}
	}
	sameTree(t, "fresh replay", s.tree, replay)

	for cut := 0; cut <= len(s.log); cut++ {
		mid := znode.New()
		for _, txn := range s.log[:cut] {
			mid.Apply(txn)
		}
		restored := znode.New()
		if err := mid.Walk(func(p string, n znode.NodeData) error { return restored.Restore(p, n) }); err != nil {
			t.Fatalf("restore: %v", err)
		}
		sameTree(t, "restored snapshot", mid, restored)
		for _, txn := range s.log[max(0, cut-3):] { // overlap: txns already in the snapshot
			restored.Apply(txn)
		}
		sameTree(t, "replay over a snapshot", s.tree, restored)
	}

	// A replayed create of a node that exists changes nothing but moves the
	// parent's cversion forward (processTxn, case create + NODEEXISTS).
	tr := znode.New()
	hdr := proto.TxnHeader{ClientID: 1, Zxid: 10, Time: 5, Type: proto.OpCreate}
	tr.Apply(proto.Txn{Header: hdr, Record: &proto.CreateTxn{Path: "/p", ACL: proto.OpenACLUnsafe, ParentCVersion: 1}})
	hdr.Zxid = 20
	_, err := tr.Apply(proto.Txn{Header: hdr, Record: &proto.CreateTxn{Path: "/p", Data: []byte("other"), ACL: proto.OpenACLUnsafe, ParentCVersion: 4}})
	if zkerr.CodeOf(err) != zkerr.NodeExists {
		t.Fatalf("replayed create: %v, want NODEEXISTS", err)
	}
	wantStat(t, tr, "/p", proto.Stat{Czxid: 10, Mzxid: 10, Ctime: 5, Mtime: 5, Pzxid: 10})
	wantStat(t, tr, "/", proto.Stat{Cversion: 2*4 - 2, NumChildren: 2, Pzxid: 20})
	// A create replayed after its node was deleted again (it fell inside the
	// fuzzy window) re-creates the node but must not move the parent's
	// cversion or pzxid back.
	hdr.Zxid = 18
	tr.Apply(proto.Txn{Header: hdr, Record: &proto.CreateTxn{Path: "/r", ParentCVersion: 2}})
	wantStat(t, tr, "/", proto.Stat{Cversion: 2*4 - 3, NumChildren: 3, Pzxid: 20})
	hdr.Zxid = 15
	tr.Apply(proto.Txn{Header: hdr, Record: &proto.CreateTxn{Path: "/p/q", ParentCVersion: 1}})
	hdr.Zxid, hdr.Type = 12, proto.OpDelete
	tr.Apply(proto.Txn{Header: hdr, Record: &proto.DeleteTxn{Path: "/p/q"}}) // an older delete must not move pzxid back
	wantStat(t, tr, "/p", proto.Stat{Czxid: 10, Mzxid: 10, Ctime: 5, Mtime: 5, Cversion: 2, Pzxid: 15})
	hdr.Zxid = 30
	if _, err := tr.Apply(proto.Txn{Header: hdr, Record: &proto.DeleteTxn{Path: "/p/q"}}); zkerr.CodeOf(err) != zkerr.NoNode {
		t.Fatalf("replayed delete: %v, want NONODE", err)
	}
	wantStat(t, tr, "/p", proto.Stat{Czxid: 10, Mzxid: 10, Ctime: 5, Mtime: 5, Cversion: 2, Pzxid: 30})
}
