package server

import (
	"fmt"
	"github.com/zkafka/zkafka/zk/zab/quorumpeer"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/config"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/znode"
)

// TestReplyOfMatchesExecute checks that a follower, replying from the
// committed txn it applied, answers exactly what the leader's Execute
// answered: same error, same body (paths, Stats, multi results).
//
// Reference: FinalRequestProcessor (replies are built from the txn and the
// result of applying it); docs/reference/zookeeper.md §1.4, §1.7.
func TestReplyOfMatchesExecute(t *testing.T) {
	r := sim.Rand(t)
	leader, follower := znode.New(), znode.New()
	acl := []proto.ACL{{Perms: proto.PermAll, ID: proto.Id{Scheme: "world", ID: "anyone"}}}
	zxid := int64(0x100000000)
	paths := []string{"/a", "/b", "/a/x", "/a/y", "/c"}
	for i := 0; i < 400; i++ {
		p := paths[r.IntN(len(paths))]
		var op proto.OpCode
		var rec proto.Record
		switch r.IntN(8) {
		case 0:
			op, rec = proto.OpCreate, &proto.CreateRequest{Path: p, Data: []byte("d"), ACL: acl, Flags: proto.CreateMode(r.IntN(4))}
		case 1:
			op, rec = proto.OpCreate2, &proto.CreateRequest{Path: p, ACL: acl, Flags: proto.CreateMode(r.IntN(2) * 2)}
		case 2:
			op, rec = proto.OpSetData, &proto.SetDataRequest{Path: p, Data: []byte(fmt.Sprint(i)), Version: int32(r.IntN(3)) - 1}
		case 3:
			op, rec = proto.OpDelete, &proto.DeleteRequest{Path: p, Version: -1}
		case 4:
			op, rec = proto.OpSetACL, &proto.SetACLRequest{Path: p, ACL: acl, Version: -1}
		case 5:
			op, rec = proto.OpCreateContainer, &proto.CreateRequest{Path: p, ACL: acl, Flags: 4}
		case 6:
			// One node changed twice in one multi: set it, then give it a
			// child (its cversion and pzxid move after the set's Stat).
			op, rec = proto.OpMulti, &proto.MultiRequest{Ops: []proto.MultiOp{
				{Type: proto.OpSetData, Record: &proto.SetDataRequest{Path: p, Data: []byte("m"), Version: -1}},
				{Type: proto.OpCreate, Record: &proto.CreateRequest{Path: p + "/k", ACL: acl, Flags: proto.CreateMode(2)}},
				{Type: proto.OpSetData, Record: &proto.SetDataRequest{Path: p, Data: []byte("n"), Version: -1}},
			}}
		default:
			q := paths[r.IntN(len(paths))]
			op, rec = proto.OpMulti, &proto.MultiRequest{Ops: []proto.MultiOp{
				{Type: proto.OpCreate, Record: &proto.CreateRequest{Path: p, ACL: acl}},
				{Type: proto.OpSetData, Record: &proto.SetDataRequest{Path: q, Version: -1}},
				{Type: proto.OpCheck, Record: &proto.CheckVersionRequest{Path: q, Version: -1}},
			}}
		}
		zxid++
		hdr := proto.TxnHeader{ClientID: 0x11, Cxid: int32(i), Zxid: zxid, Time: int64(i), Type: op}
		res := leader.Execute(znode.Request{Header: hdr, Record: rec})
		if res.Txn.Record == nil {
			t.Fatalf("step %d: %v produced no txn", i, op)
		}
		// The txn crosses the wire as the followers get it.
		var txn proto.Txn
		if err := proto.Decode(proto.Encode(&res.Txn), &txn); err != nil {
			t.Fatal(err)
		}
		stats, _, _ := follower.ApplyStats(txn)
		resp, err := replyOf(txn, stats)
		if zkerr.CodeOf(err) != zkerr.CodeOf(res.Err) {
			t.Fatalf("step %d %v %v: follower error %v, leader %v", i, op, rec, err, res.Err)
		}
		if res.Err != nil {
			continue
		}
		want := res.Response
		if diff := cmp.Diff(want, resp); diff != "" && !(want == nil && resp == nil) {
			t.Fatalf("step %d %v: follower reply differs (-leader +follower):\n%s", i, op, diff)
		}
	}
}

// TestForwardedRoundTrip checks the REQUEST payload codec and that a
// garbled one is an error, not a panic.
func TestForwardedRoundTrip(t *testing.T) {
	f := forwarded{Session: 0x1234, Cxid: 7, Type: proto.OpCreate,
		Auth: []proto.Id{{Scheme: "ip", ID: "127.0.0.1"}},
		Body: proto.Encode(&proto.CreateRequest{Path: "/a", Data: []byte("x")})}
	var got forwarded
	if err := proto.Decode(proto.Encode(&f), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f, got); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
	rec, err := got.record()
	if err != nil || rec.(*proto.CreateRequest).Path != "/a" {
		t.Fatalf("record: %v %v", rec, err)
	}
	got.Body = []byte{1, 2}
	if _, err := got.record(); zkerr.CodeOf(err) != zkerr.MarshallingError {
		t.Fatalf("garbled body: %v, want MARSHALLINGERROR", err)
	}
	got.Type = proto.OpGetData
	if _, err := got.record(); zkerr.CodeOf(err) != zkerr.Unimplemented {
		t.Fatalf("a read forwarded as a write: %v, want UNIMPLEMENTED", err)
	}
}

func FuzzForwarded(f *testing.F) {
	f.Add(proto.Encode(&forwarded{Session: 1, Cxid: 2, Type: proto.OpSetData,
		Body: proto.Encode(&proto.SetDataRequest{Path: "/a", Version: -1})}))
	f.Add(proto.Encode(&forwarded{Session: 1, Type: proto.OpCreateSession,
		Body: proto.Encode(&proto.CreateSessionTxn{TimeOut: 4000})}))
	f.Fuzz(func(t *testing.T, b []byte) {
		var fw forwarded
		if proto.Decode(b, &fw) == nil {
			fw.record() // must not panic
		}
	})
}

// TestEpochFilesSurviveCrash checks that an epoch written with quorumpeer.WriteEpoch
// is what a crash leaves, and that a missing file reads as 0.
//
// Reference: docs/reference/zookeeper.md §3 (acceptedEpoch/currentEpoch persisted before
// ACKEPOCH and the NEWLEADER ack); QuorumPeer.writeLongToFile.
func TestEpochFilesSurviveCrash(t *testing.T) {
	r := sim.Rand(t)
	fs := vfs.NewMem()
	fs.MkdirAll("/d", 0o755)
	if e, err := quorumpeer.ReadEpoch(fs, "/d", quorumpeer.CurrentEpochFile); err != nil || e != 0 {
		t.Fatalf("missing file: %d, %v", e, err)
	}
	for e := int64(1); e <= 20; e++ {
		if err := quorumpeer.WriteEpoch(fs, "/d", quorumpeer.CurrentEpochFile, e); err != nil {
			t.Fatal(err)
		}
		crashed := fs.Crash(r)
		got, err := quorumpeer.ReadEpoch(crashed, "/d", quorumpeer.CurrentEpochFile)
		if err != nil || got != e {
			t.Fatalf("after writing %d and a crash: %d, %v", e, got, err)
		}
	}
}

// TestMachineRoundTrip checks that the SNAP payload carries the tree and
// the sessions.
func TestMachineRoundTrip(t *testing.T) {
	tree := znode.New()
	acl := []proto.ACL{{Perms: proto.PermAll, ID: proto.Id{Scheme: "world", ID: "anyone"}}}
	for i, p := range []string{"/a", "/a/b", "/c"} {
		tree.Execute(znode.Request{Header: proto.TxnHeader{ClientID: 5, Zxid: int64(i + 1), Type: proto.OpCreate},
			Record: &proto.CreateRequest{Path: p, Data: []byte(p), ACL: acl}})
	}
	b, err := encodeMachine(tree, map[int64]int32{5: 4000, 9: 6000})
	if err != nil {
		t.Fatal(err)
	}
	m, err := decodeMachine(b, 3)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[int64]int32{5: 4000, 9: 6000}, m.Sessions); diff != "" {
		t.Fatalf("sessions (-want +got):\n%s", diff)
	}
	data, st, err := m.Tree.GetData("/a/b")
	if err != nil || string(data) != "/a/b" || st.Czxid != 2 {
		t.Fatalf("/a/b after the round trip: %q %+v %v", data, st, err)
	}
	if _, err := decodeMachine(b[:len(b)-3], 3); err == nil {
		t.Fatal("a cut SNAP decoded")
	}
}

// TestFromZooCfgEnsemble checks that server.N lines and myid become the
// member's Ensemble (peer port = electionPort) and that one server line
// stays standalone.
//
// Reference: ZooKeeper Administrator's Guide, "Running Replicated
// ZooKeeper" (server.N=host:quorumPort:electionPort, myid).
func TestFromZooCfgEnsemble(t *testing.T) {
	zc := &config.Config{DataDir: "/d", ClientPort: 2182, TickTime: 2000, InitLimit: 10, SyncLimit: 5, MyID: 2,
		Servers: []config.Server{
			{ID: 1, Host: "127.0.0.1", QuorumPort: 2888, ElectionPort: 3888},
			{ID: 2, Host: "127.0.0.1", QuorumPort: 2889, ElectionPort: 3889},
			{ID: 3, Host: "127.0.0.1", QuorumPort: 2890, ElectionPort: 3890, ClientAddr: "2183"},
		}}
	cfg := FromZooCfg(zc)
	e := cfg.Ensemble
	if e == nil || e.ID != 2 || len(e.Members) != 3 || e.InitLimit != 10 || e.SyncLimit != 5 {
		t.Fatalf("ensemble %+v", e)
	}
	if m := e.Members[1]; m.PeerAddr != "127.0.0.1:3889" || m.QuorumAddr != "127.0.0.1:2889" || m.ClientAddr != ":2182" {
		t.Fatalf("member 2 %+v", m)
	}
	if m := e.Members[2]; m.ClientAddr != "127.0.0.1:2183" {
		t.Fatalf("member 3 client address %q", m.ClientAddr)
	}
	zc.Servers = zc.Servers[:1]
	if FromZooCfg(zc).Ensemble != nil {
		t.Fatal("one server line must stay standalone")
	}
}
