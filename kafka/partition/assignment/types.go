// Package assignment holds what replica assignment (kafka/partition.Assign)
// takes and refuses with: the brokers, the start of the round robin, and
// Kafka's errors. It is given to lab 6's learner, who writes Assign.
package assignment

import "math/rand/v2"

// Broker is a broker as replica assignment sees it (AK BrokerMetadata):
// its id and its broker.rack, "" when it has none.
type Broker struct {
	ID   int32
	Rack string
}

// Start fixes where Assign begins. AdminUtils draws Index and Shift at
// random (rand.nextInt(brokers) each) unless the caller fixes a start
// index, which then serves as both; Partition is the first partition id
// to assign (startPartitionId: 0 for a new topic, the current partition
// count when partitions are added). Tests and replays fix all three, so
// an assignment is a pure function of its inputs.
type Start struct {
	Index     int // startIndex: the position, in the broker list, of partition Partition's first replica
	Shift     int // nextReplicaShift: where the other replicas start after the first
	Partition int // startPartitionId
}

// RandomStart draws Index and Shift as AdminUtils does when no start
// index is fixed: each uniform in [0, brokers), Index first. brokers must
// be positive.
func RandomStart(r *rand.Rand, brokers int) Start {
	return Start{Index: r.IntN(brokers), Shift: r.IntN(brokers)}
}

// FixedStart is AdminUtils' fixedStartIndex: Index and Shift both i, as
// AdminZkClient.addPartitions and Kafka's tests fix them, assigning from
// partition first.
func FixedStart(i, first int) Start {
	return Start{Index: i, Shift: i, Partition: first}
}
