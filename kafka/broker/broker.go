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
	"time"

	"github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// Broker is a standalone Kafka broker: it leads every partition in its
// log dirs, with replication factor 1, and is its own controller.
type Broker struct {
	cfg       Config
	ln        net.Listener
	clusterID string
	host      string // advertised
	port      int32

	mu     sync.RWMutex // guards topics and the log dirs' partition sets
	topics map[string]*topic
	dirs   []*logDir

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
	b, err := New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", b.cfg.Listen)
	if err != nil {
		b.closeDirs()
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
	b.wg.Add(1)
	go b.acceptLoop()
	b.cfg.Logger.Info("broker started", "id", b.cfg.NodeID, "listen", ln.Addr().String(),
		"advertised", net.JoinHostPort(b.host, strconv.Itoa(int(b.port))), "cluster", b.clusterID, "topics", len(b.topics))
	return b, nil
}

// New opens the log dirs and starts the background loops (retention,
// checkpoints, flushes) but listens nowhere: connections are handed in
// with ServeConn. Tests use it with net.Pipe inside a synctest bubble.
func New(cfg Config) (*Broker, error) {
	cfg = cfg.withDefaults()
	if len(cfg.LogDirs) == 0 {
		return nil, errors.New("broker: no log dirs (log.dirs)")
	}
	if err := cfg.Log.Validate(); err != nil {
		return nil, err
	}
	b := &Broker{
		cfg:    cfg,
		topics: map[string]*topic{},
		conns:  map[*conn]struct{}{},
		done:   make(chan struct{}),
		host:   cfg.AdvertisedHost,
		port:   cfg.AdvertisedPort,
	}
	now := b.nowMs()
	for _, root := range cfg.LogDirs {
		d, err := log.OpenDir(cfg.FS, root, cfg.Log, now)
		if err != nil {
			b.closeDirs()
			return nil, fmt.Errorf("broker: opening log dir %s: %w", root, err)
		}
		b.dirs = append(b.dirs, &logDir{dir: d})
	}
	if err := b.loadMeta(); err != nil {
		b.closeDirs()
		return nil, err
	}
	if err := b.loadTopics(); err != nil {
		b.closeDirs()
		return nil, err
	}
	b.every(cfg.RetentionCheckInterval, b.enforceRetention)
	b.every(cfg.CheckpointInterval, b.checkpoint)
	if cfg.FlushCheckInterval > 0 {
		b.every(cfg.FlushCheckInterval, b.flushDue)
	}
	return b, nil
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
		b.wg.Wait()
		b.err = b.closeDirs()
		b.cfg.Logger.Info("broker stopped", "id", b.cfg.NodeID, "err", b.err)
	})
	return b.err
}

func (b *Broker) closeDirs() error {
	var errs []error
	for _, d := range b.dirs {
		errs = append(errs, d.dir.Close())
	}
	return errors.Join(errs...)
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

// nowMs is the wall clock in ms: record timestamps and segment ages are
// wall-clock times in Kafka. Inside a synctest bubble it is the fake clock.
func (b *Broker) nowMs() int64 { return time.Now().UnixMilli() }

// every runs fn every d until Close.
func (b *Broker) every(d time.Duration, fn func()) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-b.done:
				return
			case <-t.C:
				fn()
			}
		}
	}()
}

// allPartitions lists every partition.
func (b *Broker) allPartitions() []*partition {
	b.mu.RLock()
	defer b.mu.RUnlock()
	var ps []*partition
	for _, name := range b.topicNames() {
		ps = append(ps, b.topics[name].partitions...)
	}
	return ps
}

// enforceRetention deletes old segments (AK LogManager.cleanupLogs).
func (b *Broker) enforceRetention() {
	now := b.nowMs()
	for _, p := range b.allPartitions() {
		p.mu.Lock()
		n, err := p.log.DeleteOldSegments(now)
		p.mu.Unlock()
		if err != nil {
			b.cfg.Logger.Error("retention failed", "partition", p.name(), "err", err)
		} else if n > 0 {
			b.cfg.Logger.Info("deleted old segments", "partition", p.name(), "segments", n)
		}
	}
}

// flushDue applies log.flush.interval.ms (AK LogManager.flushDirtyLogs).
func (b *Broker) flushDue() {
	now := b.nowMs()
	for _, p := range b.allPartitions() {
		p.mu.Lock()
		err := p.log.MaybeFlush(now)
		p.mu.Unlock()
		if err != nil {
			b.cfg.Logger.Error("flush failed", "partition", p.name(), "err", err)
		}
	}
}

// checkpoint writes every log dir's recovery-point and log-start-offset
// checkpoints. log.Dir reads every log's offsets, so every partition is
// locked meanwhile (briefly: two small files per dir).
func (b *Broker) checkpoint() {
	b.mu.Lock()
	defer b.mu.Unlock()
	var ps []*partition
	for _, t := range b.topics {
		ps = append(ps, t.partitions...)
	}
	for _, p := range ps {
		p.mu.Lock()
	}
	for _, d := range b.dirs {
		if err := d.dir.Checkpoint(); err != nil {
			b.cfg.Logger.Error("checkpoint failed", "dir", d.dir.Root(), "err", err)
		}
	}
	for _, p := range ps {
		p.mu.Unlock()
	}
}

func (p *partition) name() string { return log.DirName(p.topic, p.id) }

// meta.properties (AK BrokerMetadataCheckpoint) names the broker and the
// cluster a log dir belongs to; a dir of another broker is refused.
const metaProperties = "meta.properties"

func (b *Broker) loadMeta() error {
	clusterID := b.cfg.ClusterID
	var missing []string
	for _, d := range b.dirs {
		name := path.Join(d.dir.Root(), metaProperties)
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
