package znode

import (
	"errors"
	"math"
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/acl"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/znode/ephemeral"
)

// Reference: docs/reference/zookeeper.md §1.5 (initial tree); DataTree's constructor, addConfigNode.
func TestNew(t *testing.T) {
	tr := New()
	if got := tr.NodeCount(); got != 5 {
		t.Errorf("NodeCount = %d, want 5 (ZooKeeper counts the root twice)", got)
	}
	if got := tr.ApproximateDataSize(); got != 44 {
		t.Errorf("ApproximateDataSize = %d, want 44", got)
	}
	kids, st, err := tr.Children("/")
	if err != nil || len(kids) != 1 || kids[0] != "zookeeper" || st != (proto.Stat{NumChildren: 1, Cversion: -1}) {
		t.Errorf("Children(/) = %v %+v %v", kids, st, err)
	}
	// Clients see cversion = 2*creates - numChildren (DataNode.copyStat):
	// -1 on a fresh root, -2 on /zookeeper, as zkCli's "stat /" shows.
	kids, st, _ = tr.Children("/zookeeper")
	if st.Cversion != -2 {
		t.Errorf("cversion(/zookeeper) = %d, want -2", st.Cversion)
	}
	if len(kids) != 2 || kids[0] != "config" || kids[1] != "quota" {
		t.Errorf("Children(/zookeeper) = %v", kids)
	}
	a, st, _ := tr.GetACL("/zookeeper/config")
	if len(a) != 1 || a[0] != proto.ReadACLUnsafe[0] || st.Aversion != -1 {
		t.Errorf("config ACL %v aversion %d", a, st.Aversion)
	}
	if n, _ := tr.AllChildrenNumber("/"); n != 3 {
		t.Errorf("AllChildrenNumber(/) = %d", n)
	}
}

// Reference: docs/reference/zookeeper.md §1.5; PrepRequestProcessor.pRequest2TxnCreate, DataTree.createNode.
func TestCreateStatAndParent(t *testing.T) {
	w := newWorld()
	res := mustOK(t, w.exec(7, proto.OpCreate2, &proto.CreateRequest{Path: "/a", Data: []byte("hi"), ACL: proto.OpenACLUnsafe}))
	want := proto.Stat{Czxid: 1, Mzxid: 1, Pzxid: 1, Ctime: 1000, Mtime: 1000, DataLength: 2}
	if got := res.Response.(*proto.Create2Response); got.Path != "/a" || got.Stat != want {
		t.Errorf("create2 response %+v, want %+v", got, want)
	}
	if len(res.Events) != 2 || res.Events[0] != (proto.WatcherEvent{Type: proto.EventNodeCreated, State: 3, Path: "/a"}) ||
		res.Events[1] != (proto.WatcherEvent{Type: proto.EventNodeChildrenChanged, State: 3, Path: "/"}) {
		t.Errorf("events %v", res.Events)
	}
	root, _ := w.t.Exists("/")
	raw, _, _ := w.t.Node("/")
	if root.Cversion != 0 || raw.Stat.Cversion != 1 || root.Pzxid != 1 || root.NumChildren != 2 {
		t.Errorf("root stat %+v (persisted cversion %d)", root, raw.Stat.Cversion)
	}
	// Delete: pzxid moves; the persisted cversion does not (3.8
	// DataTree.deleteNode), but the reported one (2*creates - children) does.
	mustOK(t, w.exec(7, proto.OpDelete, &proto.DeleteRequest{Path: "/a", Version: -1}))
	root, _ = w.t.Exists("/")
	raw, _, _ = w.t.Node("/")
	if root.Cversion != 1 || raw.Stat.Cversion != 1 || root.Pzxid != 2 || root.NumChildren != 1 {
		t.Errorf("root stat after delete %+v (persisted cversion %d)", root, raw.Stat.Cversion)
	}
}

// Reference: docs/reference/zookeeper.md §1.5 (sequential suffix).
func TestSequential(t *testing.T) {
	w := newWorld()
	mustOK(t, w.create("/q", 0))
	names := []string{}
	for i := 0; i < 3; i++ {
		res := mustOK(t, w.create("/q/n-", proto.ModePersistentSequential))
		names = append(names, res.Response.(*proto.CreateResponse).Path)
	}
	mustOK(t, w.exec(1, proto.OpDelete, &proto.DeleteRequest{Path: names[2], Version: -1}))
	res := mustOK(t, w.create("/q/", proto.ModeEphemeralSequential))
	want := []string{"/q/n-0000000000", "/q/n-0000000001", "/q/n-0000000002"}
	for i := range want {
		if names[i] != want[i] {
			t.Errorf("name %d = %s, want %s", i, names[i], want[i])
		}
	}
	if got := res.Response.(*proto.CreateResponse).Path; got != "/q/0000000003" {
		t.Errorf("after delete: %s", got)
	}
}

// Reference: PrepRequestProcessor.pRequest2TxnCreate (check order), validateCreateRequest.
func TestCreateErrors(t *testing.T) {
	w := newWorld()
	mustOK(t, w.create("/p", 0))
	mustOK(t, w.create("/e", proto.ModeEphemeral))
	bob := proto.Id{Scheme: "digest", ID: acl.DigestOf("bob", "pw")}
	mustOK(t, w.exec(1, proto.OpCreate, &proto.CreateRequest{Path: "/locked", ACL: []proto.ACL{{Perms: proto.PermAll, ID: bob}}}, bob))
	tests := []struct {
		name string
		op   proto.OpCode
		rec  proto.Record
		want zkerr.Code
	}{
		{"bad flags", proto.OpCreate, &proto.CreateRequest{Path: "/x", ACL: proto.OpenACLUnsafe, Flags: 9}, zkerr.BadArguments},
		{"no slash", proto.OpCreate, &proto.CreateRequest{Path: "x", ACL: proto.OpenACLUnsafe}, zkerr.BadArguments},
		{"empty acl before missing parent", proto.OpCreate, &proto.CreateRequest{Path: "/nope/x"}, zkerr.InvalidACL},
		{"missing parent before bad path", proto.OpCreate, &proto.CreateRequest{Path: "/nope/", ACL: proto.OpenACLUnsafe}, zkerr.NoNode},
		{"bad path", proto.OpCreate, &proto.CreateRequest{Path: "/p/", ACL: proto.OpenACLUnsafe}, zkerr.BadArguments},
		{"noauth before exists", proto.OpCreate, &proto.CreateRequest{Path: "/locked/x", ACL: proto.OpenACLUnsafe}, zkerr.NoAuth},
		{"exists", proto.OpCreate, &proto.CreateRequest{Path: "/p", ACL: proto.OpenACLUnsafe}, zkerr.NodeExists},
		{"exists before ephemeral parent", proto.OpCreate, &proto.CreateRequest{Path: "/e", ACL: proto.OpenACLUnsafe}, zkerr.NodeExists},
		{"ephemeral parent", proto.OpCreate, &proto.CreateRequest{Path: "/e/x", ACL: proto.OpenACLUnsafe}, zkerr.NoChildrenForEphemerals},
		{"ttl with plain create", proto.OpCreate, &proto.CreateRequest{Path: "/t", ACL: proto.OpenACLUnsafe, Flags: proto.ModePersistentWithTTL}, zkerr.BadArguments},
		{"createTTL plain mode", proto.OpCreateTTL, &proto.CreateTTLRequest{Path: "/t", ACL: proto.OpenACLUnsafe, TTL: 5}, zkerr.BadArguments},
		{"createTTL zero ttl", proto.OpCreateTTL, &proto.CreateTTLRequest{Path: "/t", ACL: proto.OpenACLUnsafe, Flags: proto.ModePersistentWithTTL}, zkerr.BadArguments},
		{"auth acl without auth", proto.OpCreate, &proto.CreateRequest{Path: "/t", ACL: proto.CreatorAllACL}, zkerr.InvalidACL},
		{"wrong body", proto.OpCreate, &proto.DeleteRequest{Path: "/t"}, zkerr.MarshallingError},
	}
	for _, tt := range tests {
		before := dump(w.t)
		res := w.exec(1, tt.op, tt.rec)
		if zkerr.CodeOf(res.Err) != tt.want {
			t.Errorf("%s: err %v, want %v", tt.name, res.Err, tt.want)
			continue
		}
		if res.Txn.Header.Type != proto.OpError || res.Txn.Record.(*proto.ErrorTxn).Err != int32(tt.want) {
			t.Errorf("%s: txn %+v", tt.name, res.Txn)
		}
		if len(dump(w.t)) != len(before) || res.Events != nil {
			t.Errorf("%s: a failed create changed the tree", tt.name)
		}
	}
}

// Reference: docs/reference/zookeeper.md §1.5 (ephemeralOwner); EphemeralType.
func TestOwners(t *testing.T) {
	w := newWorld()
	mustOK(t, w.exec(42, proto.OpCreate, &proto.CreateRequest{Path: "/e", ACL: proto.OpenACLUnsafe, Flags: proto.ModeEphemeral}))
	mustOK(t, w.exec(42, proto.OpCreateContainer, &proto.CreateRequest{Path: "/c", ACL: proto.OpenACLUnsafe, Flags: proto.ModeContainer}))
	mustOK(t, w.exec(42, proto.OpCreateTTL, &proto.CreateTTLRequest{Path: "/t", ACL: proto.OpenACLUnsafe, Flags: proto.ModePersistentWithTTL, TTL: 500}))
	mustOK(t, w.exec(42, proto.OpCreate, &proto.CreateRequest{Path: "/c/x", ACL: proto.OpenACLUnsafe, Flags: proto.ModeEphemeral}))
	mustOK(t, w.exec(42, proto.OpCreate, &proto.CreateRequest{Path: "/t/x", ACL: proto.OpenACLUnsafe}))
	e, _, _ := w.t.Node("/e")
	c, _, _ := w.t.Node("/c")
	ttl, _, _ := w.t.Node("/t")
	tt := ttl.Stat
	if e.Stat.EphemeralOwner != 42 || c.Stat.EphemeralOwner != math.MinInt64 || ephemeral.TTLOf(tt.EphemeralOwner) != 500 {
		t.Errorf("persisted owners %x %x %x", e.Stat.EphemeralOwner, c.Stat.EphemeralOwner, tt.EphemeralOwner)
	}
	// Clients see 0 for containers and TTL nodes (DataNode.getClientEphemeralOwner).
	for p, want := range map[string]int64{"/e": 42, "/c": 0, "/t": 0} {
		if st, _ := w.t.Exists(p); st.EphemeralOwner != want {
			t.Errorf("client ephemeralOwner(%s) = %x, want %x", p, st.EphemeralOwner, want)
		}
	}
	if got := w.t.Ephemerals(42); len(got) != 2 || got[0] != "/c/x" || got[1] != "/e" {
		t.Errorf("Ephemerals = %v", got)
	}
	mustOK(t, w.exec(42, proto.OpDelete, &proto.DeleteRequest{Path: "/c/x", Version: -1}))
	if got := w.t.Containers(); len(got) != 1 || got[0] != "/c" {
		t.Errorf("Containers = %v", got)
	}
	mustOK(t, w.exec(42, proto.OpDelete, &proto.DeleteRequest{Path: "/t/x", Version: -1}))
	if got := w.t.ExpiredTTLs(tt.Mtime + 501); len(got) != 1 || got[0] != "/t" {
		t.Errorf("ExpiredTTLs = %v", got)
	}
	res := w.exec(0, proto.OpDeleteContainer, &proto.PathRequest{Path: "/c"})
	mustOK(t, res)
	if w.t.Ephemerals(42)[0] != "/e" {
		t.Error("ephemerals index")
	}
	// closeSession deletes the session's ephemerals and lists them.
	res = mustOK(t, w.exec(42, proto.OpCloseSession, nil))
	if got := res.Txn.Record.(*proto.CloseSessionTxn).Paths2Delete; len(got) != 1 || got[0] != "/e" {
		t.Errorf("CloseSessionTxn %v", got)
	}
	if _, err := w.t.Exists("/e"); !errors.Is(err, zkerr.NoNode) || len(res.Events) != 2 {
		t.Errorf("after closeSession: %v, events %v", err, res.Events)
	}
}

// Reference: PrepRequestProcessor (delete, setData, setACL, check), checkAndIncVersion.
func TestUpdates(t *testing.T) {
	w := newWorld()
	mustOK(t, w.create("/a", 0))
	mustOK(t, w.create("/a/b", 0))
	cases := []struct {
		op   proto.OpCode
		rec  proto.Record
		want zkerr.Code
	}{
		{proto.OpDelete, &proto.DeleteRequest{Path: "/", Version: -1}, zkerr.BadArguments},
		{proto.OpDelete, &proto.DeleteRequest{Path: "/zookeeper", Version: -1}, zkerr.BadArguments},
		{proto.OpDelete, &proto.DeleteRequest{Path: "/a", Version: 3}, zkerr.BadVersion},
		{proto.OpDelete, &proto.DeleteRequest{Path: "/a", Version: 0}, zkerr.NotEmpty},
		{proto.OpDelete, &proto.DeleteRequest{Path: "/x/y", Version: -1}, zkerr.NoNode},
		{proto.OpDelete, &proto.DeleteRequest{Path: "/a/", Version: -1}, zkerr.NoNode},
		{proto.OpSetData, &proto.SetDataRequest{Path: "/a", Version: 1}, zkerr.BadVersion},
		{proto.OpSetData, &proto.SetDataRequest{Path: "/a/", Version: 1}, zkerr.BadArguments},
		{proto.OpSetData, &proto.SetDataRequest{Path: "/zookeeper/config", Version: -1}, zkerr.NoAuth},
		{proto.OpSetACL, &proto.SetACLRequest{Path: "/a", ACL: proto.OpenACLUnsafe, Version: 1}, zkerr.BadVersion},
		{proto.OpSetACL, &proto.SetACLRequest{Path: "/nope", Version: 1}, zkerr.InvalidACL},
		{proto.OpCheck, &proto.CheckVersionRequest{Path: "/a", Version: 1}, zkerr.BadVersion},
	}
	for i, c := range cases {
		if got := zkerr.CodeOf(w.exec(1, c.op, c.rec).Err); got != c.want {
			t.Errorf("case %d (%v): %v, want %v", i, c.op, got, c.want)
		}
	}
	res := mustOK(t, w.exec(1, proto.OpSetData, &proto.SetDataRequest{Path: "/a", Data: []byte("xyz"), Version: 0}))
	st := res.Response.(*proto.StatResponse).Stat
	if st.Version != 1 || st.Mzxid != w.zxid || st.Mtime != 1000*w.zxid || st.DataLength != 3 || st.Czxid != 1 {
		t.Errorf("setData stat %+v", st)
	}
	if len(res.Events) != 1 || res.Events[0].Type != proto.EventNodeDataChanged {
		t.Errorf("setData events %v", res.Events)
	}
	res = mustOK(t, w.exec(1, proto.OpSetACL, &proto.SetACLRequest{Path: "/a", ACL: proto.ReadACLUnsafe, Version: 0}))
	if st := res.Response.(*proto.StatResponse).Stat; st.Aversion != 1 || st.Version != 1 || len(res.Events) != 0 {
		t.Errorf("setACL stat %+v events %v", st, res.Events)
	}
	if got := zkerr.CodeOf(w.exec(1, proto.OpSetData, &proto.SetDataRequest{Path: "/a", Version: -1}).Err); got != zkerr.NoAuth {
		t.Errorf("setData on read-only node: %v", got)
	}
	if got := zkerr.CodeOf(w.exec(1, proto.OpSetData, &proto.SetDataRequest{Path: "/a", Version: -1}, acl.SuperID).Err); got != zkerr.OK {
		t.Errorf("super: %v", got)
	}
}

// Reference: docs/reference/zookeeper.md §1.7; PrepRequestProcessor (multi), FinalRequestProcessor (multi), DataTree.processTxn.
func TestMulti(t *testing.T) {
	w := newWorld()
	ok := &proto.MultiRequest{Ops: []proto.MultiOp{
		{Type: proto.OpCreate, Record: &proto.CreateRequest{Path: "/m", ACL: proto.OpenACLUnsafe}},
		{Type: proto.OpCreate2, Record: &proto.CreateRequest{Path: "/m/s-", ACL: proto.OpenACLUnsafe, Flags: proto.ModePersistentSequential}},
		{Type: proto.OpSetData, Record: &proto.SetDataRequest{Path: "/m", Data: []byte("v"), Version: 0}},
		{Type: proto.OpCheck, Record: &proto.CheckVersionRequest{Path: "/m", Version: 1}},
	}}
	res := mustOK(t, w.exec(1, proto.OpMulti, ok))
	rs := res.Response.(*proto.MultiResponse).Results
	if len(rs) != 4 || rs[0].Record.(*proto.CreateResponse).Path != "/m" ||
		rs[1].Record.(*proto.Create2Response).Path != "/m/s-0000000000" ||
		rs[2].Record.(*proto.StatResponse).Stat.Version != 1 || rs[3].Type != proto.OpCheck {
		t.Fatalf("results %+v", rs)
	}
	if st, _ := w.t.Exists("/m/s-0000000000"); st.Czxid != w.zxid {
		t.Error("ops of a multi share its zxid")
	}
	if len(res.Events) != 5 {
		t.Errorf("events %v", res.Events)
	}
	before := dump(w.t)
	size := w.t.ApproximateDataSize()
	bad := &proto.MultiRequest{Ops: []proto.MultiOp{
		{Type: proto.OpDelete, Record: &proto.DeleteRequest{Path: "/m/s-0000000000", Version: -1}},
		{Type: proto.OpCreate, Record: &proto.CreateRequest{Path: "/m/n", ACL: proto.OpenACLUnsafe, Flags: proto.ModeEphemeral}},
		{Type: proto.OpSetData, Record: &proto.SetDataRequest{Path: "/m", Data: []byte("long data"), Version: 1}},
		{Type: proto.OpCheck, Record: &proto.CheckVersionRequest{Path: "/m", Version: 1}}, // now 2: fails
		{Type: proto.OpDelete, Record: &proto.DeleteRequest{Path: "/m", Version: -1}},
	}}
	res = w.exec(1, proto.OpMulti, bad)
	if res.Err != nil || res.Events != nil {
		t.Fatalf("failed multi: err %v events %v", res.Err, res.Events)
	}
	wantCodes := []int32{0, 0, 0, int32(zkerr.BadVersion), int32(zkerr.RuntimeInconsistency)}
	for i, r := range res.Response.(*proto.MultiResponse).Results {
		if r.Type != proto.OpError || r.Err != wantCodes[i] {
			t.Errorf("result %d = %+v, want error %d", i, r, wantCodes[i])
		}
		sub := res.Txn.Record.(*proto.MultiTxn).Txns[i]
		if sub.Type != proto.OpError || sub.Txn.(*proto.ErrorTxn).Err != wantCodes[i] {
			t.Errorf("sub-txn %d = %+v", i, sub)
		}
	}
	if d := dump(w.t); len(d) != len(before) || w.t.ApproximateDataSize() != size || len(w.t.Ephemerals(1)) != 0 {
		t.Error("failed multi left changes")
	}
	for p, n := range before {
		if got, _, _ := w.t.Node(p); got.Stat != n.Stat {
			t.Errorf("%s: stat %+v, want %+v", p, got.Stat, n.Stat)
		}
	}
}

// Reference: docs/reference/zookeeper.md §4 (fuzzy snapshots, idempotent txns); DataTree.processTxn.
func TestApplyEqualsExecute(t *testing.T) {
	r := sim.Rand(t)
	for round := 0; round < 20; round++ {
		w := newWorld()
		for i := 0; i < 200; i++ {
			op, rec := randomOp(r)
			w.exec(int64(1+r.IntN(3)), op, rec)
			if r.IntN(20) == 0 {
				w.exec(int64(1+r.IntN(3)), proto.OpCloseSession, nil)
			}
		}
		replay := New()
		for _, txn := range w.log {
			// Through the codec, as a log would.
			var back proto.Txn
			if err := proto.Decode(proto.Encode(&txn), &back); err != nil {
				t.Fatal(err)
			}
			if _, err := replay.Apply(back); err != nil {
				t.Fatalf("apply %v: %v", back.Header.Type, err)
			}
		}
		diffTrees(t, "replayed log differs from executed tree", w.t, replay)

		// Replay idempotence: restore a snapshot taken at some point, then
		// apply a suffix that starts earlier (the fuzzy overlap), twice.
		cut := r.IntN(len(w.log) + 1)
		mid := New()
		for _, txn := range w.log[:cut] {
			mid.Apply(txn)
		}
		snap := New()
		_ = mid.Walk(func(p string, n NodeData) error { return snap.Restore(p, n) })
		diffTrees(t, "snapshot restore", mid, snap)
		from := max(0, cut-r.IntN(10))
		if snap.recount() != snap.ApproximateDataSize() {
			t.Fatalf("after restore: %d vs %d", snap.recount(), snap.ApproximateDataSize())
		}
		for pass := 0; pass < 2; pass++ {
			for _, txn := range w.log[from:] {
				snap.Apply(txn)
				if snap.recount() != snap.ApproximateDataSize() {
					t.Fatalf("pass %d %v %+v: size %d, counter %d", pass, txn.Header, txn.Record, snap.recount(), snap.ApproximateDataSize())
				}
			}
		}
		diffTrees(t, "replay over a snapshot", w.t, snap)
	}
}
