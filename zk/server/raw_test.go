package server_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/server"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// raw is a hand-driven client connection, for the edge cases real clients
// never produce.
type raw struct {
	t  *testing.T
	nc net.Conn
}

func dial(t *testing.T, s *server.Server) *raw {
	t.Helper()
	nc, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(5 * time.Second))
	return &raw{t: t, nc: nc}
}

func (r *raw) sendBytes(b []byte) {
	r.t.Helper()
	if _, err := r.nc.Write(b); err != nil {
		r.t.Fatal(err)
	}
}

func (r *raw) sendFrame(recs ...proto.Record) {
	r.t.Helper()
	e := proto.NewEncoder(nil)
	for _, rec := range recs {
		rec.Encode(e)
	}
	r.sendPayload(e.Bytes())
}

func (r *raw) sendPayload(p []byte) {
	r.t.Helper()
	r.sendBytes(binary.BigEndian.AppendUint32(nil, uint32(len(p))))
	r.sendBytes(p)
}

// readFrame reads one frame; nil at EOF (the server closed).
func (r *raw) readFrame() []byte {
	r.t.Helper()
	var l [4]byte
	if _, err := io.ReadFull(r.nc, l[:]); err != nil {
		if err == io.EOF || strings.Contains(err.Error(), "reset") {
			return nil
		}
		r.t.Fatalf("reading a frame: %v", err)
	}
	b := make([]byte, binary.BigEndian.Uint32(l[:]))
	if _, err := io.ReadFull(r.nc, b); err != nil {
		r.t.Fatalf("reading a frame body: %v", err)
	}
	return b
}

// expectClosed checks that the server closes the connection without
// sending anything more.
func (r *raw) expectClosed() {
	r.t.Helper()
	b := make([]byte, 1)
	n, err := r.nc.Read(b)
	if n != 0 || err == nil {
		r.t.Fatalf("expected the server to close, read %d bytes, err %v", n, err)
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		r.t.Fatal("connection still open after 5s")
	}
}

func (r *raw) connect(req proto.ConnectRequest) proto.ConnectResponse {
	r.t.Helper()
	if req.Passwd == nil {
		req.Passwd = make([]byte, 16)
	}
	if req.TimeOut == 0 {
		req.TimeOut = 2000
	}
	r.sendFrame(&req)
	b := r.readFrame()
	if b == nil {
		r.t.Fatal("connection closed instead of a ConnectResponse")
	}
	var resp proto.ConnectResponse
	if err := proto.Decode(b, &resp); err != nil {
		r.t.Fatal(err)
	}
	return resp
}

// call sends a request and reads frames until its reply, returning any
// notifications that came first.
func (r *raw) call(xid int32, op proto.OpCode, body proto.Record) (proto.ReplyHeader, []byte, []proto.WatcherEvent) {
	r.t.Helper()
	r.sendFrame(&proto.RequestHeader{Xid: xid, Type: op}, body)
	return r.reply(xid)
}

func (r *raw) reply(xid int32) (proto.ReplyHeader, []byte, []proto.WatcherEvent) {
	r.t.Helper()
	var events []proto.WatcherEvent
	for {
		b := r.readFrame()
		if b == nil {
			r.t.Fatalf("connection closed while waiting for reply %d", xid)
		}
		d := proto.NewDecoder(b)
		var h proto.ReplyHeader
		h.Decode(d)
		if h.Xid == proto.XidNotification {
			var ev proto.WatcherEvent
			ev.Decode(d)
			events = append(events, ev)
			continue
		}
		if h.Xid != xid {
			r.t.Fatalf("reply xid %d, want %d (FIFO)", h.Xid, xid)
		}
		return h, d.Rest(), events
	}
}

func session(t *testing.T, s *server.Server) (*raw, proto.ConnectResponse) {
	r := dial(t, s)
	return r, r.connect(proto.ConnectRequest{})
}

// Reference: docs/reference/zookeeper.md §1.1 (framing: close on len<0 or >jute.maxbuffer).
func TestFramingRejectsBadLengths(t *testing.T) {
	s := startServer(t, nil)
	for _, l := range []int32{-1, proto.MaxBuffer + 1, -1 << 31} {
		r := dial(t, s)
		r.sendBytes(binary.BigEndian.AppendUint32(nil, uint32(l)))
		r.expectClosed()
	}
	// After a session too.
	r, _ := session(t, s)
	r.sendBytes(binary.BigEndian.AppendUint32(nil, uint32(proto.MaxBuffer+1)))
	r.expectClosed()
	// A request shorter than its header.
	r, _ = session(t, s)
	r.sendPayload([]byte{0, 0, 0, 1})
	r.expectClosed()
	// A ConnectRequest that does not decode.
	r = dial(t, s)
	r.sendPayload([]byte{0, 0, 0, 0, 1, 2})
	r.expectClosed()
	// The server still serves everyone else.
	r, resp := session(t, s)
	if resp.SessionID == 0 {
		t.Fatal("no session after the bad connections")
	}
	if h, _, _ := r.call(1, proto.OpExists, &proto.PathWatchRequest{Path: "/"}); h.Err != 0 {
		t.Fatalf("exists / err %d", h.Err)
	}
}

// Reference: docs/reference/zookeeper.md §1.2 (readOnly optional both ways; timeout clamp).
func TestHandshakeMirrorsReadOnly(t *testing.T) {
	s := startServer(t, nil)
	for _, ro := range []bool{false, true} {
		r := dial(t, s)
		r.sendFrame(&proto.ConnectRequest{TimeOut: 1, Passwd: make([]byte, 16), HasReadOnly: ro})
		b := r.readFrame()
		want := 36 // int, int, long, buffer(4+16)
		if ro {
			want++
		}
		if len(b) != want {
			t.Fatalf("readOnly=%v: response of %d bytes, want %d", ro, len(b), want)
		}
		var resp proto.ConnectResponse
		proto.Decode(b, &resp)
		// tick 100ms: the 1 ms request is clamped to 2 ticks.
		if resp.TimeOut != 200 || len(resp.Passwd) != 16 || resp.SessionID == 0 {
			t.Fatalf("response %+v", resp)
		}
	}
	r := dial(t, s)
	if resp := r.connect(proto.ConnectRequest{TimeOut: 1 << 30}); resp.TimeOut != 2000 {
		t.Fatalf("timeout clamped to %d, want 20 ticks = 2000", resp.TimeOut)
	}
}

// Reference: docs/reference/zookeeper.md §1.2 step 1 (refuse a client ahead of us), step 5
// (expired or wrong password: (0, 0, 16 zero bytes) then close), and
// "a reconnect closes the old connection".
func TestHandshakeRefusals(t *testing.T) {
	s := startServer(t, nil)
	r := dial(t, s)
	r.sendFrame(&proto.ConnectRequest{LastZxidSeen: 1 << 40, TimeOut: 2000, Passwd: make([]byte, 16)})
	r.expectClosed()

	old, resp := session(t, s)
	bad := append([]byte(nil), resp.Passwd...)
	bad[0] ^= 1
	for _, req := range []proto.ConnectRequest{
		{SessionID: resp.SessionID, Passwd: bad},
		{SessionID: 0x7777, Passwd: make([]byte, 16)},
	} {
		r := dial(t, s)
		got := r.connect(req)
		if got.TimeOut != 0 || got.SessionID != 0 || !bytes.Equal(got.Passwd, make([]byte, 16)) {
			t.Fatalf("refused reconnect answered %+v, want (0, 0, zeros)", got)
		}
		r.expectClosed()
	}
	// The right password resumes the session and closes the old connection.
	r = dial(t, s)
	got := r.connect(proto.ConnectRequest{SessionID: resp.SessionID, Passwd: resp.Passwd})
	if got.SessionID != resp.SessionID {
		t.Fatalf("resume gave session %#x, want %#x", got.SessionID, resp.SessionID)
	}
	old.expectClosed()
	if h, _, _ := r.call(1, proto.OpPing, &proto.Empty{}); h.Err != 0 {
		t.Fatalf("ping on the resumed session: %d", h.Err)
	}
}

// Reference: docs/reference/zookeeper.md §1.3 (FIFO replies with pipelining; body only
// when err == 0; unknown opcode → UNIMPLEMENTED then close).
func TestPipelinedRequestsAndErrors(t *testing.T) {
	s := startServer(t, nil)
	r, _ := session(t, s)
	// Pipeline: create, then get, then a failing create, then get: sent
	// before reading any reply.
	var buf []byte
	add := func(xid int32, op proto.OpCode, rec proto.Record) {
		p := proto.Encode(&proto.RequestHeader{Xid: xid, Type: op})
		p = append(p, proto.Encode(rec)...)
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(p)))
		buf = append(buf, p...)
	}
	add(1, proto.OpCreate, &proto.CreateRequest{Path: "/p", Data: []byte("d"), ACL: proto.OpenACLUnsafe})
	add(2, proto.OpGetData, &proto.PathWatchRequest{Path: "/p"})
	add(3, proto.OpCreate, &proto.CreateRequest{Path: "/p", ACL: proto.OpenACLUnsafe})
	add(4, proto.OpGetData, &proto.PathWatchRequest{Path: "/nope"})
	r.sendBytes(buf)
	h1, b1, _ := r.reply(1)
	h2, b2, _ := r.reply(2)
	h3, b3, _ := r.reply(3)
	h4, b4, _ := r.reply(4)
	var cr proto.CreateResponse
	var gd proto.GetDataResponse
	if h1.Err != 0 || proto.Decode(b1, &cr) != nil || cr.Path != "/p" {
		t.Fatalf("create: %+v %q", h1, b1)
	}
	if h2.Err != 0 || proto.Decode(b2, &gd) != nil || string(gd.Data) != "d" || gd.Stat.Czxid != h1.Zxid {
		t.Fatalf("getData after create: %+v %+v", h2, gd)
	}
	if zkerr.Code(h3.Err) != zkerr.NodeExists || len(b3) != 0 || h3.Zxid != h1.Zxid+1 {
		t.Fatalf("failed create: %+v body %d bytes (a failed write takes a zxid, has no body)", h3, len(b3))
	}
	if zkerr.Code(h4.Err) != zkerr.NoNode || len(b4) != 0 || h4.Zxid != h3.Zxid {
		t.Fatalf("getData missing: %+v", h4)
	}
	// A malformed body: MARSHALLINGERROR, connection stays.
	r.sendFrame(&proto.RequestHeader{Xid: 5, Type: proto.OpGetData}, &proto.ErrorResponse{Err: 99})
	if h, _, _ := r.reply(5); zkerr.Code(h.Err) != zkerr.MarshallingError {
		t.Fatalf("malformed body: err %d", h.Err)
	}
	// An unknown opcode: UNIMPLEMENTED, then close.
	r.sendFrame(&proto.RequestHeader{Xid: 6, Type: 55})
	if h, _, _ := r.reply(6); zkerr.Code(h.Err) != zkerr.Unimplemented {
		t.Fatalf("unknown op: err %d", h.Err)
	}
	r.expectClosed()
}

// Reference: docs/reference/zookeeper.md §1.3 (auth: (xid, 0, OK/AUTHFAILED), close on
// failure) and §1.4 (whoAmI).
func TestAuthPackets(t *testing.T) {
	s := startServer(t, nil)
	r, _ := session(t, s)
	h, _, _ := r.call(proto.XidAuth, proto.OpAuth, &proto.AuthPacket{Scheme: "digest", Auth: []byte("u:p")})
	if h.Err != 0 || h.Zxid != 0 {
		t.Fatalf("auth reply %+v", h)
	}
	h, body, _ := r.call(7, proto.OpWhoAmI, &proto.Empty{})
	var who proto.WhoAmIResponse
	if h.Err != 0 || proto.Decode(body, &who) != nil || len(who.ClientInfo) != 2 || who.ClientInfo[1].AuthScheme != "digest" {
		t.Fatalf("whoAmI %+v %+v", h, who)
	}
	h, _, _ = r.call(8, proto.OpAuth, &proto.AuthPacket{Scheme: "kerberos", Auth: []byte("x")})
	if zkerr.Code(h.Err) != zkerr.AuthFailed {
		t.Fatalf("bad scheme: err %d", h.Err)
	}
	r.expectClosed()
}

// Reference: docs/reference/zookeeper.md §1.8 and §5 (watch event before the data; a
// notification is queued before later replies), §1.4 (exists on a missing
// node sets a watch; addWatch replies ErrorResponse{0}).
func TestWatchBeforeData(t *testing.T) {
	s := startServer(t, nil)
	watcher, _ := session(t, s)
	writer, _ := session(t, s)
	if h, _, _ := watcher.call(1, proto.OpExists, &proto.PathWatchRequest{Path: "/w", Watch: true}); zkerr.Code(h.Err) != zkerr.NoNode {
		t.Fatalf("exists: %d", h.Err)
	}
	h, body, _ := watcher.call(2, proto.OpAddWatch, &proto.AddWatchRequest{Path: "/", Mode: proto.AddWatchPersistentRecursive})
	if h.Err != 0 || !bytes.Equal(body, []byte{0, 0, 0, 0}) {
		t.Fatalf("addWatch: %+v %v", h, body)
	}
	if h, _, _ := writer.call(1, proto.OpCreate, &proto.CreateRequest{Path: "/w", ACL: proto.OpenACLUnsafe}); h.Err != 0 {
		t.Fatalf("create: %d", h.Err)
	}
	// The watcher's next reply comes after the NodeCreated event.
	_, body, events := watcher.call(3, proto.OpGetData, &proto.PathWatchRequest{Path: "/w"})
	if len(events) != 1 || events[0].Type != proto.EventNodeCreated || events[0].Path != "/w" || events[0].State != proto.StateSyncConnected {
		t.Fatalf("events before the getData reply: %v", events)
	}
	var gd proto.GetDataResponse
	proto.Decode(body, &gd)
	if gd.Stat.Czxid == 0 {
		t.Fatal("getData did not see the create")
	}
	// checkWatches / removeWatches on a persistent watch.
	if h, _, _ := watcher.call(4, proto.OpRemoveWatches, &proto.WatchesRequest{Path: "/nothing", Type: proto.WatcherTypeAny}); zkerr.Code(h.Err) != zkerr.NoWatcher {
		t.Fatalf("removeWatches without a watch: %d", h.Err)
	}
}

// Reference: docs/reference/zookeeper.md §2 (whitelist message; ruok; srvr format).
func TestFourLetterWords(t *testing.T) {
	fourLW := func(s *server.Server, cmd string) string {
		nc, err := net.Dial("tcp", s.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		nc.SetDeadline(time.Now().Add(5 * time.Second))
		nc.Write([]byte(cmd))
		b, err := io.ReadAll(nc)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	s := startServer(t, nil)
	if got := fourLW(s, "ruok"); got != "imok" {
		t.Fatalf("ruok = %q", got)
	}
	for cmd, want := range map[string]string{
		"srvr": "Mode: standalone\nNode count: 5\n",
		"stat": "Clients:\n",
		"mntr": "zk_server_state\tstandalone\n",
		"conf": "tickTime=100\n",
		"wchs": "Total watches:0",
		"envi": "zookeeper.version=",
		"isro": "rw",
	} {
		if got := fourLW(s, cmd); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to contain %q", cmd, got, want)
		}
	}
	d, err := server.Start(server.Config{ClientAddr: "127.0.0.1:0", DataDir: "/d", FS: vfsMem()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got := fourLW(d, "ruok"); got != "ruok is not executed because it is not in the whitelist.\n" {
		t.Fatalf("default whitelist: ruok = %q", got)
	}
	if got := fourLW(d, "srvr"); !strings.HasPrefix(got, "Zookeeper version: ") {
		t.Fatalf("default whitelist: srvr = %q", got)
	}
}
