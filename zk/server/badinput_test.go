package server_test

import (
	"encoding/binary"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/server"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// stillServes checks the server keeps serving a fresh client: create, read
// back, delete. Every bad-input test ends with it.
func stillServes(t *testing.T, s *server.Server) {
	t.Helper()
	r, _ := session(t, s)
	h, _, _ := r.call(1, proto.OpCreate, &proto.CreateRequest{Path: "/alive", Data: []byte("y"), ACL: proto.OpenACLUnsafe})
	if h.Err != 0 {
		t.Fatalf("a fresh client cannot create: %v", zkerr.Code(h.Err))
	}
	h, body, _ := r.call(2, proto.OpGetData, &proto.PathWatchRequest{Path: "/alive"})
	var got proto.GetDataResponse
	if h.Err != 0 || proto.Decode(body, &got) != nil || string(got.Data) != "y" {
		t.Fatalf("a fresh client cannot read back: err %v", zkerr.Code(h.Err))
	}
	if h, _, _ := r.call(3, proto.OpDelete, &proto.DeleteRequest{Path: "/alive", Version: -1}); h.Err != 0 {
		t.Fatalf("a fresh client cannot delete: %v", zkerr.Code(h.Err))
	}
}

// TestMalformedPaths sends every malformed path form to every op that takes
// a path. The server answers with ZooKeeper's code (BADARGUMENTS, or NONODE
// where ZooKeeper looks the parent up first), keeps the connection open,
// and keeps serving.
// Reference: docs/reference/zookeeper.md §1.5 (create checks); PathUtils.validatePath;
// PrepRequestProcessor.validatePath/pRequest2TxnCreate.
func TestMalformedPaths(t *testing.T) {
	s := startServer(t, nil)
	r, _ := session(t, s)
	if h, _, _ := r.call(1, proto.OpCreate, &proto.CreateRequest{Path: "/p", ACL: proto.OpenACLUnsafe}); h.Err != 0 {
		t.Fatal(zkerr.Code(h.Err))
	}
	bad := []string{"", "p", "/p/", "//p", "/p//q", "/p/./q", "/p/../q", "/p/.", "/p/..", "/p/q\x00", "/p/q\x01r", "/p/\u007f", "/p/\ufff5"}
	xid := int32(10)
	for _, path := range bad {
		ops := []struct {
			op   proto.OpCode
			body proto.Record
		}{
			{proto.OpCreate, &proto.CreateRequest{Path: path, ACL: proto.OpenACLUnsafe}},
			{proto.OpCreate2, &proto.CreateRequest{Path: path, ACL: proto.OpenACLUnsafe}},
			{proto.OpDelete, &proto.DeleteRequest{Path: path, Version: -1}},
			{proto.OpSetData, &proto.SetDataRequest{Path: path, Version: -1}},
			{proto.OpGetData, &proto.PathWatchRequest{Path: path}},
			{proto.OpExists, &proto.PathWatchRequest{Path: path, Watch: true}},
			{proto.OpGetChildren2, &proto.PathWatchRequest{Path: path, Watch: true}},
			{proto.OpGetACL, &proto.PathRequest{Path: path}},
			{proto.OpSetACL, &proto.SetACLRequest{Path: path, ACL: proto.OpenACLUnsafe, Version: -1}},
		}
		for _, o := range ops {
			xid++
			h, _, _ := r.call(xid, o.op, o.body)
			switch zkerr.Code(h.Err) {
			case zkerr.BadArguments, zkerr.NoNode:
			default:
				t.Errorf("%v %q: got %v, want BADARGUMENTS (or NONODE)", o.op, path, zkerr.Code(h.Err))
			}
		}
	}
	// A create whose parent exists fails on the path itself: BADARGUMENTS.
	for _, path := range []string{"/p/", "/p/.", "/p/..", "/p/q\x00"} {
		xid++
		if h, _, _ := r.call(xid, proto.OpCreate, &proto.CreateRequest{Path: path, ACL: proto.OpenACLUnsafe}); zkerr.Code(h.Err) != zkerr.BadArguments {
			t.Errorf("create %q: got %v, want BADARGUMENTS", path, zkerr.Code(h.Err))
		}
	}
	stillServes(t, s)
}

// TestInvalidACLs: an empty ACL, an unknown scheme, a malformed digest or
// ip id, and "auth" with no authenticated ids are INVALIDACL.
// Reference: docs/reference/zookeeper.md §1.5; PrepRequestProcessor.fixupACL.
func TestInvalidACLs(t *testing.T) {
	s := startServer(t, nil)
	r, _ := session(t, s)
	acls := map[string][]proto.ACL{
		"empty":            {},
		"unknown scheme":   {{Perms: proto.PermAll, ID: proto.Id{Scheme: "kerberos", ID: "x"}}},
		"digest without :": {{Perms: proto.PermAll, ID: proto.Id{Scheme: "digest", ID: "nocolon"}}},
		"bad ip":           {{Perms: proto.PermAll, ID: proto.Id{Scheme: "ip", ID: "300.1.1.1"}}},
		"auth unauthed":    {{Perms: proto.PermAll, ID: proto.Id{Scheme: "auth", ID: ""}}},
	}
	xid := int32(1)
	for name, acl := range acls {
		xid++
		if h, _, _ := r.call(xid, proto.OpCreate, &proto.CreateRequest{Path: "/acl", ACL: acl}); zkerr.Code(h.Err) != zkerr.InvalidACL {
			t.Errorf("%s: got %v, want INVALIDACL", name, zkerr.Code(h.Err))
		}
	}
	stillServes(t, s)
}

// TestHostileBodies: bodies whose lengths and counts lie, truncated
// records and multi ops of the wrong type get MARSHALLINGERROR or a closed
// connection — never a crash — and other clients are served throughout.
// Reference: docs/reference/zookeeper.md §1.1; the jute decoder's bounds checks (zk/proto).
func TestHostileBodies(t *testing.T) {
	s := startServer(t, nil)
	bodies := map[string][]byte{
		"string length past the end": {0, 0, 0, 100, '/', 'a'},
		"negative string length":     {0xff, 0xff, 0xff, 0xf0},
		"huge ACL count":             append(proto.Encode(&proto.PathRequest{Path: "/x"}), 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff),
		"truncated create":           proto.Encode(&proto.CreateRequest{Path: "/x", ACL: proto.OpenACLUnsafe})[:7],
		"empty":                      {},
	}
	for name, body := range bodies {
		for _, op := range []proto.OpCode{proto.OpCreate, proto.OpSetData, proto.OpMulti, proto.OpSetWatches, proto.OpSetACL} {
			r, _ := session(t, s)
			hdr := proto.Encode(&proto.RequestHeader{Xid: 9, Type: op})
			r.sendPayload(append(hdr, body...))
			b := r.readFrame()
			if b == nil {
				continue // closed: acceptable
			}
			var h proto.ReplyHeader
			if err := proto.Decode(b[:16], &h); err != nil {
				t.Fatalf("%s/%v: unreadable reply: %v", name, op, err)
			}
			if h.Err == 0 {
				t.Errorf("%s/%v: accepted", name, op)
			}
		}
	}
	// A multi carrying a read op where only writes belong.
	r, _ := session(t, s)
	e := proto.NewEncoder(nil)
	(&proto.MultiHeader{Type: proto.OpGetData, Done: false, Err: -1}).Encode(e)
	(&proto.PathWatchRequest{Path: "/"}).Encode(e)
	(&proto.MultiHeader{Type: -1, Done: true, Err: -1}).Encode(e)
	r.sendPayload(append(proto.Encode(&proto.RequestHeader{Xid: 3, Type: proto.OpMulti}), e.Bytes()...))
	if b := r.readFrame(); b != nil {
		var h proto.ReplyHeader
		proto.Decode(b[:16], &h)
		if h.Err == 0 {
			// ZooKeeper answers a read inside a write multi with an error
			// result; a zero header error is only fine with an error inside.
			var resp proto.MultiResponse
			if proto.Decode(b[16:], &resp) != nil || len(resp.Results) == 0 || resp.Results[0].Err == 0 {
				t.Errorf("a multi with a getData op succeeded")
			}
		}
	}
	stillServes(t, s)
}

// fuzzServer is one server shared by every input of FuzzServerFrames.
var fuzzServer = sync.OnceValue(func() *server.Server {
	s, err := server.Start(server.Config{ClientAddr: "127.0.0.1:0", DataDir: "/data", FS: vfs.NewMem(), Seed: 1, FourLetterWords: []string{"*"}})
	if err != nil {
		panic(err)
	}
	return s
})

// FuzzServerFrames sends arbitrary bytes to a live server, first as the
// handshake and then as a request after a good handshake, and checks the
// server is still serving other clients afterwards: malformed input closes
// at most that connection.
func FuzzServerFrames(f *testing.F) {
	f.Add([]byte("ruok"), []byte{})
	f.Add(proto.Encode(&proto.ConnectRequest{TimeOut: 2000, Passwd: make([]byte, 16)}), proto.Encode(&proto.RequestHeader{Xid: 1, Type: proto.OpCreate}))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff}, []byte{0, 0, 0, 1, 0, 0, 0, 1, 0xff})
	f.Add([]byte{0, 0, 0, 0}, append(proto.Encode(&proto.RequestHeader{Xid: 1, Type: proto.OpMulti}), 0, 0, 0, 1, 0, 0xff, 0xff, 0xff, 0xff))
	f.Fuzz(func(t *testing.T, handshake, request []byte) {
		s := fuzzServer()
		// Raw bytes as the very first thing on a connection.
		if nc, err := net.Dial("tcp", s.Addr().String()); err == nil {
			nc.SetDeadline(time.Now().Add(time.Second))
			nc.Write(handshake)
			nc.Close()
		}
		// A framed request after a real handshake.
		nc, err := net.Dial("tcp", s.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		nc.SetDeadline(time.Now().Add(2 * time.Second))
		cr := proto.Encode(&proto.ConnectRequest{TimeOut: 2000, Passwd: make([]byte, 16)})
		nc.Write(binary.BigEndian.AppendUint32(nil, uint32(len(cr))))
		nc.Write(cr)
		nc.Write(binary.BigEndian.AppendUint32(nil, uint32(len(request))))
		nc.Write(request)
		buf := make([]byte, 4096)
		nc.Read(buf) // the handshake reply, maybe more
		nc.Close()
		// The server must still answer a well-formed client.
		c, err := net.Dial("tcp", s.Addr().String())
		if err != nil {
			t.Fatalf("server stopped accepting: %v", err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Write([]byte("ruok")); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, 4)
		if _, err := c.Read(got); err != nil || string(got) != "imok" {
			t.Fatalf("ruok after fuzz input: %q, %v", got, err)
		}
	})
}
