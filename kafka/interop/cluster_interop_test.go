//go:build interop

package interop_test

import (
	"encoding/json"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/partition"
	"github.com/zkafka/zkafka/kafka/partition/assignment"
	zkclient "github.com/zkafka/zkafka/zk/client"
	zkinterop "github.com/zkafka/zkafka/zk/interop"
)

// Chapter 6 with real tools: kcat reads our 3-broker cluster's metadata,
// and our brokers run on Debian's Apache ZooKeeper 3.8 as well as on our
// ensemble, writing the same znode tree.

// clusterSteps starts brokers 1..3 on connect, creates a 6-partition RF 3
// topic through kgo and produces keyed records; it returns the cluster.
func clusterSteps(t *testing.T, connect string) *kafkaCluster {
	kc := startKafkaCluster(t, connect)
	cl, err := kgo.NewClient(kgo.SeedBrokers(kc.seeds()...))
	check(t, err)
	defer cl.Close()
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 10000
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic, rt.NumPartitions, rt.ReplicationFactor = "orders", 6, 3
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx(t), cl)
	check(t, err)
	if e := resp.Topics[0].ErrorCode; e != 0 {
		t.Fatalf("CreateTopics: code %d", e)
	}
	produceKeyed(t, cl, "orders", 0, 100, 6)
	return kc
}

// TestKcatListsCluster: kcat -L sees the three brokers and every
// partition's leader — the first replica of the seeded assignment.
func TestKcatListsCluster(t *testing.T) {
	kcat := needKcat(t)
	zk := startEnsemble(t)
	kc := clusterSteps(t, strings.Join(zk.Addrs(), ",")+"/kafka")
	out := run(t, "", kcat, "-b", strings.Join(kc.seeds(), ","), "-L", "-J", "-t", "orders")
	var md struct {
		Brokers []struct {
			ID   int32  `json:"id"`
			Name string `json:"name"`
		} `json:"brokers"`
		Topics []struct {
			Topic      string `json:"topic"`
			Partitions []struct {
				Partition int32 `json:"partition"`
				Leader    int32 `json:"leader"`
				Replicas  []struct {
					ID int32 `json:"id"`
				} `json:"replicas"`
			} `json:"partitions"`
		} `json:"topics"`
	}
	if err := json.Unmarshal([]byte(out), &md); err != nil {
		t.Fatalf("kcat -L -J: %v\n%s", err, out)
	}
	t.Logf("kcat -L -J:\n%s", out)
	if len(md.Brokers) != 3 {
		t.Errorf("kcat lists %d brokers, want 3", len(md.Brokers))
	}
	want, err := partition.Assign([]assignment.Broker{{ID: 1}, {ID: 2}, {ID: 3}}, 6, 3, assignment.RandomStart(newRand(), 3))
	check(t, err)
	if len(md.Topics) != 1 || len(md.Topics[0].Partitions) != 6 {
		t.Fatalf("kcat topics %+v", md.Topics)
	}
	for _, p := range md.Topics[0].Partitions {
		if p.Leader != want[p.Partition][0] || len(p.Replicas) != 3 {
			t.Errorf("kcat: partition %d leader %d replicas %v; want leader %d", p.Partition, p.Leader, p.Replicas, want[p.Partition][0])
		}
	}
}

// TestBrokersOnApacheZooKeeper: the same steps on Apache ZooKeeper 3.8
// and on our ensemble write the same znode tree — the same paths, the
// same JSON but for hosts, ports, timestamps and the cluster id.
func TestBrokersOnApacheZooKeeper(t *testing.T) {
	if _, err := zkinterop.ApacheClasspath(); err != nil {
		t.Skip(err)
	}
	ap, err := zkinterop.StartApache(zkinterop.ApacheConfig{Dir: t.TempDir(), TickTime: 500 * time.Millisecond})
	check(t, err)
	defer ap.Close()
	apacheKC := clusterSteps(t, ap.Addr()+"/kafka")
	apache := dumpTree(t, ap.Addr()+"/kafka")

	zk := startEnsemble(t)
	oursKC := clusterSteps(t, strings.Join(zk.Addrs(), ",")+"/kafka")
	ours := dumpTree(t, strings.Join(zk.Addrs(), ",")+"/kafka")
	if len(apache) < 20 {
		t.Fatalf("the Apache tree has only %d znodes: %v", len(apache), apache)
	}
	if d := cmp.Diff(mask(apache, apacheKC.brokers[1].ClusterID()), mask(ours, oursKC.brokers[1].ClusterID())); d != "" {
		t.Errorf("znode trees differ (-Apache ZooKeeper +ours):\n%s", d)
	}
	paths := make([]string, 0, len(ours))
	for p := range ours {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	t.Logf("%d znodes, the same on both: %s", len(paths), strings.Join(paths, " "))
}

// dumpTree reads every znode under connect's chroot: path → data.
func dumpTree(t *testing.T, connect string) map[string]string {
	t.Helper()
	c, err := zkclient.ConnectString(connect, 5*time.Second)
	check(t, err)
	defer c.Close()
	out := map[string]string{}
	var walk func(p string)
	walk = func(p string) {
		data, _, err := c.Get(ctx(t), p)
		check(t, err)
		out[p] = string(data)
		kids, _, err := c.Children(ctx(t), p)
		check(t, err)
		for _, k := range kids {
			walk(path.Join(p, k))
		}
	}
	walk("/")
	return out
}

var volatile = regexp.MustCompile(`127\.0\.0\.1:\d+|"port":\d+|"timestamp":"\d+"`)

// mask hides what differs between two runs.
func mask(tree map[string]string, clusterID string) map[string]string {
	out := map[string]string{}
	for p, d := range tree {
		d = volatile.ReplaceAllStringFunc(d, func(m string) string {
			switch {
			case strings.HasPrefix(m, `"port"`):
				return `"port":P`
			case strings.HasPrefix(m, `"timestamp"`):
				return `"timestamp":"T"`
			}
			return "H:P"
		})
		out[p] = strings.ReplaceAll(d, clusterID, "CLUSTER-ID")
	}
	return out
}
