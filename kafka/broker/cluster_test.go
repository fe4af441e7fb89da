package broker

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/broker/metadata"
	"github.com/zkafka/zkafka/kafka/kafkazk"
	"github.com/zkafka/zkafka/kafka/zkdata"
	"github.com/zkafka/zkafka/labs/sim/vfs"
	zkclient "github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/server"
)

// Cluster mode against our ZooKeeper server (zk/server, standalone, 100
// ms ticks so sessions expire within a second), brokers on loopback.
// Tests wait on the brokers' applied snapshots (WaitCluster), never on
// sleeps.

func startZK(t *testing.T) string {
	t.Helper()
	s, err := server.Start(server.Config{ClientAddr: "127.0.0.1:0", DataDir: "/data",
		TickTime: 100 * time.Millisecond, FS: vfs.NewMem(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.Addr().String()
}

// syncBuf is a log sink tests can search.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
	t  testing.TB
}

func (l *syncBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.t.Log(string(bytes.TrimRight(p, "\n")))
	return l.b.Write(p)
}

func (l *syncBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type node struct {
	cfg Config
	b   *Broker
	log *syncBuf
}

func clusterConfig(t *testing.T, zk string, id int32, fs vfs.FS) (Config, *syncBuf) {
	lb := &syncBuf{t: t}
	return Config{NodeID: id, LogDirs: []string{"/kafka"}, FS: fs,
		ZooKeeperConnect: zk + "/kafka", ZooKeeperSessionTimeout: 400 * time.Millisecond,
		Rand:   rand.New(rand.NewPCG(uint64(id), 6)),
		Logger: slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelInfo}))}, lb
}

func startNode(t *testing.T, zk string, id int32) *node {
	t.Helper()
	cfg, lb := clusterConfig(t, zk, id, vfs.NewMem())
	n := &node{cfg: cfg, log: lb}
	n.start(t)
	t.Cleanup(func() { n.b.Close() })
	return n
}

func (n *node) start(t *testing.T) {
	t.Helper()
	b, err := Start(n.cfg)
	if err != nil {
		t.Fatal(err)
	}
	n.b = b
	n.cfg.Listen = b.Addr()
}

func waitCluster(t *testing.T, b *Broker, what string, cond func(*metadata.Snapshot) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := b.WaitCluster(ctx, cond); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func liveIs(ids ...int32) func(*metadata.Snapshot) bool {
	return func(s *metadata.Snapshot) bool {
		got := s.BrokerIDs()
		if len(got) != len(ids) {
			return false
		}
		for i := range ids {
			if got[i] != ids[i] {
				return false
			}
		}
		return true
	}
}

func tcp(t *testing.T, b *Broker) *client {
	nc, err := net.Dial("tcp", b.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &client{t: t, nc: nc, fmt: kmsg.NewRequestFormatter(kmsg.FormatterClientID("test"))}
}

func createTopicZ(t *testing.T, b *Broker, name string, partitions int32, rf int16, timeout int32, configs map[string]string) *kmsg.CreateTopicsResponse {
	t.Helper()
	req := kmsg.NewPtrCreateTopicsRequest()
	req.Version = 3
	req.TimeoutMillis = timeout
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic, rt.NumPartitions, rt.ReplicationFactor = name, partitions, rf
	for k, v := range configs {
		c := kmsg.NewCreateTopicsRequestTopicConfig()
		c.Name, c.Value = k, kmsg.StringPtr(v)
		rt.Configs = append(rt.Configs, c)
	}
	req.Topics = append(req.Topics, rt)
	return do[*kmsg.CreateTopicsResponse](tcp(t, b), req)
}

func metadataOf(t *testing.T, b *Broker, topics ...string) *kmsg.MetadataResponse {
	req := kmsg.NewPtrMetadataRequest()
	req.Version = 8
	if topics != nil {
		for _, n := range topics {
			rt := kmsg.NewMetadataRequestTopic()
			rt.Topic = kmsg.StringPtr(n)
			req.Topics = append(req.Topics, rt)
		}
		req.AllowAutoTopicCreation = true
	}
	return do[*kmsg.MetadataResponse](tcp(t, b), req)
}

func zkConn(t *testing.T, zk string) *zkclient.Conn {
	c, err := zkclient.ConnectString(zk+"/kafka", 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestClusterRegistersAndAgrees: two brokers register
// (/brokers/ids/<id>, version 4, the epoch its czxid), share the cluster
// id from /cluster/id, write meta.properties as 2.3 (version=0,
// broker.id), and both answer Metadata with both brokers and the lowest
// id as controller (until chapter 8).
// Reference: AK 2.3.1 KafkaServer.startup, KafkaZkClient.registerBroker.
func TestClusterRegistersAndAgrees(t *testing.T) {
	zk := startZK(t)
	n1, n2 := startNode(t, zk, 1), startNode(t, zk, 2)
	for _, n := range []*node{n1, n2} {
		waitCluster(t, n.b, "both live", liveIs(1, 2))
	}
	if n1.b.ClusterID() != n2.b.ClusterID() || len(n1.b.ClusterID()) != 22 {
		t.Errorf("cluster ids %q and %q", n1.b.ClusterID(), n2.b.ClusterID())
	}
	conn := zkConn(t, zk)
	data, st, err := conn.Get(context.Background(), "/brokers/ids/2")
	if err != nil || st.Czxid != n2.b.BrokerEpoch() || !strings.Contains(string(data), `"endpoints":["PLAINTEXT://`+n2.b.Addr()+`"]`) {
		t.Errorf("/brokers/ids/2 = %s (czxid %d, epoch %d, err %v)", data, st.Czxid, n2.b.BrokerEpoch(), err)
	}
	id, ok, err := zkdata.ReadMetaProperties(n1.cfg.FS, "/kafka")
	if err != nil || !ok || id != 1 {
		t.Errorf("meta.properties: %d %v %v", id, ok, err)
	}
	raw, _ := vfs.ReadFile(n1.cfg.FS, "/kafka/meta.properties")
	if !strings.Contains(string(raw), "\nversion=0\nbroker.id=1\n") || strings.Contains(string(raw), "cluster.id") {
		t.Errorf("meta.properties is not 2.3's:\n%s", raw)
	}
	md := metadataOf(t, n2.b)
	if len(md.Brokers) != 2 || md.ControllerID != 1 || *md.ClusterID != n1.b.ClusterID() {
		t.Errorf("metadata brokers %+v controller %d", md.Brokers, md.ControllerID)
	}
}

// TestClusterTopics: CreateTopics goes through ZooKeeper and answers once
// the cache has the topic with leaders (AK DelayedCreatePartitions);
// every partition is served by its first live replica only — produce,
// fetch and list offsets elsewhere are NOT_LEADER_FOR_PARTITION; a
// replication factor beyond the live brokers is INVALID_REPLICATION_FACTOR
// and an existing topic TOPIC_ALREADY_EXISTS (AdminUtils,
// AdminZkClient.validateTopicCreate).
func TestClusterTopics(t *testing.T) {
	zk := startZK(t)
	n1, n2 := startNode(t, zk, 1), startNode(t, zk, 2)
	waitCluster(t, n1.b, "both live", liveIs(1, 2))
	resp := createTopicZ(t, n1.b, "t", 4, 2, 10000, nil)
	if e := resp.Topics[0].ErrorCode; e != 0 {
		t.Fatalf("create: %v %v", kerr.ErrorForCode(e), resp.Topics[0].ErrorMessage)
	}
	if e := createTopicZ(t, n2.b, "t", 4, 2, 10000, nil).Topics[0].ErrorCode; e != kerr.TopicAlreadyExists.Code {
		t.Errorf("again: %v", kerr.ErrorForCode(e))
	}
	if e := createTopicZ(t, n2.b, "u", 1, 3, 10000, nil).Topics[0]; e.ErrorCode != kerr.InvalidReplicationFactor.Code ||
		*e.ErrorMessage != "Replication factor: 3 larger than available brokers: 2." {
		t.Errorf("rf 3 on 2 brokers: %v %v", kerr.ErrorForCode(e.ErrorCode), e.ErrorMessage)
	}
	waitCluster(t, n2.b, "n2 sees t", func(s *metadata.Snapshot) bool { return s.Topics["t"] != nil })
	md := metadataOf(t, n2.b, "t")
	nodes := map[int32]*node{1: n1, 2: n2}
	for _, p := range md.Topics[0].Partitions {
		if p.ErrorCode != 0 || p.Leader != p.Replicas[0] || len(p.ISR) != 2 {
			t.Errorf("partition %+v", p)
			continue
		}
		leader, other := nodes[p.Leader], nodes[3-p.Leader]
		if code := produceCode(t, leader.b, "t", p.Partition); code != 0 {
			t.Errorf("produce to leader %d of t-%d: %v", p.Leader, p.Partition, kerr.ErrorForCode(code))
		}
		if code := produceCode(t, other.b, "t", p.Partition); code != kerr.NotLeaderForPartition.Code {
			t.Errorf("produce to follower of t-%d: %v", p.Partition, kerr.ErrorForCode(code))
		}
		if code := fetchCode(t, other.b, "t", p.Partition); code != kerr.NotLeaderForPartition.Code {
			t.Errorf("fetch from follower of t-%d: %v", p.Partition, kerr.ErrorForCode(code))
		}
		if code := listCode(t, other.b, "t", p.Partition); code != kerr.NotLeaderForPartition.Code {
			t.Errorf("list offsets on follower of t-%d: %v", p.Partition, kerr.ErrorForCode(code))
		}
		// The follower holds the log too (created on first sight).
		if other.b.localPartition("t", p.Partition) == nil {
			t.Errorf("broker %d has no log for t-%d", 3-p.Leader, p.Partition)
		}
	}
}

func produceCode(t *testing.T, b *Broker, topic string, p int32) int16 {
	req := kmsg.NewPtrProduceRequest()
	req.Version, req.Acks, req.TimeoutMillis = 7, 1, 5000
	rt := kmsg.NewProduceRequestTopic()
	rt.Topic = topic
	rp := kmsg.NewProduceRequestTopicPartition()
	rp.Partition = p
	rp.Records = batchOf(t, 1, 1, 10)
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	return do[*kmsg.ProduceResponse](tcp(t, b), req).Topics[0].Partitions[0].ErrorCode
}

func fetchCode(t *testing.T, b *Broker, topic string, p int32) int16 {
	req := kmsg.NewPtrFetchRequest()
	req.Version, req.ReplicaID, req.MaxBytes = 11, -1, 1<<20
	rt := kmsg.NewFetchRequestTopic()
	rt.Topic = topic
	rp := kmsg.NewFetchRequestTopicPartition()
	rp.Partition, rp.PartitionMaxBytes, rp.CurrentLeaderEpoch = p, 1<<20, -1
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	return do[*kmsg.FetchResponse](tcp(t, b), req).Topics[0].Partitions[0].ErrorCode
}

func listCode(t *testing.T, b *Broker, topic string, p int32) int16 {
	req := kmsg.NewPtrListOffsetsRequest()
	req.Version, req.ReplicaID = 5, -1
	rt := kmsg.NewListOffsetsRequestTopic()
	rt.Topic = topic
	rp := kmsg.NewListOffsetsRequestTopicPartition()
	rp.Partition, rp.Timestamp, rp.CurrentLeaderEpoch = p, -1, -1
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	return do[*kmsg.ListOffsetsResponse](tcp(t, b), req).Topics[0].Partitions[0].ErrorCode
}

// TestClusterDuplicateBrokerID: a second broker with a live broker's id
// refuses to start, as Kafka's NodeExists at registration.
func TestClusterDuplicateBrokerID(t *testing.T) {
	zk := startZK(t)
	startNode(t, zk, 1)
	cfg, _ := clusterConfig(t, zk, 1, vfs.NewMem())
	b, err := Start(cfg)
	if err == nil {
		b.Close()
		t.Fatal("a second broker 1 started")
	}
	var inUse *kafkazk.BrokerIDInUseError
	if !errors.As(err, &inUse) || !strings.Contains(err.Error(), "another broker runs with this id") {
		t.Errorf("error %v", err)
	}
}

// TestClusterInconsistentBrokerID: a log dir whose meta.properties names
// another broker is refused (InconsistentBrokerIdException).
func TestClusterInconsistentBrokerID(t *testing.T) {
	zk := startZK(t)
	fs := vfs.NewMem()
	fs.MkdirAll("/kafka", 0o755)
	zkdata.WriteMetaProperties(fs, "/kafka", 5, time.Unix(0, 0))
	cfg, _ := clusterConfig(t, zk, 1, fs)
	_, err := Start(cfg)
	var inc *zkdata.InconsistentBrokerIDError
	if !errors.As(err, &inc) {
		t.Fatalf("error %v, want InconsistentBrokerIDError", err)
	}
}

// TestClusterRestartAfterKill: a broker killed (its session left to
// expire, as kill -9 does) restarts on the same log dir: its registration
// is still there, held by its dead session; Kafka 2.3 would exit with
// NodeExists, ours waits for the expiry and says why. Its topic config
// override, kept in /config/topics/<t>, is applied again to its log.
func TestClusterRestartAfterKill(t *testing.T) {
	zk := startZK(t)
	n := startNode(t, zk, 1)
	waitCluster(t, n.b, "registered", liveIs(1))
	if e := createTopicZ(t, n.b, "c", 1, 1, 10000, map[string]string{"retention.ms": "12345"}).Topics[0].ErrorCode; e != 0 {
		t.Fatal(kerr.ErrorForCode(e))
	}
	if got := n.b.localPartition("c", 0).log.Config().RetentionMs; got != 12345 {
		t.Errorf("retention.ms = %d, want the override", got)
	}
	oldEpoch := n.b.BrokerEpoch()
	n.b.Kill()
	n.start(t)
	if !strings.Contains(n.log.String(), "Waiting for ZooKeeper to expire it") {
		t.Error("the restart did not say it waited for the old session")
	}
	if n.b.BrokerEpoch() <= oldEpoch {
		t.Errorf("epoch %d after restart, was %d", n.b.BrokerEpoch(), oldEpoch)
	}
	waitCluster(t, n.b, "topic back", func(s *metadata.Snapshot) bool { return s.Topics["c"] != nil })
	if got := n.b.localPartition("c", 0).log.Config().RetentionMs; got != 12345 {
		t.Errorf("after restart retention.ms = %d, want the override from ZooKeeper", got)
	}
}

// TestClusterMalformedZnodes: znodes written by hand with bad JSON are
// logged and skipped; the rest of the cluster is served, and a fixed
// znode is picked up.
func TestClusterMalformedZnodes(t *testing.T) {
	zk := startZK(t)
	n := startNode(t, zk, 1)
	waitCluster(t, n.b, "registered", liveIs(1))
	conn := zkConn(t, zk)
	ctx := context.Background()
	conn.Create(ctx, "/brokers/topics/bad", []byte(`{"version":1,"partitions":{"0":[1`), proto.ModePersistent, nil)
	conn.Create(ctx, "/brokers/ids/9", []byte(`not json`), proto.ModePersistent, nil)
	if e := createTopicZ(t, n.b, "good", 1, 1, 10000, nil).Topics[0].ErrorCode; e != 0 {
		t.Fatal(kerr.ErrorForCode(e))
	}
	md := metadataOf(t, n.b)
	if len(md.Topics) != 1 || *md.Topics[0].Topic != "good" || len(md.Brokers) != 1 {
		t.Errorf("metadata topics %d brokers %d", len(md.Topics), len(md.Brokers))
	}
	for _, want := range []string{"skipping a malformed topic assignment", "skipping a malformed broker registration"} {
		if !strings.Contains(n.log.String(), want) {
			t.Errorf("no log line %q", want)
		}
	}
	conn.Set(ctx, "/brokers/topics/bad", []byte(`{"version":1,"partitions":{"0":[1]}}`), -1)
	waitCluster(t, n.b, "fixed topic read", func(s *metadata.Snapshot) bool { return s.Topics["bad"] != nil })
}

// TestClusterLeaderNotAvailable: a partition whose replicas are all dead
// has no leader: Metadata says LEADER_NOT_AVAILABLE with the replicas
// offline; CreateTopics waiting for its leader times out
// (REQUEST_TIMED_OUT, DelayedCreatePartitions); auto-creation answers
// LEADER_NOT_AVAILABLE first, as 2.3's KafkaApis.createTopic does.
func TestClusterLeaderNotAvailable(t *testing.T) {
	zk := startZK(t)
	n := startNode(t, zk, 1)
	waitCluster(t, n.b, "registered", liveIs(1))
	req := kmsg.NewPtrCreateTopicsRequest()
	req.Version, req.TimeoutMillis = 3, 300
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic, rt.NumPartitions, rt.ReplicationFactor = "orphan", -1, -1
	ra := kmsg.NewCreateTopicsRequestTopicReplicaAssignment()
	ra.Partition, ra.Replicas = 0, []int32{7}
	rt.ReplicaAssignment = append(rt.ReplicaAssignment, ra)
	req.Topics = append(req.Topics, rt)
	if e := do[*kmsg.CreateTopicsResponse](tcp(t, n.b), req).Topics[0].ErrorCode; e != kerr.RequestTimedOut.Code {
		t.Errorf("create with a dead replica: %v", kerr.ErrorForCode(e))
	}
	p := metadataOf(t, n.b, "orphan").Topics[0].Partitions[0]
	if p.ErrorCode != kerr.LeaderNotAvailable.Code || p.Leader != -1 || len(p.OfflineReplicas) != 1 || p.OfflineReplicas[0] != 7 {
		t.Errorf("orphan partition %+v", p)
	}
	if e := metadataOf(t, n.b, "auto").Topics[0].ErrorCode; e != kerr.LeaderNotAvailable.Code {
		t.Errorf("auto-create: %v", kerr.ErrorForCode(e))
	}
	waitCluster(t, n.b, "auto created", func(s *metadata.Snapshot) bool { return s.Topics["auto"] != nil })
	if e := metadataOf(t, n.b, "auto").Topics[0].ErrorCode; e != 0 {
		t.Errorf("auto after the cache saw it: %v", kerr.ErrorForCode(e))
	}
}
