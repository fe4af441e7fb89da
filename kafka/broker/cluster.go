package broker

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/zkafka/zkafka/kafka/broker/metadata"
	"github.com/zkafka/zkafka/kafka/broker/purgatory"
	"github.com/zkafka/zkafka/kafka/kafkazk"
	"github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/kafka/zkdata"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// Cluster mode (chapter 6): with zookeeper.connect set, the broker is
// one of many. Its start-up follows Kafka 2.3's KafkaServer.startup:
//
//  1. meta.properties in every log dir must name this broker
//     (zkdata.CheckBrokerID; InconsistentBrokerIdException otherwise);
//  2. connect to ZooKeeper, creating the chroot if missing, and make sure
//     the persistent paths exist;
//  3. read /cluster/id, or create it as the cluster's first broker;
//  4. start the metadata cache (kafka/broker/metadata): it reads the live
//     brokers and the topics and keeps them current by watches, and
//     every snapshot it publishes is applied here (apply): the logs of
//     the partitions assigned to this broker are created on first sight;
//  5. register /brokers/ids/<id> (kafkazk.RegisterBroker) with the
//     advertised endpoint; the czxid is the broker epoch. Then write
//     meta.properties into every dir that has none
//     (KafkaServer.checkpointBrokerId).
//
// After a session expiry the registration is made again and the cache
// re-reads everything (kafkazk.Client.OnNewSession).
type cluster struct {
	zk      *kafkazk.Client
	watcher *metadata.Watcher
	info    zkdata.BrokerInfo
	epoch   atomic.Int64

	// applied is the latest snapshot whose partitions have their logs
	// here: what produce, fetch and Metadata answer from.
	applied atomic.Pointer[metadata.Snapshot]
	// creates are CreateTopics requests waiting for the cache to see
	// their topics with leaders (AK DelayedCreatePartitions), by topic.
	creates *purgatory.Purgatory[string]

	randMu sync.Mutex
	rand   *rand.Rand

	// changed is closed and replaced after each applied snapshot:
	// WaitCluster's wake-up.
	changedMu sync.Mutex
	changed   chan struct{}

	sessionFile string // where this run's ZooKeeper session id is kept
	killed      bool
}

// sessionFileName is a file of ours (not Kafka's) in the first log dir:
// the id of the ZooKeeper session this broker registered with, so that
// after a kill -9 the next run recognises its own registration, still
// held by the dead session, and waits for it to expire instead of taking
// it for another broker with the same id.
const sessionFileName = "zookeeper-session-id"

// startupTimeout bounds each ZooKeeper step of start-up (Kafka's
// zookeeper.connection.timeout.ms is 6 s by default; a registration that
// waits for an old session to expire may take a session timeout more).
const startupTimeout = 30 * time.Second

// checkMeta is step 1: the broker id against every log dir's
// meta.properties (KafkaServer.getBrokerIdAndOfflineDirs).
func (b *Broker) checkMeta() error {
	stored := map[string]int32{}
	for _, d := range b.cfg.LogDirs {
		id, ok, err := zkdata.ReadMetaProperties(b.cfg.FS, d)
		if err != nil {
			return fmt.Errorf("broker: %w", err)
		}
		if ok {
			stored[d] = id
		}
	}
	if _, _, err := zkdata.CheckBrokerID(b.cfg.NodeID, stored); err != nil {
		return fmt.Errorf("broker: %w", err)
	}
	return nil
}

// joinCluster runs steps 2-5, once the advertised endpoint is known.
func (b *Broker) joinCluster() error {
	ctx, cancel := context.WithTimeout(context.Background(), startupTimeout+b.cfg.ZooKeeperSessionTimeout)
	defer cancel()
	zk, err := kafkazk.Dial(ctx, kafkazk.Config{Connect: b.cfg.ZooKeeperConnect,
		SessionTimeout: b.cfg.ZooKeeperSessionTimeout, Logger: b.cfg.Logger, Dialer: b.cfg.ZooKeeperDialer})
	if err != nil {
		return fmt.Errorf("broker: zookeeper.connect: %w", err)
	}
	c := &cluster{zk: zk, creates: purgatory.New[string]("create-topics", nil), changed: make(chan struct{}),
		sessionFile: path.Join(b.cfg.LogDirs[0], sessionFileName), rand: b.cfg.Rand}
	if c.rand == nil {
		c.rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	c.applied.Store(metadata.Empty())
	b.cluster = c
	fail := func(err error) error {
		if c.watcher != nil {
			c.watcher.Stop()
		}
		zk.Close()
		b.cluster = nil
		return err
	}
	if err := zk.EnsurePersistentPaths(ctx); err != nil {
		return fail(fmt.Errorf("broker: %w", err))
	}
	if b.clusterID, err = zk.ClusterID(ctx); err != nil {
		return fail(fmt.Errorf("broker: cluster id: %w", err))
	}
	c.info = zkdata.BrokerInfo{ID: b.cfg.NodeID, JmxPort: -1, Rack: b.cfg.Rack,
		Endpoints: []zkdata.Endpoint{{Listener: "PLAINTEXT", SecurityProtocol: "PLAINTEXT", Host: b.host, Port: b.port}}}
	if err := b.checkEndpoints(ctx); err != nil {
		return fail(err)
	}
	c.watcher = metadata.Start(metadata.Config{ZK: zk, Logger: b.cfg.Logger, BrokerID: b.cfg.NodeID, Apply: b.apply, NowMs: b.nowMs})
	if err := b.register(ctx); err != nil {
		return fail(err)
	}
	zk.OnNewSession(func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, startupTimeout+b.cfg.ZooKeeperSessionTimeout)
		defer cancel()
		if err := b.register(ctx); err != nil {
			b.cfg.Logger.Error("registering again after the session expired failed", "err", err)
		}
		c.watcher.Resync()
	})
	for _, d := range b.cfg.LogDirs {
		if _, ok, err := zkdata.ReadMetaProperties(b.cfg.FS, d); err == nil && !ok {
			if err := zkdata.WriteMetaProperties(b.cfg.FS, d, b.cfg.NodeID, time.UnixMilli(b.nowMs())); err != nil {
				return fail(fmt.Errorf("broker: writing meta.properties: %w", err))
			}
		}
	}
	return nil
}

// checkEndpoints refuses an advertised endpoint another broker has
// registered (KafkaServer.createBrokerInfo's require).
func (b *Broker) checkEndpoints(ctx context.Context) error {
	others, err := b.cluster.zk.Brokers(ctx)
	if err != nil {
		return fmt.Errorf("broker: reading the registered brokers: %w", err)
	}
	mine := b.cluster.info.Endpoints[0]
	for _, o := range others {
		if o.ID == b.cfg.NodeID {
			continue
		}
		for _, e := range o.Endpoints {
			if e.Host == mine.Host && e.Port == mine.Port {
				return fmt.Errorf("broker: configured end points %s:%d in advertised listeners are already registered by broker %d", e.Host, e.Port, o.ID)
			}
		}
	}
	return nil
}

// register is step 5, also run after every session expiry.
func (b *Broker) register(ctx context.Context) error {
	c := b.cluster
	info := c.info
	info.Timestamp = b.nowMs()
	earlier := b.earlierSession()
	epoch, err := c.zk.RegisterBroker(ctx, info, func(s int64) bool { return earlier != 0 && s == earlier })
	if err != nil {
		return fmt.Errorf("broker: %w", err)
	}
	c.epoch.Store(epoch)
	id := c.zk.SessionID()
	if err := vfs.WriteFileAtomic(b.cfg.FS, c.sessionFile, []byte(fmt.Sprintf("0x%x\n", id))); err != nil {
		b.cfg.Logger.Warn("cannot record the ZooKeeper session id", "file", c.sessionFile, "err", err)
	}
	return nil
}

// earlierSession is the session id the previous run recorded, 0 if none.
func (b *Broker) earlierSession() int64 {
	data, err := vfs.ReadFile(b.cfg.FS, b.cluster.sessionFile)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			b.cfg.Logger.Warn("cannot read the ZooKeeper session id of the previous run", "err", err)
		}
		return 0
	}
	s := strings.TrimPrefix(strings.TrimSpace(string(data)), "0x")
	id, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0
	}
	return int64(id)
}

// BrokerEpoch is the czxid of this broker's registration (KIP-380), 0 in
// standalone mode.
func (b *Broker) BrokerEpoch() int64 {
	if b.cluster == nil {
		return 0
	}
	return b.cluster.epoch.Load()
}

// Snapshot is the cluster as this broker last applied it; nil in
// standalone mode.
func (b *Broker) Snapshot() *metadata.Snapshot {
	if b.cluster == nil {
		return nil
	}
	return b.cluster.applied.Load()
}

// WaitCluster waits until cond holds for the snapshot this broker has
// applied, checking again after each new one; ctx bounds the wait. For
// tests and stages ("wait until broker 2 sees 3 live brokers").
func (b *Broker) WaitCluster(ctx context.Context, cond func(*metadata.Snapshot) bool) error {
	c := b.cluster
	if c == nil {
		return errors.New("broker: standalone, no cluster to wait for")
	}
	for {
		c.changedMu.Lock()
		ch := c.changed
		c.changedMu.Unlock()
		if cond(c.applied.Load()) {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("broker %d: waiting for the cluster: %w", b.cfg.NodeID, ctx.Err())
		}
	}
}

// apply takes a new snapshot from the metadata cache (on its goroutine):
// the partitions assigned to this broker (the snapshot's Local, as
// metadata.Decide chose them) get their logs, with the topic's config
// overrides, before the snapshot is served; then the CreateTopics
// waiting for these topics are checked.
func (b *Broker) apply(s *metadata.Snapshot) {
	local := map[string][]int32{}
	for _, r := range s.Local {
		local[r.Topic] = append(local[r.Topic], r.Partition)
	}
	for _, name := range s.TopicNames() {
		t := s.Topics[name]
		cfg, err := topicConfigMap(b.cfg.Log, t.Config)
		if err != nil {
			b.cfg.Logger.Warn("ignoring the topic's invalid config overrides", "topic", name, "err", err)
			cfg = b.cfg.Log
		}
		for _, p := range local[name] {
			if p < 0 || int(p) >= len(t.Partitions) {
				continue // not a partition of the topic (a wrong Decide): nothing to hold
			}
			b.ensureLocal(name, p, len(t.Partitions), cfg)
		}
	}
	prev := b.cluster.applied.Swap(s)
	c := b.cluster
	c.changedMu.Lock()
	close(c.changed)
	c.changed = make(chan struct{})
	c.changedMu.Unlock()
	for _, name := range s.TopicNames() {
		if prev.Topics[name] == nil || !reflect.DeepEqual(prev.Topics[name], s.Topics[name]) {
			b.cluster.creates.CheckAndComplete(name)
		}
	}
	if len(prev.Brokers) != len(s.Brokers) || !reflect.DeepEqual(prev.BrokerIDs(), s.BrokerIDs()) {
		b.cfg.Logger.Info("live brokers", "ids", s.BrokerIDs(), "controller (lowest id, until chapter 8)", s.Controller())
	}
}

// ensureLocal makes sure this broker holds a partition's log, creating
// it on first sight, and gives it the topic's config.
func (b *Broker) ensureLocal(topicName string, id int32, n int, cfg log.Config) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.topics[topicName]
	if t == nil {
		t = &topic{name: topicName}
		b.topics[topicName] = t
	}
	for len(t.partitions) < n {
		t.partitions = append(t.partitions, nil)
	}
	if p := t.partitions[id]; p != nil {
		p.setConfig(cfg)
		return
	}
	tp := log.TopicPartition{Topic: topicName, Partition: id}
	l, err := b.logs.Create(tp, cfg, b.nowMs())
	if err != nil {
		b.cfg.Logger.Error("cannot create a partition assigned to this broker", "partition", tp.String(), "err", err)
		return
	}
	t.partitions[id] = newPartition(tp, l, b.fetches)
	b.cfg.Logger.Info("created the log of a partition assigned to this broker", "partition", tp.String())
}

// localPartition is a partition whose log this broker holds, led or not.
func (b *Broker) localPartition(name string, id int32) *partition {
	b.mu.RLock()
	defer b.mu.RUnlock()
	t := b.topics[name]
	if t == nil || id < 0 || int(id) >= len(t.partitions) {
		return nil
	}
	return t.partitions[id]
}

// clusterPartition is partitionFor in cluster mode: the partition must
// be in the cluster's metadata (else UNKNOWN_TOPIC_OR_PARTITION) and led
// by this broker (else NOT_LEADER_FOR_PARTITION: the client refreshes
// its metadata and goes to the leader).
func (b *Broker) clusterPartition(name string, id int32) (*partition, error) {
	mp, ok := b.cluster.applied.Load().Partition(name, id)
	if !ok {
		return nil, kerr.UnknownTopicOrPartition
	}
	if mp.Leader != b.cfg.NodeID {
		return nil, kerr.NotLeaderForPartition
	}
	p := b.localPartition(name, id)
	if p == nil {
		return nil, kerr.NotLeaderForPartition // its log could not be created
	}
	return p, nil
}

// closeCluster leaves the cluster: the cache stops and the session is
// closed, so the registration goes at once (or, after Kill, left to
// expire).
func (b *Broker) closeCluster() {
	c := b.cluster
	if c == nil {
		return
	}
	c.creates.Shutdown()
	if c.watcher != nil {
		c.watcher.Stop()
	}
	if c.killed {
		return
	}
	c.zk.Close()
}

// Kill stops the broker as kill -9 would, as far as ZooKeeper can tell:
// the network to ZooKeeper is cut and the session is not closed, so the
// registration stays until the session expires and the other brokers
// see this one alive until then. (The log dirs are still closed cleanly.)
// For tests and the stages' experiments; in standalone mode it is Close.
func (b *Broker) Kill() error {
	if b.cluster != nil {
		b.cluster.killed = true
		b.cluster.zk.Abandon()
	}
	return b.Close()
}
