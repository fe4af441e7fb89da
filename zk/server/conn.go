package server

import (
	"bufio"
	"encoding/binary"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zkafka/zkafka/zk/proto"
)

// conn is one client connection. The reader and writer goroutines own the
// socket; the fields under "core-owned" are touched only by the core.
type conn struct {
	id     int64
	s      *Server
	nc     net.Conn
	remote string
	est    time.Time

	mu      sync.Mutex
	queue   [][]byte
	closing bool // close once the queue is written
	wake    chan struct{}
	dead    chan struct{} // closed when the socket is closed
	once    sync.Once

	recved, sent atomic.Int64

	// core-owned
	session     int64
	auth        []proto.Id
	established bool
	gone        bool // the core has dropped this connection
	lastCxid    int32
	lastOp      string

	// core-owned, ensemble mode (a follower's ordering of a session's
	// requests behind its forwarded write or sync)
	pend           []pending              // forwarded and queued requests, in arrival order
	pendingConnect *proto.ConnectResponse // createSession forwarded, reply on commit
}

func newConn(s *Server, id int64, nc net.Conn) *conn {
	return &conn{id: id, s: s, nc: nc, remote: nc.RemoteAddr().String(), est: s.cfg.Now(),
		wake: make(chan struct{}, 1), dead: make(chan struct{})}
}

// send queues a frame (nil: none) for the writer; closeAfter closes the
// connection once everything queued so far is written. Never blocks.
func (c *conn) send(frame []byte, closeAfter bool) {
	c.mu.Lock()
	if !c.closing {
		if frame != nil {
			c.queue = append(c.queue, frame)
		}
		c.closing = closeAfter
	}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// kill closes the socket now, dropping whatever is queued.
func (c *conn) kill() {
	c.once.Do(func() {
		close(c.dead)
		c.nc.Close()
	})
}

// writeLoop writes queued frames until the connection closes.
func (c *conn) writeLoop() {
	w := bufio.NewWriter(c.nc)
	for {
		select {
		case <-c.wake:
		case <-c.dead:
			return
		}
		c.mu.Lock()
		q, closing := c.queue, c.closing
		c.queue = nil
		c.mu.Unlock()
		for _, f := range q {
			if _, err := w.Write(f); err != nil {
				c.kill()
				return
			}
			c.sent.Add(1)
		}
		if err := w.Flush(); err != nil {
			c.kill()
			return
		}
		if closing {
			c.mu.Lock()
			empty := len(c.queue) == 0
			c.mu.Unlock()
			if empty {
				c.kill()
				return
			}
		}
	}
}

// readLoop frames the client's bytes and hands them to the core in order.
func (c *conn) readLoop() {
	defer func() {
		c.s.toCore(&connGone{c: c})
		c.kill()
	}()
	r := bufio.NewReader(c.nc)
	var first [4]byte
	if _, err := readFull(r, first[:]); err != nil {
		return
	}
	if cmd := string(first[:]); isFourLetterWord(cmd) {
		c.s.fourLetter(c, cmd)
		// Let the writer flush the answer; it closes the socket.
		select {
		case <-c.dead:
		case <-c.s.quit:
		}
		return
	}
	buf, err := readFrame(r, &first)
	if err != nil {
		c.s.log.Debug("bad frame", "conn", c.id, "err", err)
		return
	}
	var req proto.ConnectRequest
	if err := proto.Decode(buf, &req); err != nil {
		c.s.log.Info("malformed ConnectRequest, closing", "remote", c.remote, "err", err)
		return
	}
	c.recved.Add(1)
	if !c.s.toCore(&connectReq{c: c, req: req}) {
		return
	}
	for {
		buf, err := readFrame(r, nil)
		if err != nil {
			c.s.log.Debug("connection read ends", "conn", c.id, "err", err)
			return
		}
		c.recved.Add(1)
		if len(buf) < 8 {
			c.s.log.Info("request shorter than its header, closing", "conn", c.id)
			return
		}
		hdr := proto.RequestHeader{
			Xid:  int32(binary.BigEndian.Uint32(buf)),
			Type: proto.OpCode(int32(binary.BigEndian.Uint32(buf[4:]))),
		}
		if !c.s.toCore(&request{c: c, hdr: hdr, body: buf[8:]}) {
			return
		}
	}
}

func readFull(r *bufio.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
