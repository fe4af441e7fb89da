package broker

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/log"
)

// CreateTopics: v0-3 (Kafka 2.3's range).
//
// Behavior: each topic succeeds or fails
// on its own, with Kafka's codes: INVALID_TOPIC_EXCEPTION (bad name or a
// '.'/'_' collision), TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS,
// INVALID_REPLICATION_FACTOR (a standalone broker can only hold one
// replica), INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG, and INVALID_REQUEST
// for a topic named twice in one request (every copy fails). validate_only
// (v1+) checks without creating. -1 partitions or replication factor
// means the broker default (KIP-464, Kafka 2.4; kadm sends it).
// Reference: AK 2.3 KafkaApis.handleCreateTopicsRequest,
// AdminManager.createTopics, AdminUtils.assignReplicasToBrokers.
func init() { register(19, 0, 3, (*Broker).handleCreateTopics) }

func (b *Broker) handleCreateTopics(rc *request, r *kmsg.CreateTopicsRequest) (*frame, error) {
	if b.cluster != nil {
		return b.clusterCreateTopics(rc, r) // cluster_topics.go
	}
	resp := kmsg.NewPtrCreateTopicsResponse()
	resp.Version = r.Version
	seen := map[string]int{}
	for _, t := range r.Topics {
		seen[t.Topic]++
	}
	for _, t := range r.Topics {
		st := kmsg.NewCreateTopicsResponseTopic()
		st.Topic = t.Topic
		var err error
		if seen[t.Topic] > 1 {
			err = fmt.Errorf("create topics request contains multiple entries for topic %q: %w", t.Topic, kerr.InvalidRequest)
		} else {
			err = b.createOne(t, r.ValidateOnly)
		}
		b.refuseTopic(&st, r.Version, err)
		resp.Topics = append(resp.Topics, st)
	}
	return rc.respond(resp)
}

// refuseTopic puts err, if any, in a CreateTopics answer (with its
// message from v1) and logs it.
func (b *Broker) refuseTopic(st *kmsg.CreateTopicsResponseTopic, version int16, err error) {
	if err == nil {
		return
	}
	st.ErrorCode = codeOf(err)
	if version >= 1 {
		st.ErrorMessage = kmsg.StringPtr(err.Error())
	}
	b.cfg.Logger.Info("create topic refused", "topic", st.Topic, "err", err)
}

func (b *Broker) createOne(t kmsg.CreateTopicsRequestTopic, validateOnly bool) error {
	spec := topicSpec{name: t.Topic, partitions: t.NumPartitions, cfg: b.cfg.Log}
	rf := t.ReplicationFactor
	if len(t.ReplicaAssignment) > 0 {
		if t.NumPartitions != -1 || rf != -1 {
			return fmt.Errorf("both partitions/replication factor and a replica assignment given: %w", kerr.InvalidRequest)
		}
		if err := b.checkAssignment(t.ReplicaAssignment); err != nil {
			return err
		}
		spec.partitions = int32(len(t.ReplicaAssignment))
		rf = 1
	}
	if spec.partitions == -1 {
		spec.partitions = b.cfg.NumPartitions
	}
	if rf == -1 {
		rf = 1 // default.replication.factor
	}
	if rf <= 0 {
		return fmt.Errorf("replication factor must be larger than 0: %w", kerr.InvalidReplicationFactor)
	}
	if rf > 1 {
		return fmt.Errorf("replication factor: %d larger than available brokers: 1: %w", rf, kerr.InvalidReplicationFactor)
	}
	cfg, err := topicConfig(b.cfg.Log, t.Configs)
	if err != nil {
		return err
	}
	spec.cfg = cfg
	b.mu.Lock()
	defer b.mu.Unlock()
	if validateOnly {
		return b.checkCreate(spec)
	}
	_, err = b.createTopic(spec)
	return err
}

// checkAssignment accepts partitions 0..n-1, each on this broker alone.
func (b *Broker) checkAssignment(as []kmsg.CreateTopicsRequestTopicReplicaAssignment) error {
	seen := map[int32]bool{}
	for _, a := range as {
		if a.Partition < 0 || int(a.Partition) >= len(as) || seen[a.Partition] {
			return fmt.Errorf("partitions must be consecutive from 0: %w", kerr.InvalidReplicaAssignment)
		}
		seen[a.Partition] = true
		if len(a.Replicas) != 1 || a.Replicas[0] != b.cfg.NodeID {
			return fmt.Errorf("partition %d replicas %v: only broker %d exists: %w", a.Partition, a.Replicas, b.cfg.NodeID, kerr.InvalidReplicaAssignment)
		}
	}
	return nil
}

// topicConfig applies a topic's config overrides to the broker defaults.
// Only the keys the log implements are accepted; the rest are
// INVALID_CONFIG rather than silently ignored. Standalone, overrides live
// in memory (a restarted broker reopens the topic with its defaults); in
// cluster mode they live in ZooKeeper (/config/topics/<t>) and survive.
func topicConfig(base log.Config, configs []kmsg.CreateTopicsRequestTopicConfig) (log.Config, error) {
	return topicConfigMap(base, overrides(configs))
}

// overrides are a request's non-null configs.
func overrides(configs []kmsg.CreateTopicsRequestTopicConfig) map[string]string {
	m := map[string]string{}
	for _, kv := range configs {
		if kv.Value != nil { // null: use the default
			m[kv.Name] = *kv.Value
		}
	}
	return m
}

// topicConfigMap applies config overrides (a request's, or
// /config/topics/<t>'s) to the broker defaults.
func topicConfigMap(base log.Config, configs map[string]string) (log.Config, error) {
	c := base
	names := make([]string, 0, len(configs))
	for k := range configs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		v := configs[name]
		if name == "cleanup.policy" {
			if v != "delete" {
				return c, fmt.Errorf("cleanup.policy=%s is not supported (no log compaction): %w", v, kerr.InvalidConfig)
			}
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return c, fmt.Errorf("config %s=%q is not a number: %w", name, v, kerr.InvalidConfig)
		}
		switch name {
		case "retention.ms":
			c.RetentionMs = n
		case "retention.bytes":
			c.RetentionBytes = n
		case "segment.bytes":
			c.SegmentBytes = n
		case "segment.ms":
			c.SegmentMs = n
		case "segment.index.bytes":
			c.SegmentIndexBytes = int(min(n, 1<<31-1))
		case "index.interval.bytes":
			c.IndexIntervalBytes = int(min(n, 1<<31-1))
		case "flush.messages":
			c.FlushMessages = n
		case "flush.ms":
			c.FlushMs = n
		case "max.message.bytes":
			c.MaxMessageBytes = int(min(n, 1<<31-1))
		default:
			return c, fmt.Errorf("unknown or unsupported topic config %s: %w", name, kerr.InvalidConfig)
		}
	}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("%w: %w", kerr.InvalidConfig, err)
	}
	return c, nil
}
