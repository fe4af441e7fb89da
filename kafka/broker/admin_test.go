package broker

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/broker/metadata"
	"github.com/zkafka/zkafka/kafka/log"
	kpartition "github.com/zkafka/zkafka/kafka/partition"
	"github.com/zkafka/zkafka/kafka/partition/assignment"
	"github.com/zkafka/zkafka/kafka/zkdata"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// Topic administration on a 3-broker cluster: CreatePartitions,
// AlterConfigs and DescribeConfigs, with Kafka 2.3's znodes, codes and
// messages. Every wait is on a broker's applied snapshot.

func createPartitionsReq(t *testing.T, b *Broker, validateOnly bool, topics ...kmsg.CreatePartitionsRequestTopic) *kmsg.CreatePartitionsResponse {
	t.Helper()
	req := kmsg.NewPtrCreatePartitionsRequest()
	req.Version, req.TimeoutMillis, req.ValidateOnly, req.Topics = 1, 10000, validateOnly, topics
	return do[*kmsg.CreatePartitionsResponse](tcp(t, b), req)
}

func newPartitions(topic string, count int32, assign ...[]int32) kmsg.CreatePartitionsRequestTopic {
	rt := kmsg.NewCreatePartitionsRequestTopic()
	rt.Topic, rt.Count = topic, count
	for _, a := range assign {
		ra := kmsg.NewCreatePartitionsRequestTopicAssignment()
		ra.Replicas = a
		rt.Assignment = append(rt.Assignment, ra)
	}
	return rt
}

func alterTopic(t *testing.T, b *Broker, topic string, validateOnly bool, kv ...string) kmsg.AlterConfigsResponseResource {
	t.Helper()
	req := kmsg.NewPtrAlterConfigsRequest()
	req.Version, req.ValidateOnly = 1, validateOnly
	res := kmsg.NewAlterConfigsRequestResource()
	res.ResourceType, res.ResourceName = kmsg.ConfigResourceTypeTopic, topic
	for i := 0; i+1 < len(kv); i += 2 {
		c := kmsg.NewAlterConfigsRequestResourceConfig()
		c.Name, c.Value = kv[i], kmsg.StringPtr(kv[i+1])
		res.Configs = append(res.Configs, c)
	}
	req.Resources = append(req.Resources, res)
	return do[*kmsg.AlterConfigsResponse](tcp(t, b), req).Resources[0]
}

func describe(t *testing.T, b *Broker, typ kmsg.ConfigResourceType, name string, names ...string) kmsg.DescribeConfigsResponseResource {
	t.Helper()
	req := kmsg.NewPtrDescribeConfigsRequest()
	req.Version, req.IncludeSynonyms = 2, true
	res := kmsg.NewDescribeConfigsRequestResource()
	res.ResourceType, res.ResourceName, res.ConfigNames = typ, name, names
	req.Resources = append(req.Resources, res)
	return do[*kmsg.DescribeConfigsResponse](tcp(t, b), req).Resources[0]
}

func msgOf(p *string) string {
	if p == nil {
		return "<null>"
	}
	return *p
}

// TestClusterCreatePartitions: a 3-partition topic grows to 5 on another
// broker than its creator; the new partitions follow AdminUtils' rules
// (start fixed by partition 0's first replica), get state znodes and
// leaders, and every broker's Metadata lists them. The refusals carry
// 2.3's codes and messages.
// Reference: AK 2.3.1 AdminManager.createPartitions, AdminZkClient.addPartitions.
func TestClusterCreatePartitions(t *testing.T) {
	zk := startZK(t)
	n1, n2, n3 := startNode(t, zk, 1), startNode(t, zk, 2), startNode(t, zk, 3)
	waitCluster(t, n1.b, "3 live", liveIs(1, 2, 3))
	waitCluster(t, n2.b, "3 live", liveIs(1, 2, 3))
	if e := createTopicZ(t, n1.b, "t", 3, 2, 10000, nil).Topics[0]; e.ErrorCode != 0 {
		t.Fatalf("create: %v %s", kerr.ErrorForCode(e.ErrorCode), msgOf(e.ErrorMessage))
	}
	waitCluster(t, n2.b, "n2 sees t", func(s *metadata.Snapshot) bool { return s.Topics["t"] != nil })
	before := n2.b.Snapshot().Topics["t"]

	// validate_only checks and writes nothing.
	if e := createPartitionsReq(t, n2.b, true, newPartitions("t", 5)).Topics[0]; e.ErrorCode != 0 {
		t.Fatalf("validate only: %v %s", kerr.ErrorForCode(e.ErrorCode), msgOf(e.ErrorMessage))
	}
	if e := createPartitionsReq(t, n2.b, false, newPartitions("t", 5)).Topics[0]; e.ErrorCode != 0 {
		t.Fatalf("create partitions: %v %s", kerr.ErrorForCode(e.ErrorCode), msgOf(e.ErrorMessage))
	}
	// The request returned once n2 saw the new partitions with leaders.
	got := n2.b.Snapshot().Topics["t"]
	if len(got.Partitions) != 5 {
		t.Fatalf("n2 has %d partitions after the answer", len(got.Partitions))
	}
	start := 0
	brokers := []assignment.Broker{{ID: 1}, {ID: 2}, {ID: 3}}
	for i, b := range brokers {
		if b.ID >= before.Partitions[0].Replicas[0] {
			start = i
			break
		}
	}
	want, err := kpartition.Assign(brokers, 2, 2, assignment.FixedStart(start, 3))
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range got.Partitions {
		if i < 3 && !reflect.DeepEqual(p.Replicas, before.Partitions[i].Replicas) {
			t.Errorf("partition %d moved: %v, was %v", i, p.Replicas, before.Partitions[i].Replicas)
		}
		if i >= 3 && !reflect.DeepEqual(p.Replicas, want[i-3]) {
			t.Errorf("partition %d on %v, AdminUtils says %v", i, p.Replicas, want[i-3])
		}
	}
	conn := zkConn(t, zk)
	ctx := context.Background()
	data, _, err := conn.Get(ctx, zkdata.TopicPath("t"))
	if err != nil || !strings.HasPrefix(string(data), `{"version":1,"partitions":{"0":`) || !strings.Contains(string(data), `"4":`) {
		t.Errorf("/brokers/topics/t = %s, %v", data, err)
	}
	for p := int32(3); p < 5; p++ {
		data, _, err := conn.Get(ctx, zkdata.PartitionStatePath("t", p))
		r := got.Partitions[p].Replicas
		wantState := `{"controller_epoch":0,"leader":` + fmt.Sprint(r[0]) + `,"version":1,"leader_epoch":0,"isr":[` + fmt.Sprint(r[0]) + "," + fmt.Sprint(r[1]) + `]}`
		if err != nil || string(data) != wantState {
			t.Errorf("state of t-%d = %s, %v; want %s", p, data, err, wantState)
		}
	}
	waitCluster(t, n3.b, "n3 sees 5 partitions", func(s *metadata.Snapshot) bool { return s.Topics["t"] != nil && len(s.Topics["t"].Partitions) == 5 })
	md := metadataOf(t, n3.b, "t")
	if len(md.Topics[0].Partitions) != 5 {
		t.Fatalf("metadata lists %d partitions", len(md.Topics[0].Partitions))
	}
	for _, p := range md.Topics[0].Partitions {
		if p.ErrorCode != 0 || p.Leader != p.Replicas[0] {
			t.Errorf("metadata partition %+v", p)
		}
	}
	for _, n := range []*node{n1, n2, n3} {
		for p := int32(3); p < 5; p++ {
			if slices.Contains(got.Partitions[p].Replicas, n.cfg.NodeID) && n.b.localPartition("t", p) == nil {
				waitCluster(t, n.b, "log of t-new", func(s *metadata.Snapshot) bool { return n.b.localPartition("t", p) != nil })
			}
		}
	}
	if code := produceCode(t, map[int32]*node{1: n1, 2: n2, 3: n3}[got.Partitions[4].Leader].b, "t", 4); code != 0 {
		t.Errorf("produce to t-4: %v", kerr.ErrorForCode(code))
	}

	for _, c := range []struct {
		topics []kmsg.CreatePartitionsRequestTopic
		code   int16
		msg    string
	}{
		{[]kmsg.CreatePartitionsRequestTopic{newPartitions("t", 5)}, kerr.InvalidPartitions.Code, "Topic already has 5 partitions."},
		{[]kmsg.CreatePartitionsRequestTopic{newPartitions("t", 2)}, kerr.InvalidPartitions.Code, "Topic currently has 5 partitions, which is higher than the requested 2."},
		{[]kmsg.CreatePartitionsRequestTopic{newPartitions("nope", 2)}, kerr.UnknownTopicOrPartition.Code, "The topic 'nope' does not exist."},
		{[]kmsg.CreatePartitionsRequestTopic{newPartitions("t", 6), newPartitions("t", 7)}, kerr.InvalidRequest.Code, "Duplicate topic in request."},
		{[]kmsg.CreatePartitionsRequestTopic{newPartitions("t", 6, []int32{1, 9})}, kerr.InvalidReplicaAssignment.Code, "Unknown broker(s) in replica assignment: 9."},
		{[]kmsg.CreatePartitionsRequestTopic{newPartitions("t", 7, []int32{1, 2})}, kerr.InvalidReplicaAssignment.Code, "Increasing the number of partitions by 2 but 1 assignments provided."},
		{[]kmsg.CreatePartitionsRequestTopic{newPartitions("t", 6, []int32{1})}, kerr.InvalidReplicaAssignment.Code,
			"Inconsistent replication factor between partitions, partition 0 has 2 while partitions [5] have replication factors [1], respectively."},
		{[]kmsg.CreatePartitionsRequestTopic{newPartitions("t", 6, []int32{2, 2})}, kerr.InvalidReplicaAssignment.Code, "Duplicate brokers not allowed in replica assignment: 2, 2 for partition id 5."},
	} {
		e := createPartitionsReq(t, n1.b, false, c.topics...).Topics[0]
		if e.ErrorCode != c.code || msgOf(e.ErrorMessage) != c.msg {
			t.Errorf("%s to %d: %v %q, want %v %q", c.topics[0].Topic, c.topics[0].Count, kerr.ErrorForCode(e.ErrorCode), msgOf(e.ErrorMessage), kerr.ErrorForCode(c.code), c.msg)
		}
	}
	// A given assignment is taken as is.
	if e := createPartitionsReq(t, n1.b, false, newPartitions("t", 6, []int32{3, 1})).Topics[0]; e.ErrorCode != 0 {
		t.Fatalf("given assignment: %v %s", kerr.ErrorForCode(e.ErrorCode), msgOf(e.ErrorMessage))
	}
	if p, _ := n1.b.Snapshot().Partition("t", 5); !reflect.DeepEqual(p.Replicas, []int32{3, 1}) || p.Leader != 3 {
		t.Errorf("t-5 = %+v", p)
	}
}

// TestClusterAlterConfigs: a config altered through one broker is
// written as 2.3 writes it (/config/topics/<t> and a version 2 notice
// under /config/changes) and every broker's logs apply it live;
// DescribeConfigs on a third broker shows it with its source and
// synonyms; validate_only and the refusals change nothing.
// Reference: AK 2.3.1 AdminManager.alterConfigs/describeConfigs,
// AdminZkClient.changeTopicConfig, DynamicConfigManager.
func TestClusterAlterConfigs(t *testing.T) {
	zk := startZK(t)
	n1, n2, n3 := startNode(t, zk, 1), startNode(t, zk, 2), startNode(t, zk, 3)
	nodes := []*node{n1, n2, n3}
	for _, n := range nodes {
		waitCluster(t, n.b, "3 live", liveIs(1, 2, 3))
	}
	if e := createTopicZ(t, n1.b, "t", 3, 3, 10000, map[string]string{"segment.ms": "60000"}).Topics[0]; e.ErrorCode != 0 {
		t.Fatalf("create: %v %s", kerr.ErrorForCode(e.ErrorCode), msgOf(e.ErrorMessage))
	}
	for _, n := range nodes {
		waitCluster(t, n.b, "sees t", func(s *metadata.Snapshot) bool { return s.Topics["t"] != nil })
	}
	conn := zkConn(t, zk)
	ctx := context.Background()
	if r := alterTopic(t, n2.b, "t", true, "retention.ms", "5"); r.ErrorCode != 0 {
		t.Fatalf("validate only: %v %s", kerr.ErrorForCode(r.ErrorCode), msgOf(r.ErrorMessage))
	}
	if kids, _, _ := conn.Children(ctx, zkdata.ConfigChangesPath); len(kids) != 0 {
		t.Fatalf("validate_only wrote notices %v", kids)
	}
	if r := alterTopic(t, n2.b, "t", false, "retention.ms", "1000", "segment.bytes", "1048576"); r.ErrorCode != 0 {
		t.Fatalf("alter: %v %s", kerr.ErrorForCode(r.ErrorCode), msgOf(r.ErrorMessage))
	}
	data, _, err := conn.Get(ctx, zkdata.TopicConfigPath("t"))
	if want := `{"version":1,"config":{"retention.ms":"1000","segment.bytes":"1048576"}}`; err != nil || string(data) != want {
		t.Errorf("/config/topics/t = %s, %v; want %s", data, err, want)
	}
	kids, _, err := conn.Children(ctx, zkdata.ConfigChangesPath)
	if err != nil || len(kids) != 1 || kids[0] != "config_change_0000000000" {
		t.Fatalf("/config/changes = %v, %v", kids, err)
	}
	if data, _, _ := conn.Get(ctx, zkdata.ConfigChangesPath+"/"+kids[0]); string(data) != `{"version":2,"entity_path":"topics/t"}` {
		t.Errorf("notice = %s", data)
	}
	for _, n := range nodes {
		waitCluster(t, n.b, "config applied", func(s *metadata.Snapshot) bool { return s.Topics["t"].Config["retention.ms"] == "1000" })
		for p := int32(0); p < 3; p++ {
			lp := n.b.localPartition("t", p)
			lp.mu.Lock()
			c := lp.log.Config()
			lp.mu.Unlock()
			if c.RetentionMs != 1000 || c.SegmentBytes != 1048576 || c.SegmentMs != n.b.cfg.Log.SegmentMs {
				t.Errorf("broker %d t-%d: retention.ms %d segment.bytes %d segment.ms %d", n.cfg.NodeID, p, c.RetentionMs, c.SegmentBytes, c.SegmentMs)
			}
		}
	}

	for _, c := range []struct {
		topic string
		kv    []string
		code  int16
		msg   string
	}{
		{"t", []string{"retention.mss", "1"}, kerr.InvalidConfig.Code, "Unknown topic config name: retention.mss"},
		{"t", []string{"retention.ms", "soon"}, kerr.InvalidRequest.Code,
			"Invalid config value for resource ConfigResource(type=TOPIC, name='t'): Invalid value soon for configuration retention.ms: Not a number of type LONG"},
		{"nope", []string{"retention.ms", "1"}, kerr.UnknownServerError.Code, `Topic "nope" does not exist.`},
	} {
		r := alterTopic(t, n3.b, c.topic, false, c.kv...)
		if r.ErrorCode != c.code || msgOf(r.ErrorMessage) != c.msg {
			t.Errorf("alter %s %v: %v %q, want %v %q", c.topic, c.kv, kerr.ErrorForCode(r.ErrorCode), msgOf(r.ErrorMessage), kerr.ErrorForCode(c.code), c.msg)
		}
	}

	// Describe on another broker than the writer.
	d := describe(t, n3.b, kmsg.ConfigResourceTypeTopic, "t")
	if d.ErrorCode != 0 {
		t.Fatalf("describe: %v", kerr.ErrorForCode(d.ErrorCode))
	}
	byName := map[string]kmsg.DescribeConfigsResponseResourceConfig{}
	for _, c := range d.Configs {
		byName[c.Name] = c
	}
	if len(byName) != len(topicConfigDefs) {
		t.Errorf("described %d configs, want %d", len(byName), len(topicConfigDefs))
	}
	syn := func(c kmsg.DescribeConfigsResponseResourceConfig) string {
		var s []string
		for _, y := range c.ConfigSynonyms {
			s = append(s, y.Source.String()+":"+y.Name+"="+msgOf(y.Value))
		}
		return strings.Join(s, ",")
	}
	for _, w := range []struct{ name, value, source, synonyms string }{
		{"retention.ms", "1000", "DYNAMIC_TOPIC_CONFIG", "DYNAMIC_TOPIC_CONFIG:retention.ms=1000"},
		{"segment.bytes", "1048576", "DYNAMIC_TOPIC_CONFIG", "DYNAMIC_TOPIC_CONFIG:segment.bytes=1048576,DEFAULT_CONFIG:log.segment.bytes=1073741824"},
		{"segment.ms", "604800000", "DEFAULT_CONFIG", ""}, // the creation's override was replaced: AlterConfigs is not incremental
		{"retention.bytes", "-1", "DEFAULT_CONFIG", "DEFAULT_CONFIG:log.retention.bytes=-1"},
	} {
		c := byName[w.name]
		if msgOf(c.Value) != w.value || c.Source.String() != w.source || syn(c) != w.synonyms || c.ReadOnly || c.IsSensitive {
			t.Errorf("%s = %s %s {%s}, want %s %s {%s}", w.name, msgOf(c.Value), c.Source, syn(c), w.value, w.source, w.synonyms)
		}
	}
	if d := describe(t, n3.b, kmsg.ConfigResourceTypeTopic, "t", "retention.ms", "no.such"); len(d.Configs) != 1 || d.Configs[0].Name != "retention.ms" {
		t.Errorf("describe by name: %+v", d.Configs)
	}
	if d := describe(t, n3.b, kmsg.ConfigResourceTypeTopic, "nope"); d.ErrorCode != kerr.UnknownTopicOrPartition.Code || d.ErrorMessage != nil {
		t.Errorf("describe unknown topic: %v %s", kerr.ErrorForCode(d.ErrorCode), msgOf(d.ErrorMessage))
	}
	if d := describe(t, n3.b, kmsg.ConfigResourceTypeBroker, "3", "broker.id"); d.ErrorCode != 0 || len(d.Configs) != 1 || msgOf(d.Configs[0].Value) != "3" || !d.Configs[0].ReadOnly {
		t.Errorf("describe broker 3: %+v", d)
	}
	if d := describe(t, n3.b, kmsg.ConfigResourceTypeBroker, "1"); d.ErrorCode != kerr.InvalidRequest.Code ||
		msgOf(d.ErrorMessage) != "Unexpected broker id, expected 3 or empty string, but received 1" {
		t.Errorf("describe broker 1 on 3: %v %s", kerr.ErrorForCode(d.ErrorCode), msgOf(d.ErrorMessage))
	}
}

// aheadClock is the wall clock an hour ahead: every config change notice
// looks older than the 15 minutes Kafka keeps them.
type aheadClock struct{ log.WallClock }

func (aheadClock) NowMs() int64 { return log.WallClock{}.NowMs() + time.Hour.Milliseconds() }

// TestClusterPurgesConfigChanges: a broker that processes a notice older
// than 15 minutes deletes it afterwards
// (ZkNodeChangeNotificationListener.purgeObsoleteNotifications), having
// applied it first.
func TestClusterPurgesConfigChanges(t *testing.T) {
	zk := startZK(t)
	cfg, lb := clusterConfig(t, zk, 2, vfs.NewMem())
	cfg.Clock = aheadClock{}
	n2 := &node{cfg: cfg, log: lb}
	n2.start(t)
	t.Cleanup(func() { n2.b.Close() })
	waitCluster(t, n2.b, "2 live", liveIs(2))
	if e := createTopicZ(t, n2.b, "t", 1, 1, 10000, nil).Topics[0]; e.ErrorCode != 0 {
		t.Fatalf("create: %v", kerr.ErrorForCode(e.ErrorCode))
	}
	conn := zkConn(t, zk)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	_, _, ch, err := conn.ChildrenW(ctx, zkdata.ConfigChangesPath)
	if err != nil {
		t.Fatal(err)
	}
	if r := alterTopic(t, n2.b, "t", false, "retention.ms", "1000"); r.ErrorCode != 0 {
		t.Fatalf("alter: %v", kerr.ErrorForCode(r.ErrorCode))
	}
	waitCluster(t, n2.b, "applied", func(s *metadata.Snapshot) bool { return s.Topics["t"].Config["retention.ms"] == "1000" })
	for {
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatal("the notice was never purged")
		}
		var kids []string
		kids, _, ch, err = conn.ChildrenW(ctx, zkdata.ConfigChangesPath)
		if err != nil {
			t.Fatal(err)
		}
		if len(kids) == 0 {
			return
		}
	}
}
