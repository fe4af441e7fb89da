package metadata

import (
	"github.com/zkafka/zkafka/kafka/broker/metadata/leadership"
	"github.com/zkafka/zkafka/kafka/zkdata"
	"github.com/zkafka/zkafka/labs/stub"
)

// Lab 6, part 4: the broker's reaction to topic znodes. Read the
// handout's section on it (../README.md) first. Your file replaces
// kafka/broker/metadata/decide.go: the Watcher (watcher.go) reads
// ZooKeeper and calls Decide each time something changed, and the broker
// creates a log for each partition of Local and serves those it leads.
// The types are in package leadership.
//
// Each stub calls stub.NotImplemented, so that a failing test names the
// first stub it met; delete the calls as you write the functions.

// Derive is the stopgap's rule for one partition: leader = the first
// live assigned replica, ISR = the live assigned replicas, offline = the
// others.
//
// Contract: Derive returns partition id with Replicas = replicas (the
// assigned replicas, in order), Leader = the first replica r in that
// order for which live(r) holds, or -1 when none does, ISR = the
// replicas for which live holds and Offline = those for which it does
// not, each in assignment order (empty, not nil, when there are none).
// With no replication yet, "in sync" only means "alive". It does not
// modify replicas.
//
// Reference: AK 2.3.1 KafkaController
// initializeLeaderAndIsrForPartitions (the same leader and ISR for a new
// partition); offline replicas as its UpdateMetadata requests carry them.
func Derive(id int32, replicas []int32, live func(int32) bool) leadership.Partition {
	stub.NotImplemented(6, "Derive")
	return leadership.Partition{}
}

// Decide is what broker me makes of the cluster: every partition's
// leadership, and the partitions it must hold a log for.
//
// Contract: Decide returns, for every topic of topics (the assignments
// as zkdata.DecodeTopic reads /brokers/topics/<t>, version 1 or 2),
// Topics[topic] = its partitions 0 … n-1, where n is one more than the
// largest partition id of its Partitions (0 when it has none), each as
// Derive makes it from the partition's replicas in Partitions (none for
// an id the znode leaves out) with a broker live when it is in live.
// Adding and Removing (version 2's in-flight reassignment) change
// nothing: Partitions already lists every replica. Local lists every
// partition of which me is an assigned replica, live or not, sorted by
// topic name and then partition id, with Leader true when me is its
// leader. Decide modifies none of its arguments and depends on nothing
// else (not on the order of live or of a map).
//
// Reference: docs/reference/kafka.md §5 and §11; "Kafka Detailed Replication
// Design V3" (before the controller, every broker watches ZooKeeper).
func Decide(me int32, live []int32, topics map[string]zkdata.TopicAssignment) leadership.Decision {
	stub.NotImplemented(6, "Decide")
	return leadership.Decision{}
}
