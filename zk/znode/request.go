package znode

import "github.com/zkafka/zkafka/zk/proto"

// Request is one write for Execute.
//
// Record's type follows Header.Type: *proto.CreateRequest (create,
// create2, createContainer), *proto.CreateTTLRequest (createTTL),
// *proto.DeleteRequest, *proto.SetDataRequest, *proto.SetACLRequest,
// *proto.CheckVersionRequest, *proto.PathRequest (deleteContainer),
// *proto.MultiRequest, *proto.CreateSessionTxn
// (createSession: the negotiated timeout) and nil or *proto.Empty
// (closeSession).
type Request struct {
	Header proto.TxnHeader // ClientID (session), Cxid, Zxid, Time, Type (the op)
	Auth   []proto.Id      // the session's ids, for ACL checks and "auth" ACLs
	Record proto.Record
}

// Result is what Execute did.
//
//   - Txn is what to log. A failed write is logged too (it took a zxid):
//     Header.Type becomes proto.OpError and Record an *proto.ErrorTxn. A
//     failed multi stays a multi whose sub-txns are all ErrorTxns (see
//     multi.go). Txn.Record is nil only when the op is not a write Execute
//     knows (then Err is UNIMPLEMENTED and nothing is to be logged).
//   - Err is the reply header's error: nil, or an error wrapping a
//     zkerr.Code (zkerr.CodeOf gives the wire code; an error that wraps no
//     code, a bug, is SYSTEMERROR). A multi replies err 0 even when one of
//     its ops failed, so Err is nil and the failure is in Response.
//   - Response is the reply body when Err is nil; nil when the reply has
//     only a header (delete, createSession, closeSession).
//   - Events are the watch events, in firing order, with State 3.
type Result struct {
	Txn      proto.Txn
	Err      error
	Response proto.Record
	Events   []proto.WatcherEvent
}
