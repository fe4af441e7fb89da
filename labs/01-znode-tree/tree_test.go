//go:build grade

package lab01_test

import (
	"math"
	"testing"

	"github.com/zkafka/zkafka/zk/acl"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/znode"
	"github.com/zkafka/zkafka/zk/znode/ephemeral"
)

// TestInitialTree checks the four nodes a fresh server has, their Stats
// and ACLs, and the counters mntr reports.
//
// Points: 5
// Reference: docs/reference/zookeeper.md §1.5 (initial tree); DataTree constructor, addConfigNode, getNodeSize
func TestInitialTree(t *testing.T) {
	tr := znode.New()
	// Clients see cversion = 2*creates - numChildren (DataNode.copyStat),
	// and DataTree adds the initial children without counting creates:
	// hence -1 and -2, as zkCli's "stat /" shows on a fresh server.
	wantStat(t, tr, "/", proto.Stat{NumChildren: 1, Cversion: -1})
	wantStat(t, tr, "/zookeeper", proto.Stat{NumChildren: 2, Cversion: -2})
	wantStat(t, tr, "/zookeeper/quota", proto.Stat{})
	wantStat(t, tr, "/zookeeper/config", proto.Stat{Aversion: -1})
	kids, _, err := tr.Children("/zookeeper")
	if err != nil || len(kids) != 2 || kids[0] != "config" || kids[1] != "quota" {
		t.Fatalf("Children(/zookeeper) = %v, %v; want [config quota] (sorted)", kids, err)
	}
	a, _, err := tr.GetACL("/zookeeper/config")
	if err != nil || len(a) != 1 || a[0] != proto.ReadACLUnsafe[0] {
		t.Fatalf("GetACL(/zookeeper/config) = %v, %v; want world:anyone READ", a, err)
	}
	if a, _, _ := tr.GetACL("/"); len(a) != 1 || a[0] != proto.OpenACLUnsafe[0] {
		t.Fatalf("GetACL(/) = %v", a)
	}
	if n := tr.NodeCount(); n != 5 {
		t.Fatalf("NodeCount = %d, want 5 (the root counts twice, as in ZooKeeper)", n)
	}
	if s := tr.ApproximateDataSize(); s != 44 {
		t.Fatalf("ApproximateDataSize = %d, want 44 = len(\"/\")+len(\"/zookeeper\")+len(\"/zookeeper/quota\")+len(\"/zookeeper/config\")", s)
	}
	if _, err := tr.Exists("/nope"); zkerr.CodeOf(err) != zkerr.NoNode {
		t.Fatalf("Exists(/nope) = %v, want NONODE", err)
	}
	if _, _, err := tr.GetData("/nope"); zkerr.CodeOf(err) != zkerr.NoNode {
		t.Fatalf("GetData(/nope) = %v, want NONODE", err)
	}
}

// TestCreateStat checks every Stat field of a new node and of its parent,
// the create and create2 replies, the events, and the counters.
//
// Points: 10
// Reference: docs/reference/zookeeper.md §1.5 (Stat, create effects), §1.8; DataTree.createNode, createStat
func TestCreateStat(t *testing.T) {
	s := newServer()
	res := ok(t, "create /a", s.exec(5, proto.OpCreate, createReq("/a", proto.ModePersistent, "hello")))
	if r, isCreate := res.Response.(*proto.CreateResponse); !isCreate || r.Path != "/a" {
		t.Fatalf("create reply %#v, want CreateResponse{/a}", res.Response)
	}
	wantEvents(t, "create /a", res.Events, event(proto.EventNodeCreated, "/a"), event(proto.EventNodeChildrenChanged, "/"))
	wantStat(t, s.tree, "/a", proto.Stat{Czxid: 1, Mzxid: 1, Ctime: 1000, Mtime: 1000, DataLength: 5, Pzxid: 1})
	wantStat(t, s.tree, "/", proto.Stat{Cversion: 2*1 - 2, NumChildren: 2, Pzxid: 1})

	res = ok(t, "create2 /a/b", s.exec(5, proto.OpCreate2, createReq("/a/b", proto.ModePersistent, "")))
	want := proto.Stat{Czxid: 2, Mzxid: 2, Ctime: 2000, Mtime: 2000, Pzxid: 2}
	if r, isCreate2 := res.Response.(*proto.Create2Response); !isCreate2 || r.Path != "/a/b" || r.Stat != want {
		t.Fatalf("create2 reply %#v, want Create2Response{/a/b, %s}", res.Response, fmtStat(want))
	}
	wantEvents(t, "create /a/b", res.Events, event(proto.EventNodeCreated, "/a/b"), event(proto.EventNodeChildrenChanged, "/a"))
	wantStat(t, s.tree, "/a", proto.Stat{Czxid: 1, Mzxid: 1, Ctime: 1000, Mtime: 1000, DataLength: 5, Cversion: 1, NumChildren: 1, Pzxid: 2})
	wantStat(t, s.tree, "/", proto.Stat{Cversion: 0, NumChildren: 2, Pzxid: 1}) // grandparent untouched

	data, _, err := s.tree.GetData("/a")
	if err != nil || string(data) != "hello" {
		t.Fatalf("GetData(/a) = %q, %v", data, err)
	}
	if n := s.tree.NodeCount(); n != 7 {
		t.Fatalf("NodeCount = %d, want 7", n)
	}
	if got, want := s.tree.ApproximateDataSize(), int64(44+len("/a")+5+len("/a/b")); got != want {
		t.Fatalf("ApproximateDataSize = %d, want %d", got, want)
	}
	if n, err := s.tree.AllChildrenNumber("/"); err != nil || n != 5 {
		t.Fatalf("AllChildrenNumber(/) = %d, %v; want 5", n, err)
	}
	if n, err := s.tree.AllChildrenNumber("/a"); err != nil || n != 1 {
		t.Fatalf("AllChildrenNumber(/a) = %d, %v; want 1", n, err)
	}
	if tx, isCreate := res.Txn.Record.(*proto.CreateTxn); !isCreate || tx.ParentCVersion != 1 || tx.Path != "/a/b" {
		t.Fatalf("logged txn %#v, want CreateTxn{/a/b, ParentCVersion 1}", res.Txn.Record)
	}
}

// TestCreateModes checks ephemeralOwner for every mode, the ephemerals
// index, and that ephemerals cannot have children (containers and TTL
// nodes can).
//
// Points: 8
// Reference: docs/reference/zookeeper.md §1.5 (ephemeralOwner); EphemeralType; pRequest2TxnCreate
func TestCreateModes(t *testing.T) {
	s := newServer()
	ok(t, "ephemeral", s.exec(0x42, proto.OpCreate, createReq("/e", proto.ModeEphemeral, "")))
	ok(t, "container", s.exec(0x42, proto.OpCreateContainer, createReq("/c", proto.ModeContainer, "")))
	res := ok(t, "ttl", s.exec(0x42, proto.OpCreateTTL, &proto.CreateTTLRequest{Path: "/t", ACL: proto.OpenACLUnsafe, Flags: proto.ModePersistentWithTTL, TTL: 60000}))
	if _, is2 := res.Response.(*proto.Create2Response); !is2 {
		t.Fatalf("createTTL reply %T, want *proto.Create2Response", res.Response)
	}
	ok(t, "persistent", s.exec(0x42, proto.OpCreate, createReq("/p", proto.ModePersistent, "")))
	ok(t, "child of container", s.exec(0x43, proto.OpCreate, createReq("/c/e", proto.ModeEphemeral, "")))
	ok(t, "child of ttl", s.exec(0x42, proto.OpCreate, createReq("/t/x", proto.ModePersistent, "")))
	wantCode(t, "child of ephemeral", s.exec(0x42, proto.OpCreate, createReq("/e/x", proto.ModePersistent, "")), zkerr.NoChildrenForEphemerals)

	// What clients see: the session for ephemerals, 0 for everything else
	// (DataNode.getClientEphemeralOwner).
	for path, want := range map[string]int64{"/e": 0x42, "/c": 0, "/t": 0, "/p": 0, "/c/e": 0x43} {
		if got := stat(t, s.tree, path).EphemeralOwner; got != want {
			t.Fatalf("client ephemeralOwner(%s) = %#x, want %#x", path, got, want)
		}
	}
	// What the tree (and a snapshot) keeps: the raw encoding.
	ttlOwner, _ := ephemeral.TTLOwner(60000)
	for path, want := range map[string]int64{"/e": 0x42, "/c": math.MinInt64, "/t": ttlOwner, "/p": 0} {
		if n, _, found := s.tree.Node(path); !found || n.Stat.EphemeralOwner != want {
			t.Fatalf("persisted ephemeralOwner(%s) = %#x, want %#x", path, n.Stat.EphemeralOwner, want)
		}
	}
	if got := s.tree.Ephemerals(0x42); len(got) != 1 || got[0] != "/e" {
		t.Fatalf("Ephemerals(0x42) = %v, want [/e] (containers and TTL nodes are not ephemerals)", got)
	}
	if got := s.tree.Ephemerals(0x43); len(got) != 1 || got[0] != "/c/e" {
		t.Fatalf("Ephemerals(0x43) = %v, want [/c/e]", got)
	}
	ok(t, "delete /c/e", s.exec(0x43, proto.OpDelete, &proto.DeleteRequest{Path: "/c/e", Version: -1}))
	if got := s.tree.Ephemerals(0x43); len(got) != 0 {
		t.Fatalf("Ephemerals(0x43) after delete = %v, want []", got)
	}
}

// TestSequentialNaming checks the %010d suffix: the parent's cversion
// before the create, shared by all prefixes, still growing after deletes
// (which do not lower cversion), and a "/dir/" prefix.
//
// Points: 8
// Reference: docs/reference/zookeeper.md §1.5 (sequential suffix); pRequest2TxnCreate
func TestSequentialNaming(t *testing.T) {
	s := newServer()
	ok(t, "create /q", s.exec(1, proto.OpCreate, createReq("/q", proto.ModePersistent, "")))
	name := func(prefix string, mode proto.CreateMode) string {
		t.Helper()
		res := ok(t, "create "+prefix, s.exec(1, proto.OpCreate, createReq(prefix, mode, "")))
		return res.Response.(*proto.CreateResponse).Path
	}
	if got := name("/q/lock-", proto.ModeEphemeralSequential); got != "/q/lock-0000000000" {
		t.Fatalf("first name %s, want /q/lock-0000000000", got)
	}
	ok(t, "create /q/plain", s.exec(1, proto.OpCreate, createReq("/q/plain", proto.ModePersistent, "")))
	if got := name("/q/job-", proto.ModePersistentSequential); got != "/q/job-0000000002" {
		t.Fatalf("after a plain create: %s, want /q/job-0000000002 (all children count)", got)
	}
	ok(t, "delete", s.exec(1, proto.OpDelete, &proto.DeleteRequest{Path: "/q/job-0000000002", Version: -1}))
	ok(t, "delete", s.exec(1, proto.OpDelete, &proto.DeleteRequest{Path: "/q/plain", Version: -1}))
	if got := name("/q/job-", proto.ModePersistentSequential); got != "/q/job-0000000003" {
		t.Fatalf("after deletes: %s, want /q/job-0000000003 (deletes do not change cversion)", got)
	}
	if got := name("/q/", proto.ModePersistentSequential); got != "/q/0000000004" {
		t.Fatalf("prefix /q/: %s, want /q/0000000004", got)
	}
	wantCode(t, "non-sequential /q/", s.exec(1, proto.OpCreate, createReq("/q/", proto.ModePersistent, "")), zkerr.BadArguments)
	if n, _, _ := s.tree.Node("/q"); n.Stat.Cversion != 5 {
		t.Fatalf("/q persisted cversion %d, want 5 (one per create)", n.Stat.Cversion)
	}
	if st := stat(t, s.tree, "/q"); st.Cversion != 7 || st.NumChildren != 3 {
		t.Fatalf("/q cversion %d numChildren %d, want 7 (= 2*5 creates - 3 children) and 3", st.Cversion, st.NumChildren)
	}
}

// TestCreateCheckOrder checks which error a create returns when several
// checks fail, and that a failed create is logged as an ErrorTxn and
// changes nothing.
//
// Points: 10
// Reference: docs/reference/zookeeper.md §1.5 (create checks); PrepRequestProcessor.pRequest2TxnCreate, validateCreateRequest
func TestCreateCheckOrder(t *testing.T) {
	s := newServer()
	bob := proto.Id{Scheme: "digest", ID: acl.DigestOf("bob", "secret")}
	ok(t, "create /locked", s.exec(1, proto.OpCreate, &proto.CreateRequest{Path: "/locked", ACL: []proto.ACL{{Perms: proto.PermAll, ID: bob}}}, bob))
	ok(t, "create /e", s.exec(1, proto.OpCreate, createReq("/e", proto.ModeEphemeral, "")))
	ok(t, "create /p", s.exec(1, proto.OpCreate, createReq("/p", proto.ModePersistent, "")))
	noACL := func(path string) *proto.CreateRequest { return &proto.CreateRequest{Path: path} }
	cases := []struct {
		name string
		op   proto.OpCode
		rec  proto.Record
		auth []proto.Id
		want zkerr.Code
	}{
		{"unknown flags", proto.OpCreate, &proto.CreateRequest{Path: "/x", ACL: proto.OpenACLUnsafe, Flags: 7}, nil, zkerr.BadArguments},
		{"path without /", proto.OpCreate, createReq("x", 0, ""), nil, zkerr.BadArguments},
		{"ACL before parent", proto.OpCreate, noACL("/missing/x"), nil, zkerr.InvalidACL},
		{"auth ACL without auth", proto.OpCreate, &proto.CreateRequest{Path: "/x", ACL: proto.CreatorAllACL}, nil, zkerr.InvalidACL},
		{"parent before path", proto.OpCreate, createReq("/missing/", 0, ""), nil, zkerr.NoNode},
		{"invalid final path", proto.OpCreate, createReq("/p/./x", 0, ""), nil, zkerr.NoNode},
		{"trailing slash", proto.OpCreate, createReq("/p/", 0, ""), nil, zkerr.BadArguments},
		{"dot component", proto.OpCreate, createReq("/p/.", 0, ""), nil, zkerr.BadArguments},
		{"node exists", proto.OpCreate, createReq("/locked", 0, ""), nil, zkerr.NodeExists},
		{"NOAUTH on parent", proto.OpCreate, createReq("/locked/x", 0, ""), nil, zkerr.NoAuth},
		{"exists before ephemeral parent", proto.OpCreate, createReq("/e", 0, ""), nil, zkerr.NodeExists},
		{"ephemeral parent", proto.OpCreate, createReq("/e/x", 0, ""), nil, zkerr.NoChildrenForEphemerals},
		{"TTL mode with create", proto.OpCreate, createReq("/x", proto.ModePersistentWithTTL, ""), nil, zkerr.BadArguments},
		{"TTL 0", proto.OpCreateTTL, &proto.CreateTTLRequest{Path: "/x", ACL: proto.OpenACLUnsafe, Flags: proto.ModePersistentWithTTL}, nil, zkerr.BadArguments},
		{"createTTL, plain mode", proto.OpCreateTTL, &proto.CreateTTLRequest{Path: "/x", ACL: proto.OpenACLUnsafe, TTL: 10}, nil, zkerr.BadArguments},
	}
	for _, c := range cases {
		before := s.tree.ApproximateDataSize()
		count := s.tree.NodeCount()
		res := s.exec(1, c.op, c.rec, c.auth...)
		wantCode(t, c.name, res, c.want)
		if res.Txn.Header.Type != proto.OpError || res.Txn.Header.Zxid != s.zxid {
			t.Fatalf("%s: logged header %+v, want type -1 with the request's zxid", c.name, res.Txn.Header)
		}
		if e, isErr := res.Txn.Record.(*proto.ErrorTxn); !isErr || e.Err != int32(c.want) {
			t.Fatalf("%s: logged %#v, want ErrorTxn{%d}", c.name, res.Txn.Record, c.want)
		}
		if s.tree.ApproximateDataSize() != before || s.tree.NodeCount() != count || len(res.Events) != 0 {
			t.Fatalf("%s: a failed create changed the tree", c.name)
		}
	}
	// With the right identity the locked parent accepts.
	ok(t, "bob creates", s.exec(1, proto.OpCreate, createReq("/locked/x", 0, ""), bob))
	ok(t, "super creates", s.exec(1, proto.OpCreate, createReq("/locked/y", 0, ""), acl.SuperID))
	if n, _, _ := s.tree.Node("/"); n.Stat.Cversion != 3 {
		t.Fatalf("root persisted cversion %d after failed creates, want 3", n.Stat.Cversion)
	}
}
