package client

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

var bg = context.Background()

// TestHandshake checks the ConnectRequest we send (protocol 0, the readOnly
// byte like Java and kazoo: 45 bytes, 16 zero password bytes for a new
// session) and that the negotiated timeout replaces the requested one.
// Reference: docs/reference/zookeeper.md §1.2, §1.9.
func TestHandshake(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fn := newFakeNet()
		var states []State
		c, err := Connect([]string{"a:2181"}, 30*time.Second, WithDialer(fn.dial),
			WithStateCallback(func(s State) { states = append(states, s) }))
		if err != nil {
			t.Fatal(err)
		}
		s := fn.next(t)
		frame := s.frame(t)
		if len(frame) != 45 {
			t.Errorf("ConnectRequest is %d bytes, want 45 (with readOnly)", len(frame))
		}
		var req proto.ConnectRequest
		if err := proto.Decode(frame, &req); err != nil {
			t.Fatal(err)
		}
		want := proto.ConnectRequest{TimeOut: 30000, Passwd: make([]byte, 16), HasReadOnly: true}
		if fmt.Sprint(req) != fmt.Sprint(want) {
			t.Errorf("ConnectRequest = %+v, want %+v", req, want)
		}
		s.write(t, &proto.ConnectResponse{TimeOut: 4000, SessionID: 0x77, Passwd: make([]byte, 16), HasReadOnly: true}, nil)

		// A request proves the session is up (and drives the state).
		got := async(func() error { _, _, err := c.Exists(bg, "/"); return err })
		xid, _ := s.expect(t, proto.OpExists)
		if xid != 1 {
			t.Errorf("first xid = %d, want 1", xid)
		}
		s.reply(t, xid, 3, 0, &proto.StatResponse{})
		if err := <-got; err != nil {
			t.Fatal(err)
		}
		if c.SessionTimeout() != 4*time.Second || c.SessionID() != 0x77 || c.State() != StateConnected {
			t.Errorf("timeout %v id %#x state %v", c.SessionTimeout(), c.SessionID(), c.State())
		}
		if c.LastZxid() != 3 {
			t.Errorf("LastZxid = %d, want 3", c.LastZxid())
		}
		closeFake(t, c, s)
		if fmt.Sprint(states) != "[CONNECTED CLOSED]" {
			t.Errorf("states = %v", states)
		}
	})
}

// TestPipelining checks that many requests are in flight at once on one
// connection and that replies are matched in FIFO order.
// Reference: docs/reference/zookeeper.md §1.3 ("reply in request order on each connection").
func TestPipelining(t *testing.T) {
	r := sim.Rand(t)
	n := 2 + r.IntN(40)
	synctest.Test(t, func(t *testing.T) {
		c, _, s := connectFake(t, []string{"a:1"}, 9000)
		results := make([]<-chan error, n)
		for i := range n {
			path := fmt.Sprintf("/n%d", i)
			results[i] = async(func() error {
				data, _, err := c.Get(bg, path)
				if err != nil {
					return err
				}
				if string(data) != path {
					return fmt.Errorf("Get(%s) = %q", path, data)
				}
				return nil
			})
		}
		// All n requests arrive before any reply: they are pipelined.
		type inflight struct {
			xid  int32
			path string
		}
		var reqs []inflight
		for range n {
			xid, rec := s.expect(t, proto.OpGetData)
			reqs = append(reqs, inflight{xid, rec.(*proto.PathWatchRequest).Path})
		}
		for i := 1; i < n; i++ {
			if reqs[i].xid != reqs[i-1].xid+1 {
				t.Fatalf("xids not consecutive: %v", reqs)
			}
		}
		for _, q := range reqs {
			s.reply(t, q.xid, int64(q.xid), 0, &proto.GetDataResponse{Data: []byte(q.path)})
		}
		for i := range n {
			if err := <-results[i]; err != nil {
				t.Error(err)
			}
		}
		closeFake(t, c, s)
	})
}

// TestXidOutOfOrder checks that a reply with an unexpected xid is a
// protocol error: the connection is dropped, requests in flight fail with
// connection loss, and the client reconnects to the next server with the
// same session.
// Reference: docs/reference/zookeeper.md §1.3; ClientCnxn.readResponse "Xid out of order".
func TestXidOutOfOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, fn, s := connectFake(t, []string{"a:1", "b:1"}, 9000)
		e1 := async(func() error { return c.Delete(bg, "/x", -1) })
		x1, _ := s.expect(t, proto.OpDelete)
		e2 := async(func() error { return c.Delete(bg, "/y", -1) })
		x2, _ := s.expect(t, proto.OpDelete)
		s.reply(t, x2, 9, 0, nil) // out of order
		for _, e := range []<-chan error{e1, e2} {
			err := <-e
			if !errors.Is(err, ErrConnectionClosed) || !errors.Is(err, zkerr.ConnectionLoss) {
				t.Errorf("in-flight request: %v, want ErrConnectionClosed", err)
			}
		}
		_ = x1
		s2 := fn.next(t)
		if s2.addr != "b:1" {
			t.Errorf("reconnected to %s, want the next server b:1", s2.addr)
		}
		req := s2.handshake(t, 0x42, 9000)
		if req.SessionID != 0x42 || req.Passwd[0] != 0x42 {
			t.Errorf("reconnect did not resume the session: %+v", req)
		}
		closeFake(t, c, s2)
	})
}

// TestPingTiming checks that an idle client pings every T/3 and that a
// server silent for 2T/3 is abandoned for the next one.
// Reference: docs/reference/zookeeper.md §1.9 (pings, "connection considered dead after").
func TestPingTiming(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, fn, s := connectFake(t, []string{"a:1", "b:1"}, 9000)
		start := time.Now()
		xid, _ := s.expect(t, proto.OpPing)
		if xid != proto.XidPing || time.Since(start) != 3*time.Second {
			t.Errorf("ping xid %d after %v, want -2 after 3s", xid, time.Since(start))
		}
		s.reply(t, proto.XidPing, 5, 0, nil)
		mark := time.Now()
		s.expect(t, proto.OpPing)
		if time.Since(mark) != 3*time.Second {
			t.Errorf("second ping after %v, want 3s", time.Since(mark))
		}
		// Now the server goes silent: the last thing received was the
		// ping reply at mark, so the client gives up at mark+6s.
		s2 := fn.next(t)
		if got := time.Since(mark); got != 6*time.Second {
			t.Errorf("gave up after %v of silence, want 2T/3 = 6s", got)
		}
		s2.handshake(t, 0x42, 9000)
		closeFake(t, c, s2)
	})
}

// TestReconnectSetWatches checks that after a reconnect the client presents
// its last zxid, resends its auth first, re-registers every watch with
// setWatches2 relative to that zxid, and that the watches then fire.
// Reference: docs/reference/zookeeper.md §1.8 (setWatches), §1.9 (after connecting), §8.
func TestReconnectSetWatches(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, fn, s := connectFake(t, []string{"a:1"}, 9000)

		auth := async(func() error { return c.AddAuth(bg, "digest", []byte("u:p")) })
		x, _ := s.expect(t, proto.OpAuth)
		if x != proto.XidAuth {
			t.Errorf("auth xid = %d, want -4", x)
		}
		s.reply(t, proto.XidAuth, 0, 0, nil)
		if err := <-auth; err != nil {
			t.Fatal(err)
		}

		var dataCh, existCh, childCh, recCh <-chan Event
		done := async(func() (err error) { _, _, dataCh, err = c.GetW(bg, "/a"); return })
		x, _ = s.expect(t, proto.OpGetData)
		s.reply(t, x, 7, 0, &proto.GetDataResponse{})
		must(t, <-done)
		done = async(func() (err error) {
			ok, _, ch, err := c.ExistsW(bg, "/b")
			if ok {
				return errors.New("exists")
			}
			existCh = ch
			return err
		})
		x, _ = s.expect(t, proto.OpExists)
		s.reply(t, x, 8, int32(zkerr.NoNode), nil)
		must(t, <-done)
		done = async(func() (err error) { _, _, childCh, err = c.ChildrenW(bg, "/c"); return })
		x, _ = s.expect(t, proto.OpGetChildren2)
		s.reply(t, x, 9, 0, &proto.Children2Response{Children: []string{"z"}})
		must(t, <-done)
		done = async(func() (err error) { recCh, err = c.AddWatch(bg, "/d", true); return })
		x, _ = s.expect(t, proto.OpAddWatch)
		s.reply(t, x, 10, 0, &proto.ErrorResponse{})
		must(t, <-done)

		// A request in flight when the connection breaks fails; the watches do not.
		lost := async(func() error { _, err := c.Set(bg, "/a", nil, -1); return err })
		s.expect(t, proto.OpSetData)
		s.nc.Close()
		if err := <-lost; !errors.Is(err, ErrConnectionClosed) {
			t.Errorf("in-flight Set: %v", err)
		}

		s = fn.next(t)
		req := s.handshake(t, 0x42, 9000)
		if req.LastZxidSeen != 10 {
			t.Errorf("reconnect LastZxidSeen = %d, want 10", req.LastZxidSeen)
		}
		x, rec := s.expect(t, proto.OpAuth)
		if a := rec.(*proto.AuthPacket); x != proto.XidAuth || a.Scheme != "digest" || string(a.Auth) != "u:p" {
			t.Errorf("resent auth = %d %+v", x, a)
		}
		s.reply(t, proto.XidAuth, 0, 0, nil)
		x, rec = s.expect(t, proto.OpSetWatches2)
		sw := rec.(*proto.SetWatches2)
		want := proto.SetWatches2{RelativeZxid: 10, Data: []string{"/a"}, Exist: []string{"/b"},
			Child: []string{"/c"}, Persistent: []string{}, PersistentRecursive: []string{"/d"}}
		if fmt.Sprint(*sw) != fmt.Sprint(want) {
			t.Errorf("setWatches2 = %+v, want %+v", *sw, want)
		}
		if x <= 0 {
			t.Errorf("setWatches xid = %d, want a normal xid", x)
		}
		s.reply(t, x, 10, 0, nil)

		// The server fires what changed while we were away.
		s.notify(t, proto.EventNodeDataChanged, "/a")
		s.notify(t, proto.EventNodeCreated, "/b")
		s.notify(t, proto.EventNodeChildrenChanged, "/c")
		s.notify(t, proto.EventNodeCreated, "/d/e")
		for _, w := range []struct {
			ch   <-chan Event
			typ  proto.EventType
			path string
		}{{dataCh, proto.EventNodeDataChanged, "/a"}, {existCh, proto.EventNodeCreated, "/b"},
			{childCh, proto.EventNodeChildrenChanged, "/c"}, {recCh, proto.EventNodeCreated, "/d/e"}} {
			ev := <-w.ch
			if ev.Type != w.typ || ev.Path != w.path {
				t.Errorf("event %+v, want %v %s", ev, w.typ, w.path)
			}
		}
		// One-shot channels are closed after their event.
		if _, ok := <-dataCh; ok {
			t.Error("one-shot watch delivered twice")
		}
		closeFake(t, c, s)
		// The persistent watch ends with a Closed event.
		if ev := <-recCh; ev.State != proto.StateClosed || !errors.Is(ev.Err, ErrClosed) {
			t.Errorf("final event %+v", ev)
		}
		if _, ok := <-recCh; ok {
			t.Error("persistent channel not closed")
		}
	})
}

// TestExpiry checks that a reconnect answered with timeout 0 and session 0
// expires the session: state Expired, watches get a final Expired event,
// and every later request fails with ErrSessionExpired.
// Reference: docs/reference/zookeeper.md §1.2 ("How clients detect expiry").
func TestExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var states []State
		c, fn, s := connectFake(t, []string{"a:1"}, 9000, WithStateCallback(func(s State) { states = append(states, s) }))
		var ch <-chan Event
		done := async(func() (err error) { _, _, ch, err = c.GetW(bg, "/a"); return })
		x, _ := s.expect(t, proto.OpGetData)
		s.reply(t, x, 7, 0, &proto.GetDataResponse{})
		must(t, <-done)
		s.nc.Close()

		s = fn.next(t)
		s.frame(t) // the ConnectRequest
		s.write(t, &proto.ConnectResponse{TimeOut: 0, SessionID: 0, Passwd: make([]byte, 16)}, nil)
		s.expectEOF(t)
		<-c.Done()
		if ev := <-ch; ev.Type != proto.EventNone || ev.State != proto.StateExpired || !errors.Is(ev.Err, ErrSessionExpired) {
			t.Errorf("final watch event %+v", ev)
		}
		_, _, err := c.Get(bg, "/a")
		if !errors.Is(err, ErrSessionExpired) || !errors.Is(err, zkerr.SessionExpired) {
			t.Errorf("Get after expiry: %v", err)
		}
		if fmt.Sprint(states) != "[CONNECTED DISCONNECTED EXPIRED]" {
			t.Errorf("states = %v", states)
		}
		c.Close() // idempotent, no hang
	})
}

// TestServerErrors checks that a reply's err code is returned as a
// zkerr.Code and its body ignored, and that exists on a missing node is
// (false, nil).
// Reference: docs/reference/zookeeper.md §1.3 ("send the body only when err==0"), §1.9.
func TestServerErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, _, s := connectFake(t, []string{"a:1"}, 9000)
		got := async(func() error { _, _, err := c.Get(bg, "/nope"); return err })
		x, _ := s.expect(t, proto.OpGetData)
		s.reply(t, x, 1, int32(zkerr.NoNode), nil)
		if err := <-got; !errors.Is(err, zkerr.NoNode) {
			t.Errorf("Get: %v, want NONODE", err)
		}
		got = async(func() error {
			ok, _, err := c.Exists(bg, "/nope")
			if ok {
				return errors.New("exists = true")
			}
			return err
		})
		x, _ = s.expect(t, proto.OpExists)
		s.reply(t, x, 1, int32(zkerr.NoNode), nil)
		must(t, <-got)
		closeFake(t, c, s)
	})
}

// TestMulti checks typed multi ops on the wire and per-op results: the
// failing op's code is returned (wrapped), the others are reported.
// Reference: docs/reference/zookeeper.md §1.7.
func TestMulti(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, _, s := connectFake(t, []string{"a:1"}, 9000)
		var res []OpResult
		got := async(func() (err error) {
			res, err = c.Multi(bg, CreateOp("/m", []byte("x"), proto.ModePersistent, nil),
				SetOp("/m", []byte("y"), 3), CheckOp("/k", 1), DeleteOp("/m", -1))
			return
		})
		x, rec := s.expect(t, proto.OpMulti)
		m := rec.(*proto.MultiRequest)
		var types []proto.OpCode
		for _, op := range m.Ops {
			types = append(types, op.Type)
		}
		if fmt.Sprint(types) != "[create setData check delete]" {
			t.Errorf("ops = %v", types)
		}
		s.reply(t, x, 5, 0, &proto.MultiResponse{Results: []proto.MultiResult{
			{Type: proto.OpError, Err: 0}, {Type: proto.OpError, Err: 0},
			{Type: proto.OpError, Err: int32(zkerr.BadVersion)}, {Type: proto.OpError, Err: int32(zkerr.RuntimeInconsistency)},
		}})
		err := <-got
		if !errors.Is(err, zkerr.BadVersion) {
			t.Errorf("Multi err = %v, want BADVERSION", err)
		}
		if len(res) != 4 || res[0].Err != nil || res[2].Err != zkerr.BadVersion || res[3].Err != zkerr.RuntimeInconsistency {
			t.Errorf("results = %+v", res)
		}

		got = async(func() (err error) {
			res, err = c.Multi(bg, CreateOp("/s-", nil, proto.ModePersistentSequential, nil), SetOp("/t", nil, -1))
			return
		})
		x, _ = s.expect(t, proto.OpMulti)
		s.reply(t, x, 6, 0, &proto.MultiResponse{Results: []proto.MultiResult{
			{Type: proto.OpCreate, Record: &proto.CreateResponse{Path: "/s-0000000001"}},
			{Type: proto.OpSetData, Record: &proto.StatResponse{Stat: proto.Stat{Version: 4}}},
		}})
		must(t, <-got)
		if res[0].Path != "/s-0000000001" || res[1].Stat.Version != 4 {
			t.Errorf("results = %+v", res)
		}
		closeFake(t, c, s)
	})
}

// TestCloseFailsWaiters checks Close while disconnected: it returns without
// a server, and requests waiting for a connection get ErrClosed.
func TestCloseFailsWaiters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fn := newFakeNet()
		c, err := Connect([]string{"a:1"}, 9*time.Second, WithDialer(fn.dial))
		if err != nil {
			t.Fatal(err)
		}
		s := fn.next(t)
		s.frame(t) // never answer the handshake
		waiting := async(func() error { _, _, err := c.Get(bg, "/"); return err })
		synctest.Wait()
		c.Close()
		if err := <-waiting; !errors.Is(err, ErrClosed) {
			t.Errorf("waiting request: %v, want ErrClosed", err)
		}
		if c.State() != StateClosed {
			t.Errorf("state %v", c.State())
		}
	})
}

// TestContextCancel checks that a caller can give up on a reply, and that
// the late reply is still matched (FIFO stays intact).
func TestContextCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, _, s := connectFake(t, []string{"a:1"}, 9000)
		ctx, cancel := context.WithCancel(bg)
		got := async(func() error { _, _, err := c.Get(ctx, "/slow"); return err })
		x1, _ := s.expect(t, proto.OpGetData)
		cancel()
		if err := <-got; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Get: %v", err)
		}
		got = async(func() error { _, _, err := c.Get(bg, "/fast"); return err })
		x2, _ := s.expect(t, proto.OpGetData)
		s.reply(t, x1, 1, 0, &proto.GetDataResponse{})
		s.reply(t, x2, 1, 0, &proto.GetDataResponse{Data: []byte("ok")})
		must(t, <-got)
		closeFake(t, c, s)
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
