package broker

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/zkafka/zkafka/kafka/broker/purgatory"
	"github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// Broker is a Kafka broker. Standalone (no zookeeper.connect) it leads
// every partition in its log dirs, with replication factor 1, and is its
// own controller; in cluster mode (cluster.go) it is one of the brokers
// registered in ZooKeeper and serves the partitions assigned to it.
type Broker struct {
	cfg       Config
	ln        net.Listener
	clusterID string
	host      string // advertised
	port      int32

	mu     sync.RWMutex // guards topics
	topics map[string]*topic
	logs   *log.Manager // the log dirs and their maintenance jobs

	// fetches is the purgatory of long-polling fetches, watched by
	// partition (partition.go wakes them after an append).
	fetches *purgatory.Purgatory[log.TopicPartition]

	// cluster is the cluster-mode state (cluster.go); nil standalone.
	cluster *cluster

	connMu sync.Mutex
	conns  map[*conn]struct{}
	closed bool

	done chan struct{} // closed by Close: stops loops, wakes long polls
	wg   sync.WaitGroup
	once sync.Once
	err  error
}

// Start opens the log dirs (recovering them after an unclean shutdown),
// listens on cfg.Listen and serves until Close.
func Start(cfg Config) (*Broker, error) {
	b, err := newBroker(cfg)
	if err != nil {
		return nil, err
	}
	cfg = b.cfg
	ln, err := net.Listen("tcp", b.cfg.Listen)
	if err != nil {
		b.Close()
		return nil, err
	}
	b.ln = ln
	addr := ln.Addr().(*net.TCPAddr)
	if b.host == "" {
		b.host = addr.IP.String()
		if addr.IP.IsUnspecified() {
			b.host = "localhost"
		}
	}
	if b.port == 0 {
		b.port = int32(addr.Port)
	}
	if cfg.ZooKeeperConnect != "" {
		if err := b.joinCluster(); err != nil {
			b.Close()
			return nil, err
		}
	}
	b.wg.Add(1)
	go b.acceptLoop()
	b.cfg.Logger.Info("broker started", "id", b.cfg.NodeID, "listen", ln.Addr().String(),
		"advertised", net.JoinHostPort(b.host, strconv.Itoa(int(b.port))), "cluster", b.clusterID, "topics", len(b.topics))
	return b, nil
}

// New opens the log dirs and starts the maintenance goroutine (the log
// manager's retention, flush and checkpoint jobs) but listens nowhere:
// connections are handed in with ServeConn. Tests use it with net.Pipe
// inside a synctest bubble. In cluster mode it does not join the
// cluster: Start does, once the advertised endpoint is known.
func New(cfg Config) (*Broker, error) {
	return newBroker(cfg)
}

func newBroker(cfg Config) (*Broker, error) {
	cfg = cfg.withDefaults()
	if len(cfg.LogDirs) == 0 {
		return nil, errors.New("broker: no log dirs (log.dirs)")
	}
	if err := cfg.Log.Validate(); err != nil {
		return nil, err
	}
	b := &Broker{
		cfg:     cfg,
		topics:  map[string]*topic{},
		conns:   map[*conn]struct{}{},
		done:    make(chan struct{}),
		host:    cfg.AdvertisedHost,
		port:    cfg.AdvertisedPort,
		fetches: purgatory.New[log.TopicPartition]("fetch", nil),
	}
	logs, err := log.OpenManager(log.ManagerConfig{
		FS: cfg.FS, Dirs: cfg.LogDirs, Log: cfg.Log,
		RetentionCheckIntervalMs: cfg.RetentionCheckInterval.Milliseconds(),
		FlushCheckIntervalMs:     cfg.FlushCheckInterval.Milliseconds(),
		CheckpointIntervalMs:     cfg.CheckpointInterval.Milliseconds(),
		Access:                   b.withPartitionLog,
		Logger:                   cfg.Logger,
	}, b.nowMs())
	if err != nil {
		return nil, fmt.Errorf("broker: %w", err)
	}
	b.logs = logs
	load := b.loadMeta
	if cfg.ZooKeeperConnect != "" {
		load = b.checkMeta // meta.properties as Kafka 2.3 writes it; the cluster id is in ZooKeeper
	}
	if err := load(); err != nil {
		b.logs.Close()
		return nil, err
	}
	if err := b.loadTopics(); err != nil {
		b.logs.Close()
		return nil, err
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		b.logs.Run(b.done, cfg.Clock)
	}()
	return b, nil
}

// withPartitionLog is the log manager's Access: a job runs on a
// partition's log under the partition's lock.
func (b *Broker) withPartitionLog(tp log.TopicPartition, step func(*log.Log, int64) error) error {
	p := b.localPartition(tp.Topic, tp.Partition)
	if p == nil {
		return nil // not (yet, or any longer) a partition of ours
	}
	return p.withLog(step)
}

// Addr is the listener's address ("127.0.0.1:port"); "" for a broker made
// with New.
func (b *Broker) Addr() string {
	if b.ln == nil {
		return ""
	}
	return b.ln.Addr().String()
}

// ClusterID is the cluster id Metadata reports.
func (b *Broker) ClusterID() string { return b.clusterID }

// Close stops accepting, closes every connection (waiting fetches return
// first), then flushes every log, writes the checkpoints and the clean
// shutdown marker (docs/reference/kafka.md §3), so that the next start skips recovery.
// It is safe to call more than once.
func (b *Broker) Close() error {
	b.once.Do(func() {
		close(b.done)
		if b.ln != nil {
			b.ln.Close()
		}
		b.connMu.Lock()
		b.closed = true
		for c := range b.conns {
			c.nc.Close()
		}
		b.connMu.Unlock()
		b.fetches.Shutdown()
		b.closeCluster()
		b.wg.Wait()
		b.err = b.logs.Close()
		b.cfg.Logger.Info("broker stopped", "id", b.cfg.NodeID, "err", b.err)
	})
	return b.err
}

func (b *Broker) acceptLoop() {
	defer b.wg.Done()
	for {
		nc, err := b.ln.Accept()
		if err != nil {
			select {
			case <-b.done:
			default:
				b.cfg.Logger.Error("accept failed; no longer accepting", "err", err)
			}
			return
		}
		b.ServeConn(nc)
	}
}

// ServeConn serves one client connection until it closes or the broker
// does. It returns at once; the connection has its own goroutines.
func (b *Broker) ServeConn(nc net.Conn) {
	c := newConn(b, nc)
	b.connMu.Lock()
	if b.closed {
		b.connMu.Unlock()
		nc.Close()
		return
	}
	b.conns[c] = struct{}{}
	b.wg.Add(1)
	b.connMu.Unlock()
	go func() {
		defer b.wg.Done()
		c.serve()
		b.connMu.Lock()
		delete(b.conns, c)
		b.connMu.Unlock()
	}()
}

// nowMs is the broker's clock in ms (Config.Clock): record timestamps
// and segment ages are wall-clock times in Kafka. Inside a synctest
// bubble the wall clock is the bubble's fake one.
func (b *Broker) nowMs() int64 { return b.cfg.Clock.NowMs() }

// meta.properties (AK BrokerMetadataCheckpoint) names the broker and the
// cluster a log dir belongs to; a dir of another broker is refused.
const metaProperties = "meta.properties"

func (b *Broker) loadMeta() error {
	clusterID := b.cfg.ClusterID
	var missing []string
	for _, d := range b.logs.Dirs() {
		name := path.Join(d.Root(), metaProperties)
		data, err := vfs.ReadFile(b.cfg.FS, name)
		if err != nil {
			missing = append(missing, name)
			continue
		}
		props := parseProperties(string(data))
		if id, ok := props["broker.id"]; ok && id != strconv.Itoa(int(b.cfg.NodeID)) {
			return fmt.Errorf("broker: %s has broker.id=%s, configured %d", name, id, b.cfg.NodeID)
		}
		cid := props["cluster.id"]
		if clusterID == "" {
			clusterID = cid
		} else if cid != "" && cid != clusterID {
			return fmt.Errorf("broker: %s has cluster.id=%s, expected %s", name, cid, clusterID)
		}
	}
	if clusterID == "" {
		clusterID = newClusterID()
	}
	b.clusterID = clusterID
	for _, name := range missing {
		data := fmt.Sprintf("#\nversion=0\nbroker.id=%d\ncluster.id=%s\n", b.cfg.NodeID, clusterID)
		if err := vfs.WriteFileAtomic(b.cfg.FS, name, []byte(data)); err != nil {
			return err
		}
	}
	return nil
}

// newClusterID is a random UUID in URL-safe base64 without padding: 22
// characters, like AK's Uuid.randomUuid().toString().
func newClusterID() string {
	var u [16]byte
	rand.Read(u[:])
	return base64.RawURLEncoding.EncodeToString(u[:])
}

// parseProperties reads the key=value lines of a .properties file
// (comments with # or !); enough for meta.properties.
func parseProperties(s string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}
