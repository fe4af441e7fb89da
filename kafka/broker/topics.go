package broker

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/zkafka/zkafka/kafka/log"
)

// topic is a topic's partitions, indexed by partition id.
type topic struct {
	name       string
	partitions []*partition
}

// Topic names (AK Topic.validate): 1 to 249 characters of [a-zA-Z0-9._-],
// not "." or "..". 249 keeps "<topic>-<partition>" and Kafka's suffixes
// inside a 255-byte file name.
const maxTopicLength = 249

// ValidateTopic reports why name cannot be a topic name, wrapping
// kerr.InvalidTopicException.
func ValidateTopic(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("topic name is illegal, it can't be empty: %w", kerr.InvalidTopicException)
	case name == "." || name == "..":
		return fmt.Errorf("topic name cannot be %q: %w", name, kerr.InvalidTopicException)
	case len(name) > maxTopicLength:
		return fmt.Errorf("topic name is illegal, it can't be longer than %d characters: %w", maxTopicLength, kerr.InvalidTopicException)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("topic name %q is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-': %w", name, kerr.InvalidTopicException)
		}
	}
	return nil
}

// collisionName is what Kafka compares to refuse topics differing only
// in '.' versus '_', because both become '_' in metric names
// (AK Topic.hasCollision).
func collisionName(name string) string { return strings.ReplaceAll(name, ".", "_") }

// topicSpec is a topic to create.
type topicSpec struct {
	name       string
	partitions int32
	cfg        log.Config
}

// lookup returns a topic, or nil. Callers hold b.mu (read or write).
func (b *Broker) lookup(name string) *topic { return b.topics[name] }

// partitionFor returns a partition this broker leads, or
// UNKNOWN_TOPIC_OR_PARTITION (and in cluster mode
// NOT_LEADER_FOR_PARTITION: see clusterPartition).
func (b *Broker) partitionFor(name string, id int32) (*partition, error) {
	if b.cluster != nil {
		return b.clusterPartition(name, id)
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	t := b.topics[name]
	if t == nil || id < 0 || int(id) >= len(t.partitions) {
		return nil, kerr.UnknownTopicOrPartition
	}
	return t.partitions[id], nil
}

// checkCreate reports why spec cannot be created now. Callers hold b.mu.
func (b *Broker) checkCreate(spec topicSpec) error {
	if err := ValidateTopic(spec.name); err != nil {
		return err
	}
	if b.topics[spec.name] != nil {
		return fmt.Errorf("topic %q already exists: %w", spec.name, kerr.TopicAlreadyExists)
	}
	c := collisionName(spec.name)
	for name := range b.topics {
		if collisionName(name) == c {
			return fmt.Errorf("topic %q collides with existing topic %q: %w", spec.name, name, kerr.InvalidTopicException)
		}
	}
	if spec.partitions <= 0 {
		return fmt.Errorf("number of partitions must be larger than 0: %w", kerr.InvalidPartitions)
	}
	return spec.cfg.Validate()
}

// createTopic creates a topic's partition logs. Callers hold b.mu for
// writing. The creation is synchronous: when it returns, the topic is in
// the metadata (Kafka answers LEADER_NOT_AVAILABLE until the controller
// has propagated a new topic; a standalone broker has nothing to wait for).
//
// Chapter 6 replaces this with the controller's path: write
// /brokers/topics/<t> in ZooKeeper and create the logs when the
// controller's LeaderAndIsr arrives.
func (b *Broker) createTopic(spec topicSpec) (*topic, error) {
	if err := b.checkCreate(spec); err != nil {
		return nil, err
	}
	t := &topic{name: spec.name}
	now := b.nowMs()
	for i := int32(0); i < spec.partitions; i++ {
		tp := log.TopicPartition{Topic: spec.name, Partition: i}
		l, err := b.logs.Create(tp, spec.cfg, now)
		if err != nil {
			// Undo the partitions created so far, so that a retry starts
			// clean. AK leaves them to the controller's retries instead.
			for _, p := range t.partitions {
				err = errors.Join(err, b.logs.Delete(p.tp))
			}
			return nil, fmt.Errorf("creating %s: %w", tp, err)
		}
		t.partitions = append(t.partitions, newPartition(tp, l, b.fetches))
	}
	b.topics[spec.name] = t
	b.cfg.Logger.Info("created topic", "topic", spec.name, "partitions", spec.partitions)
	return t, nil
}

// loadTopics builds the topic table from the partitions found in the log
// dirs. Standalone, a topic missing some partition directories gets them
// recreated empty, so that partition ids stay dense; in cluster mode the
// table holds what is on disk (ZooKeeper says what exists: apply creates
// the rest).
func (b *Broker) loadTopics() error {
	found := map[string]map[int32]*partition{}
	for _, tp := range b.logs.Partitions() {
		l, _ := b.logs.Log(tp)
		if found[tp.Topic] == nil {
			found[tp.Topic] = map[int32]*partition{}
		}
		found[tp.Topic][tp.Partition] = newPartition(tp, l, b.fetches)
	}
	names := make([]string, 0, len(found))
	for name := range found {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		parts := found[name]
		n := int32(0)
		for id := range parts {
			n = max(n, id+1)
		}
		t := &topic{name: name, partitions: make([]*partition, n)}
		for id := int32(0); id < n; id++ {
			p := parts[id]
			if p == nil && b.cfg.ZooKeeperConnect == "" {
				tp := log.TopicPartition{Topic: name, Partition: id}
				l, err := b.logs.Create(tp, b.cfg.Log, b.nowMs())
				if err != nil {
					return err
				}
				b.cfg.Logger.Warn("recreated a missing partition directory", "partition", tp.String())
				p = newPartition(tp, l, b.fetches)
			}
			t.partitions[id] = p
		}
		b.topics[name] = t
	}
	return nil
}

// topicNames returns the topics, sorted. Callers hold b.mu.
func (b *Broker) topicNames() []string {
	names := make([]string, 0, len(b.topics))
	for name := range b.topics {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
