package interop_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/broker"
	"github.com/zkafka/zkafka/kafka/broker/metadata"
	"github.com/zkafka/zkafka/kafka/partition"
	"github.com/zkafka/zkafka/kafka/partition/assignment"
	"github.com/zkafka/zkafka/kafka/zkdata"
	zkclient "github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/server/cluster"
)

// Chapter 6 end to end: three brokers on a three-member ZooKeeper
// ensemble (zk/server/cluster), all in this process on loopback.

// kafkaCluster is three brokers sharing one zookeeper.connect.
type kafkaCluster struct {
	t       *testing.T
	connect string
	cfgs    map[int32]broker.Config
	brokers map[int32]*broker.Broker
}

// assignSeed seeds every broker's replica assignment (Config.Rand), so
// the topic's assignment is known in advance.
const assignSeed = 6

func newRand() *rand.Rand { return rand.New(rand.NewPCG(assignSeed, assignSeed)) }

func startEnsemble(t *testing.T) *cluster.Cluster {
	t.Helper()
	zk, err := cluster.Start(cluster.Options{N: 3, TickTime: 200 * time.Millisecond})
	check(t, err)
	t.Cleanup(zk.Close)
	_, err = zk.WaitServing(30 * time.Second)
	check(t, err)
	return zk
}

// startKafkaCluster starts brokers 1..3 on connect (with its chroot).
func startKafkaCluster(t *testing.T, connect string) *kafkaCluster {
	kc := &kafkaCluster{t: t, connect: connect, cfgs: map[int32]broker.Config{}, brokers: map[int32]*broker.Broker{}}
	for id := int32(1); id <= 3; id++ {
		kc.cfgs[id] = broker.Config{NodeID: id, LogDirs: []string{t.TempDir()}, ZooKeeperConnect: connect,
			ZooKeeperSessionTimeout: 4 * time.Second, Rand: newRand(),
			Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))}
		kc.start(id)
	}
	t.Cleanup(func() {
		for _, b := range kc.brokers {
			b.Close()
		}
	})
	kc.waitAll("three live brokers", func(s *metadata.Snapshot) bool { return len(s.Brokers) == 3 })
	return kc
}

func (kc *kafkaCluster) start(id int32) {
	b, err := broker.Start(kc.cfgs[id])
	check(kc.t, err)
	kc.brokers[id] = b
	cfg := kc.cfgs[id]
	cfg.Listen = b.Addr() // a restart comes back on the same port
	kc.cfgs[id] = cfg
}

func (kc *kafkaCluster) waitAll(what string, cond func(*metadata.Snapshot) bool) {
	kc.t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for id, b := range kc.brokers {
		if err := b.WaitCluster(c, cond); err != nil {
			kc.t.Fatalf("broker %d, %s: %v", id, what, err)
		}
	}
}

func (kc *kafkaCluster) seeds() []string {
	var s []string
	for _, b := range kc.brokers {
		s = append(s, b.Addr())
	}
	sort.Strings(s)
	return s
}

// TestClusterEndToEnd is chapter 6's cluster: kgo creates a 6-partition,
// replication-factor-3 topic (CreateTopics goes to the controller, which
// until chapter 8 is the lowest live broker id), produces keyed records —
// each lands on murmur2's partition — and reads every partition back from
// its leader. The znodes are Kafka 2.3's, byte for byte but for host,
// port and timestamp. Then broker 2 stops: its partitions move to the
// next live replica — which has none of their records, since nothing
// replicates yet (chapter 7) — and it comes back, leading them again.
//
// Reference: AK 2.3.1 KafkaZkClient (registerBroker, createTopicAssignment),
// AdminZkClient.createTopicWithAssignment, ZkData (the JSON),
// AdminUtils.assignReplicasToBrokers, MetadataCache.getPartitionMetadata.
func TestClusterEndToEnd(t *testing.T) {
	zk := startEnsemble(t)
	connect := strings.Join(zk.Addrs(), ",") + "/kafka"
	kc := startKafkaCluster(t, connect)
	cl, err := kgo.NewClient(kgo.SeedBrokers(kc.seeds()...), kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil)),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.MetadataMinAge(50*time.Millisecond))
	check(t, err)
	defer cl.Close()
	c := ctx(t)

	const topic, parts = "orders", 6
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 10000
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic, rt.NumPartitions, rt.ReplicationFactor = topic, parts, 3
	cfg := kmsg.NewCreateTopicsRequestTopicConfig()
	cfg.Name, cfg.Value = "retention.ms", kmsg.StringPtr("86400000")
	rt.Configs = append(rt.Configs, cfg)
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(c, cl)
	check(t, err)
	if e := resp.Topics[0].ErrorCode; e != 0 {
		t.Fatalf("CreateTopics: code %d %v", e, resp.Topics[0].ErrorMessage)
	}

	// The assignment broker 1 drew: the same seed gives the same one.
	brokers := []assignment.Broker{{ID: 1}, {ID: 2}, {ID: 3}}
	want, err := partition.Assign(brokers, parts, 3, assignment.RandomStart(newRand(), 3))
	check(t, err)
	kc.waitAll("the topic", func(s *metadata.Snapshot) bool { return s.Topics[topic] != nil })

	// The znodes.
	zc, err := zkclient.ConnectString(connect, 5*time.Second)
	check(t, err)
	defer zc.Close()
	get := func(path string) string {
		data, _, err := zc.Get(c, path)
		if err != nil {
			t.Fatalf("get %s: %v", path, err)
		}
		return string(data)
	}
	for id := 1; id <= 3; id++ {
		equal(t, maskBroker(get(fmt.Sprintf("/brokers/ids/%d", id))),
			`{"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://H:P"],"jmx_port":-1,"host":"H","timestamp":"T","port":P,"version":4}`,
			"/brokers/ids/", id)
	}
	assigned := map[int32][]int32{}
	for p, r := range want {
		assigned[int32(p)] = r
	}
	equal(t, get("/brokers/topics/"+topic), string(zkdata.EncodeTopic(zkdata.TopicAssignment{Partitions: assigned})), "assignment")
	equal(t, get("/config/topics/"+topic), `{"version":1,"config":{"retention.ms":"86400000"}}`, "topic config")
	equal(t, get("/cluster/id"), `{"version":"1","id":"`+kc.brokers[1].ClusterID()+`"}`, "cluster id")
	for p, r := range want {
		equal(t, get(zkdata.PartitionStatePath(topic, int32(p))),
			fmt.Sprintf(`{"controller_epoch":0,"leader":%d,"version":1,"leader_epoch":0,"isr":%s}`, r[0], ints(r)), "state of partition", p)
	}
	for _, p := range zkdata.PersistentPaths {
		if ok, _, err := zc.Exists(c, p); !ok || err != nil {
			t.Errorf("persistent path %s: %v %v", p, ok, err)
		}
	}

	// Keyed records land on murmur2's partition and come back from every one.
	const n = 600
	produceKeyed(t, cl, topic, 0, n, parts)
	got := consumeAll(t, kc.seeds(), topic, n)
	for p := int32(0); p < parts; p++ {
		if got[p] == 0 {
			t.Errorf("partition %d got no records", p)
		}
	}

	// Broker 2 stops (its session closes, its registration goes).
	led := map[int32]bool{}
	for p, r := range want {
		if r[0] == 2 {
			led[int32(p)] = true
		}
	}
	check(t, kc.brokers[2].Close())
	delete(kc.brokers, 2)
	kc.waitAll("two live brokers", func(s *metadata.Snapshot) bool { return len(s.Brokers) == 2 })
	md := metadataReq(t, cl, topic)
	for _, mp := range md.Topics[0].Partitions {
		r := want[mp.Partition]
		next := r[0]
		if next == 2 {
			next = r[1]
		}
		if mp.Leader != next || len(mp.ISR) != 2 || len(mp.OfflineReplicas) != 1 || mp.OfflineReplicas[0] != 2 {
			t.Errorf("partition %d with broker 2 down: leader %d isr %v offline %v; want leader %d", mp.Partition, mp.Leader, mp.ISR, mp.OfflineReplicas, next)
		}
	}
	// The new leaders start from an empty log: no replication yet.
	ends := endOffsets(t, cl, topic)
	for p := range led {
		if ends[p] != 0 {
			t.Errorf("partition %d's new leader has %d records; without replication it has none", p, ends[p])
		}
	}

	// Broker 2 comes back and leads its partitions again, with its records.
	kc.start(2)
	kc.waitAll("three live brokers again", func(s *metadata.Snapshot) bool { return len(s.Brokers) == 3 })
	ends = endOffsets(t, cl, topic)
	for p := range led {
		if ends[p] != int64(got[p]) {
			t.Errorf("partition %d after broker 2's return: end offset %d, want its %d records", p, ends[p], got[p])
		}
	}
}

var hostPort = regexp.MustCompile(`127\.0\.0\.1|"port":\d+|:\d+"|"timestamp":"\d+"`)

// maskBroker hides what differs between runs: host, port, timestamp.
func maskBroker(s string) string {
	return hostPort.ReplaceAllStringFunc(s, func(m string) string {
		switch {
		case m == "127.0.0.1":
			return "H"
		case strings.HasPrefix(m, `"port"`):
			return `"port":P`
		case strings.HasPrefix(m, `"timestamp"`):
			return `"timestamp":"T"`
		}
		return `:P"`
	})
}

func ints(r []int32) string {
	var s []string
	for _, x := range r {
		s = append(s, fmt.Sprint(x))
	}
	return "[" + strings.Join(s, ",") + "]"
}

// produceKeyed produces keys k<from>..k<to-1> and checks each landed
// where murmur2 says (kafka/partition.ForKey).
func produceKeyed(t *testing.T, cl *kgo.Client, topic string, from, to int, parts int32) {
	t.Helper()
	c := ctx(t)
	for i := from; i < to; i++ {
		key := fmt.Sprintf("k%d", i)
		r := &kgo.Record{Topic: topic, Key: []byte(key), Value: []byte(fmt.Sprint(i))}
		cl.Produce(c, r, func(r *kgo.Record, err error) {
			if err != nil {
				t.Errorf("produce %s: %v", key, err)
			} else if want := partition.ForKey(r.Key, parts); r.Partition != want {
				t.Errorf("key %s on partition %d, murmur2 says %d", key, r.Partition, want)
			}
		})
	}
	check(t, cl.Flush(c))
}

// consumeAll reads n records of topic from the start; it returns the
// count per partition.
func consumeAll(t *testing.T, seeds []string, topic string, n int) map[int32]int {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	check(t, err)
	defer cl.Close()
	c := ctx(t)
	got := map[int32]int{}
	total := 0
	for total < n {
		fs := cl.PollFetches(c)
		if c.Err() != nil {
			t.Fatalf("timed out with %d of %d records", total, n)
		}
		fs.EachError(func(topic string, p int32, err error) { t.Fatalf("fetch %s-%d: %v", topic, p, err) })
		fs.EachRecord(func(r *kgo.Record) {
			if want := partition.ForKey(r.Key, 6); r.Partition != want {
				t.Errorf("consumed key %s from partition %d, murmur2 says %d", r.Key, r.Partition, want)
			}
			got[r.Partition]++
			total++
		})
	}
	return got
}

func metadataReq(t *testing.T, cl *kgo.Client, topic string) *kmsg.MetadataResponse {
	t.Helper()
	req := kmsg.NewPtrMetadataRequest()
	mt := kmsg.NewMetadataRequestTopic()
	mt.Topic = kmsg.StringPtr(topic)
	req.Topics = append(req.Topics, mt)
	resp, err := req.RequestWith(ctx(t), cl)
	check(t, err)
	return resp
}

// endOffsets asks each partition's leader, as Metadata names it, for its
// latest offset. (The brokers' caches have been waited on, so Metadata
// and the leaders agree.)
func endOffsets(t *testing.T, cl *kgo.Client, topic string) map[int32]int64 {
	t.Helper()
	out := map[int32]int64{}
	for _, mp := range metadataReq(t, cl, topic).Topics[0].Partitions {
		req := kmsg.NewPtrListOffsetsRequest()
		req.ReplicaID = -1
		rt := kmsg.NewListOffsetsRequestTopic()
		rt.Topic = topic
		rp := kmsg.NewListOffsetsRequestTopicPartition()
		rp.Partition, rp.Timestamp, rp.CurrentLeaderEpoch = mp.Partition, -1, -1
		rt.Partitions = append(rt.Partitions, rp)
		req.Topics = append(req.Topics, rt)
		resp, err := req.RequestWith(ctx(t), cl.Broker(int(mp.Leader)))
		check(t, err)
		got := resp.Topics[0].Partitions[0]
		if got.ErrorCode != 0 {
			t.Fatalf("ListOffsets of %s-%d on its leader %d: code %d", topic, mp.Partition, mp.Leader, got.ErrorCode)
		}
		out[mp.Partition] = got.Offset
	}
	return out
}
