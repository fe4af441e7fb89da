//go:build grade

package lab06_test

import (
	"fmt"
	"testing"

	"github.com/zkafka/zkafka/kafka/broker/metadata"
	"github.com/zkafka/zkafka/kafka/partition"
	"github.com/zkafka/zkafka/kafka/partition/assignment"
)

// fatalf fails a test; if a lab stub was called it says so first
// ("not implemented: lab 6 (Murmur2)"), then what the check saw.
func fatalf(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Fatal(stubFirst(fmt.Sprintf(format, args...)))
}

// errorf is fatalf's non-fatal twin.
func errorf(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Error(stubFirst(fmt.Sprintf(format, args...)))
}

// stubFirst puts the first lab stub this test binary called, if any,
// before msg (the grader runs each graded test in a binary of its own).
func stubFirst(msg string) string {
	for _, err := range []error{partition.Unimplemented(), metadata.Unimplemented()} {
		if err != nil {
			return fmt.Sprintf("%v\n(a stub returns a zero value, so it may be why) %s", err, msg)
		}
	}
	return msg
}

// unracked lists brokers without racks.
func unracked(ids ...int32) []assignment.Broker {
	out := make([]assignment.Broker, len(ids))
	for i, id := range ids {
		out[i] = assignment.Broker{ID: id}
	}
	return out
}

// racked lists brokers with the racks of m, in id order.
func racked(m map[int32]string) []assignment.Broker {
	var out []assignment.Broker
	for id := int32(0); len(out) < len(m); id++ {
		if rack, ok := m[id]; ok {
			out = append(out, assignment.Broker{ID: id, Rack: rack})
		}
	}
	return out
}

// assign calls partition.Assign and fails the test on an error.
func assign(t *testing.T, brokers []assignment.Broker, partitions, rf int, start assignment.Start) [][]int32 {
	t.Helper()
	a, err := partition.Assign(brokers, partitions, rf, start)
	if err != nil {
		fatalf(t, "Assign(%v, %d partitions, rf %d, %+v): %v", brokers, partitions, rf, start, err)
	}
	if len(a) != partitions {
		fatalf(t, "Assign(%v, %d partitions, rf %d, %+v) returned %d partitions: %v", brokers, partitions, rf, start, len(a), a)
	}
	return a
}

// counts is how many partitions each broker leads and holds.
func counts(a [][]int32) (leaders, replicas map[int32]int) {
	leaders, replicas = map[int32]int{}, map[int32]int{}
	for _, rs := range a {
		if len(rs) > 0 {
			leaders[rs[0]]++
		}
		for _, b := range rs {
			replicas[b]++
		}
	}
	return leaders, replicas
}

// spread is max - min of the counts of the brokers (a broker missing from
// c counts 0).
func spread(c map[int32]int, brokers []assignment.Broker) int {
	lo, hi := -1, 0
	for _, b := range brokers {
		n := c[b.ID]
		if lo < 0 || n < lo {
			lo = n
		}
		hi = max(hi, n)
	}
	return hi - lo
}
