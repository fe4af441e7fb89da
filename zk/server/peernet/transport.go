package peernet

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"sort"
	"sync"
	"time"

	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// Config configures a Transport.
type Config struct {
	ID     int64            // this server's sid
	Listen string           // this server's peer address (its electionPort), host:port
	Peers  map[int64]string // every other voter: sid → peer address

	MinBackoff time.Duration // first redial delay (default 50ms)
	MaxBackoff time.Duration // redial delay cap (default 2s)
	Logger     *slog.Logger  // nil discards
}

// EventKind says what an Event reports.
type EventKind int

const (
	Connected    EventKind = iota + 1 // a connection to Peer is up, with generation Gen
	Received                          // Packet arrived on connection Gen
	Disconnected                      // connection Gen to Peer broke
)

// Event is what the transport tells the core, in order per connection.
type Event struct {
	Kind   EventKind
	Peer   int64
	Gen    uint64
	Packet quorum.Packet
}

// Transport keeps one TCP connection to every other server.
type Transport struct {
	cfg    Config
	log    *slog.Logger
	ln     net.Listener
	events chan Event
	quit   chan struct{}
	wg     sync.WaitGroup

	mu      sync.Mutex
	conns   map[int64]*peerConn
	blocked map[int64]bool
	nextGen uint64
	closed  bool
	kick    map[int64]chan struct{} // wakes a dialer (after Unblock)
}

type peerConn struct {
	t    *Transport
	sid  int64
	gen  uint64
	nc   net.Conn
	mu   sync.Mutex
	q    []quorum.Packet
	wake chan struct{}
	dead chan struct{}
	once sync.Once
}

// Start listens on cfg.Listen and starts dialing the servers with smaller
// sids. Events are read from Events().
func Start(cfg Config) (*Transport, error) {
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 50 * time.Millisecond
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 2 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, err
	}
	t := &Transport{cfg: cfg, log: cfg.Logger, ln: ln, events: make(chan Event, 1024),
		quit: make(chan struct{}), conns: map[int64]*peerConn{}, blocked: map[int64]bool{},
		kick: map[int64]chan struct{}{}}
	t.wg.Add(1)
	go t.acceptLoop()
	for _, sid := range sortedPeers(cfg.Peers) {
		if sid < cfg.ID {
			t.kick[sid] = make(chan struct{}, 1)
			t.wg.Add(1)
			go t.dialLoop(sid)
		}
	}
	return t, nil
}

func sortedPeers(m map[int64]string) []int64 {
	out := make([]int64, 0, len(m))
	for sid := range m {
		out = append(out, sid)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Addr is the address the transport listens on.
func (t *Transport) Addr() net.Addr { return t.ln.Addr() }

// Events is the stream of connection events and packets.
func (t *Transport) Events() <-chan Event { return t.events }

// Send queues p for the connection to p.To of generation gen. It never
// blocks; the packet is dropped if that connection is gone (lost, as the
// zab core expects: it learns of the loss from a Disconnected event).
func (t *Transport) Send(gen uint64, p quorum.Packet) {
	t.mu.Lock()
	c := t.conns[p.To]
	t.mu.Unlock()
	if c == nil || c.gen != gen {
		return
	}
	c.mu.Lock()
	c.q = append(c.q, p)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Block cuts the link to sid and refuses it until Unblock.
func (t *Transport) Block(sid int64) {
	t.mu.Lock()
	t.blocked[sid] = true
	c := t.conns[sid]
	t.mu.Unlock()
	if c != nil {
		c.close()
	}
}

// Unblock lets the link to sid come back.
func (t *Transport) Unblock(sid int64) {
	t.mu.Lock()
	delete(t.blocked, sid)
	k := t.kick[sid]
	t.mu.Unlock()
	if k != nil {
		select {
		case k <- struct{}{}:
		default:
		}
	}
}

// Blocked reports whether the link to sid is blocked.
func (t *Transport) Blocked(sid int64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.blocked[sid]
}

// Close closes every connection and stops. Events is not closed; the
// core stops reading it.
func (t *Transport) Close() {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	t.closed = true
	conns := t.conns
	t.conns = map[int64]*peerConn{}
	t.mu.Unlock()
	close(t.quit)
	t.ln.Close()
	for _, c := range conns {
		c.close()
	}
	t.wg.Wait()
}

func (t *Transport) acceptLoop() {
	defer t.wg.Done()
	for {
		nc, err := t.ln.Accept()
		if err != nil {
			return
		}
		t.wg.Add(1)
		go func() {
			defer t.wg.Done()
			sid, err := readHandshake(nc)
			if err != nil {
				t.log.Debug("peernet: bad handshake", "remote", nc.RemoteAddr().String(), "err", err)
				nc.Close()
				return
			}
			if _, known := t.cfg.Peers[sid]; !known || sid <= t.cfg.ID {
				// QuorumCnxManager: a smaller sid must not dial us; an
				// unknown one is not in the ensemble.
				t.log.Info("peernet: refusing connection", "sid", sid)
				nc.Close()
				return
			}
			if t.Blocked(sid) {
				nc.Close()
				return
			}
			// Accept: the dialer counts the link as up only once it reads
			// this, so a refused dial never looks like a connection.
			if err := writeHandshake(nc, t.cfg.ID); err != nil {
				nc.Close()
				return
			}
			t.run(sid, nc)
		}()
	}
}

func (t *Transport) dialLoop(sid int64) {
	defer t.wg.Done()
	backoff := t.cfg.MinBackoff
	for {
		t.mu.Lock()
		blocked, closed := t.blocked[sid], t.closed
		t.mu.Unlock()
		if closed {
			return
		}
		if !blocked {
			d := net.Dialer{Timeout: time.Second}
			nc, err := d.Dial("tcp", t.cfg.Peers[sid])
			if err == nil {
				err = writeHandshake(nc, t.cfg.ID)
				if err == nil {
					var peer int64
					if peer, err = readHandshake(nc); err == nil && peer != sid {
						err = errors.New("peernet: the peer answered with another sid")
					}
				}
				if err != nil {
					nc.Close()
				}
			}
			if err == nil {
				backoff = t.cfg.MinBackoff
				t.run(sid, nc) // returns when the connection breaks
				continue
			}
		}
		timer := time.NewTimer(backoff)
		select {
		case <-t.quit:
			timer.Stop()
			return
		case <-t.kick[sid]:
			timer.Stop()
		case <-timer.C:
		}
		backoff = min(2*backoff, t.cfg.MaxBackoff)
	}
}

// run owns one connection until it breaks.
func (t *Transport) run(sid int64, nc net.Conn) {
	t.mu.Lock()
	if t.closed || t.blocked[sid] {
		t.mu.Unlock()
		nc.Close()
		return
	}
	old := t.conns[sid]
	t.nextGen++
	c := &peerConn{t: t, sid: sid, gen: t.nextGen, nc: nc, wake: make(chan struct{}, 1), dead: make(chan struct{})}
	t.conns[sid] = c
	t.mu.Unlock()
	if old != nil {
		old.close()
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	t.log.Debug("peernet: connected", "peer", sid, "gen", c.gen)
	if !t.emit(Event{Kind: Connected, Peer: sid, Gen: c.gen}) {
		c.close()
		return
	}
	done := make(chan struct{})
	go func() { defer close(done); c.writeLoop() }()
	r := bufio.NewReaderSize(nc, 64<<10)
	for {
		b, err := readFrame(r)
		if err == nil {
			var p quorum.Packet
			p, err = Decode(b)
			if err == nil && (p.From != sid || p.To != t.cfg.ID) {
				err = errors.New("peernet: packet with wrong from/to")
			}
			if err == nil {
				if !t.emit(Event{Kind: Received, Peer: sid, Gen: c.gen, Packet: p}) {
					break
				}
				continue
			}
		}
		if !errors.Is(err, io.EOF) {
			t.log.Debug("peernet: connection ends", "peer", sid, "gen", c.gen, "err", err)
		}
		break
	}
	c.close()
	<-done
	t.mu.Lock()
	if t.conns[sid] == c {
		delete(t.conns, sid)
	}
	t.mu.Unlock()
	t.emit(Event{Kind: Disconnected, Peer: sid, Gen: c.gen})
}

func (t *Transport) emit(ev Event) bool {
	select {
	case t.events <- ev:
		return true
	case <-t.quit:
		return false
	}
}

func (c *peerConn) close() {
	c.once.Do(func() {
		close(c.dead)
		c.nc.Close()
	})
}

func (c *peerConn) writeLoop() {
	w := bufio.NewWriterSize(c.nc, 64<<10)
	var buf []byte
	for {
		select {
		case <-c.wake:
		case <-c.dead:
			return
		}
		c.mu.Lock()
		q := c.q
		c.q = nil
		c.mu.Unlock()
		for _, p := range q {
			buf = Encode(buf[:0], p)
			if _, err := w.Write(buf); err != nil {
				c.close()
				return
			}
		}
		if err := w.Flush(); err != nil {
			c.close()
			return
		}
	}
}

func writeHandshake(nc net.Conn, sid int64) error {
	var b [16]byte
	magic := protocolMagic
	binary.BigEndian.PutUint64(b[:], uint64(magic))
	binary.BigEndian.PutUint64(b[8:], uint64(sid))
	nc.SetWriteDeadline(time.Now().Add(time.Second))
	_, err := nc.Write(b[:])
	nc.SetWriteDeadline(time.Time{})
	return err
}

func readHandshake(nc net.Conn) (int64, error) {
	var b [16]byte
	nc.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.ReadFull(nc, b[:]); err != nil {
		return 0, err
	}
	nc.SetReadDeadline(time.Time{})
	if int64(binary.BigEndian.Uint64(b[:])) != protocolMagic {
		return 0, errors.New("peernet: not a zkafka peer")
	}
	return int64(binary.BigEndian.Uint64(b[8:])), nil
}
