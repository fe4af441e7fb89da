package znode

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zkafka/zkafka/zk/proto"
)

// world is the test's server: it hands out zxids and times like the
// request pipeline would, and keeps the txns it logged.
type world struct {
	t    *Tree
	zxid int64
	log  []proto.Txn
}

func newWorld() *world { return &world{t: New()} }

func (w *world) exec(session int64, op proto.OpCode, rec proto.Record, auth ...proto.Id) Result {
	w.zxid++
	res := w.t.Execute(Request{
		Header: proto.TxnHeader{ClientID: session, Cxid: int32(w.zxid), Zxid: w.zxid, Time: 1000 * w.zxid, Type: op},
		Auth:   auth,
		Record: rec,
	})
	if res.Txn.Record != nil {
		w.log = append(w.log, res.Txn)
	}
	return res
}

func (w *world) create(path string, mode proto.CreateMode) Result {
	return w.exec(1, proto.OpCreate, &proto.CreateRequest{Path: path, Data: []byte("d"), ACL: proto.OpenACLUnsafe, Flags: mode})
}

func mustOK(t *testing.T, res Result) Result {
	t.Helper()
	if res.Err != nil {
		t.Fatalf("unexpected error: %v", res.Err)
	}
	return res
}

// dump is the whole tree as a map, for comparisons.
func dump(t *Tree) map[string]NodeData {
	m := map[string]NodeData{}
	_ = t.Walk(func(p string, n NodeData) error {
		if len(n.Data) == 0 {
			n.Data = nil
		}
		m[p] = n
		return nil
	})
	return m
}

// randomOp returns a random write over a small namespace, so that
// conflicts (NODEEXISTS, NOTEMPTY, BADVERSION) are frequent.
func randomOp(r *rand.Rand) (proto.OpCode, proto.Record) {
	names := []string{"/a", "/b", "/a/x", "/a/y", "/b/x", "/a/x/z", "/c/"}
	path := names[r.IntN(len(names))]
	version := int32(r.IntN(3)) - 1
	switch r.IntN(8) {
	case 0, 1, 2:
		op := []proto.OpCode{proto.OpCreate, proto.OpCreate2, proto.OpCreateContainer}[r.IntN(3)]
		mode := proto.CreateMode(r.IntN(4))
		if op == proto.OpCreateContainer {
			mode = proto.ModeContainer
		}
		return op, &proto.CreateRequest{Path: path, Data: []byte(fmt.Sprint(r.IntN(100))), ACL: proto.OpenACLUnsafe, Flags: mode}
	case 3:
		return proto.OpCreateTTL, &proto.CreateTTLRequest{Path: path, ACL: proto.OpenACLUnsafe, Flags: proto.ModePersistentWithTTL, TTL: 100}
	case 4:
		return proto.OpDelete, &proto.DeleteRequest{Path: path, Version: version}
	case 5:
		return proto.OpSetData, &proto.SetDataRequest{Path: path, Data: []byte(fmt.Sprint(r.IntN(100))), Version: version}
	case 6:
		return proto.OpSetACL, &proto.SetACLRequest{Path: path, ACL: proto.OpenACLUnsafe, Version: version}
	default:
		var ops []proto.MultiOp
		for i := r.IntN(4); i >= 0; i-- {
			op, rec := randomOp(r)
			if op == proto.OpSetACL || op == proto.OpMulti {
				op, rec = proto.OpCheck, &proto.CheckVersionRequest{Path: path, Version: version}
			}
			ops = append(ops, proto.MultiOp{Type: op, Record: rec})
		}
		return proto.OpMulti, &proto.MultiRequest{Ops: ops}
	}
}

func diffTrees(t *testing.T, what string, want, got *Tree) {
	t.Helper()
	if d := cmp.Diff(dump(want), dump(got)); d != "" {
		t.Fatalf("%s (-want +got):\n%s", what, d)
	}
	if want.NodeCount() != got.NodeCount() || want.ApproximateDataSize() != got.ApproximateDataSize() {
		t.Fatalf("%s: counts differ: %d/%d vs %d/%d", what, want.NodeCount(), want.ApproximateDataSize(), got.NodeCount(), got.ApproximateDataSize())
	}
}

// recount recomputes the data size from scratch, to check the counter.
func (t *Tree) recount() int64 {
	var s int64
	_ = t.Walk(func(p string, n NodeData) error {
		s += int64(len(p) + len(n.Data))
		return nil
	})
	return s
}
