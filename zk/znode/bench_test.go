package znode

import (
	"fmt"
	"testing"

	"github.com/zkafka/zkafka/zk/proto"
)

// Benchmarks of the hot paths, to compare with DataTree later.

func BenchmarkCreate(b *testing.B) {
	w := newWorld()
	data := make([]byte, 100)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		w.zxid++
		w.t.Execute(Request{
			Header: proto.TxnHeader{ClientID: 1, Zxid: w.zxid, Type: proto.OpCreate},
			Record: &proto.CreateRequest{Path: fmt.Sprintf("/n%d", i), Data: data, ACL: proto.OpenACLUnsafe},
		})
	}
}

func BenchmarkSetData(b *testing.B) {
	w := newWorld()
	w.create("/n", 0)
	data := make([]byte, 100)
	req := &proto.SetDataRequest{Path: "/n", Data: data, Version: -1}
	b.ReportAllocs()
	for b.Loop() {
		w.zxid++
		w.t.Execute(Request{Header: proto.TxnHeader{ClientID: 1, Zxid: w.zxid, Type: proto.OpSetData}, Record: req})
	}
}

func BenchmarkGetData(b *testing.B) {
	w := newWorld()
	for i := 0; i < 10000; i++ {
		w.create(fmt.Sprintf("/n%d", i), 0)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		w.t.GetData("/n5000")
	}
}

// FuzzExecute feeds decoded garbage to Execute: it must never panic, and a
// failed write must leave the tree's counters alone.
func FuzzExecute(f *testing.F) {
	seed := &proto.MultiRequest{Ops: []proto.MultiOp{
		{Type: proto.OpCreate, Record: &proto.CreateRequest{Path: "/a", ACL: proto.OpenACLUnsafe}},
		{Type: proto.OpDelete, Record: &proto.DeleteRequest{Path: "/a", Version: -1}},
	}}
	f.Add(int32(proto.OpMulti), proto.Encode(seed))
	f.Add(int32(proto.OpCreate), proto.Encode(&proto.CreateRequest{Path: "/a/", ACL: proto.OpenACLUnsafe, Flags: 2}))
	f.Add(int32(proto.OpCreateTTL), proto.Encode(&proto.CreateTTLRequest{Path: "/t", ACL: proto.OpenACLUnsafe, Flags: 5, TTL: 1}))
	f.Add(int32(proto.OpSetACL), proto.Encode(&proto.SetACLRequest{Path: "/", ACL: proto.CreatorAllACL}))
	f.Fuzz(func(t *testing.T, op int32, body []byte) {
		rec := proto.NewRequestRecord(proto.OpCode(op))
		if rec == nil || proto.Decode(body, rec) != nil {
			return
		}
		w := newWorld()
		w.create("/a", 0)
		size, count := w.t.ApproximateDataSize(), w.t.NodeCount()
		res := w.exec(1, proto.OpCode(op), rec)
		if res.Err != nil && (w.t.ApproximateDataSize() != size || w.t.NodeCount() != count) {
			t.Fatalf("failed %v changed the tree: %v", proto.OpCode(op), res.Err)
		}
		if w.t.recount() != w.t.ApproximateDataSize() {
			t.Fatalf("data size counter drifted")
		}
	})
}
