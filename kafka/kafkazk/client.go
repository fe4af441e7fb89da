package kafkazk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// Config is how a broker reaches ZooKeeper: Kafka's zookeeper.* keys.
type Config struct {
	// Connect is zookeeper.connect: "host:port,host:port/chroot". The
	// chroot is created if it is missing, as KafkaServer.initZkClient does.
	Connect string
	// SessionTimeout is zookeeper.session.timeout.ms (Kafka 2.3's
	// default: 6 s). A broker that dies without closing its session stays
	// registered this long.
	SessionTimeout time.Duration
	// Logger receives the client's logs. Default slog.Default().
	Logger *slog.Logger
	// Dialer opens connections to the servers (default net.Dialer);
	// tests put a proxy or a cut in the way.
	Dialer client.Dialer
	// Options are passed to every zk/client.Connect.
	Options []client.Option
}

// DefaultSessionTimeout is zookeeper.session.timeout.ms in Kafka 2.3
// (KafkaConfig.ZkSessionTimeoutMs).
const DefaultSessionTimeout = 6 * time.Second

// Client is Kafka's KafkaZkClient: the typed ZooKeeper operations of a
// broker, over one ZooKeeper session at a time. When the session expires
// the client starts a new one and runs the OnNewSession handlers (Kafka's
// StateChangeHandler.afterInitializingSession): the broker registers
// again and re-reads what it watches, since an expired session loses its
// ephemerals and its watches.
type Client struct {
	cfg     Config
	log     *slog.Logger
	servers []string
	chroot  string
	net     *cuttable

	mu       sync.Mutex
	conn     *client.Conn
	expired  map[int64]bool // sessions of this client that ZooKeeper expired
	handlers []func(ctx context.Context)
	closed   bool

	stop context.Context
	halt context.CancelFunc
	wg   sync.WaitGroup
}

// Dial connects to ZooKeeper, creating the chroot of cfg.Connect if it
// is missing (KafkaServer.initZkClient: a client without the chroot
// makes sure the path exists, then the real client is rooted there).
// ctx bounds the chroot creation only: the session itself is
// established in the background and every request waits for it.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.SessionTimeout <= 0 {
		cfg.SessionTimeout = DefaultSessionTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	servers, chroot, err := client.ParseConnectString(cfg.Connect)
	if err != nil {
		return nil, fmt.Errorf("zookeeper.connect: %w", err)
	}
	c := &Client{cfg: cfg, log: cfg.Logger, servers: servers, chroot: chroot,
		net: &cuttable{conns: map[net.Conn]bool{}}, expired: map[int64]bool{}}
	c.stop, c.halt = context.WithCancel(context.Background())
	if chroot != "" {
		root, err := c.connect("")
		if err != nil {
			return nil, err
		}
		err = createRecursive(ctx, root, chroot, nil, false)
		root.Close()
		if err != nil {
			return nil, fmt.Errorf("creating the chroot %s: %w", chroot, err)
		}
		c.log.Info("made sure the ZooKeeper chroot exists", "chroot", chroot)
	}
	conn, err := c.connect(chroot)
	if err != nil {
		return nil, err
	}
	c.conn = conn
	c.wg.Add(1)
	go c.keepSession()
	return c, nil
}

func (c *Client) connect(chroot string) (*client.Conn, error) {
	opts := append([]client.Option{client.WithLogger(c.log)}, c.cfg.Options...)
	opts = append(opts, client.WithDialer(c.net.dial(c.cfg.Dialer)), client.WithChroot(chroot))
	return client.Connect(c.servers, c.cfg.SessionTimeout, opts...)
}

// Conn is the current session.
func (c *Client) Conn() *client.Conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn
}

// SessionID is the current session's id (0 until it is established).
func (c *Client) SessionID() int64 { return c.Conn().SessionID() }

// Chroot is the chroot of zookeeper.connect, "" if none.
func (c *Client) Chroot() string { return c.chroot }

// OnNewSession adds a handler run, in order, on the client's session
// goroutine each time an expired session has been replaced by a new one.
func (c *Client) OnNewSession(fn func(ctx context.Context)) {
	c.mu.Lock()
	c.handlers = append(c.handlers, fn)
	c.mu.Unlock()
}

// keepSession replaces an expired session with a new one.
func (c *Client) keepSession() {
	defer c.wg.Done()
	for {
		conn := c.Conn()
		select {
		case <-c.stop.Done():
			return
		case <-conn.Done():
		}
		if !errors.Is(conn.Err(), client.ErrSessionExpired) {
			return // closed
		}
		id := conn.SessionID()
		c.log.Warn("ZooKeeper session expired: its ephemeral znodes and watches are gone; starting a new session",
			"session", fmt.Sprintf("0x%x", id))
		next, err := c.connect(c.chroot)
		if err != nil {
			c.log.Error("cannot start a new ZooKeeper session", "err", err)
			return
		}
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			next.Close()
			return
		}
		c.expired[id] = true
		c.conn = next
		handlers := append([]func(context.Context){}, c.handlers...)
		c.mu.Unlock()
		for _, h := range handlers {
			h(c.stop)
		}
	}
}

// wasExpired reports whether session id was one of this client's and
// expired (KafkaZkClient's check for KAFKA-7165).
func (c *Client) wasExpired(id int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.expired[id]
}

// Close ends the session (its ephemerals go at once) and stops the client.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	conn := c.conn
	c.mu.Unlock()
	c.halt()
	err := conn.Close()
	c.wg.Wait()
	return err
}

// Abandon leaves the session as a process killed with kill -9 does: the
// network to ZooKeeper is cut at once and never comes back, so the
// session is not closed — its ephemerals (the broker's registration)
// stay until ZooKeeper expires it, zookeeper.session.timeout.ms later.
// For tests and the stages' kill experiments.
func (c *Client) Abandon() {
	c.net.cut()
	c.mu.Lock()
	c.closed = true
	conn := c.conn
	c.mu.Unlock()
	c.halt()
	go conn.Close() // gives up after the session timeout; nothing reaches the server
}

// cuttable wraps the dialer so that Abandon can cut every connection.
type cuttable struct {
	mu    sync.Mutex
	off   bool
	conns map[net.Conn]bool
}

func (n *cuttable) dial(inner client.Dialer) client.Dialer {
	if inner == nil {
		var d net.Dialer
		inner = d.DialContext
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		n.mu.Lock()
		off := n.off
		n.mu.Unlock()
		if off {
			return nil, errors.New("kafkazk: network to ZooKeeper cut (Abandon)")
		}
		nc, err := inner(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		n.mu.Lock()
		defer n.mu.Unlock()
		if n.off {
			nc.Close()
			return nil, errors.New("kafkazk: network to ZooKeeper cut (Abandon)")
		}
		n.conns[nc] = true
		return nc, nil
	}
}

func (n *cuttable) cut() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.off = true
	for nc := range n.conns {
		nc.Close()
	}
}

// createRecursive is KafkaZkClient.createRecursive: create path with
// data; on NONODE create the parents (null data, persistent) and retry.
// With throwIfExists false an existing path is success.
func createRecursive(ctx context.Context, conn *client.Conn, path string, data []byte, throwIfExists bool) error {
	_, err := conn.Create(ctx, path, data, proto.ModePersistent, nil)
	if errors.Is(err, zkerr.NoNode) {
		if err := createParents(ctx, conn, parentOf(path)); err != nil {
			return err
		}
		_, err = conn.Create(ctx, path, data, proto.ModePersistent, nil)
	}
	if errors.Is(err, zkerr.NodeExists) && !throwIfExists {
		return nil
	}
	return err
}

func createParents(ctx context.Context, conn *client.Conn, path string) error {
	if path == "" || path == "/" {
		return nil
	}
	_, err := conn.Create(ctx, path, nil, proto.ModePersistent, nil)
	if errors.Is(err, zkerr.NoNode) {
		if err := createParents(ctx, conn, parentOf(path)); err != nil {
			return err
		}
		_, err = conn.Create(ctx, path, nil, proto.ModePersistent, nil)
	}
	if err != nil && !errors.Is(err, zkerr.NodeExists) {
		return err
	}
	return nil
}

func parentOf(path string) string {
	for i := len(path) - 1; i > 0; i-- {
		if path[i] == '/' {
			return path[:i]
		}
	}
	return "/"
}
