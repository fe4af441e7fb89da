package proto

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zkafka/zkafka/labs/sim"
)

// Reference: docs/reference/zookeeper.md §1.5 — "Stat (68 bytes)", kazoo unpacks it as '!qqqqiiiqiiq'.
func TestStatIs68Bytes(t *testing.T) {
	s := Stat{Czxid: 1, Mzxid: 2, Ctime: 3, Mtime: 4, Version: 5, Cversion: 6, Aversion: 7,
		EphemeralOwner: 8, DataLength: 9, NumChildren: 10, Pzxid: 11}
	b := Encode(&s)
	if len(b) != StatSize {
		t.Fatalf("Stat encodes to %d bytes, want %d", len(b), StatSize)
	}
	// Field order: the version int32 sits right after the four longs.
	if !bytes.Equal(b[32:36], []byte{0, 0, 0, 5}) {
		t.Errorf("version not at offset 32: % x", b[32:36])
	}
}

// Reference: docs/reference/zookeeper.md §1.2 — Java and kazoo send readOnly (45 bytes),
// go-zookeeper does not (44 bytes); the server must accept both.
func TestConnectRequestWithAndWithoutReadOnly(t *testing.T) {
	with := ConnectRequest{TimeOut: 30000, Passwd: make([]byte, 16), HasReadOnly: true}
	without := ConnectRequest{TimeOut: 30000, Passwd: make([]byte, 16)}
	if n := len(Encode(&with)); n != 45 {
		t.Errorf("with readOnly: %d bytes, want 45", n)
	}
	if n := len(Encode(&without)); n != 44 {
		t.Errorf("without readOnly: %d bytes, want 44", n)
	}
	for _, in := range []ConnectRequest{with, without} {
		var out ConnectRequest
		if err := Decode(Encode(&in), &out); err != nil {
			t.Fatal(err)
		}
		if out.HasReadOnly != in.HasReadOnly {
			t.Errorf("HasReadOnly %v, want %v", out.HasReadOnly, in.HasReadOnly)
		}
	}
}

// Reference: docs/reference/zookeeper.md §1.1 — ustring/buffer length -1 means null.
func TestNullBufferAndVector(t *testing.T) {
	e := NewEncoder(nil)
	e.Buffer(nil)
	e.Strings(nil)
	e.Buffer([]byte{})
	d := NewDecoder(e.Bytes())
	if b := d.Buffer(); b != nil {
		t.Errorf("null buffer decoded as %v", b)
	}
	if v := d.Strings(); v != nil {
		t.Errorf("null vector decoded as %v", v)
	}
	if b := d.Buffer(); b == nil || len(b) != 0 {
		t.Errorf("empty buffer decoded as %v", b)
	}
	if d.Err() != nil || d.Remaining() != 0 {
		t.Fatal(d.Err(), d.Remaining())
	}
}

// Reference: docs/reference/zookeeper.md §1.7 — a multi ends with {-1, true, -1}; a failed
// op's result is type -1 followed by ErrorResponse{err}.
func TestMultiLayout(t *testing.T) {
	req := MultiRequest{Ops: []MultiOp{
		{Type: OpCreate, Record: &CreateRequest{Path: "/a", Data: []byte("x"), ACL: OpenACLUnsafe}},
		{Type: OpCheck, Record: &CheckVersionRequest{Path: "/a", Version: 3}},
		{Type: OpDelete, Record: &DeleteRequest{Path: "/b", Version: -1}},
	}}
	b := Encode(&req)
	tail := b[len(b)-9:]
	if !bytes.Equal(tail, []byte{0xff, 0xff, 0xff, 0xff, 1, 0xff, 0xff, 0xff, 0xff}) {
		t.Errorf("multi does not end with {-1,true,-1}: % x", tail)
	}
	var got MultiRequest
	if err := Decode(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(req, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}

	resp := MultiResponse{Results: []MultiResult{
		{Type: OpError, Err: 0},
		{Type: OpError, Err: -103},
		{Type: OpError, Err: -2},
	}}
	var gotResp MultiResponse
	if err := Decode(Encode(&resp), &gotResp); err != nil {
		t.Fatal(err)
	}
	for i, r := range gotResp.Results {
		if r.Type != OpError || r.Err != resp.Results[i].Err {
			t.Errorf("result %d = %+v, want error %d", i, r, resp.Results[i].Err)
		}
	}
}

func TestDecodeRejectsHostileLengths(t *testing.T) {
	cases := map[string][]byte{
		"negative string length": {0xff, 0xff, 0xff, 0xfe},
		"length past the end":    {0, 0, 0, 9, 'a'},
		"huge vector count":      {0x7f, 0xff, 0xff, 0xff},
		"truncated int":          {0, 0},
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			var r ChildrenResponse
			err := Decode(b, &r)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a *DecodeError", err)
			}
		})
	}
	var r PathRequest
	if err := Decode([]byte{0, 0, 0, 1, 'a', 'x'}, &r); err == nil {
		t.Error("trailing bytes accepted")
	}
}

// Every record round-trips: Decode(Encode(r)) == r, for random field values.
func TestRoundTripAllRecords(t *testing.T) {
	r := sim.Rand(t)
	for i := 0; i < 200; i++ {
		for _, rec := range allRecords() {
			fill(r, reflect.ValueOf(rec).Elem())
			fresh := reflect.New(reflect.TypeOf(rec).Elem()).Interface().(Record)
			if err := Decode(Encode(rec), fresh); err != nil {
				t.Fatalf("%T: %v", rec, err)
			}
			if diff := cmp.Diff(rec, fresh, cmp.Comparer(func(a, b []byte) bool { return bytes.Equal(a, b) && (a == nil) == (b == nil) })); diff != "" {
				t.Fatalf("%T round trip (-want +got):\n%s", rec, diff)
			}
		}
	}
}

// allRecords lists one of every record with a fixed shape (multi and txn
// records, whose shape depends on types, are tested separately).
func allRecords() []Record {
	return []Record{
		&Stat{}, &Id{}, &ACL{}, &RequestHeader{}, &ReplyHeader{}, &WatcherEvent{},
		&CreateRequest{}, &CreateTTLRequest{}, &CreateResponse{}, &Create2Response{},
		&DeleteRequest{}, &PathWatchRequest{}, &PathRequest{}, &StatResponse{},
		&GetDataResponse{}, &SetDataRequest{}, &GetACLResponse{}, &SetACLRequest{},
		&ChildrenResponse{}, &Children2Response{}, &SyncResponse{}, &CheckVersionRequest{},
		&WatchesRequest{}, &AuthPacket{}, &SetWatches{}, &SetWatches2{},
		&AllChildrenNumberResponse{}, &AddWatchRequest{}, &ErrorResponse{}, &WhoAmIResponse{},
		&TxnHeader{}, &CreateTxn{}, &CreateContainerTxn{}, &CreateTTLTxn{}, &DeleteTxn{},
		&SetDataTxn{}, &SetACLTxn{}, &CheckVersionTxn{}, &CreateSessionTxn{},
		&CloseSessionTxn{}, &ErrorTxn{},
	}
}

// fill sets v's exported fields to random values. Slices are never nil-vs-
// empty ambiguous: strings decode null as "", so vectors are non-nil.
func fill(r *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() && v.Type().Field(i).Name != "HasReadOnly" {
				fill(r, v.Field(i))
			}
		}
	case reflect.Int32:
		v.SetInt(int64(int32(r.Uint32())))
	case reflect.Int64:
		v.SetInt(int64(r.Uint64()))
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 1)
	case reflect.String:
		v.SetString(randString(r))
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if r.IntN(5) == 0 {
				v.SetBytes(nil)
				return
			}
			b := make([]byte, r.IntN(20))
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			v.SetBytes(b)
			return
		}
		n := r.IntN(4)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := 0; i < n; i++ {
			fill(r, s.Index(i))
		}
		v.Set(s)
	}
}

func randString(r *rand.Rand) string {
	const alphabet = "/abcxyz0123456789-_"
	b := make([]byte, r.IntN(12))
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func TestTxnRoundTrip(t *testing.T) {
	txns := []Txn{
		{Header: TxnHeader{ClientID: 7, Cxid: 1, Zxid: 0x100000001, Time: 1700000000000, Type: OpCreate},
			Record: &CreateTxn{Path: "/a0000000001", Data: []byte("d"), ACL: OpenACLUnsafe, Ephemeral: true, ParentCVersion: 2}},
		{Header: TxnHeader{Zxid: 2, Type: OpMulti}, Record: &MultiTxn{Txns: []SubTxn{
			{Type: OpSetData, Txn: &SetDataTxn{Path: "/a", Data: []byte{1}, Version: 4}},
			{Type: OpDelete, Txn: &DeleteTxn{Path: "/b"}},
			{Type: OpError, Txn: &ErrorTxn{Err: -101}},
		}}},
		{Header: TxnHeader{Zxid: 3, Type: OpCloseSession}, Record: &CloseSessionTxn{Paths2Delete: []string{"/e1", "/e2"}}},
	}
	for _, in := range txns {
		var out Txn
		if err := Decode(Encode(&in), &out); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(in, out); diff != "" {
			t.Errorf("txn round trip (-want +got):\n%s", diff)
		}
	}
}
