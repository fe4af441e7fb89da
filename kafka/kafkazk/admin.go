package kafkazk

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/zkafka/zkafka/kafka/zkdata"
	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// Topic administration after creation: adding partitions and changing a
// topic's config (AK 2.3 AdminZkClient.addPartitions and
// changeTopicConfig), and reading the config change notices every
// broker follows (ZkNodeChangeNotificationListener on /config/changes).

// TopicConfig reads a topic's config overrides without a watch: a topic
// without /config/topics/<t> has none. Malformed: an error matching
// zkdata.ErrMalformed.
func (c *Client) TopicConfig(ctx context.Context, topic string) (map[string]string, error) {
	path := zkdata.TopicConfigPath(topic)
	data, _, err := c.Conn().Get(ctx, path)
	if errors.Is(err, zkerr.NoNode) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	cfg, err := zkdata.DecodeEntityConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// #region change-topic-config

// ChangeTopicConfig replaces a topic's config overrides and announces the
// change, as AdminZkClient.changeEntityConfig does: setData (or create)
// /config/topics/<t> with {"version":1,"config":{...}}, then create the
// PERSISTENT_SEQUENTIAL /config/changes/config_change_<seq> with
// {"version":2,"entity_path":"topics/<t>"}. Every broker watches the
// children of /config/changes, reads the notices newer than the last it
// processed and re-reads the entity they name. It returns the notice's
// path. The caller checks that the topic exists and that the config is
// valid (AdminZkClient.validateTopicConfig).
func (c *Client) ChangeTopicConfig(ctx context.Context, topic string, config map[string]string) (string, error) {
	if err := c.SetTopicConfig(ctx, topic, config); err != nil {
		return "", fmt.Errorf("writing %s: %w", zkdata.TopicConfigPath(topic), err)
	}
	note := zkdata.EncodeConfigChange(zkdata.ConfigChange{EntityType: zkdata.ConfigTypeTopic, EntityName: topic})
	conn := c.Conn()
	path, err := conn.Create(ctx, zkdata.ConfigChangeSeqPath, note, proto.ModePersistentSequential, nil)
	if errors.Is(err, zkerr.NoNode) { // /config/changes is a persistent path; made if someone removed it
		if err = createParents(ctx, conn, zkdata.ConfigChangesPath); err == nil {
			path, err = conn.Create(ctx, zkdata.ConfigChangeSeqPath, note, proto.ModePersistentSequential, nil)
		}
	}
	if err != nil {
		return "", fmt.Errorf("creating %s: %w", zkdata.ConfigChangeSeqPath, err)
	}
	c.log.Info("changed a topic's config in ZooKeeper", "topic", topic, "config", config, "notice", path)
	return path, nil
}

// #endregion change-topic-config

// ConfigChangesW lists the change notices (children of /config/changes),
// sorted by sequence number, and watches the list.
func (c *Client) ConfigChangesW(ctx context.Context) ([]string, <-chan client.Event, error) {
	names, _, ch, err := c.Conn().ChildrenW(ctx, zkdata.ConfigChangesPath)
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(names) // 10-digit sequence numbers sort as numbers
	return names, ch, nil
}

// ConfigChange reads one notice (name is a child of /config/changes).
// A malformed one returns an error matching zkdata.ErrMalformed.
func (c *Client) ConfigChange(ctx context.Context, name string) (zkdata.ConfigChange, error) {
	data, _, err := c.Conn().Get(ctx, zkdata.ConfigChangesPath+"/"+name)
	if err != nil {
		return zkdata.ConfigChange{}, err
	}
	return zkdata.DecodeConfigChange(data)
}

// #region add-partitions

// AddPartitions writes a topic's grown assignment (all partitions, old
// and new) over /brokers/topics/<t> (AdminZkClient.addPartitions →
// createOrUpdateTopicPartitionAssignmentPathInZK with update = true:
// setData, any version, version 1 JSON; the config is left alone) and
// then the new partitions' state znodes, as CreateTopic does: with no
// controller yet (chapter 8), the writer does what 2.3's controller does
// when its watch on /brokers/topics/<t> fires (onNewPartitionCreation).
// added are the new partition ids.
func (c *Client) AddPartitions(ctx context.Context, topic string, assignment map[int32][]int32, added []int32, live func(int32) bool) error {
	conn := c.Conn()
	if _, err := conn.Set(ctx, zkdata.TopicPath(topic), zkdata.EncodeTopic(zkdata.TopicAssignment{Partitions: assignment}), -1); err != nil {
		return fmt.Errorf("writing %s: %w", zkdata.TopicPath(topic), err)
	}
	for _, p := range added {
		st, ok := InitialState(assignment[p], live)
		if !ok {
			c.log.Warn("no live replica for a new partition: no leader, no state znode", "topic", topic, "partition", p)
			continue
		}
		if err := createRecursive(ctx, conn, zkdata.PartitionStatePath(topic, p), zkdata.EncodePartitionState(st), false); err != nil {
			return fmt.Errorf("writing %s: %w", zkdata.PartitionStatePath(topic, p), err)
		}
	}
	c.log.Info("added partitions in ZooKeeper", "topic", topic, "added", added, "partitions", len(assignment))
	return nil
}

// #endregion add-partitions

// TopicAssignment reads a topic's replica assignment without a watch
// (getReplicaAssignmentForTopics). Missing: zkerr.NoNode.
func (c *Client) TopicAssignment(ctx context.Context, topic string) (zkdata.TopicAssignment, proto.Stat, error) {
	data, st, err := c.Conn().Get(ctx, zkdata.TopicPath(topic))
	if err != nil {
		return zkdata.TopicAssignment{}, st, err
	}
	a, err := zkdata.DecodeTopic(data)
	if err != nil {
		return zkdata.TopicAssignment{}, st, fmt.Errorf("%s: %w", zkdata.TopicPath(topic), err)
	}
	return a, st, nil
}

// ConfigChangeCtime is a notice's creation time (its Stat's ctime, ms);
// ok is false when it is gone.
func (c *Client) ConfigChangeCtime(ctx context.Context, name string) (ctime int64, ok bool, err error) {
	ok, st, err := c.Conn().Exists(ctx, zkdata.ConfigChangesPath+"/"+name)
	return st.Ctime, ok, err
}

// DeleteConfigChange deletes a notice (any version); one already gone
// is not an error (every broker purges).
func (c *Client) DeleteConfigChange(ctx context.Context, name string) error {
	err := c.Conn().Delete(ctx, zkdata.ConfigChangesPath+"/"+name, -1)
	if errors.Is(err, zkerr.NoNode) {
		return nil
	}
	return err
}
