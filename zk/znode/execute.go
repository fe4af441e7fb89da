package znode

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// #region execute

// Execute checks a write against the tree and, if it passes, applies it:
// PrepRequestProcessor (prep*, which turns a request into a txn) followed
// by DataTree.processTxn (applyTxn). Because the txn is applied by the same
// code Apply uses, executing a request and applying its logged txn to
// another tree give the same state.
//
// req.Header.Zxid and Time are chosen by the caller, so Execute is
// deterministic.
func (t *Tree) Execute(req Request) Result {
	hdr := req.Header
	switch hdr.Type {
	case proto.OpMulti:
		return t.executeMulti(req)
	case proto.OpCreateSession:
		txn := &proto.CreateSessionTxn{}
		switch r := req.Record.(type) {
		case *proto.CreateSessionTxn:
			txn.TimeOut = r.TimeOut
		case *proto.ConnectRequest:
			txn.TimeOut = r.TimeOut
		}
		return Result{Txn: proto.Txn{Header: hdr, Record: txn}}
	case proto.OpCloseSession:
		// PrepRequestProcessor lists the session's ephemerals in the txn,
		// so that replay needs no session table.
		txn := &proto.CloseSessionTxn{Paths2Delete: t.Ephemerals(hdr.ClientID)}
		_, events, _ := t.applyTxn(hdr, txn)
		return Result{Txn: proto.Txn{Header: hdr, Record: txn}, Events: events}
	}
	if !hdr.Type.IsWrite() || proto.NewTxnRecord(hdr.Type) == nil {
		return Result{Err: fmt.Errorf("%w: op %v is not a write", zkerr.Unimplemented, hdr.Type)}
	}
	rec, err := t.prep(hdr.Type, hdr.ClientID, req.Record, req.Auth)
	if err != nil {
		return failed(hdr, err)
	}
	stat, events, err := t.applyTxn(hdr, rec)
	if err != nil {
		// prep accepted what apply refused: a bug in one of them. Nothing
		// was changed (apply checks before it writes), so log a failure.
		return failed(hdr, fmt.Errorf("apply after prep: %w", err))
	}
	return Result{
		Txn:      proto.Txn{Header: hdr, Record: rec},
		Response: response(hdr.Type, rec, stat),
		Events:   events,
	}
}

// #endregion execute

// failed is the Result of a write that did not pass its checks: an
// ErrorTxn under the same header, with the op's type replaced by -1.
func failed(hdr proto.TxnHeader, err error) Result {
	hdr.Type = proto.OpError
	return Result{
		Txn: proto.Txn{Header: hdr, Record: &proto.ErrorTxn{Err: int32(zkerr.CodeOf(err))}},
		Err: err,
	}
}

// prep dispatches one op (alone or inside a multi) to its check.
func (t *Tree) prep(op proto.OpCode, session int64, rec proto.Record, auth []proto.Id) (proto.Record, error) {
	switch op {
	case proto.OpCreate, proto.OpCreate2, proto.OpCreateContainer:
		if r, ok := rec.(*proto.CreateRequest); ok {
			return t.prepCreate(op, r.Path, r.Data, r.ACL, r.Flags, -1, auth)
		}
	case proto.OpCreateTTL:
		if r, ok := rec.(*proto.CreateTTLRequest); ok {
			return t.prepCreate(op, r.Path, r.Data, r.ACL, r.Flags, r.TTL, auth)
		}
	case proto.OpDelete:
		if r, ok := rec.(*proto.DeleteRequest); ok {
			return t.prepDelete(r.Path, r.Version, auth)
		}
	case proto.OpSetData:
		if r, ok := rec.(*proto.SetDataRequest); ok {
			return t.prepSetData(r.Path, r.Data, r.Version, auth)
		}
	case proto.OpSetACL:
		if r, ok := rec.(*proto.SetACLRequest); ok {
			return t.prepSetACL(r.Path, r.ACL, r.Version, auth)
		}
	case proto.OpCheck:
		if r, ok := rec.(*proto.CheckVersionRequest); ok {
			return t.prepCheck(r.Path, r.Version, auth)
		}
	case proto.OpDeleteContainer:
		switch r := rec.(type) {
		case *proto.PathRequest:
			return t.prepDeleteContainer(r.Path)
		case *proto.DeleteRequest:
			return t.prepDeleteContainer(r.Path)
		}
	default:
		return nil, fmt.Errorf("%w: op %v cannot be executed here", zkerr.Unimplemented, op)
	}
	// PrepRequestProcessor answers a body it cannot read with MARSHALLINGERROR.
	return nil, fmt.Errorf("%w: op %v with a %T body", zkerr.MarshallingError, op, rec)
}

// response is the reply body of a successful single op.
func response(op proto.OpCode, txn proto.Record, stat proto.Stat) proto.Record {
	switch op {
	case proto.OpCreate:
		return &proto.CreateResponse{Path: proto.TxnPath(txn)}
	case proto.OpCreate2, proto.OpCreateContainer, proto.OpCreateTTL:
		return &proto.Create2Response{Path: proto.TxnPath(txn), Stat: stat}
	case proto.OpSetData, proto.OpSetACL, proto.OpCheck:
		return &proto.StatResponse{Stat: stat}
	}
	return nil
}
