//go:build grade

// The chapter's integration tests: the guarantees of the stage, end to
// end — a 3-server ensemble, brokers registered in it, real clients
// (franz-go's kgo and zkafka's client) — with your lab 6 swapped in: the
// broker that takes CreateTopics assigns replicas with your Assign, and
// zkafka's producer picks partitions with your ForKey. Graded with lab 6.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/zkafka/zkafka/chapters/stage"
	"github.com/zkafka/zkafka/kafka/broker"
	"github.com/zkafka/zkafka/kafka/broker/metadata"
	"github.com/zkafka/zkafka/kafka/client"
	"github.com/zkafka/zkafka/kafka/partition"
	"github.com/zkafka/zkafka/labs/sim"
	zkclient "github.com/zkafka/zkafka/zk/client"
)

type testCluster struct {
	t   *testing.T
	ens *stage.Ensemble
	kc  *stage.KafkaCluster
	zk  *zkclient.Conn
}

// startCluster starts a 3-server ensemble and brokers 1..3 on it, with a
// short ZooKeeper session so that a killed broker's registration expires
// soon.
func startCluster(t *testing.T) *testCluster {
	t.Helper()
	ens, err := stage.StartEnsemble(3, nil, 100*time.Millisecond, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ens.Close)
	if _, err := ens.WaitServing(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	connect := strings.Join(ens.Addrs(), ",")
	kc, err := stage.StartKafkaCluster(broker.Config{ZooKeeperConnect: connect, ZooKeeperSessionTimeout: 1500 * time.Millisecond,
		Logger: sim.Logger(t)}, []int32{1, 2, 3}, nil)
	if err != nil {
		t.Fatalf("the brokers did not start: %v", err)
	}
	t.Cleanup(kc.Close)
	zk, err := zkclient.Connect(ens.Addrs(), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { zk.Close() })
	tc := &testCluster{t: t, ens: ens, kc: kc, zk: zk}
	tc.waitLive(1, 2, 3)
	return tc
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (tc *testCluster) waitLive(ids ...int32) {
	tc.t.Helper()
	if err := tc.kc.WaitLive(testCtx(tc.t), ids...); err != nil {
		tc.t.Fatalf("waiting for the live brokers %v: %v", ids, err)
	}
}

func (tc *testCluster) client() *client.Client {
	tc.t.Helper()
	c, err := client.New(client.Config{Brokers: tc.kc.Seeds()})
	if err != nil {
		tc.t.Fatal(err)
	}
	tc.t.Cleanup(func() { c.Close() })
	return c
}

// create makes a topic through CreateTopics (your Assign draws its
// replicas) and waits until every broker has it.
func (tc *testCluster) create(name string, parts int32, rf int16) {
	tc.t.Helper()
	err := tc.client().CreateTopics(testCtx(tc.t), client.TopicSpec{Name: name, Partitions: parts, ReplicationFactor: rf})
	if err != nil {
		tc.t.Fatalf("CreateTopics %s (%d partitions, replication factor %d): %v", name, parts, rf, err)
	}
	if err := tc.kc.Wait(testCtx(tc.t), func(s *metadata.Snapshot) bool { return s.Topics[name] != nil }); err != nil {
		tc.t.Fatalf("topic %s never reached every broker: %v", name, err)
	}
}

// assignment reads /brokers/topics/<name>.
func (tc *testCluster) assignment(name string) map[int32][]int32 {
	tc.t.Helper()
	data, _, err := tc.zk.Get(testCtx(tc.t), "/brokers/topics/"+name)
	if err != nil {
		tc.t.Fatalf("get /brokers/topics/%s: %v", name, err)
	}
	var v struct {
		Version    int                `json:"version"`
		Partitions map[string][]int32 `json:"partitions"`
	}
	if err := json.Unmarshal(data, &v); err != nil || v.Version != 1 {
		tc.t.Fatalf("/brokers/topics/%s: %s (%v): want version 1", name, data, err)
	}
	out := map[int32][]int32{}
	for k, r := range v.Partitions {
		var p int32
		fmt.Sscan(k, &p)
		out[p] = r
	}
	return out
}

// checkSpread checks an assignment as Kafka's rack-unaware
// assignReplicasToBrokers makes it: every partition has rf distinct live
// brokers, every broker leads (is first in) the same number of
// partitions, give or take one, and holds the same number of replicas.
func checkSpread(t *testing.T, a map[int32][]int32, parts, rf int, brokers []int32) {
	t.Helper()
	if len(a) != parts {
		t.Fatalf("assignment %v: %d partitions, want %d", a, len(a), parts)
	}
	lead, hold := map[int32]int{}, map[int32]int{}
	for p, r := range a {
		if len(r) != rf {
			t.Errorf("partition %d: replicas %v, want %d", p, r, rf)
		}
		seen := map[int32]bool{}
		for _, b := range r {
			if seen[b] {
				t.Errorf("partition %d: replicas %v name broker %d twice", p, r, b)
			}
			seen[b] = true
			hold[b]++
		}
		if len(r) > 0 {
			lead[r[0]]++
		}
	}
	for _, b := range brokers {
		if l := lead[b]; l < parts/len(brokers) || l > (parts+len(brokers)-1)/len(brokers) {
			t.Errorf("broker %d leads %d of %d partitions (assignment %v): leaders are not spread evenly", b, l, parts, a)
		}
		if h := hold[b]; h < parts*rf/len(brokers) || h > (parts*rf+len(brokers)-1)/len(brokers) {
			t.Errorf("broker %d holds %d replicas (assignment %v): replicas are not spread evenly", b, h, a)
		}
	}
}

// TestStageTopicInZooKeeper checks the stage's cluster as ZooKeeper holds
// it: three brokers under /brokers/ids (Kafka 2.3's version 4 JSON, the
// czxid being each broker's epoch), and a 6-partition, replication-factor
// 3 topic whose assignment — drawn by your Assign — spreads leaders and
// replicas evenly, with Metadata and the partition state znodes naming the
// first replica as leader.
//
// Points: 6
// Reference: docs/reference/kafka.md §11; AK 2.3.1 KafkaZkClient.registerBroker, AdminUtils.assignReplicasToBrokers
func TestStageTopicInZooKeeper(t *testing.T) {
	tc := startCluster(t)
	ctx := testCtx(t)
	tc.create("orders", 6, 3)
	kids, _, err := tc.zk.Children(ctx, "/brokers/ids")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(kids)
	if strings.Join(kids, ",") != "1,2,3" {
		t.Fatalf("ls /brokers/ids: %v, want [1 2 3]", kids)
	}
	for _, id := range []int32{1, 2, 3} {
		data, st, err := tc.zk.Get(ctx, fmt.Sprintf("/brokers/ids/%d", id))
		if err != nil {
			t.Fatal(err)
		}
		var info struct {
			Version   int      `json:"version"`
			Endpoints []string `json:"endpoints"`
		}
		if err := json.Unmarshal(data, &info); err != nil || info.Version != 4 || len(info.Endpoints) != 1 ||
			info.Endpoints[0] != "PLAINTEXT://"+tc.kc.Addr(id) {
			t.Errorf("/brokers/ids/%d: %s (%v)", id, data, err)
		}
		if st.EphemeralOwner == 0 {
			t.Errorf("/brokers/ids/%d is not ephemeral", id)
		}
		if e := tc.kc.Broker(id).BrokerEpoch(); e != st.Czxid {
			t.Errorf("broker %d: epoch 0x%x, czxid of its znode 0x%x", id, e, st.Czxid)
		}
	}
	a := tc.assignment("orders")
	checkSpread(t, a, 6, 3, []int32{1, 2, 3})
	md, err := tc.client().Metadata(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range md.Topics[0].Partitions {
		r := a[p.Partition]
		if fmt.Sprint(p.Replicas) != fmt.Sprint(r) || len(r) == 0 || p.Leader != r[0] {
			t.Errorf("Metadata orders-%d: replicas %v leader %d; /brokers/topics/orders says %v", p.Partition, p.Replicas, p.Leader, r)
		}
		data, _, err := tc.zk.Get(ctx, fmt.Sprintf("/brokers/topics/orders/partitions/%d/state", p.Partition))
		var st struct {
			Leader int32   `json:"leader"`
			ISR    []int32 `json:"isr"`
		}
		if err != nil || json.Unmarshal(data, &st) != nil || len(r) == 0 || st.Leader != r[0] || fmt.Sprint(st.ISR) != fmt.Sprint(r) {
			t.Errorf("orders-%d state: %s (%v); want leader %v and ISR %v", p.Partition, data, err, r, r)
		}
	}
}

// produceKgo produces keys k0..k(n-1) with kgo, whose partitioner is the
// Java client's (murmur2), and returns each key's partition.
func produceKgo(t *testing.T, seeds []string, topic string, n int) map[string]int32 {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	got := map[string]int32{}
	for i := 0; i < n; i++ {
		r := &kgo.Record{Topic: topic, Key: []byte(fmt.Sprintf("k%d", i)), Value: []byte("kgo")}
		if err := cl.ProduceSync(testCtx(t), r).FirstErr(); err != nil {
			t.Fatalf("kgo produce: %v", err)
		}
		got[string(r.Key)] = r.Partition
	}
	return got
}

// TestStageKeyedRecordsLandByMurmur2 produces keyed records with kgo (the
// Java client's partitioner) and with zkafka's producer (your ForKey):
// every key lands on the same partition from both, the partition
// ForKey names; every partition gets records, and each comes back from
// its leader.
//
// Points: 6
// Reference: docs/reference/kafka.md §6; AK 2.3.1 DefaultPartitioner.partition
func TestStageKeyedRecordsLandByMurmur2(t *testing.T) {
	tc := startCluster(t)
	tc.create("orders", 6, 3)
	const n = 120
	byKgo := produceKgo(t, tc.kc.Seeds(), "orders", n)
	c := tc.client()
	p := client.NewProducer(c, client.DefaultProducerConfig())
	for i := 0; i < n; i++ {
		p.Buffer(client.Record{Topic: "orders", Key: []byte(fmt.Sprintf("k%d", i)), Value: []byte("zkafka")})
	}
	res, err := p.Flush(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	per := map[int32]int64{}
	for _, r := range res {
		k := string(r.Record.Key)
		if r.Record.Partition != byKgo[k] {
			t.Errorf("key %s: zkafka's producer put it on partition %d, kgo (Java's murmur2) on %d", k, r.Record.Partition, byKgo[k])
		}
		if f := partition.ForKey(r.Record.Key, 6); f != byKgo[k] {
			t.Errorf("ForKey(%q, 6) = %d; kgo put it on %d", k, f, byKgo[k])
		}
		per[byKgo[k]] += 2
	}
	for q := int32(0); q < 6; q++ {
		end, _, err := c.ListOffsets(testCtx(t), "orders", q, -1)
		if err != nil {
			t.Fatal(err)
		}
		if per[q] == 0 || end != per[q] {
			t.Errorf("orders-%d: log end offset %d at its leader, want %d records", q, end, per[q])
		}
	}
}

// TestStageKilledBrokerPartitionsMove kills broker 2 (kill -9: its
// session is left to expire): the partitions it led move to the next live
// replica of their lists — which has none of their records, since nothing
// replicates until chapter 7 — and the others keep theirs. Restarted, it
// leads its partitions again, with its records.
//
// Points: 6
// Reference: docs/reference/kafka.md §11; "Kafka Detailed Replication Design V3" (before the controller)
func TestStageKilledBrokerPartitionsMove(t *testing.T) {
	tc := startCluster(t)
	tc.create("orders", 6, 3)
	a := tc.assignment("orders")
	byKgo := produceKgo(t, tc.kc.Seeds(), "orders", 60)
	per := map[int32]int64{}
	for _, p := range byKgo {
		per[p]++
	}
	if err := tc.kc.Kill(2); err != nil {
		t.Fatal(err)
	}
	tc.waitLive(1, 3)
	c := tc.client()
	md, err := c.Metadata(testCtx(t), "orders")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range md.Topics[0].Partitions {
		r := a[p.Partition]
		want := r[0]
		if want == 2 {
			want = r[1]
		}
		if p.Leader != want {
			t.Errorf("orders-%d (replicas %v) with broker 2 dead: leader %d, want %d (the first live replica)", p.Partition, r, p.Leader, want)
			continue
		}
		end, _, err := c.ListOffsets(testCtx(t), "orders", p.Partition, -1)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case r[0] == 2 && end != 0:
			t.Errorf("orders-%d: its new leader %d has %d records; without replication it has none", p.Partition, want, end)
		case r[0] != 2 && end != per[p.Partition]:
			t.Errorf("orders-%d: leader %d has %d records, want %d", p.Partition, want, end, per[p.Partition])
		}
	}
	if err := tc.kc.Restart(2); err != nil {
		t.Fatal(err)
	}
	tc.waitLive(1, 2, 3)
	c = tc.client()
	for q, r := range a {
		if r[0] != 2 {
			continue
		}
		end, _, err := c.ListOffsets(testCtx(t), "orders", q, -1)
		if err != nil {
			t.Fatal(err)
		}
		if end != per[q] {
			t.Errorf("orders-%d after broker 2's return: log end offset %d, want its %d records", q, end, per[q])
		}
	}
}

// TestStageAddedBrokerGetsNewTopics adds a fourth broker: the existing
// topic's assignment does not change (Kafka moves partitions only when
// asked), and a topic created afterwards spreads over all four.
//
// Points: 4
// Reference: AK 2.3.1 AdminUtils.assignReplicasToBrokers; kafka-reassign-partitions.sh
func TestStageAddedBrokerGetsNewTopics(t *testing.T) {
	tc := startCluster(t)
	tc.create("orders", 6, 3)
	before := tc.assignment("orders")
	id, err := tc.kc.Add()
	if err != nil || id != 4 {
		t.Fatalf("add a broker: id %d, %v", id, err)
	}
	tc.waitLive(1, 2, 3, 4)
	tc.create("more", 8, 2)
	checkSpread(t, tc.assignment("more"), 8, 2, []int32{1, 2, 3, 4})
	if after := tc.assignment("orders"); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("orders' assignment changed when broker 4 joined: %v → %v", before, after)
	}
}
