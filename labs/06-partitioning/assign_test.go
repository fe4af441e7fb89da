//go:build grade

package lab06_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/zkafka/zkafka/kafka/partition"
	"github.com/zkafka/zkafka/kafka/partition/assignment"
)

// TestAssignKafkaVectors checks rack-unaware assignments against the
// exact ones Kafka's test and documentation give: 5 brokers, 10
// partitions, rf 3, start 0 (the follower shift moves after partition
// 4), and 3 brokers, 6 partitions, rf 2; brokers are taken in id order.
// Three more cases are worked by hand from AdminUtils' source: a start
// index with another shift, partitions added to a topic, one broker.
//
// Points: 15
// Reference: AK 2.3.1 AdminRackAwareTest.testReplicaAssignment, the AdminUtils.assignReplicasToBrokers doc comment; docs/reference/kafka.md §6
func TestAssignKafkaVectors(t *testing.T) {
	five := [][]int32{
		{0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 0}, {4, 0, 1},
		{0, 2, 3}, {1, 3, 4}, {2, 4, 0}, {3, 0, 1}, {4, 1, 2},
	}
	for _, c := range []struct {
		name      string
		brokers   []assignment.Broker
		parts, rf int
		start     assignment.Start
		want      [][]int32
	}{
		{"5 brokers, rf 3 (testReplicaAssignment)", unracked(0, 1, 2, 3, 4), 10, 3, assignment.FixedStart(0, 0), five},
		{"3 brokers, rf 2 (kafka.md §6)", unracked(0, 1, 2), 6, 2, assignment.FixedStart(0, 0), [][]int32{{0, 1}, {1, 2}, {2, 0}, {0, 2}, {1, 0}, {2, 1}}},
		{"brokers given out of order", unracked(3, 0, 4, 2, 1), 10, 3, assignment.FixedStart(0, 0), five},
		{"ids 10..14, start index 2 and shift 0", unracked(10, 11, 12, 13, 14), 5, 2, assignment.Start{Index: 2}, [][]int32{{12, 13}, {13, 14}, {14, 10}, {10, 11}, {11, 12}}},
		// Adding partitions 10..14: the shift grows once, at partition 10,
		// from the fixed start — not once per earlier round of 5.
		{"adding partitions 10..14 (start partition 10)", unracked(0, 1, 2, 3, 4), 5, 3, assignment.FixedStart(0, 10), [][]int32{{0, 2, 3}, {1, 3, 4}, {2, 4, 0}, {3, 0, 1}, {4, 1, 2}}},
		{"one broker", unracked(7), 3, 1, assignment.Start{}, [][]int32{{7}, {7}, {7}}},
	} {
		in := append([]assignment.Broker(nil), c.brokers...)
		got, err := partition.Assign(in, c.parts, c.rf, c.start)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			errorf(t, "%s: Assign(%v, %d, rf %d, %+v) = %v, %v\nwant %v", c.name, c.brokers, c.parts, c.rf, c.start, got, err, c.want)
		}
		if !reflect.DeepEqual(in, c.brokers) {
			errorf(t, "%s: Assign modified its brokers: %v, was %v", c.name, in, c.brokers)
		}
	}
}

// TestAssignErrors checks each refusal: its kind (errors.Is), Kafka's
// message word for word and its error code.
//
// Points: 10
// Reference: AK 2.3.1 AdminUtils.assignReplicasToBrokers (InvalidPartitionsException, InvalidReplicationFactorException, AdminOperationException), AdminRackAwareTest.testReplicaAssignment
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
		{five, -2, 3, assignment.Start{}, assignment.ErrInvalidPartitions, 37, "Number of partitions must be larger than 0."},
		{five, 10, 0, assignment.Start{}, assignment.ErrInvalidReplicationFactor, 38, "Replication factor must be larger than 0."},
		{five, 10, 6, assignment.Start{}, assignment.ErrInvalidReplicationFactor, 38, "Replication factor: 6 larger than available brokers: 5."},
		{nil, 1, 1, assignment.Start{}, assignment.ErrInvalidReplicationFactor, 38, "Replication factor: 1 larger than available brokers: 0."},
		{[]assignment.Broker{{ID: 1, Rack: "a"}, {ID: 2}}, 1, 1, assignment.Start{}, assignment.ErrRackInfo, -1, "Not all brokers have rack information for replica rack aware assignment."},
		{unracked(1, 2, 1), 1, 1, assignment.Start{}, assignment.ErrInvalidBrokers, 42, "Broker 1 is listed more than once."},
		{five, 1, 1, assignment.Start{Shift: -1}, assignment.ErrInvalidBrokers, 42, ""},
	} {
		_, err := partition.Assign(c.brokers, c.parts, c.rf, c.start)
		var e *assignment.Error
		if !errors.Is(err, c.kind) || !errors.As(err, &e) || e.Code != c.code || (c.msg != "" && err.Error() != c.msg) {
			errorf(t, "Assign(%v, %d partitions, rf %d, %+v) = %v\nwant %v, code %d, %q", c.brokers, c.parts, c.rf, c.start, err, c.kind, c.code, c.msg)
		}
	}
}

// TestRackAlternated checks the broker list rack-aware assignment walks:
// racks in lexical order, each rack's brokers by id, one rack after the
// other.
//
// Points: 5
// Reference: AK 2.3.1 AdminRackAwareTest.testGetRackAlternatedBrokerListAndAssignReplicasToBrokers, AdminUtils.getRackAlternatedBrokerList
func TestRackAlternated(t *testing.T) {
	m := map[int32]string{0: "rack1", 1: "rack3", 2: "rack3", 3: "rack2", 4: "rack2", 5: "rack1"}
	for _, c := range []struct {
		brokers []assignment.Broker
		want    []int32
	}{
		{racked(m), []int32{0, 3, 1, 5, 4, 2}},
		{racked(map[int32]string{0: "rack1", 1: "rack3", 2: "rack3", 3: "rack2", 4: "rack2"}), []int32{0, 3, 1, 4, 2}},
		{racked(map[int32]string{0: "rack1", 1: "rack1", 2: "rack1", 3: "rack2", 4: "rack2", 5: "rack2", 6: "rack3", 7: "rack3", 8: "rack3"}), []int32{0, 3, 6, 1, 4, 7, 2, 5, 8}},
		{[]assignment.Broker{{ID: 5, Rack: "b"}, {ID: 1, Rack: "b"}, {ID: 9, Rack: "a"}}, []int32{9, 1, 5}},
	} {
		if got := partition.RackAlternated(c.brokers); !reflect.DeepEqual(got, c.want) {
			errorf(t, "RackAlternated(%v) = %v, want %v", c.brokers, got, c.want)
		}
	}
}

// TestAssignRackAwareVector checks a rack-aware assignment against
// Kafka's exact expectation: 6 brokers on 3 racks, 7 partitions, rf 3,
// start 0 — the seventh partition shows the followers' shift.
//
// Points: 10
// Reference: AK 2.3.1 AdminRackAwareTest.testGetRackAlternatedBrokerListAndAssignReplicasToBrokers
func TestAssignRackAwareVector(t *testing.T) {
	m := map[int32]string{0: "rack1", 1: "rack3", 2: "rack3", 3: "rack2", 4: "rack2", 5: "rack1"}
	got := assign(t, racked(m), 7, 3, assignment.FixedStart(0, 0))
	want := [][]int32{{0, 3, 1}, {3, 1, 5}, {1, 5, 4}, {5, 4, 2}, {4, 2, 0}, {2, 0, 3}, {0, 4, 2}}
	if !reflect.DeepEqual(got, want) {
		fatalf(t, "rack-aware Assign = %v\nwant %v", got, want)
	}
}
