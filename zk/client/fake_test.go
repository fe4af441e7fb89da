package client

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
	"testing/synctest"
	"time"

	"github.com/zkafka/zkafka/zk/proto"
)

// fakeNet is an in-memory network for the client: every dial makes a
// net.Pipe and hands the server end to the test, which plays the server
// frame by frame. Inside a testing/synctest bubble, pipe I/O and deadlines
// run on the virtual clock, so timing tests are exact and instant.
type fakeNet struct {
	accept chan *fakeServer
}

func newFakeNet() *fakeNet { return &fakeNet{accept: make(chan *fakeServer)} }

func (f *fakeNet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, s := net.Pipe()
	select {
	case f.accept <- &fakeServer{nc: s, br: bufio.NewReader(s), addr: addr}:
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// next waits for the client's next dial.
func (f *fakeNet) next(t *testing.T) *fakeServer {
	t.Helper()
	select {
	case s := <-f.accept:
		t.Cleanup(func() { s.nc.Close() })
		return s
	case <-time.After(time.Hour):
		t.Fatal("client did not dial")
		return nil
	}
}

// fakeServer is the server end of one connection.
type fakeServer struct {
	nc   net.Conn
	br   *bufio.Reader
	addr string
}

func (s *fakeServer) frame(t *testing.T) []byte {
	t.Helper()
	var lb [4]byte
	if _, err := io.ReadFull(s.br, lb[:]); err != nil {
		t.Fatalf("server read: %v", err)
	}
	buf := make([]byte, binary.BigEndian.Uint32(lb[:]))
	if _, err := io.ReadFull(s.br, buf); err != nil {
		t.Fatalf("server read: %v", err)
	}
	return buf
}

// expectEOF checks that the client closed the connection.
func (s *fakeServer) expectEOF(t *testing.T) {
	t.Helper()
	var b [1]byte
	if _, err := s.br.Read(b[:]); err == nil {
		t.Fatal("expected the client to close the connection, read a byte")
	}
}

func (s *fakeServer) write(t *testing.T, hdr, body proto.Record) {
	t.Helper()
	if _, err := s.nc.Write(appendFrame(hdr, body)); err != nil && !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("server write: %v", err)
	}
}

// handshake reads the ConnectRequest and accepts it.
func (s *fakeServer) handshake(t *testing.T, sessionID int64, timeoutMs int32) proto.ConnectRequest {
	t.Helper()
	var req proto.ConnectRequest
	if err := proto.Decode(s.frame(t), &req); err != nil {
		t.Fatalf("connect request: %v", err)
	}
	pw := make([]byte, 16)
	pw[0] = byte(sessionID)
	s.write(t, &proto.ConnectResponse{TimeOut: timeoutMs, SessionID: sessionID, Passwd: pw, HasReadOnly: req.HasReadOnly}, nil)
	// Let the client finish its side of the handshake (so a Close right
	// after this sees a connected session).
	synctest.Wait()
	return req
}

// request reads the next request and decodes its body.
func (s *fakeServer) request(t *testing.T) (proto.RequestHeader, proto.Record) {
	t.Helper()
	d := proto.NewDecoder(s.frame(t))
	var h proto.RequestHeader
	h.Decode(d)
	rec := proto.NewRequestRecord(h.Type)
	if rec == nil {
		t.Fatalf("unknown op %v", h.Type)
	}
	if err := proto.Decode(d.Rest(), rec); err != nil {
		t.Fatalf("%v body: %v", h.Type, err)
	}
	return h, rec
}

// expect reads the next request and checks its type.
func (s *fakeServer) expect(t *testing.T, op proto.OpCode) (int32, proto.Record) {
	t.Helper()
	h, rec := s.request(t)
	if h.Type != op {
		t.Fatalf("server got %v (xid %d), want %v", h.Type, h.Xid, op)
	}
	return h.Xid, rec
}

func (s *fakeServer) reply(t *testing.T, xid int32, zxid int64, code int32, body proto.Record) {
	t.Helper()
	s.write(t, &proto.ReplyHeader{Xid: xid, Zxid: zxid, Err: code}, body)
}

func (s *fakeServer) notify(t *testing.T, typ proto.EventType, path string) {
	t.Helper()
	s.reply(t, proto.XidNotification, -1, 0, &proto.WatcherEvent{Type: typ, State: proto.StateSyncConnected, Path: path})
}

// connectFake starts a client on a fakeNet and completes the first
// handshake (session 0x42, negotiated timeout timeoutMs).
func connectFake(t *testing.T, servers []string, timeoutMs int32, opts ...Option) (*Conn, *fakeNet, *fakeServer) {
	t.Helper()
	fn := newFakeNet()
	opts = append([]Option{WithDialer(fn.dial)}, opts...)
	c, err := Connect(servers, time.Duration(timeoutMs)*time.Millisecond, opts...)
	if err != nil {
		t.Fatal(err)
	}
	s := fn.next(t)
	s.handshake(t, 0x42, timeoutMs)
	return c, fn, s
}

// closeFake closes the client, answering its closeSession.
func closeFake(t *testing.T, c *Conn, s *fakeServer) {
	t.Helper()
	done := make(chan struct{})
	go func() { c.Close(); close(done) }()
	xid, _ := s.expect(t, proto.OpCloseSession)
	s.reply(t, xid, 0, 0, nil)
	<-done
}

// async runs f in a goroutine and returns a channel with its error.
func async(f func() error) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- f() }()
	return ch
}
