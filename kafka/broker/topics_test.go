package broker

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// TestCreateTopics: each topic of a request succeeds or fails with
// Kafka's code; validate_only creates nothing; v0 carries no message.
//
// Reference: AK 2.3 AdminManager.createTopics, Topic.validate,
// KafkaApis.handleCreateTopicsRequest (duplicates).
func TestCreateTopics(t *testing.T) {
	testBroker(t, nil, func(t *testing.T, b *Broker) {
		c := dial(t, b)
		createTopic(t, c, "exists", 1)
		createTopic(t, c, "a.b", 1)
		type tc struct {
			name       string
			partitions int32
			rf         int16
			configs    map[string]string
			assign     [][]int32
			want       *kerr.Error
		}
		cases := []tc{
			{"ok", 3, 1, nil, nil, nil},
			{"defaults", -1, -1, nil, nil, nil},
			{"with-config", 1, 1, map[string]string{"retention.ms": "1000", "segment.bytes": "1048576"}, nil, nil},
			{"assigned", -1, -1, nil, [][]int32{{0}, {0}}, nil},
			{"exists", 1, 1, nil, nil, kerr.TopicAlreadyExists},
			{"a_b", 1, 1, nil, nil, kerr.InvalidTopicException},
			{"bad name!", 1, 1, nil, nil, kerr.InvalidTopicException},
			{"..", 1, 1, nil, nil, kerr.InvalidTopicException},
			{string(make([]byte, 250)), 1, 1, nil, nil, kerr.InvalidTopicException},
			{"zero-partitions", 0, 1, nil, nil, kerr.InvalidPartitions},
			{"rf3", 1, 3, nil, nil, kerr.InvalidReplicationFactor},
			{"rf0", 1, 0, nil, nil, kerr.InvalidReplicationFactor},
			{"bad-config", 1, 1, map[string]string{"cleanup.policy": "compact"}, nil, kerr.InvalidConfig},
			{"unknown-config", 1, 1, map[string]string{"no.such.key": "1"}, nil, kerr.InvalidConfig},
			{"bad-assign", -1, -1, nil, [][]int32{{0, 1}}, kerr.InvalidReplicaAssignment},
			{"both", 2, -1, nil, [][]int32{{0}}, kerr.InvalidRequest},
		}
		req := kmsg.NewPtrCreateTopicsRequest()
		req.Version = 3
		for _, tc := range cases {
			rt := kmsg.NewCreateTopicsRequestTopic()
			rt.Topic, rt.NumPartitions, rt.ReplicationFactor = tc.name, tc.partitions, tc.rf
			for k, v := range tc.configs {
				rt.Configs = append(rt.Configs, kmsg.CreateTopicsRequestTopicConfig{Name: k, Value: kmsg.StringPtr(v)})
			}
			for i, rs := range tc.assign {
				rt.ReplicaAssignment = append(rt.ReplicaAssignment, kmsg.CreateTopicsRequestTopicReplicaAssignment{Partition: int32(i), Replicas: rs})
			}
			req.Topics = append(req.Topics, rt)
		}
		resp := do[*kmsg.CreateTopicsResponse](c, req)
		for i, tc := range cases {
			got := resp.Topics[i]
			want := int16(0)
			if tc.want != nil {
				want = tc.want.Code
			}
			if got.Topic != tc.name || got.ErrorCode != want {
				t.Errorf("%.20q: error %d, want %d", tc.name, got.ErrorCode, want)
			}
			if want != 0 && (got.ErrorMessage == nil || *got.ErrorMessage == "") {
				t.Errorf("%.20q: no error message in v3", tc.name)
			}
		}
		b.mu.RLock()
		nOK, nDefault, nAssigned := len(b.topics["ok"].partitions), len(b.topics["defaults"].partitions), len(b.topics["assigned"].partitions)
		cfg := b.topics["with-config"].partitions[0].log.Config()
		b.mu.RUnlock()
		if nOK != 3 || nDefault != 1 || nAssigned != 2 || cfg.RetentionMs != 1000 || cfg.SegmentBytes != 1<<20 {
			t.Fatalf("created: %d, %d, %d partitions; config %+v", nOK, nDefault, nAssigned, cfg)
		}

		// Duplicates fail every copy; validate_only creates nothing; v0 has no message.
		req = kmsg.NewPtrCreateTopicsRequest()
		req.Version = 1
		req.ValidateOnly = true
		for _, name := range []string{"dup", "dup", "dry"} {
			rt := kmsg.NewCreateTopicsRequestTopic()
			rt.Topic, rt.NumPartitions, rt.ReplicationFactor = name, 1, 1
			req.Topics = append(req.Topics, rt)
		}
		resp = do[*kmsg.CreateTopicsResponse](c, req)
		if resp.Topics[0].ErrorCode != kerr.InvalidRequest.Code || resp.Topics[1].ErrorCode != kerr.InvalidRequest.Code || resp.Topics[2].ErrorCode != 0 {
			t.Fatalf("duplicates/validate_only: %+v", resp.Topics)
		}
		if _, err := b.partitionFor("dry", 0); err == nil {
			t.Fatal("validate_only created the topic")
		}
		req.Version = 0
		resp = do[*kmsg.CreateTopicsResponse](c, req)
		if resp.Topics[0].ErrorMessage != nil {
			t.Fatal("v0 response carries an error message")
		}
	})
}

// TestRestart: a closed broker leaves the clean-shutdown marker and the
// checkpoints; reopened, it finds its topics and continues the offsets.
// After a crash (no Close) the logs are recovered from the disk as fsynced.
//
// Reference: docs/reference/kafka.md §3 "Checkpoint files", "Recovery".
func TestRestart(t *testing.T) {
	mem := vfs.NewMem()
	cfg := func(c *Config) { c.FS = mem; c.LogDirs = []string{"/d1", "/d2"} }
	var cluster string
	testBroker(t, cfg, func(t *testing.T, b *Broker) {
		c := dial(t, b)
		createTopic(t, c, "keep", 4)
		produce(t, c, "keep", 3, batchOf(t, 1000, 5, 10))
		cluster = b.ClusterID()
	})
	for _, f := range []string{"/d1/.kafka_cleanshutdown", "/d2/.kafka_cleanshutdown", "/d1/meta.properties", "/d1/recovery-point-offset-checkpoint"} {
		if _, err := mem.Stat(f); err != nil {
			t.Fatalf("after Close: %v", err)
		}
	}
	testBroker(t, cfg, func(t *testing.T, b *Broker) {
		if b.ClusterID() != cluster {
			t.Fatalf("cluster id changed: %s -> %s", cluster, b.ClusterID())
		}
		b.mu.RLock()
		n := len(b.topics["keep"].partitions)
		dirs := [2]int{len(b.logs.Dirs()[0].Partitions()), len(b.logs.Dirs()[1].Partitions())}
		b.mu.RUnlock()
		if n != 4 || dirs != [2]int{2, 2} {
			t.Fatalf("reopened: %d partitions, spread %v", n, dirs)
		}
		if off := produce(t, dial(t, b), "keep", 3, batchOf(t, 1000, 1, 10)); off != 5 {
			t.Fatalf("offsets restarted at %d, want 5", off)
		}
	})
	if _, err := New(Config{FS: mem, LogDirs: []string{"/d1"}, NodeID: 9, Logger: testLogger(t)}); err == nil {
		t.Fatal("opened another broker's log dir")
	}
}

// TestRetentionTimer: the log manager's retention job runs every
// log.retention.check.interval.ms on the broker's maintenance goroutine
// and deletes segments older than retention.ms — the expired active
// segment too, after rolling a new one (Kafka 2.3), since the high
// watermark covers it — moving the log start offset to the log end.
//
// Reference: docs/reference/kafka.md §3 "Retention", §11 "Retention in
// 2.3"; AK 2.3.1 LogManager.cleanupLogs, Log.deleteOldSegments.
func TestRetentionTimer(t *testing.T) {
	mod := func(c *Config) {
		c.RetentionCheckInterval = time.Minute
		c.Log = log.DefaultConfig()
		c.Log.SegmentBytes = 200
		c.Log.RetentionMs = 10 * 60_000
	}
	testBroker(t, mod, func(t *testing.T, b *Broker) {
		c := dial(t, b)
		createTopic(t, c, "r", 1)
		now := time.Now().UnixMilli()
		for range 5 {
			produce(t, c, "r", 0, batchOf(t, now, 1, 100)) // one batch per segment
		}
		earliest := func() int64 {
			p, _ := b.partitionFor("r", 0)
			p.mu.Lock()
			defer p.mu.Unlock()
			return p.log.StartOffset()
		}
		// Fake time (synctest): Sleep moves the clock, Wait lets the
		// retention goroutine finish the checks that fell due.
		time.Sleep(5 * time.Minute)
		synctest.Wait()
		if e := earliest(); e != 0 {
			t.Fatalf("deleted too early: start %d", e)
		}
		time.Sleep(6 * time.Minute)
		synctest.Wait()
		if e := earliest(); e != 5 {
			t.Fatalf("after retention.ms: start %d, want 5 (every segment, the active one rolled first)", e)
		}
		// The partition is empty and still takes appends at the log end.
		if off := produce(t, c, "r", 0, batchOf(t, time.Now().UnixMilli(), 1, 10)); off != 5 {
			t.Fatalf("append after retention at %d, want 5", off)
		}
	})
}
