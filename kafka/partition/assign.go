package partition

import (
	"slices"
	"sort"

	"github.com/zkafka/zkafka/kafka/partition/assignment"
)

// #region assign

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
	if partitions <= 0 {
		return nil, assignment.PartitionsNotPositive()
	}
	if replicationFactor <= 0 {
		return nil, assignment.ReplicationFactorNotPositive()
	}
	if replicationFactor > len(brokers) {
		return nil, assignment.ReplicationFactorTooLarge(replicationFactor, len(brokers))
	}
	sorted := slices.Clone(brokers)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	racked := 0
	for i, b := range sorted {
		if i > 0 && sorted[i-1].ID == b.ID {
			return nil, assignment.DuplicateBroker(b.ID)
		}
		if b.Rack != "" {
			racked++
		}
	}
	if start.Index < 0 || start.Shift < 0 || start.Partition < 0 {
		return nil, assignment.NegativeStart(start)
	}
	switch racked {
	case 0:
		ids := make([]int32, len(sorted))
		for i, b := range sorted {
			ids[i] = b.ID
		}
		return assignRackUnaware(ids, partitions, replicationFactor, start), nil
	case len(sorted):
		return assignRackAware(sorted, partitions, replicationFactor, start), nil
	default:
		return nil, assignment.PartialRacks()
	}
}

// #endregion assign

// #region rack-unaware

// assignRackUnaware: the first replicas round-robin from start.Index, the
// others at an increasing shift after the first, so that the partitions
// led by one broker spread their followers over the others.
func assignRackUnaware(ids []int32, partitions, rf int, start assignment.Start) [][]int32 {
	n := len(ids)
	out := make([][]int32, 0, partitions)
	shift := start.Shift
	for p := start.Partition; p < start.Partition+partitions; p++ {
		if p > 0 && p%n == 0 {
			shift++
		}
		first := (p + start.Index) % n
		replicas := []int32{ids[first]}
		for j := 0; j < rf-1; j++ {
			replicas = append(replicas, ids[replicaIndex(first, shift, j, n)])
		}
		out = append(out, replicas)
	}
	return out
}

// #endregion rack-unaware

// #region rack-aware

// assignRackAware: the same round robin over the rack-alternated list;
// each follower is the next candidate (at a shift scaled by the number
// of racks) that adds a new rack while a rack is missing, and a new
// broker while a broker is missing.
func assignRackAware(brokers []assignment.Broker, partitions, rf int, start assignment.Start) [][]int32 {
	rackOf := map[int32]string{}
	for _, b := range brokers {
		rackOf[b.ID] = b.Rack
	}
	arranged := RackAlternated(brokers)
	n := len(arranged)
	numRacks := len(racksOf(brokers))
	out := make([][]int32, 0, partitions)
	shift := start.Shift
	for p := start.Partition; p < start.Partition+partitions; p++ {
		if p > 0 && p%n == 0 {
			shift++
		}
		first := (p + start.Index) % n
		leader := arranged[first]
		replicas := []int32{leader}
		racksWith := map[string]bool{rackOf[leader]: true}
		brokersWith := map[int32]bool{leader: true}
		k := 0
		for range rf - 1 {
			for {
				b := arranged[replicaIndex(first, shift*numRacks, k, n)]
				k++
				rack := rackOf[b]
				if (!racksWith[rack] || len(racksWith) == numRacks) &&
					(!brokersWith[b] || len(brokersWith) == n) {
					replicas = append(replicas, b)
					racksWith[rack] = true
					brokersWith[b] = true
					break
				}
			}
		}
		out = append(out, replicas)
	}
	return out
}

// replicaIndex is the position of follower j of a partition whose first
// replica is at first: 1 to n-1 places after it, never on it.
func replicaIndex(first, shift, j, n int) int {
	return (first + 1 + (shift+j)%(n-1)) % n
}

// #endregion rack-aware

// #region rack-alternated

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
	byRack := map[string][]int32{}
	for _, b := range brokers {
		byRack[b.Rack] = append(byRack[b.Rack], b.ID)
	}
	racks := racksOf(brokers)
	for _, r := range racks {
		slices.Sort(byRack[r])
	}
	out := make([]int32, 0, len(brokers))
	for i := 0; len(out) < len(brokers); i = (i + 1) % len(racks) {
		if ids := byRack[racks[i]]; len(ids) > 0 {
			out = append(out, ids[0])
			byRack[racks[i]] = ids[1:]
		}
	}
	return out
}

// racksOf is the distinct racks of brokers, sorted.
func racksOf(brokers []assignment.Broker) []string {
	var racks []string
	for _, b := range brokers {
		if !slices.Contains(racks, b.Rack) {
			racks = append(racks, b.Rack)
		}
	}
	slices.Sort(racks)
	return racks
}

// #endregion rack-alternated
