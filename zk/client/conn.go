package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zpath"
)

// Conn is a ZooKeeper session. It is safe for concurrent use: many
// goroutines may have requests in flight at once, and they are pipelined
// on one TCP connection.
type Conn struct {
	servers   []string
	requested time.Duration // the session timeout we ask for
	opts      options
	log       *slog.Logger
	chroot    string // prefixed to every path sent, stripped from every path returned

	// sendq hands requests to the goroutine that owns the current
	// connection. It is unbuffered, so a request is either taken by a live
	// connection (and then answered or failed by it) or still with its
	// caller, who also watches dead.
	sendq chan *request

	closing     context.Context // cancelled by Close
	cancelClose context.CancelFunc
	dead        chan struct{} // closed when the session is over for good

	mu        sync.Mutex
	state     State
	sessionID int64
	passwd    []byte
	timeout   time.Duration // negotiated; == requested until the first handshake
	lastZxid  int64         // the largest zxid seen in a reply
	auths     []proto.AuthPacket
	watches   *watchSet
	server    string // the server we are connected to, "" if none
	finalErr  error  // ErrSessionExpired or ErrClosed once dead is closed

	xid int32 // owned by the connection goroutine
}

// Connect starts a session with the ensemble. It returns at once; the
// session is established in the background, and requests made meanwhile
// wait for it (bounded by their context). servers are "host:port"
// addresses, tried in the order given, moving to the next one after every
// failure or disconnect. sessionTimeout is a request: the server clamps it
// to [2, 20]×tickTime (docs/reference/zookeeper.md §1.2) and SessionTimeout reports the
// result.
func Connect(servers []string, sessionTimeout time.Duration, opts ...Option) (*Conn, error) {
	if len(servers) == 0 {
		return nil, ErrNoServers
	}
	if sessionTimeout <= 0 {
		return nil, fmt.Errorf("zk: session timeout must be positive, got %v", sessionTimeout)
	}
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if o.chroot != "" {
		if err := zpath.Validate(o.chroot); err != nil {
			return nil, fmt.Errorf("zk: chroot: %w", err)
		}
	}
	c := &Conn{
		servers:   append([]string(nil), servers...),
		requested: sessionTimeout,
		opts:      o,
		log:       o.logger,
		chroot:    o.chroot,
		sendq:     make(chan *request),
		dead:      make(chan struct{}),
		state:     StateConnecting,
		timeout:   sessionTimeout,
		watches:   newWatchSet(),
		passwd:    make([]byte, 16),
	}
	c.closing, c.cancelClose = context.WithCancel(context.Background())
	go c.run()
	return c, nil
}

// Close ends the session: it sends closeSession (so the server deletes the
// session's ephemeral nodes at once instead of after the timeout), waits
// for the reply or the session timeout, and closes the connection.
// Outstanding watches receive a final Closed event. Close is idempotent.
func (c *Conn) Close() error {
	c.cancelClose()
	<-c.dead
	return nil
}

// State is the current session state.
func (c *Conn) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// SessionID is the session's id, 0 before the first handshake.
func (c *Conn) SessionID() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sessionID
}

// SessionTimeout is the negotiated session timeout (the requested one
// until the first handshake).
func (c *Conn) SessionTimeout() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.timeout
}

// Server is the address of the server the session is connected to, or "".
func (c *Conn) Server() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.server
}

// LastZxid is the largest zxid seen in a reply: what a reconnect presents
// to the next server so it never shows us an older state.
func (c *Conn) LastZxid() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastZxid
}

// Done is closed when the session is over for good (expired or closed).
// Then Err says which.
func (c *Conn) Done() <-chan struct{} { return c.dead }

// Err is nil while the session lives; once Done is closed it is
// ErrSessionExpired (the ensemble expired the session: its ephemerals and
// watches are gone, and a new Conn must re-create what it owned — Kafka's
// broker re-registers /brokers/ids/<id>) or ErrClosed (Close was called).
func (c *Conn) Err() error {
	select {
	case <-c.dead:
		return c.deadErr()
	default:
		return nil
	}
}

func (c *Conn) setState(s State) {
	c.mu.Lock()
	if c.state == s {
		c.mu.Unlock()
		return
	}
	c.state = s
	c.mu.Unlock()
	c.log.Debug("zk: state", "state", s)
	if c.opts.onState != nil {
		c.opts.onState(s)
	}
}

// run is the session loop: connect to a server, serve the connection until
// it breaks, move on to the next server, until Close or expiry.
func (c *Conn) run() {
	defer close(c.dead)
	failures := 0
	for i := 0; ; i++ {
		if c.closing.Err() != nil {
			c.finish(StateClosed, ErrClosed)
			return
		}
		addr := c.servers[i%len(c.servers)]
		nc, br, err := c.connect(addr)
		if errors.Is(err, ErrSessionExpired) {
			c.log.Warn("zk: session expired", "server", addr)
			c.finish(StateExpired, ErrSessionExpired)
			return
		}
		if err != nil {
			c.log.Info("zk: connect failed", "server", addr, "err", err)
			failures++
			if failures%len(c.servers) == 0 {
				t := time.NewTimer(c.opts.backoff)
				select {
				case <-t.C:
				case <-c.closing.Done():
					t.Stop()
				}
			}
			continue
		}
		failures = 0
		err = c.serve(nc, br, addr)
		if errors.Is(err, ErrClosed) {
			c.finish(StateClosed, ErrClosed)
			return
		}
		c.log.Info("zk: disconnected", "server", addr, "err", err)
		c.setState(StateDisconnected)
	}
}

// connect dials addr and performs the handshake (docs/reference/zookeeper.md §1.2). It
// returns ErrSessionExpired if the server says our session is gone.
func (c *Conn) connect(addr string) (net.Conn, *bufio.Reader, error) {
	c.mu.Lock()
	// Java: connectTimeout = sessionTimeout / number of servers.
	timeout := c.timeout / time.Duration(len(c.servers))
	req := proto.ConnectRequest{
		ProtocolVersion: 0,
		LastZxidSeen:    c.lastZxid,
		TimeOut:         int32(c.requested / time.Millisecond),
		SessionID:       c.sessionID,
		Passwd:          append([]byte(nil), c.passwd...),
		// Java and kazoo send the readOnly byte; we do too (we never ask
		// for a read-only session).
		HasReadOnly: true,
	}
	c.mu.Unlock()

	ctx, cancel := context.WithTimeout(c.closing, timeout)
	defer cancel()
	nc, err := c.opts.dial(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	// Close (or the timeout) must be able to interrupt a handshake that
	// hangs.
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	defer stop()

	if _, err := nc.Write(appendFrameRecord(&req)); err != nil {
		nc.Close()
		return nil, nil, err
	}
	br := bufio.NewReader(nc)
	frame, err := readFrame(br)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	var resp proto.ConnectResponse
	if err := proto.Decode(frame, &resp); err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("%w: connect response: %v", ErrProtocol, err)
	}
	if !stop() {
		// The timer fired or Close was called while we read: nc is closed.
		return nil, nil, ctx.Err()
	}
	// Java checks timeout<=0, go-zk checks sessionId==0; a server that
	// expired (or does not know) the session sends both.
	if resp.TimeOut <= 0 || resp.SessionID == 0 {
		nc.Close()
		return nil, nil, ErrSessionExpired
	}
	c.mu.Lock()
	if c.sessionID != 0 && c.sessionID != resp.SessionID {
		c.log.Warn("zk: server answered with another session id", "want", c.sessionID, "got", resp.SessionID)
	}
	c.sessionID = resp.SessionID
	c.passwd = resp.Passwd
	c.timeout = time.Duration(resp.TimeOut) * time.Millisecond
	c.server = addr
	c.mu.Unlock()
	c.log.Info("zk: connected", "server", addr, "session", fmt.Sprintf("0x%x", resp.SessionID), "timeout", c.SessionTimeout())
	return nc, br, nil
}

// appendFrameRecord frames a record sent without a RequestHeader (the
// ConnectRequest).
func appendFrameRecord(r proto.Record) []byte {
	return appendFrame(r, nil)
}

// finish ends the session for good: later requests fail with err, and
// every watch gets a final event.
func (c *Conn) finish(s State, err error) {
	c.mu.Lock()
	c.finalErr = err
	c.server = ""
	ws := c.watches.drain()
	c.mu.Unlock()
	ks := proto.StateClosed
	if s == StateExpired {
		ks = proto.StateExpired
	}
	for _, w := range ws {
		w.finish(Event{Type: proto.EventNone, State: ks, Err: err})
	}
	c.setState(s)
}

// deadErr is the error for requests once the session is over.
func (c *Conn) deadErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.finalErr
}
