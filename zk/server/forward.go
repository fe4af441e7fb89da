package server

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// forwarded is a client write a follower sends its leader in a REQUEST
// packet (Learner.request writes sessionId, cxid, type, the request bytes
// and the authinfo). The leader executes it on its tree and proposes the
// txn; the follower replies when it applies that txn's commit, matching
// it by (session, cxid) in the TxnHeader.
type forwarded struct {
	Session int64
	Cxid    int32
	Type    proto.OpCode
	Auth    []proto.Id
	Body    []byte // the request record as the client sent it
}

func (f *forwarded) Encode(e *proto.Encoder) {
	e.Long(f.Session)
	e.Int(f.Cxid)
	e.Int(int32(f.Type))
	e.Int(int32(len(f.Auth)))
	for i := range f.Auth {
		f.Auth[i].Encode(e)
	}
	e.Buffer(f.Body)
}

func (f *forwarded) Decode(d *proto.Decoder) {
	f.Session = d.Long()
	f.Cxid = d.Int()
	f.Type = proto.OpCode(d.Int())
	n := d.VectorLen(8)
	for i := 0; i < n && d.Err() == nil; i++ {
		var id proto.Id
		id.Decode(d)
		f.Auth = append(f.Auth, id)
	}
	f.Body = d.Buffer()
}

// record decodes the forwarded request's body into the record Execute
// takes; an error is the code the write fails with.
func (f *forwarded) record() (proto.Record, error) {
	switch f.Type {
	case proto.OpCreateSession:
		var t proto.CreateSessionTxn
		if err := proto.Decode(f.Body, &t); err != nil {
			return nil, zkerr.MarshallingError
		}
		return &t, nil
	case proto.OpCloseSession:
		return nil, nil
	}
	if !f.Type.IsWrite() {
		return nil, zkerr.Unimplemented
	}
	rec := proto.NewRequestRecord(f.Type)
	if rec == nil {
		return nil, zkerr.Unimplemented
	}
	if err := proto.Decode(f.Body, rec); err != nil {
		return nil, zkerr.MarshallingError
	}
	return rec, nil
}

// errorTxn is the txn of a write that failed before Execute could run:
// failed writes still take a zxid (docs/reference/zookeeper.md §1.5), and the follower
// waiting for the reply learns the code from it.
func errorTxn(hdr proto.TxnHeader, err error) proto.Txn {
	hdr.Type = proto.OpError
	return proto.Txn{Header: hdr, Record: &proto.ErrorTxn{Err: int32(zkerr.CodeOf(err))}}
}

// replyOf builds a client's reply from a committed txn, as a follower's
// FinalRequestProcessor does: the txn says what happened, stats (from
// znode.Tree.ApplyStats: the Stat each op left its node with, one per
// sub-txn of a multi) supply the Stats — each op's own, even when a
// multi changes one node twice.
func replyOf(txn proto.Txn, stats []proto.Stat) (proto.Record, error) {
	statAt := func(i int) proto.Stat {
		if i < len(stats) {
			return stats[i]
		}
		return proto.Stat{}
	}
	switch r := txn.Record.(type) {
	case *proto.ErrorTxn:
		return nil, zkerr.Code(r.Err)
	case *proto.MultiTxn:
		resp := &proto.MultiResponse{}
		for i, s := range r.Txns {
			if e, ok := s.Txn.(*proto.ErrorTxn); ok {
				resp.Results = append(resp.Results, proto.MultiResult{Type: proto.OpError, Err: e.Err})
				continue
			}
			res := proto.MultiResult{Type: s.Type}
			if rec := single(s.Type, s.Txn, statAt(i)); rec != nil && s.Type != proto.OpSetACL {
				res.Record = rec
			}
			resp.Results = append(resp.Results, res)
		}
		return resp, nil
	}
	return single(txn.Header.Type, txn.Record, statAt(0)), nil
}

func single(op proto.OpCode, rec proto.Record, stat proto.Stat) proto.Record {
	path := proto.TxnPath(rec)
	switch op {
	case proto.OpCreate:
		return &proto.CreateResponse{Path: path}
	case proto.OpCreate2, proto.OpCreateContainer, proto.OpCreateTTL:
		return &proto.Create2Response{Path: path, Stat: stat}
	case proto.OpSetData, proto.OpSetACL:
		return &proto.StatResponse{Stat: stat}
	}
	return nil
}

func (f *forwarded) String() string {
	return fmt.Sprintf("%v session=0x%x cxid=%d", f.Type, f.Session, f.Cxid)
}
