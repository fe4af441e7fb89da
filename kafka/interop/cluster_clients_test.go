//go:build interop

package interop_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/partition"
	zkclient "github.com/zkafka/zkafka/zk/client"
)

// Chapter 6 with three real clients on the 3-broker cluster: kcat
// (librdkafka, with partitioner=murmur2_random), kafka-python and kgo
// each produce the same keys; every key is on the same partition from
// all three — the one ForKey names — and every partition, read from its
// leader by each client, holds the same records. Then zkCli.sh reads the
// cluster's Kafka metadata out of our ensemble.

const keyedTopic = "keyed"

// kafkaPythonProduce produces "key:value" lines (stdin) with
// kafka-python's default partitioner (murmur2), acks=1, gzip (as the
// other two: Debian's kafka-python has no snappy library to read them).
const kafkaPythonProduce = `
import sys
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers=sys.argv[1].split(","), acks=1, compression_type="gzip", api_version=(2, 3, 0))
for line in sys.stdin:
    k, v = line.rstrip("\n").split(":", 1)
    p.send(sys.argv[2], key=k.encode(), value=v.encode())
p.flush()
p.close()
`

// kafkaPythonConsume reads every partition of a topic from the start up
// to its end offset and prints "partition key value" lines.
const kafkaPythonConsume = `
import sys
from kafka import KafkaConsumer, TopicPartition
c = KafkaConsumer(bootstrap_servers=sys.argv[1].split(","), enable_auto_commit=False, api_version=(2, 3, 0))
parts = [TopicPartition(sys.argv[2], p) for p in sorted(c.partitions_for_topic(sys.argv[2]))]
c.assign(parts)
c.seek_to_beginning(*parts)
ends = c.end_offsets(parts)
left = {tp for tp in parts if ends[tp] > 0}
while left:
    for tp, recs in c.poll(timeout_ms=1000).items():
        for r in recs:
            print(tp.partition, r.key.decode(), r.value.decode())
        if c.position(tp) >= ends[tp]:
            left.discard(tp)
c.close()
`

func TestClusterClientsAgree(t *testing.T) {
	kcat := needKcat(t)
	needKafkaPython(t)
	zk := startEnsemble(t)
	connect := strings.Join(zk.Addrs(), ",") // no chroot: zkCli reads Kafka's own paths
	kc := startKafkaCluster(t, connect)
	seeds := strings.Join(kc.seeds(), ",")
	cl, err := kgo.NewClient(kgo.SeedBrokers(kc.seeds()...), kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil)),
		kgo.RequiredAcks(kgo.LeaderAck()), kgo.DisableIdempotentWrite(),
		kgo.ProducerBatchCompression(kgo.GzipCompression())) // kafka-python here has no snappy library
	check(t, err)
	defer cl.Close()
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 10000
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic, rt.NumPartitions, rt.ReplicationFactor = keyedTopic, 6, 3
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx(t), cl)
	check(t, err)
	if e := resp.Topics[0].ErrorCode; e != 0 {
		t.Fatalf("CreateTopics: code %d", e)
	}

	const n = 100
	lines := func(client string) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "key-%d:%s\n", i, client)
		}
		return b.String()
	}
	run(t, lines("kcat"), kcat, "-b", seeds, "-P", "-t", keyedTopic, "-K:", "-X", "partitioner=murmur2_random", "-X", "acks=1", "-z", "gzip")
	run(t, lines("kafka-python"), "/usr/bin/python3", "-c", kafkaPythonProduce, seeds, keyedTopic)
	for i := 0; i < n; i++ {
		cl.Produce(ctx(t), &kgo.Record{Topic: keyedTopic, Key: []byte(fmt.Sprintf("key-%d", i)), Value: []byte("kgo")}, func(r *kgo.Record, err error) {
			if err != nil {
				t.Errorf("kgo produce: %v", err)
			}
		})
	}
	check(t, cl.Flush(ctx(t)))

	// What each client reads: partition → sorted "key value" lines.
	type view map[int32][]string
	add := func(v view, p int32, key, value string) { v[p] = append(v[p], key+" "+value) }
	views := map[string]view{"kcat": {}, "kafka-python": {}, "kgo": {}}
	for p := int32(0); p < 6; p++ {
		out := run(t, "", kcat, "-b", seeds, "-C", "-t", keyedTopic, "-p", fmt.Sprint(p), "-o", "beginning", "-e", "-f", "%k %s\n")
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if k, v, ok := strings.Cut(l, " "); ok {
				add(views["kcat"], p, k, v)
			}
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(run(t, "", "/usr/bin/python3", "-c", kafkaPythonConsume, seeds, keyedTopic)), "\n") {
		var p int32
		var k, v string
		if _, err := fmt.Sscan(l, &p, &k, &v); err == nil {
			add(views["kafka-python"], p, k, v)
		}
	}
	offs := map[string]map[int32]kgo.Offset{keyedTopic: {}}
	for p := int32(0); p < 6; p++ {
		offs[keyedTopic][p] = kgo.NewOffset().AtStart()
	}
	cons, err := kgo.NewClient(kgo.SeedBrokers(kc.seeds()...), kgo.ConsumePartitions(offs))
	check(t, err)
	defer cons.Close()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for got := 0; got < 3*n; {
		fs := cons.PollFetches(c)
		if c.Err() != nil {
			t.Fatalf("kgo consumed %d of %d records", got, 3*n)
		}
		fs.EachError(func(_ string, p int32, err error) { t.Fatalf("kgo fetch %d: %v", p, err) })
		fs.EachRecord(func(r *kgo.Record) {
			add(views["kgo"], r.Partition, string(r.Key), string(r.Value))
			got++
		})
	}

	// Every key from every client on ForKey's partition; the three views equal.
	for name, v := range views {
		total := 0
		for p, recs := range v {
			sort.Strings(recs)
			total += len(recs)
			for _, r := range recs {
				key, _, _ := strings.Cut(r, " ")
				if want := partition.ForKey([]byte(key), 6); want != p {
					t.Errorf("%s read %q from partition %d; ForKey (Java's murmur2) says %d", name, r, p, want)
				}
			}
		}
		if total != 3*n || len(v) != 6 {
			t.Errorf("%s read %d records from %d partitions, want %d from 6", name, total, len(v), 3*n)
		}
	}
	for p := int32(0); p < 6; p++ {
		k, py, g := views["kcat"][p], views["kafka-python"][p], views["kgo"][p]
		if strings.Join(k, "|") != strings.Join(py, "|") || strings.Join(k, "|") != strings.Join(g, "|") {
			t.Errorf("partition %d differs between clients:\nkcat %v\nkafka-python %v\nkgo %v", p, k, py, g)
		}
		// Each key's three records (one per client) are together.
		byKey := map[string]int{}
		for _, r := range k {
			key, _, _ := strings.Cut(r, " ")
			byKey[key]++
		}
		for key, cnt := range byKey {
			if cnt != 3 {
				t.Errorf("partition %d holds %d records of %s, want 3 (one per client)", p, cnt, key)
			}
		}
	}
	summary := []string{}
	for p := int32(0); p < 6; p++ {
		summary = append(summary, fmt.Sprintf("p%d:%d", p, len(views["kgo"][p])))
	}
	t.Logf("kcat, kafka-python and kgo each produced keys key-0..key-%d; all three read the same %d records back, per partition: %s", n-1, 3*n, strings.Join(summary, " "))

	// zkCli.sh reads our ensemble's Kafka metadata.
	zkcli := os.Getenv("ZKCLI")
	if zkcli == "" {
		zkcli = "/usr/share/zookeeper/bin/zkCli.sh"
	}
	if _, err := os.Stat(zkcli); err != nil {
		t.Skipf("zkCli.sh not installed (apt-get install -y zookeeper): %v", err)
	}
	if _, err := exec.LookPath("java"); err != nil {
		t.Skip("no java for zkCli.sh")
	}
	zc, err := zkclient.ConnectString(connect, 5*time.Second)
	check(t, err)
	defer zc.Close()
	assignment, _, err := zc.Get(ctx(t), "/brokers/topics/"+keyedTopic)
	check(t, err)
	out := runBoth(t, "", zkcli, "-server", zk.Addrs()[0], "ls", "/brokers/ids")
	if !strings.Contains(out, "[1, 2, 3]") {
		t.Errorf("zkCli.sh ls /brokers/ids:\n%s\nwant [1, 2, 3]", out)
	}
	t.Logf("zkCli.sh ls /brokers/ids → %s", lastLine(out))
	out = runBoth(t, "", zkcli, "-server", zk.Addrs()[1], "get", "/brokers/topics/"+keyedTopic)
	if !strings.Contains(out, string(assignment)) || !strings.Contains(string(assignment), `"version":1`) {
		t.Errorf("zkCli.sh get /brokers/topics/%s:\n%s\nwant %s", keyedTopic, out, assignment)
	}
	t.Logf("zkCli.sh get /brokers/topics/%s → %s", keyedTopic, lastLine(out))
	out = runBoth(t, "", zkcli, "-server", zk.Addrs()[2], "get", "/brokers/ids/2")
	if !strings.Contains(out, `"version":4`) || !strings.Contains(out, "PLAINTEXT://"+kc.brokers[2].Addr()) {
		t.Errorf("zkCli.sh get /brokers/ids/2:\n%s", out)
	}
	t.Logf("zkCli.sh get /brokers/ids/2 → %s", lastLine(out))
}

// lastLine is the last non-empty line of zkCli's output (its answer,
// after the connection log).
func lastLine(s string) string {
	ls := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(ls[len(ls)-1])
}
