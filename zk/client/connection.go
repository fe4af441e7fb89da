package client

import (
	"bufio"
	"fmt"
	"math"
	"net"
	"sync"
	"time"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// request is one call in flight.
type request struct {
	op    proto.OpCode
	xid   int32
	body  proto.Record
	resp  proto.Record // decoded into when the reply has err == 0; nil to ignore the body
	watch *watcher     // registered when the reply says the server set the watch
	done  chan error   // 1-buffered; receives exactly one result
}

func newRequest(op proto.OpCode, body, resp proto.Record) *request {
	return &request{op: op, body: body, resp: resp, done: make(chan error, 1)}
}

// connection is the state of one TCP connection: the requests written to
// it and not yet answered. The server answers in the order it received
// (docs/reference/zookeeper.md §1.3), so pending is a FIFO: a reply must carry the xid at
// its head. Auth packets are answered out of band (the Java server replies
// to them at once, possibly before earlier requests), so they queue apart.
type connection struct {
	nc net.Conn
	br *bufio.Reader

	mu      sync.Mutex
	pending []*request
	authq   []*request // nil entries are auths resent on reconnect
	broken  bool       // set by teardown; later sends fail at once
}

// serve runs one connection until it breaks or Close is called. It is the
// only writer: it assigns xids and appends to pending in write order, which
// is what makes FIFO matching sound. A second goroutine (recv) reads.
func (c *Conn) serve(nc net.Conn, br *bufio.Reader, addr string) error {
	cn := &connection{nc: nc, br: br}
	c.mu.Lock()
	timeout := c.timeout
	auths := append([]proto.AuthPacket(nil), c.auths...)
	batches := c.watches.setWatches(c.lastZxid, setWatchesMaxBytes)
	c.mu.Unlock()

	recvDone := make(chan error, 1)
	go func() { recvDone <- c.recv(cn, timeout) }()

	// Prime the connection before any queued request goes out: the auths
	// first (later requests may need them), then re-register the watches.
	var err error
	for i := range auths {
		if err == nil {
			err = c.send(cn, &request{op: proto.OpAuth, body: &auths[i]}, timeout)
		}
	}
	for _, b := range batches {
		if err == nil {
			err = c.send(cn, newRequest(b.op, b.rec, nil), timeout)
		}
	}
	if err != nil {
		return c.teardown(cn, recvDone, err, ErrConnectionClosed)
	}
	c.setState(StateConnected)

	// Ping when we have sent nothing for T/3 (Java: readTimeout/2 with
	// readTimeout = 2T/3), so the server's session timer and our read
	// deadline both stay fed on an idle session.
	pingEvery := timeout / 3
	ping := time.NewTimer(pingEvery)
	defer ping.Stop()
	for {
		select {
		case req := <-c.sendq:
			if err := c.send(cn, req, timeout); err != nil {
				return c.teardown(cn, recvDone, err, ErrConnectionClosed)
			}
			ping.Reset(pingEvery)
		case <-ping.C:
			hdr := proto.RequestHeader{Xid: proto.XidPing, Type: proto.OpPing}
			if err := c.write(cn, appendFrame(&hdr, nil), timeout); err != nil {
				return c.teardown(cn, recvDone, err, ErrConnectionClosed)
			}
			ping.Reset(pingEvery)
		case err := <-recvDone:
			recvDone <- err // teardown waits on it again
			return c.teardown(cn, recvDone, err, ErrConnectionClosed)
		case <-c.closing.Done():
			c.closeSession(cn, recvDone, timeout)
			c.teardown(cn, recvDone, ErrClosed, ErrClosed)
			return ErrClosed
		}
	}
}

// closeSession sends closeSession (-11) and waits for its reply, the
// connection to break, or the session timeout.
func (c *Conn) closeSession(cn *connection, recvDone chan error, timeout time.Duration) {
	req := newRequest(proto.OpCloseSession, &proto.Empty{}, nil)
	if err := c.send(cn, req, timeout); err != nil {
		return
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-req.done:
	case err := <-recvDone:
		recvDone <- err
	case <-t.C:
	}
}

// send writes one request, recording it first so the reply can be matched.
func (c *Conn) send(cn *connection, req *request, timeout time.Duration) error {
	cn.mu.Lock()
	if cn.broken {
		cn.mu.Unlock()
		req.fail(ErrConnectionClosed)
		return ErrConnectionClosed
	}
	if req.op == proto.OpAuth {
		req.xid = proto.XidAuth
		cn.authq = append(cn.authq, req)
	} else {
		req.xid = c.nextXid()
		cn.pending = append(cn.pending, req)
	}
	cn.mu.Unlock()
	hdr := proto.RequestHeader{Xid: req.xid, Type: req.op}
	return c.write(cn, appendFrame(&hdr, req.body), timeout)
}

func (c *Conn) write(cn *connection, frame []byte, timeout time.Duration) error {
	cn.nc.SetWriteDeadline(time.Now().Add(timeout))
	_, err := cn.nc.Write(frame)
	return err
}

// nextXid returns the next request xid: positive, increasing, wrapping
// back to 1 (negative xids are reserved for pings, auth, notifications).
func (c *Conn) nextXid() int32 {
	if c.xid == math.MaxInt32 {
		c.xid = 0
	}
	c.xid++
	return c.xid
}

func (r *request) fail(err error) {
	if r != nil && r.done != nil {
		r.done <- err
	}
}

// teardown closes the connection, waits for the reader to stop, and fails
// everything still in flight with failErr. It returns cause.
func (c *Conn) teardown(cn *connection, recvDone chan error, cause, failErr error) error {
	cn.nc.Close()
	<-recvDone
	cn.mu.Lock()
	cn.broken = true
	pending, authq := cn.pending, cn.authq
	cn.pending, cn.authq = nil, nil
	cn.mu.Unlock()
	for _, r := range pending {
		r.fail(failErr)
	}
	for _, r := range authq {
		r.fail(failErr)
	}
	c.mu.Lock()
	c.server = ""
	c.mu.Unlock()
	return cause
}

// recv reads frames until the connection breaks. Nothing received for 2T/3
// means the server (or the path to it) is dead: the read deadline expires
// and we move to another server while the session may still be alive.
func (c *Conn) recv(cn *connection, timeout time.Duration) error {
	readTimeout := timeout * 2 / 3
	for {
		cn.nc.SetReadDeadline(time.Now().Add(readTimeout))
		frame, err := readFrame(cn.br)
		if err != nil {
			// Close at once, so a writer blocked on a dead peer wakes up.
			cn.nc.Close()
			return err
		}
		d := proto.NewDecoder(frame)
		var h proto.ReplyHeader
		h.Decode(d)
		if d.Err() != nil {
			return fmt.Errorf("%w: reply header: %v", ErrProtocol, d.Err())
		}
		body := d.Rest()
		switch h.Xid {
		case proto.XidNotification:
			var ev proto.WatcherEvent
			if err := proto.Decode(body, &ev); err != nil {
				return fmt.Errorf("%w: notification: %v", ErrProtocol, err)
			}
			c.notify(ev)
		case proto.XidPing:
			// Nothing to do: receiving it already pushed the deadline.
		case proto.XidAuth:
			if err := c.authReply(cn, zkerr.Code(h.Err)); err != nil {
				return err
			}
		default:
			if err := c.reply(cn, h, body); err != nil {
				return err
			}
		}
	}
}

// reply matches a reply to the oldest pending request.
func (c *Conn) reply(cn *connection, h proto.ReplyHeader, body []byte) error {
	cn.mu.Lock()
	if len(cn.pending) == 0 {
		cn.mu.Unlock()
		return fmt.Errorf("%w: reply xid %d with nothing pending", ErrProtocol, h.Xid)
	}
	req := cn.pending[0]
	if req.xid != h.Xid {
		cn.mu.Unlock()
		// Java: "Xid out of order. Got Xid X with err E expected Xid Y".
		return fmt.Errorf("%w: xid out of order: got %d, expected %d", ErrProtocol, h.Xid, req.xid)
	}
	cn.pending = cn.pending[1:]
	cn.mu.Unlock()

	code := zkerr.Code(h.Err)
	var err error
	if code != zkerr.OK {
		err = code
	} else if req.resp != nil {
		if derr := proto.Decode(body, req.resp); derr != nil {
			err = fmt.Errorf("%w: %v reply: %v", ErrProtocol, req.op, derr)
		}
	}
	c.mu.Lock()
	if h.Zxid > 0 && h.Zxid > c.lastZxid {
		c.lastZxid = h.Zxid
	}
	// Register the watch before the caller hears the reply and before we
	// read the next frame, so no notification can slip past it.
	if w := req.watch; w != nil {
		switch {
		case err == nil:
			c.watches.add(w)
		case req.op == proto.OpExists && code == zkerr.NoNode:
			// exists on a missing node still leaves a watch
			// (DataTree.statNode): an exist-watch, fired by NodeCreated.
			w.kind = kindExist
			c.watches.add(w)
		default:
			req.watch = nil
		}
	}
	c.mu.Unlock()
	req.done <- err
	return nil
}

// authReply answers the oldest auth in flight. The server closes the
// connection after AUTHFAILED; we report the failure before that.
func (c *Conn) authReply(cn *connection, code zkerr.Code) error {
	cn.mu.Lock()
	if len(cn.authq) == 0 {
		cn.mu.Unlock()
		if code != zkerr.OK {
			c.setState(StateAuthFailed)
		}
		return nil
	}
	req := cn.authq[0]
	cn.authq = cn.authq[1:]
	cn.mu.Unlock()
	if req.done == nil { // a resent auth
		if code != zkerr.OK {
			c.log.Warn("zk: resent auth refused", "err", code)
			c.setState(StateAuthFailed)
		}
		return nil
	}
	if code == zkerr.OK {
		ap := req.body.(*proto.AuthPacket)
		c.mu.Lock()
		c.auths = append(c.auths, *ap)
		c.mu.Unlock()
		req.done <- nil
		return nil
	}
	req.done <- code
	return nil
}

// notify delivers a watch event to every watcher it triggers.
func (c *Conn) notify(ev proto.WatcherEvent) {
	c.mu.Lock()
	ws := c.watches.trigger(ev)
	c.mu.Unlock()
	for _, w := range ws {
		w.deliver(Event{Type: ev.Type, State: ev.State, Path: c.clientPath(ev.Path)})
	}
}
