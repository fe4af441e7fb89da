package metadata

import (
	"slices"
	"sort"

	"github.com/zkafka/zkafka/kafka/broker/metadata/leadership"
	"github.com/zkafka/zkafka/kafka/zkdata"
)

// Lab 6, part 4: the broker's reaction to topic znodes. Until chapter 8's
// controller, every broker decides for itself, from what its watches
// read, which partitions it serves and who leads each one.

// #region derive

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
	p := leadership.Partition{ID: id, Replicas: replicas, Leader: -1, ISR: []int32{}, Offline: []int32{}}
	for _, r := range replicas {
		if live(r) {
			if p.Leader < 0 {
				p.Leader = r
			}
			p.ISR = append(p.ISR, r)
		} else {
			p.Offline = append(p.Offline, r)
		}
	}
	return p
}

// #endregion derive

// #region decide

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
	alive := make(map[int32]bool, len(live))
	for _, id := range live {
		alive[id] = true
	}
	isLive := func(id int32) bool { return alive[id] }
	names := make([]string, 0, len(topics))
	for name := range topics {
		names = append(names, name)
	}
	sort.Strings(names)
	d := leadership.Decision{Topics: make(map[string][]leadership.Partition, len(topics))}
	for _, name := range names {
		assigned := topics[name].Partitions
		n := int32(0)
		for p := range assigned {
			n = max(n, p+1)
		}
		ps := make([]leadership.Partition, n)
		for p := int32(0); p < n; p++ {
			ps[p] = Derive(p, assigned[p], isLive)
			if slices.Contains(ps[p].Replicas, me) {
				d.Local = append(d.Local, leadership.Replica{Topic: name, Partition: p, Leader: ps[p].Leader == me})
			}
		}
		d.Topics[name] = ps
	}
	return d
}

// #endregion decide
