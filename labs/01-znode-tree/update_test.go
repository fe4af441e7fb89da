//go:build grade

package lab01_test

import (
	"testing"

	"github.com/zkafka/zkafka/zk/acl"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// TestDelete checks delete's check order, versions, NOTEMPTY, the special
// nodes, the parent's Stat after a delete (pzxid moves, cversion does
// not), the events and the counters.
//
// Points: 10
// Reference: docs/reference/zookeeper.md §1.5, §1.8; PrepRequestProcessor (case delete), DataTree.deleteNode
func TestDelete(t *testing.T) {
	s := newServer()
	ok(t, "create /a", s.exec(1, proto.OpCreate, createReq("/a", 0, "xy")))
	ok(t, "create /a/b", s.exec(1, proto.OpCreate, createReq("/a/b", 0, "")))
	ok(t, "set /a/b", s.exec(1, proto.OpSetData, &proto.SetDataRequest{Path: "/a/b", Data: []byte("1"), Version: 0}))
	bob := proto.Id{Scheme: "digest", ID: acl.DigestOf("bob", "pw")}
	ok(t, "create /ro", s.exec(1, proto.OpCreate, &proto.CreateRequest{Path: "/ro", ACL: []proto.ACL{{Perms: proto.PermAll &^ proto.PermDelete, ID: proto.WorldAnyone}, {Perms: proto.PermDelete, ID: bob}}}))
	ok(t, "create /ro/x", s.exec(1, proto.OpCreate, createReq("/ro/x", 0, "")))
	del := func(path string, version int32) *proto.DeleteRequest {
		return &proto.DeleteRequest{Path: path, Version: version}
	}
	for _, c := range []struct {
		name string
		rec  *proto.DeleteRequest
		want zkerr.Code
	}{
		{"root", del("/", -1), zkerr.BadArguments},
		{"/zookeeper", del("/zookeeper", -1), zkerr.BadArguments},
		{"/zookeeper/config", del("/zookeeper/config", -1), zkerr.BadArguments},
		{"no slash", del("a", -1), zkerr.BadArguments},
		{"missing parent", del("/x/y", -1), zkerr.NoNode},
		{"missing node", del("/a/zz", -1), zkerr.NoNode},
		{"NOAUTH before NONODE", del("/ro/missing", -1), zkerr.NoAuth},
		{"version", del("/a/b", 0), zkerr.BadVersion},
		{"BADVERSION before NOTEMPTY", del("/a", 5), zkerr.BadVersion},
		{"not empty", del("/a", 0), zkerr.NotEmpty},
	} {
		wantCode(t, c.name, s.exec(1, proto.OpDelete, c.rec), c.want)
	}
	ok(t, "delete /ro/x as bob", s.exec(1, proto.OpDelete, del("/ro/x", -1), bob))

	size := s.tree.ApproximateDataSize()
	res := ok(t, "delete /a/b", s.exec(1, proto.OpDelete, del("/a/b", 1)))
	if res.Response != nil {
		t.Fatalf("delete reply %#v, want none (header only)", res.Response)
	}
	wantEvents(t, "delete /a/b", res.Events, event(proto.EventNodeDeleted, "/a/b"), event(proto.EventNodeChildrenChanged, "/a"))
	if tx, isDel := res.Txn.Record.(*proto.DeleteTxn); !isDel || tx.Path != "/a/b" || res.Txn.Header.Type != proto.OpDelete {
		t.Fatalf("logged %+v %#v", res.Txn.Header, res.Txn.Record)
	}
	z := s.zxid
	wantStat(t, s.tree, "/a", proto.Stat{Czxid: 1, Mzxid: 1, Ctime: 1000, Mtime: 1000, DataLength: 2, Cversion: 2*1 - 0, NumChildren: 0, Pzxid: z})
	if got, want := s.tree.ApproximateDataSize(), size-int64(len("/a/b")+1); got != want {
		t.Fatalf("ApproximateDataSize = %d, want %d", got, want)
	}
	if _, err := s.tree.Exists("/a/b"); zkerr.CodeOf(err) != zkerr.NoNode {
		t.Fatalf("Exists(/a/b) after delete: %v", err)
	}
	if kids, _, _ := s.tree.Children("/a"); len(kids) != 0 {
		t.Fatalf("Children(/a) = %v after delete", kids)
	}
	ok(t, "delete /a", s.exec(1, proto.OpDelete, del("/a", 0)))
	wantStat(t, s.tree, "/", proto.Stat{Cversion: 2, NumChildren: 2, Pzxid: s.zxid})
}

// TestSetDataAndACL checks setData (data, version, mzxid, mtime,
// dataLength, the event), setACL (aversion, no event, the new ACL in
// force), versions -1 and stale, and permissions.
//
// Points: 10
// Reference: docs/reference/zookeeper.md §1.5, §1.8; PrepRequestProcessor (setData, setACL, check), DataTree.setData, setACL
func TestSetDataAndACL(t *testing.T) {
	s := newServer()
	ok(t, "create /n", s.exec(1, proto.OpCreate, createReq("/n", 0, "v0")))
	res := ok(t, "setData", s.exec(1, proto.OpSetData, &proto.SetDataRequest{Path: "/n", Data: []byte("value1"), Version: 0}))
	want := proto.Stat{Czxid: 1, Mzxid: 2, Ctime: 1000, Mtime: 2000, Version: 1, DataLength: 6, Pzxid: 1}
	if r, isStat := res.Response.(*proto.StatResponse); !isStat || r.Stat != want {
		t.Fatalf("setData reply %#v, want StatResponse{%s}", res.Response, fmtStat(want))
	}
	wantEvents(t, "setData", res.Events, event(proto.EventNodeDataChanged, "/n"))
	if tx, isSet := res.Txn.Record.(*proto.SetDataTxn); !isSet || tx.Version != 1 {
		t.Fatalf("logged %#v, want SetDataTxn with Version 1", res.Txn.Record)
	}
	ok(t, "setData any version", s.exec(1, proto.OpSetData, &proto.SetDataRequest{Path: "/n", Data: nil, Version: -1}))
	wantStat(t, s.tree, "/n", proto.Stat{Czxid: 1, Mzxid: 3, Ctime: 1000, Mtime: 3000, Version: 2, Pzxid: 1})
	wantCode(t, "stale version", s.exec(1, proto.OpSetData, &proto.SetDataRequest{Path: "/n", Version: 1}), zkerr.BadVersion)
	wantCode(t, "missing", s.exec(1, proto.OpSetData, &proto.SetDataRequest{Path: "/m", Version: -1}), zkerr.NoNode)
	wantCode(t, "bad path", s.exec(1, proto.OpSetData, &proto.SetDataRequest{Path: "/n/", Version: -1}), zkerr.BadArguments)
	wantCode(t, "config is read-only", s.exec(1, proto.OpSetData, &proto.SetDataRequest{Path: "/zookeeper/config", Version: -1}), zkerr.NoAuth)
	if got := s.tree.ApproximateDataSize(); got != 44+2 {
		t.Fatalf("ApproximateDataSize = %d, want 46 after emptying /n", got)
	}

	bob := proto.Id{Scheme: "digest", ID: acl.DigestOf("bob", "pw")}
	newACL := []proto.ACL{{Perms: proto.PermRead, ID: proto.WorldAnyone}, {Perms: proto.PermAll, ID: proto.Id{Scheme: "auth"}}}
	wantCode(t, "setACL auth without ids", s.exec(1, proto.OpSetACL, &proto.SetACLRequest{Path: "/n", ACL: newACL, Version: -1}), zkerr.InvalidACL)
	wantCode(t, "setACL stale aversion", s.exec(1, proto.OpSetACL, &proto.SetACLRequest{Path: "/n", ACL: newACL, Version: 2}, bob), zkerr.BadVersion)
	res = ok(t, "setACL", s.exec(1, proto.OpSetACL, &proto.SetACLRequest{Path: "/n", ACL: newACL, Version: 0}, bob))
	wantEvents(t, "setACL", res.Events)
	st := stat(t, s.tree, "/n")
	if st.Aversion != 1 || st.Version != 2 || st.Mzxid != 3 {
		t.Fatalf("after setACL: %s, want aversion 1 and data fields unchanged", fmtStat(st))
	}
	stored, _, _ := s.tree.GetACL("/n")
	if len(stored) != 2 || stored[1].ID != bob {
		t.Fatalf("stored ACL %v, want auth expanded to bob's digest", stored)
	}
	wantCode(t, "anonymous write", s.exec(1, proto.OpSetData, &proto.SetDataRequest{Path: "/n", Version: -1}), zkerr.NoAuth)
	wantCode(t, "anonymous setACL", s.exec(1, proto.OpSetACL, &proto.SetACLRequest{Path: "/n", ACL: proto.OpenACLUnsafe, Version: -1}), zkerr.NoAuth)
	ok(t, "bob writes", s.exec(1, proto.OpSetData, &proto.SetDataRequest{Path: "/n", Version: 2}, bob))
	ok(t, "super writes", s.exec(1, proto.OpSetData, &proto.SetDataRequest{Path: "/n", Version: 3}, acl.SuperID))
	ok(t, "check", s.exec(1, proto.OpCheck, &proto.CheckVersionRequest{Path: "/n", Version: 4}))
	wantCode(t, "check stale", s.exec(1, proto.OpCheck, &proto.CheckVersionRequest{Path: "/n", Version: 3}), zkerr.BadVersion)
}

// TestCloseSession checks that closing a session deletes exactly its
// ephemerals, logs them in the CloseSessionTxn, and fires their events.
//
// Points: 5
// Reference: docs/reference/zookeeper.md §5 (session expiry); PrepRequestProcessor (closeSession), DataTree.killSession
func TestCloseSession(t *testing.T) {
	s := newServer()
	ok(t, "create /svc", s.exec(1, proto.OpCreate, createReq("/svc", 0, "")))
	ok(t, "ephemeral of 7", s.exec(7, proto.OpCreate, createReq("/svc/n-", proto.ModeEphemeralSequential, "")))
	ok(t, "ephemeral of 8", s.exec(8, proto.OpCreate, createReq("/svc/n-", proto.ModeEphemeralSequential, "")))
	ok(t, "ephemeral of 7", s.exec(7, proto.OpCreate, createReq("/e7", proto.ModeEphemeral, "")))
	res := ok(t, "closeSession 7", s.exec(7, proto.OpCloseSession, nil))
	tx, isClose := res.Txn.Record.(*proto.CloseSessionTxn)
	if !isClose || len(tx.Paths2Delete) != 2 || tx.Paths2Delete[0] != "/e7" || tx.Paths2Delete[1] != "/svc/n-0000000000" {
		t.Fatalf("logged %#v, want CloseSessionTxn{[/e7 /svc/n-0000000000]}", res.Txn.Record)
	}
	wantEvents(t, "closeSession", res.Events,
		event(proto.EventNodeDeleted, "/e7"), event(proto.EventNodeChildrenChanged, "/"),
		event(proto.EventNodeDeleted, "/svc/n-0000000000"), event(proto.EventNodeChildrenChanged, "/svc"))
	if kids, _, _ := s.tree.Children("/svc"); len(kids) != 1 || kids[0] != "n-0000000001" {
		t.Fatalf("Children(/svc) = %v, want [n-0000000001]", kids)
	}
	if len(s.tree.Ephemerals(7)) != 0 || len(s.tree.Ephemerals(8)) != 1 {
		t.Fatalf("Ephemerals: 7 → %v, 8 → %v", s.tree.Ephemerals(7), s.tree.Ephemerals(8))
	}
	if st := stat(t, s.tree, "/svc"); st.Pzxid != s.zxid || st.Cversion != 2*2-1 {
		t.Fatalf("/svc after closeSession: %s", fmtStat(st))
	}
}
