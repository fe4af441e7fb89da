// Package metadata is a broker's picture of the cluster while there is
// no controller (chapter 6): the live brokers, the topics, their replica
// assignments and config overrides, read from ZooKeeper and kept current
// by watches. Kafka's MetadataCache holds the same picture, filled by the
// controller's UpdateMetadata requests from chapter 8 on.
//
// # Who owns what
//
// One goroutine, the Watcher's, owns the picture being built: every
// watch that fires, every read that fails and every new session arrives
// on its inbox, and only it reads ZooKeeper and changes the picture. When
// something changed it publishes an immutable Snapshot (an atomic
// pointer, as MetadataCache's volatile metadataSnapshot) and calls the
// broker's Apply on the same goroutine, so the broker sees snapshots one
// at a time and in order. Readers (Metadata, Produce, Fetch on connection
// goroutines) load the pointer and never block the owner.
//
// # The stopgap: every broker decides for itself
//
// With no controller, each broker derives leadership from the same
// inputs: a partition's leader is the first live broker of its assigned
// replicas and its ISR the live assigned replicas (no replication yet:
// "in sync" only means "alive"). Brokers agree as soon as their watches
// have fired — until then two brokers may disagree for a moment, which a
// controller (chapter 8) fixes by deciding once and telling everyone.
//
// # Invariants
//
//   - A Snapshot is never modified after it is published.
//   - A malformed znode is logged and left out, never a crash; a fixed
//     one is read again (its watch stays set).
//   - After a session expiry every watch is gone: the Watcher reads
//     everything again in the new session.
package metadata

import (
	"sort"

	"github.com/zkafka/zkafka/kafka/broker/metadata/leadership"
	"github.com/zkafka/zkafka/kafka/zkdata"
)

// Snapshot is the cluster as one broker sees it at one moment.
type Snapshot struct {
	// Brokers are the live brokers (registered in /brokers/ids and
	// readable), by id.
	Brokers map[int32]zkdata.BrokerInfo
	// Topics are the topics whose assignment is readable, by name.
	Topics map[string]*Topic
	// Local are the partitions this broker holds a log for, and which
	// of them it leads: by topic name, then partition id (Decide).
	Local []Replica
}

// Topic is one topic's assignment and config, with each partition's
// leadership derived from the live brokers.
type Topic struct {
	Name       string
	Partitions []Partition       // by partition id, dense 0..n-1
	Config     map[string]string // /config/topics/<t> overrides
}

// Partition is one partition: its assigned replicas (the first is the
// preferred leader) and what the live brokers make of it (Derive).
type Partition = leadership.Partition

// Replica is a partition this broker holds a log for, and whether it
// leads it (Decide).
type Replica = leadership.Replica

// Empty is a snapshot with no brokers and no topics.
func Empty() *Snapshot {
	return &Snapshot{Brokers: map[int32]zkdata.BrokerInfo{}, Topics: map[string]*Topic{}}
}

// Alive reports whether broker id is live.
func (s *Snapshot) Alive(id int32) bool {
	_, ok := s.Brokers[id]
	return ok
}

// BrokerIDs are the live broker ids, sorted.
func (s *Snapshot) BrokerIDs() []int32 {
	ids := make([]int32, 0, len(s.Brokers))
	for id := range s.Brokers {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// Controller is the controller id Metadata reports until chapter 8
// elects one: the lowest live broker id, -1 with no live broker (kgo
// refuses a negative controller id, so a live cluster must have one).
func (s *Snapshot) Controller() int32 {
	ids := s.BrokerIDs()
	if len(ids) == 0 {
		return -1
	}
	return ids[0]
}

// TopicNames are the topics, sorted.
func (s *Snapshot) TopicNames() []string {
	names := make([]string, 0, len(s.Topics))
	for n := range s.Topics {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Partition returns a partition, or false.
func (s *Snapshot) Partition(topic string, id int32) (Partition, bool) {
	t := s.Topics[topic]
	if t == nil || id < 0 || int(id) >= len(t.Partitions) {
		return Partition{}, false
	}
	return t.Partitions[id], true
}

// build derives a snapshot from raw inputs, for broker me: the topics
// whose assignment is readable, decided by Decide.
func build(me int32, brokers map[int32]zkdata.BrokerInfo, topics map[string]topicData) *Snapshot {
	s := &Snapshot{Brokers: make(map[int32]zkdata.BrokerInfo, len(brokers)), Topics: make(map[string]*Topic, len(topics))}
	live := make([]int32, 0, len(brokers))
	for id, b := range brokers {
		s.Brokers[id] = b
		live = append(live, id)
	}
	assignments := make(map[string]zkdata.TopicAssignment, len(topics))
	for name, td := range topics {
		if td.ok {
			assignments[name] = zkdata.TopicAssignment{Partitions: td.assignment}
		}
	}
	d := Decide(me, live, assignments)
	for name, ps := range d.Topics {
		s.Topics[name] = &Topic{Name: name, Config: topics[name].config, Partitions: ps}
	}
	s.Local = d.Local
	return s
}
