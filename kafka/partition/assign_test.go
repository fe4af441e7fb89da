package partition

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/zkafka/zkafka/kafka/partition/assignment"
)

func unracked(ids ...int32) []assignment.Broker {
	out := make([]assignment.Broker, len(ids))
	for i, id := range ids {
		out[i] = assignment.Broker{ID: id}
	}
	return out
}

func racked(m map[int32]string) []assignment.Broker {
	var out []assignment.Broker
	for id, rack := range m {
		out = append(out, assignment.Broker{ID: id, Rack: rack})
	}
	return out
}

// TestAssignRackUnawareVectors: the exact assignments Kafka's tests and
// docs give.
//
// Reference: AK 2.3.1 AdminRackAwareTest.testReplicaAssignment (5 brokers,
// 10 partitions, rf 3, fixedStartIndex 0), the AdminUtils doc comment;
// docs/reference/kafka.md §6 (3 brokers, start 0, rf 2).
func TestAssignRackUnawareVectors(t *testing.T) {
	for _, c := range []struct {
		brokers   []assignment.Broker
		parts, rf int
		start     assignment.Start
		want      [][]int32
	}{
		{unracked(0, 1, 2, 3, 4), 10, 3, assignment.FixedStart(0, 0), [][]int32{
			{0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 0}, {4, 0, 1},
			{0, 2, 3}, {1, 3, 4}, {2, 4, 0}, {3, 0, 1}, {4, 1, 2},
		}},
		{unracked(0, 1, 2), 6, 2, assignment.FixedStart(0, 0), [][]int32{{0, 1}, {1, 2}, {2, 0}, {0, 2}, {1, 0}, {2, 1}}},
		// Order of the input does not matter: brokers are taken by id.
		{unracked(4, 2, 0, 3, 1), 10, 3, assignment.FixedStart(0, 0), [][]int32{
			{0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 0}, {4, 0, 1},
			{0, 2, 3}, {1, 3, 4}, {2, 4, 0}, {3, 0, 1}, {4, 1, 2},
		}},
	} {
		got, err := Assign(c.brokers, c.parts, c.rf, c.start)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Assign(%v, %d, %d, %+v) = %v, %v; want %v", c.brokers, c.parts, c.rf, c.start, got, err, c.want)
		}
	}
}

// TestAssignRackAwareVectors: the rack-alternated list and the assignment
// over it, with the follower shift once every broker led a partition.
//
// Reference: AK 2.3.1
// AdminRackAwareTest.testGetRackAlternatedBrokerListAndAssignReplicasToBrokers,
// AdminUtils.getRackAlternatedBrokerList's doc comment.
func TestAssignRackAwareVectors(t *testing.T) {
	rackMap := map[int32]string{0: "rack1", 1: "rack3", 2: "rack3", 3: "rack2", 4: "rack2", 5: "rack1"}
	if got, want := RackAlternated(racked(rackMap)), []int32{0, 3, 1, 5, 4, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("RackAlternated = %v, want %v", got, want)
	}
	without5 := racked(rackMap)
	for i, b := range without5 {
		if b.ID == 5 {
			without5 = append(without5[:i], without5[i+1:]...)
			break
		}
	}
	if got, want := RackAlternated(without5), []int32{0, 3, 1, 4, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("RackAlternated without broker 5 = %v, want %v", got, want)
	}
	nine := racked(map[int32]string{0: "rack1", 1: "rack1", 2: "rack1", 3: "rack2", 4: "rack2", 5: "rack2", 6: "rack3", 7: "rack3", 8: "rack3"})
	if got, want := RackAlternated(nine), []int32{0, 3, 6, 1, 4, 7, 2, 5, 8}; !reflect.DeepEqual(got, want) {
		t.Errorf("RackAlternated(3 racks of 3) = %v, want %v", got, want)
	}
	got, err := Assign(racked(rackMap), 7, 3, assignment.FixedStart(0, 0))
	want := [][]int32{{0, 3, 1}, {3, 1, 5}, {1, 5, 4}, {5, 4, 2}, {4, 2, 0}, {2, 0, 3}, {0, 4, 2}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("rack-aware Assign = %v, %v; want %v", got, err, want)
	}
}

// TestAssignErrors: each refusal, its kind, Kafka's message and code.
//
// Reference: AK 2.3.1 AdminUtils.assignReplicasToBrokers,
// AdminRackAwareTest.testReplicaAssignment (rf 0 and rf 6 on 5 brokers
// throw InvalidReplicationFactorException).
func TestAssignErrors(t *testing.T) {
	five := unracked(0, 1, 2, 3, 4)
	for _, c := range []struct {
		brokers   []assignment.Broker
		parts, rf int
		start     assignment.Start
		kind      error
		code      int16
		msg       string
	}{
		{five, 0, 3, assignment.Start{}, assignment.ErrInvalidPartitions, 37, "Number of partitions must be larger than 0."},
		{five, 10, 0, assignment.Start{}, assignment.ErrInvalidReplicationFactor, 38, "Replication factor must be larger than 0."},
		{five, 10, 6, assignment.Start{}, assignment.ErrInvalidReplicationFactor, 38, "Replication factor: 6 larger than available brokers: 5."},
		{nil, 1, 1, assignment.Start{}, assignment.ErrInvalidReplicationFactor, 38, "Replication factor: 1 larger than available brokers: 0."},
		{[]assignment.Broker{{ID: 1, Rack: "a"}, {ID: 2}}, 1, 1, assignment.Start{}, assignment.ErrRackInfo, -1, "Not all brokers have rack information for replica rack aware assignment."},
		{unracked(1, 2, 1), 1, 1, assignment.Start{}, assignment.ErrInvalidBrokers, 42, "Broker 1 is listed more than once."},
		{five, 1, 1, assignment.Start{Index: -1}, assignment.ErrInvalidBrokers, 42, ""},
	} {
		_, err := Assign(c.brokers, c.parts, c.rf, c.start)
		var e *assignment.Error
		if !errors.Is(err, c.kind) || !errors.As(err, &e) || e.Code != c.code || (c.msg != "" && err.Error() != c.msg) {
			t.Errorf("Assign(%v, %d, %d, %+v) = %v; want %v (code %d) %q", c.brokers, c.parts, c.rf, c.start, err, c.kind, c.code, c.msg)
		}
	}
}

// distribution checks Kafka's RackAwareTest.checkReplicaDistribution on an
// assignment: no broker twice in a partition, and optionally each
// partition on rf racks, leaders and replicas even over brokers.
func distribution(a [][]int32, rackOf map[int32]string, rf int, rackAware, leaders, replicas bool) error {
	leaderCount, replicaCount := map[int32]int{}, map[int32]int{}
	for p, rs := range a {
		if len(rs) != rf {
			return fmt.Errorf("partition %d has %d replicas, want %d", p, len(rs), rf)
		}
		seen, racks := map[int32]bool{}, map[string]bool{}
		for _, b := range rs {
			if seen[b] {
				return fmt.Errorf("partition %d: broker %d twice in %v", p, b, rs)
			}
			seen[b] = true
			racks[rackOf[b]] = true
			replicaCount[b]++
		}
		leaderCount[rs[0]]++
		if rackAware && len(racks) != rf {
			return fmt.Errorf("partition %d: %v on %d racks, want %d", p, rs, len(racks), rf)
		}
	}
	n := len(rackOf)
	for b := range rackOf {
		if leaders && leaderCount[b] != len(a)/n {
			return fmt.Errorf("broker %d leads %d partitions, want %d", b, leaderCount[b], len(a)/n)
		}
		if replicas && replicaCount[b] != len(a)*rf/n {
			return fmt.Errorf("broker %d holds %d replicas, want %d", b, replicaCount[b], len(a)*rf/n)
		}
	}
	return nil
}

// TestAssignRackAwareDistribution runs the cases of Kafka's
// AdminRackAwareTest that draw a random start, for every start a draw can
// give (each index and shift below the broker count), with the checks
// each case makes.
//
// Reference: AK 2.3.1 AdminRackAwareTest (testAssignmentWithRackAware*,
// testAssignmentWith2ReplicasRackAware*, testRackAwareExpansion,
// testLargeNumberPartitionsAssignment, testMoreReplicasThanRacks,
// testLessReplicasThanRacks, testSingleRack,
// testSkipBrokerWithReplicaAlreadyAssigned), RackAwareTest.
func TestAssignRackAwareDistribution(t *testing.T) {
	six := map[int32]string{0: "rack1", 1: "rack2", 2: "rack2", 3: "rack3", 4: "rack3", 5: "rack1"}
	for _, c := range []struct {
		name                        string
		racks                       map[int32]string
		parts, rf, first            int
		fixed                       int // >= 0: Kafka's fixedStartIndex
		rackAware, leaders, replica bool
		racksPerPartition           int // > 0: exactly this many racks per partition
	}{
		{"WithRackAware", six, 6, 3, 0, 2, true, true, true, 0},
		{"WithRackAwareWithRandomStartIndex", six, 6, 3, 0, -1, true, true, true, 0},
		{"WithRackAwareWithUnevenReplicas", six, 13, 3, 0, 0, true, false, false, 0},
		{"WithRackAwareWithUnevenRacks", map[int32]string{0: "rack1", 1: "rack1", 2: "rack2", 3: "rack3", 4: "rack3", 5: "rack1"}, 12, 3, 0, -1, true, true, false, 0},
		{"With2ReplicasRackAware", six, 12, 2, 0, -1, true, true, true, 0},
		{"RackAwareExpansion", map[int32]string{6: "rack1", 7: "rack2", 8: "rack2", 9: "rack3", 10: "rack3", 11: "rack1"}, 12, 2, 12, -1, true, true, true, 0},
		{"With2ReplicasRackAwareWith6Partitions", six, 6, 2, 0, -1, true, true, true, 0},
		{"With2ReplicasRackAwareWith6PartitionsAnd3Brokers", map[int32]string{0: "rack1", 1: "rack2", 4: "rack3"}, 3, 2, 0, -1, true, true, true, 0},
		{"LargeNumberPartitions", map[int32]string{0: "rack1", 1: "rack2", 2: "rack2", 3: "rack3", 4: "rack3", 5: "rack1", 6: "rack1", 7: "rack2", 8: "rack2", 9: "rack3", 10: "rack1", 11: "rack3"}, 96, 3, 0, -1, true, true, true, 0},
		{"MoreReplicasThanRacks", map[int32]string{0: "rack1", 1: "rack2", 2: "rack2", 3: "rack3", 4: "rack3", 5: "rack2"}, 6, 5, 0, -1, false, false, false, 3},
		{"LessReplicasThanRacks", map[int32]string{0: "rack1", 1: "rack2", 2: "rack2", 3: "rack3", 4: "rack3", 5: "rack2"}, 6, 2, 0, -1, false, false, false, 2},
		{"SingleRack", map[int32]string{0: "rack1", 1: "rack1", 2: "rack1", 3: "rack1", 4: "rack1", 5: "rack1"}, 6, 3, 0, -1, false, true, false, 1},
		{"SkipBrokerWithReplicaAlreadyAssigned", map[int32]string{0: "a", 1: "b", 2: "c", 3: "a", 4: "a"}, 6, 4, 0, 2, false, false, false, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			var starts []assignment.Start
			if c.fixed >= 0 {
				starts = []assignment.Start{assignment.FixedStart(c.fixed, c.first)}
			} else {
				for i := range len(c.racks) {
					for s := range len(c.racks) {
						starts = append(starts, assignment.Start{Index: i, Shift: s, Partition: c.first})
					}
				}
			}
			for _, st := range starts {
				a, err := Assign(racked(c.racks), c.parts, c.rf, st)
				if err != nil {
					t.Fatalf("start %+v: %v", st, err)
				}
				if err := distribution(a, c.racks, c.rf, c.rackAware, c.leaders, c.replica); err != nil {
					t.Fatalf("start %+v: %v\n%v", st, err, a)
				}
				for p, rs := range a {
					racks := map[string]bool{}
					for _, b := range rs {
						racks[c.racks[b]] = true
					}
					if c.racksPerPartition > 0 && len(racks) != c.racksPerPartition {
						t.Fatalf("start %+v: partition %d %v on %d racks, want %d", st, p, rs, len(racks), c.racksPerPartition)
					}
				}
			}
		})
	}
}
