package client_test

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/server"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// End-to-end tests against our own server (zk/server) over real TCP.
// They wait on events with deadlines, never on sleeps.

func startServer(t *testing.T) *server.Server {
	t.Helper()
	s, err := server.Start(server.Config{ClientAddr: "127.0.0.1:0", DataDir: "/data",
		TickTime: 100 * time.Millisecond, FS: vfs.NewMem(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func connect(t *testing.T, addr string, opts ...client.Option) *client.Conn {
	t.Helper()
	c, err := client.Connect([]string{addr}, 2*time.Second, append([]client.Option{client.WithBackoff(20 * time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func waitEvent(t *testing.T, ch <-chan client.Event, typ proto.EventType, path string) {
	t.Helper()
	select {
	case ev := <-ch:
		if ev.Type != typ || ev.Path != path {
			t.Fatalf("event %+v, want %v %s", ev, typ, path)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no %v event for %s", typ, path)
	}
}

// TestE2EOps runs every op once against our server.
// Reference: docs/reference/zookeeper.md §1.4 (opcodes), §1.7 (multi).
func TestE2EOps(t *testing.T) {
	s := startServer(t)
	c := connect(t, s.Addr().String())
	ctx := ctxT(t)

	p, err := c.Create(ctx, "/a", []byte("1"), proto.ModePersistent, nil)
	if err != nil || p != "/a" {
		t.Fatalf("Create = %q, %v", p, err)
	}
	if _, err := c.Create(ctx, "/a", nil, proto.ModePersistent, nil); !errors.Is(err, zkerr.NodeExists) {
		t.Errorf("duplicate create: %v", err)
	}
	p, st, err := c.Create2(ctx, "/a/s-", nil, proto.ModeEphemeralSequential, nil)
	if err != nil || p != "/a/s-0000000000" || st.EphemeralOwner != c.SessionID() {
		t.Errorf("Create2 = %q %+v %v", p, st, err)
	}
	data, st, err := c.Get(ctx, "/a")
	if err != nil || string(data) != "1" || st.NumChildren != 1 {
		t.Errorf("Get = %q %+v %v", data, st, err)
	}
	if _, err := c.Set(ctx, "/a", []byte("2"), 5); !errors.Is(err, zkerr.BadVersion) {
		t.Errorf("Set bad version: %v", err)
	}
	st, err = c.Set(ctx, "/a", []byte("2"), 0)
	if err != nil || st.Version != 1 {
		t.Errorf("Set = %+v %v", st, err)
	}
	children, _, err := c.Children(ctx, "/a")
	if err != nil || len(children) != 1 || children[0] != "s-0000000000" {
		t.Errorf("Children = %v %v", children, err)
	}
	if ok, _, err := c.Exists(ctx, "/nope"); ok || err != nil {
		t.Errorf("Exists(/nope) = %v %v", ok, err)
	}
	eph, err := c.GetEphemerals(ctx, "/")
	if err != nil || len(eph) != 1 || eph[0] != "/a/s-0000000000" {
		t.Errorf("GetEphemerals = %v %v", eph, err)
	}
	if n, err := c.GetAllChildrenNumber(ctx, "/a"); err != nil || n != 1 {
		t.Errorf("GetAllChildrenNumber = %d %v", n, err)
	}
	acl, _, err := c.GetACL(ctx, "/a")
	if err != nil || len(acl) != 1 || acl[0].ID != proto.WorldAnyone {
		t.Errorf("GetACL = %v %v", acl, err)
	}
	if _, err := c.SetACL(ctx, "/a", proto.ReadACLUnsafe, -1); err != nil {
		t.Errorf("SetACL: %v", err)
	}
	if _, err := c.Set(ctx, "/a", nil, -1); !errors.Is(err, zkerr.NoAuth) {
		t.Errorf("Set after read-only ACL: %v", err)
	}
	if _, err := c.Sync(ctx, "/a"); err != nil {
		t.Errorf("Sync: %v", err)
	}
	if _, err := c.WhoAmI(ctx); err != nil {
		t.Errorf("WhoAmI: %v", err)
	}
	res, err := c.Multi(ctx, client.CreateOp("/m", nil, proto.ModePersistent, nil), client.CheckOp("/m", 7))
	if !errors.Is(err, zkerr.BadVersion) || len(res) != 2 {
		t.Errorf("Multi = %+v %v", res, err)
	}
	if ok, _, _ := c.Exists(ctx, "/m"); ok {
		t.Error("failed multi left /m behind")
	}
	res, err = c.Multi(ctx, client.CreateOp("/m", nil, proto.ModePersistent, nil), client.SetOp("/m", []byte("x"), 0))
	if err != nil || res[0].Path != "/m" || res[1].Stat.Version != 1 {
		t.Errorf("Multi = %+v %v", res, err)
	}
	if err := c.Delete(ctx, "/m", -1); err != nil {
		t.Errorf("Delete: %v", err)
	}
}

// TestE2EPipelined issues many requests from many goroutines at once.
func TestE2EPipelined(t *testing.T) {
	s := startServer(t)
	c := connect(t, s.Addr().String())
	ctx := ctxT(t)
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Create(ctx, "/p-", []byte{byte(i)}, proto.ModePersistentSequential, nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	_, st, err := c.Get(ctx, "/")
	if err != nil || st.NumChildren != 201 { // 200 + /zookeeper
		t.Errorf("root has %d children, %v", st.NumChildren, err)
	}
}

// TestE2EWatches checks one-shot and persistent watches fired by another
// session's writes.
// Reference: docs/reference/zookeeper.md §1.8.
func TestE2EWatches(t *testing.T) {
	s := startServer(t)
	c, other := connect(t, s.Addr().String()), connect(t, s.Addr().String())
	ctx := ctxT(t)
	_, _, existCh, err := c.ExistsW(ctx, "/w")
	must(t, err)
	rec, err := c.AddWatch(ctx, "/", true)
	must(t, err)
	_, err = other.Create(ctx, "/w", nil, proto.ModePersistent, nil)
	must(t, err)
	waitEvent(t, existCh, proto.EventNodeCreated, "/w")
	waitEvent(t, rec, proto.EventNodeCreated, "/w")

	_, _, dataCh, err := c.GetW(ctx, "/w")
	must(t, err)
	_, _, childCh, err := c.ChildrenW(ctx, "/w")
	must(t, err)
	_, err = other.Create(ctx, "/w/x", nil, proto.ModePersistent, nil)
	must(t, err)
	waitEvent(t, childCh, proto.EventNodeChildrenChanged, "/w")
	waitEvent(t, rec, proto.EventNodeCreated, "/w/x")
	_, err = other.Set(ctx, "/w", []byte("v"), -1)
	must(t, err)
	waitEvent(t, dataCh, proto.EventNodeDataChanged, "/w")
	waitEvent(t, rec, proto.EventNodeDataChanged, "/w")
}

// proxy is a TCP relay we can cut, to make the client lose its connection
// while the server (and the session) lives on.
type proxy struct {
	ln      net.Listener
	target  string
	mu      sync.Mutex
	blocked bool
	conns   []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); p.cut(false) })
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			if p.blocked {
				p.mu.Unlock()
				in.Close()
				continue
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				p.mu.Unlock()
				in.Close()
				continue
			}
			p.conns = append(p.conns, in, out)
			p.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
	return p
}

// cut closes every relayed connection; blocked refuses new ones.
func (p *proxy) cut(blocked bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.blocked = blocked
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestE2EReconnectReplaysMissedEvent is the case kazoo and go-zookeeper
// users complain about: a change made while the client is disconnected.
// The client resumes its session and re-registers its watch with
// setWatches relative to the last zxid it saw, so the server fires the
// missed NodeDataChanged at once.
// Reference: docs/reference/zookeeper.md §1.8 (setWatches), §8 (watches lost on reconnect).
func TestE2EReconnectReplaysMissedEvent(t *testing.T) {
	s := startServer(t)
	px := newProxy(t, s.Addr().String())
	states := make(chan client.State, 16)
	c := connect(t, px.ln.Addr().String(), client.WithStateCallback(func(s client.State) { states <- s }))
	other := connect(t, s.Addr().String())
	ctx := ctxT(t)
	_, err := other.Create(ctx, "/r", []byte("old"), proto.ModePersistent, nil)
	must(t, err)
	_, _, dataCh, err := c.GetW(ctx, "/r")
	must(t, err)
	id := c.SessionID()

	px.cut(true)
	waitState(t, states, client.StateDisconnected)
	_, err = other.Set(ctx, "/r", []byte("new"), -1)
	must(t, err)
	px.cut(false)
	waitState(t, states, client.StateConnected)
	if c.SessionID() != id {
		t.Errorf("session changed: %#x -> %#x", id, c.SessionID())
	}
	waitEvent(t, dataCh, proto.EventNodeDataChanged, "/r")
}

// TestE2EExpiry cuts the client off for longer than its session timeout:
// the server expires the session, and the client learns it on reconnect.
// Reference: docs/reference/zookeeper.md §1.2, §5 ("the client learns of it only on
// reconnect").
func TestE2EExpiry(t *testing.T) {
	s := startServer(t)
	px := newProxy(t, s.Addr().String())
	states := make(chan client.State, 16)
	c, err := client.Connect([]string{px.ln.Addr().String()}, 200*time.Millisecond,
		client.WithBackoff(20*time.Millisecond), client.WithStateCallback(func(s client.State) { states <- s }))
	must(t, err)
	defer c.Close()
	other := connect(t, s.Addr().String())
	ctx := ctxT(t)
	_, err = c.Create(ctx, "/e", nil, proto.ModeEphemeral, nil)
	must(t, err)
	px.cut(true)
	waitState(t, states, client.StateDisconnected)
	// The server deletes the ephemeral when it expires the session.
	for {
		ok, _, ev, err := other.ExistsW(ctx, "/e")
		must(t, err)
		if !ok {
			break
		}
		waitEvent(t, ev, proto.EventNodeDeleted, "/e")
	}
	px.cut(false)
	waitState(t, states, client.StateExpired)
	if _, _, err := c.Get(ctx, "/"); !errors.Is(err, client.ErrSessionExpired) {
		t.Errorf("Get after expiry: %v", err)
	}
}

func waitState(t *testing.T, ch <-chan client.State, want client.State) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	var seen []client.State
	for {
		select {
		case s := <-ch:
			if s == want {
				return
			}
			seen = append(seen, s)
		case <-deadline:
			t.Fatalf("state %v not reached; saw %v", want, seen)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
