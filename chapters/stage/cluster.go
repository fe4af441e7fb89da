package stage

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/zkafka/zkafka/kafka/broker"
	"github.com/zkafka/zkafka/kafka/broker/metadata"
)

// KafkaCluster is several brokers on one zookeeper.connect (chapter 6's
// cluster mode), each on a fresh temporary log.dir, that the stage can
// kill, restart and add to.
type KafkaCluster struct {
	mu      sync.Mutex
	base    broker.Config
	brokers map[int32]*clusterBroker
	dirs    []string
}

type clusterBroker struct {
	cfg broker.Config
	b   *broker.Broker // nil while down
}

// BrokerSessionTimeout is the stage brokers' zookeeper.session.timeout.ms
// (Kafka's default is 6 s): how long a killed broker stays registered.
const BrokerSessionTimeout = 6 * time.Second

// StartKafkaCluster starts brokers with ids and the given ports (0: a
// free one) on base.ZooKeeperConnect; base gives the rest of each
// broker's Config (NodeID, Listen and LogDirs are set per broker).
func StartKafkaCluster(base broker.Config, ids []int32, ports []int) (*KafkaCluster, error) {
	if base.ZooKeeperSessionTimeout == 0 {
		base.ZooKeeperSessionTimeout = BrokerSessionTimeout
	}
	if base.Logger == nil {
		base.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	kc := &KafkaCluster{base: base, brokers: map[int32]*clusterBroker{}}
	for i, id := range ids {
		port := 0
		if i < len(ports) {
			port = ports[i]
		}
		if err := kc.StartBroker(id, port); err != nil {
			kc.Close()
			return nil, err
		}
	}
	pictureKafkaCluster(kc)
	return kc, nil
}

// StartBroker starts broker id on port (0: a free one) and a fresh
// temporary log.dir.
func (kc *KafkaCluster) StartBroker(id int32, port int) error {
	kc.mu.Lock()
	_, taken := kc.brokers[id]
	kc.mu.Unlock()
	if taken {
		return fmt.Errorf("broker %d exists", id)
	}
	dir, err := os.MkdirTemp("", fmt.Sprintf("zkafka-broker-%d-", id))
	if err != nil {
		return err
	}
	cfg := kc.base
	cfg.NodeID = id
	cfg.Listen = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cfg.LogDirs = []string{dir}
	cfg.Logger = kc.base.Logger.With("broker", id)
	b, err := broker.Start(cfg)
	if err != nil {
		os.RemoveAll(dir)
		return fmt.Errorf("start broker %d: %w", id, err)
	}
	cfg.Listen = b.Addr() // a restart comes back on the same port
	kc.mu.Lock()
	kc.brokers[id] = &clusterBroker{cfg: cfg, b: b}
	kc.dirs = append(kc.dirs, dir)
	kc.mu.Unlock()
	return nil
}

// IDs are the brokers' ids, up or down, in order.
func (kc *KafkaCluster) IDs() []int32 {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	out := make([]int32, 0, len(kc.brokers))
	for id := range kc.brokers {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (kc *KafkaCluster) get(id int32) (*clusterBroker, error) {
	cb := kc.brokers[id]
	if cb == nil {
		return nil, fmt.Errorf("no broker %d (the brokers are %v)", id, kc.idsLocked())
	}
	return cb, nil
}

func (kc *KafkaCluster) idsLocked() []int32 {
	var out []int32
	for id := range kc.brokers {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Broker is broker id while it runs, nil while it is down.
func (kc *KafkaCluster) Broker(id int32) *broker.Broker {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if cb := kc.brokers[id]; cb != nil {
		return cb.b
	}
	return nil
}

// Addr is broker id's address (kept while it is down).
func (kc *KafkaCluster) Addr(id int32) string {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if cb := kc.brokers[id]; cb != nil {
		return cb.cfg.Listen
	}
	return ""
}

// LogDir is broker id's log.dir.
func (kc *KafkaCluster) LogDir(id int32) string {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if cb := kc.brokers[id]; cb != nil {
		return cb.cfg.LogDirs[0]
	}
	return ""
}

// Seeds are the addresses of the running brokers.
func (kc *KafkaCluster) Seeds() []string {
	var out []string
	for _, id := range kc.IDs() {
		if kc.Broker(id) != nil {
			out = append(out, kc.Addr(id))
		}
	}
	return out
}

// Kill stops broker id as kill -9 would, as far as ZooKeeper can tell:
// its session is not closed, so /brokers/ids/<id> stays until the session
// expires (BrokerSessionTimeout) and only then do the others see it gone.
func (kc *KafkaCluster) Kill(id int32) error {
	return kc.down(id, (*broker.Broker).Kill)
}

// Stop shuts broker id down cleanly: its session is closed, so its
// registration goes at once.
func (kc *KafkaCluster) Stop(id int32) error {
	return kc.down(id, (*broker.Broker).Close)
}

// down takes broker id down with how (Kill or Close).
func (kc *KafkaCluster) down(id int32, how func(*broker.Broker) error) error {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	cb, err := kc.get(id)
	if err != nil {
		return err
	}
	if cb.b == nil {
		return fmt.Errorf("broker %d is already down", id)
	}
	err = how(cb.b)
	cb.b = nil
	pokePicture()
	return err
}

// Restart starts broker id again on its log.dir and port. After a kill it
// waits (in broker.Start) for its old session to expire first.
func (kc *KafkaCluster) Restart(id int32) error {
	kc.mu.Lock()
	cb, err := kc.get(id)
	if err == nil && cb.b != nil {
		err = fmt.Errorf("broker %d is running", id)
	}
	var cfg broker.Config
	if err == nil {
		cfg = cb.cfg
	}
	kc.mu.Unlock()
	if err != nil {
		return err
	}
	b, err := broker.Start(cfg)
	if err != nil {
		return fmt.Errorf("restart broker %d: %w", id, err)
	}
	kc.mu.Lock()
	cb.b = b
	kc.mu.Unlock()
	pokePicture()
	return nil
}

// Add starts one more broker with the next id, on the port after the
// last broker's if it is free (else any free one).
func (kc *KafkaCluster) Add() (int32, error) {
	ids := kc.IDs()
	id, port := int32(1), 0
	if len(ids) > 0 {
		id = ids[len(ids)-1] + 1
		if _, p, err := net.SplitHostPort(kc.Addr(ids[len(ids)-1])); err == nil {
			n, _ := strconv.Atoi(p)
			if ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(n+1))); err == nil {
				ln.Close()
				port = n + 1
			}
		}
	}
	if err := kc.StartBroker(id, port); err != nil {
		return 0, err
	}
	pokePicture()
	return id, nil
}

// Wait waits until every running broker's metadata satisfies cond.
func (kc *KafkaCluster) Wait(ctx context.Context, cond func(*metadata.Snapshot) bool) error {
	for _, id := range kc.IDs() {
		if b := kc.Broker(id); b != nil {
			if err := b.WaitCluster(ctx, cond); err != nil {
				return err
			}
		}
	}
	return nil
}

// WaitLive waits until every running broker sees exactly the live
// brokers ids.
func (kc *KafkaCluster) WaitLive(ctx context.Context, ids ...int32) error {
	return kc.Wait(ctx, func(s *metadata.Snapshot) bool {
		live := s.BrokerIDs()
		if len(live) != len(ids) {
			return false
		}
		for i := range ids {
			if live[i] != ids[i] {
				return false
			}
		}
		return true
	})
}

// Snapshot is the metadata of the lowest running broker (nil if none).
func (kc *KafkaCluster) Snapshot() *metadata.Snapshot {
	for _, id := range kc.IDs() {
		if b := kc.Broker(id); b != nil {
			return b.Snapshot()
		}
	}
	return nil
}

// Close stops every broker cleanly and removes their log dirs.
func (kc *KafkaCluster) Close() {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	for _, cb := range kc.brokers {
		if cb.b != nil {
			cb.b.Close()
			cb.b = nil
		}
	}
	for _, d := range kc.dirs {
		os.RemoveAll(d)
	}
}
