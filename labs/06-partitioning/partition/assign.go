package partition

import (
	"errors"

	"github.com/zkafka/zkafka/kafka/partition/assignment"
)

// Lab 6, part 3: replica assignment (AdminUtils.assignReplicasToBrokers).
// Broker, Start and the errors to return are in package assignment.

// Assign places the replicas of partitions new partitions on brokers, as
// Kafka 2.3's AdminUtils.assignReplicasToBrokers does.
//
// Contract: Assign returns one replica list per partition: out[i] is
// the list of partition start.Partition+i, replicationFactor distinct
// broker ids, the first the preferred leader. It refuses, in this order
// and with the error the assignment package builds for each:
// partitions <= 0 (PartitionsNotPositive), replicationFactor <= 0
// (ReplicationFactorNotPositive), replicationFactor > len(brokers)
// (ReplicationFactorTooLarge), a broker id listed twice
// (DuplicateBroker), a negative start field (NegativeStart), and brokers
// of which some but not all have a rack (PartialRacks). Brokers are
// taken sorted by id (as AdminZkClient.getBrokerMetadatas passes them),
// whatever their order in brokers, which Assign does not modify. Then:
//
//   - Without racks, with n brokers: for each partition p (from
//     start.Partition), the shift grows by one when p > 0 and p % n ==
//     0; the first replica is the broker at position first = (p +
//     start.Index) % n of the sorted list, and replica j+1 (j from 0)
//     the one at position (first + 1 + (shift + j) % (n-1)) % n.
//   - With racks: the same round robin over the rack-alternated list
//     (RackAlternated), with the followers' shift multiplied by the
//     number of racks, skipping a candidate whose rack already holds a
//     replica while some rack holds none, or which already holds one
//     while some broker holds none.
//
// Reference: docs/reference/kafka.md §6; AK 2.3.1 AdminUtils.scala
// (assignReplicasToBrokers, assignReplicasToBrokersRackUnaware,
// assignReplicasToBrokersRackAware, replicaIndex).
func Assign(brokers []assignment.Broker, partitions, replicationFactor int, start assignment.Start) ([][]int32, error) {
	return nil, errors.New("not implemented: lab 6 (Assign)")
}

// RackAlternated lists broker ids alternating between racks, the order
// rack-aware assignment walks.
//
// Contract: RackAlternated returns every broker id once: the racks in
// lexical order, the brokers of each rack in id order, taking one broker
// from each rack in turn and skipping racks that have run out. Racks
// {a: 0,1,2; b: 3,4,5; c: 6,7,8} give 0,3,6,1,4,7,2,5,8. Brokers without
// a rack count as the rack "". brokers is not modified.
//
// Reference: AK 2.3.1 AdminUtils.getRackAlternatedBrokerList.
func RackAlternated(brokers []assignment.Broker) []int32 {
	lab6NotImplemented("not implemented: lab 6 (RackAlternated)")
	return nil
}
