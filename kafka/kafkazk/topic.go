package kafkazk

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/zkafka/zkafka/kafka/zkdata"
	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// TopicsW lists the topics (children of /brokers/topics), sorted, and
// watches the list.
func (c *Client) TopicsW(ctx context.Context) ([]string, <-chan client.Event, error) {
	names, _, ch, err := c.Conn().ChildrenW(ctx, zkdata.TopicsPath)
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(names)
	return names, ch, nil
}

// Topics lists the topics, sorted (getAllTopicsInCluster).
func (c *Client) Topics(ctx context.Context) ([]string, error) {
	names, _, err := c.Conn().Children(ctx, zkdata.TopicsPath)
	sort.Strings(names)
	return names, err
}

// TopicExists is topicExists: does /brokers/topics/<t> exist.
func (c *Client) TopicExists(ctx context.Context, topic string) (bool, error) {
	ok, _, err := c.Conn().Exists(ctx, zkdata.TopicPath(topic))
	return ok, err
}

// TopicAssignmentW reads a topic's replica assignment (version 1, or
// 2.4's version 2) and watches it. A malformed one returns an error
// matching zkdata.ErrMalformed with the watch set; a missing one
// zkerr.NoNode with none.
func (c *Client) TopicAssignmentW(ctx context.Context, topic string) (zkdata.TopicAssignment, <-chan client.Event, error) {
	data, _, ch, err := c.Conn().GetW(ctx, zkdata.TopicPath(topic))
	if err != nil {
		return zkdata.TopicAssignment{}, nil, err
	}
	a, err := zkdata.DecodeTopic(data)
	if err != nil {
		return zkdata.TopicAssignment{}, ch, fmt.Errorf("%s: %w", zkdata.TopicPath(topic), err)
	}
	return a, ch, nil
}

// TopicConfigW reads a topic's config overrides (/config/topics/<t>) and
// watches the znode. A topic without the znode (written by hand, or by a
// tool older than the topic's creator) has no overrides; the watch then
// waits for the znode's creation. Malformed: an error matching
// zkdata.ErrMalformed, with the watch set.
func (c *Client) TopicConfigW(ctx context.Context, topic string) (map[string]string, <-chan client.Event, error) {
	conn := c.Conn()
	path := zkdata.TopicConfigPath(topic)
	for {
		data, _, ch, err := conn.GetW(ctx, path)
		if errors.Is(err, zkerr.NoNode) {
			ok, _, ch, err := conn.ExistsW(ctx, path)
			if err != nil {
				return nil, nil, err
			}
			if ok {
				continue // created meanwhile: read it
			}
			return map[string]string{}, ch, nil
		}
		if err != nil {
			return nil, nil, err
		}
		cfg, err := zkdata.DecodeEntityConfig(data)
		if err != nil {
			return nil, ch, fmt.Errorf("%s: %w", path, err)
		}
		return cfg, ch, nil
	}
}

// PartitionState reads a partition's state znode.
func (c *Client) PartitionState(ctx context.Context, topic string, partition int32) (zkdata.PartitionState, proto.Stat, error) {
	data, st, err := c.Conn().Get(ctx, zkdata.PartitionStatePath(topic, partition))
	if err != nil {
		return zkdata.PartitionState{}, st, err
	}
	s, err := zkdata.DecodePartitionState(data)
	return s, st, err
}

// SetTopicConfig is setOrCreateEntityConfigs for a topic: setData of
// /config/topics/<t>, creating it (and its parents) if missing, setting
// it again if someone created it meanwhile. Kafka writes the znode even
// when there are no overrides ({"version":1,"config":{}}).
func (c *Client) SetTopicConfig(ctx context.Context, topic string, config map[string]string) error {
	conn := c.Conn()
	path := zkdata.TopicConfigPath(topic)
	data := zkdata.EncodeEntityConfig(config)
	_, err := conn.Set(ctx, path, data, -1)
	if errors.Is(err, zkerr.NoNode) {
		err = createRecursive(ctx, conn, path, data, true)
		if errors.Is(err, zkerr.NodeExists) {
			_, err = conn.Set(ctx, path, data, -1)
		}
	}
	return err
}

// #region create-topic

// CreateTopic writes a new topic as Kafka 2.3 does, in its order:
//
//  0. refuse a topic whose /brokers/topics/<t> exists
//     (TOPIC_ALREADY_EXISTS);
//  1. /config/topics/<t> with the config overrides
//     (AdminZkClient.createTopicWithAssignment → setOrCreateEntityConfigs;
//     not transactional with the assignment, as in Kafka);
//  2. /brokers/topics/<t>, version 1 (writeTopicPartitionAssignment →
//     createTopicAssignment: createRecursive, failing if it exists: that
//     is TOPIC_ALREADY_EXISTS);
//  3. each partition's /brokers/topics/<t>/partitions/<p>/state: what
//     2.3's controller writes on a new topic
//     (initializeLeaderAndIsrForPartitions: leader = the first live
//     assigned replica, ISR = the live assigned replicas, leader epoch 0),
//     with controller_epoch 0 since there is no controller yet (chapter
//     8). The parents .../partitions and .../partitions/<p> get null
//     data, as createTopicPartitions does. A partition with no live
//     replica gets no state znode (2.3's controller leaves it new).
//
// live says which brokers are alive. The assignment is validated by the
// caller (kafka/partition made it).
func (c *Client) CreateTopic(ctx context.Context, topic string, assignment map[int32][]int32, config map[string]string, live func(int32) bool) error {
	// validateTopicCreate's topicExists comes first, so an existing
	// topic's config is left alone. (Two creators racing can still
	// overwrite each other's config, as in Kafka: the config and the
	// assignment are not written atomically.)
	if ok, err := c.TopicExists(ctx, topic); err != nil {
		return err
	} else if ok {
		return fmt.Errorf("topic '%s' already exists: %w", topic, kerr.TopicAlreadyExists)
	}
	if err := c.SetTopicConfig(ctx, topic, config); err != nil {
		return fmt.Errorf("writing %s: %w", zkdata.TopicConfigPath(topic), err)
	}
	conn := c.Conn()
	err := createRecursive(ctx, conn, zkdata.TopicPath(topic), zkdata.EncodeTopic(zkdata.TopicAssignment{Partitions: assignment}), true)
	if errors.Is(err, zkerr.NodeExists) {
		return fmt.Errorf("topic '%s' already exists: %w", topic, kerr.TopicAlreadyExists)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", zkdata.TopicPath(topic), err)
	}
	ps := make([]int32, 0, len(assignment))
	for p := range assignment {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
	for _, p := range ps {
		st, ok := InitialState(assignment[p], live)
		if !ok {
			c.log.Warn("no live replica for a new partition: no leader, no state znode", "topic", topic, "partition", p)
			continue
		}
		if err := createRecursive(ctx, conn, zkdata.PartitionStatePath(topic, p), zkdata.EncodePartitionState(st), false); err != nil {
			return fmt.Errorf("writing %s: %w", zkdata.PartitionStatePath(topic, p), err)
		}
	}
	c.log.Info("created topic in ZooKeeper", "topic", topic, "partitions", len(assignment), "config", config)
	return nil
}

// #endregion create-topic

// InitialState is a new partition's state: leader the first live
// replica of the assignment, ISR the live replicas in assignment order,
// leader epoch 0, controller epoch 0 (KafkaController
// initializeLeaderAndIsrForPartitions). ok is false when no replica is
// alive.
func InitialState(replicas []int32, live func(int32) bool) (zkdata.PartitionState, bool) {
	isr := []int32{}
	for _, r := range replicas {
		if live(r) {
			isr = append(isr, r)
		}
	}
	if len(isr) == 0 {
		return zkdata.PartitionState{Leader: -1, ISR: isr}, false
	}
	return zkdata.PartitionState{ControllerEpoch: 0, Leader: isr[0], LeaderEpoch: 0, ISR: isr}, true
}
