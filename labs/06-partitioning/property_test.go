//go:build grade

package lab06_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/zkafka/zkafka/kafka/partition/assignment"
	"github.com/zkafka/zkafka/labs/sim"
)

// randomIDs draws n distinct broker ids below 1000, in random order.
func randomIDs(r *rand.Rand, n int) []int32 {
	seen := map[int32]bool{}
	var ids []int32
	for len(ids) < n {
		id := int32(r.IntN(1000))
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// checkReplicas fails unless every partition has rf distinct brokers,
// all of them in brokers.
func checkReplicas(t *testing.T, what string, a [][]int32, brokers []assignment.Broker, rf int) {
	t.Helper()
	known := map[int32]bool{}
	for _, b := range brokers {
		known[b.ID] = true
	}
	for p, rs := range a {
		if len(rs) != rf {
			fatalf(t, "%s: partition %d has %d replicas %v, want %d", what, p, len(rs), rs, rf)
		}
		seen := map[int32]bool{}
		for _, b := range rs {
			if !known[b] {
				fatalf(t, "%s: partition %d %v names broker %d, not one of %v", what, p, rs, b, brokers)
			}
			if seen[b] {
				fatalf(t, "%s: partition %d %v has broker %d twice", what, p, rs, b)
			}
			seen[b] = true
		}
	}
}

// TestAssignProperties draws seeded random clusters without racks (1 to
// 12 brokers with random ids, any replication factor, random starts, new
// topics and added partitions) and checks the guarantees of
// assignReplicasToBrokers: never two replicas of a partition on one
// broker, leaders round robin (no broker leads more than one partition
// more than another), every broker holding the same number of replicas
// when a new topic's partitions are a multiple of the brokers, and the
// followers of one broker's partitions spread over every other broker.
//
// Points: 15
// Reference: AK 2.3.1 AdminUtils.assignReplicasToBrokers (its three goals, in the doc comment), RackAwareTest.checkReplicaDistribution
func TestAssignProperties(t *testing.T) {
	r := sim.Rand(t)
	for round := range 300 {
		n := 1 + r.IntN(12)
		brokers := unracked(randomIDs(r, n)...)
		rf := 1 + r.IntN(n)
		parts := 1 + r.IntN(60)
		start := assignment.RandomStart(r, n)
		if round%4 == 3 { // adding partitions to a topic
			start.Partition = 1 + r.IntN(30)
		}
		if round%3 == 0 { // a whole number of rounds
			parts = n * (1 + r.IntN(5))
		}
		if round%5 == 0 && n > 1 { // one round per shift: n*(n-1) partitions
			parts, start.Partition = n*(n-1), 0
		}
		what := fmt.Sprintf("round %d: %d brokers %v, %d partitions, rf %d, %+v", round, n, brokers, parts, rf, start)
		in := append([]assignment.Broker(nil), brokers...)
		a := assign(t, in, parts, rf, start)
		if !reflect.DeepEqual(in, brokers) {
			fatalf(t, "%s: Assign modified its brokers to %v", what, in)
		}
		if again := assign(t, brokers, parts, rf, start); !reflect.DeepEqual(a, again) {
			fatalf(t, "%s: two calls gave %v and %v", what, a, again)
		}
		checkReplicas(t, what, a, brokers, rf)
		leaders, replicas := counts(a)
		if s := spread(leaders, brokers); s > 1 {
			fatalf(t, "%s: leaders %v differ by %d between brokers\n%v", what, leaders, s, a)
		}
		if start.Partition == 0 && parts%n == 0 {
			for _, b := range brokers {
				if replicas[b.ID] != parts*rf/n {
					fatalf(t, "%s: broker %d holds %d replicas, want %d each: %v\n%v", what, b.ID, replicas[b.ID], parts*rf/n, replicas, a)
				}
			}
		}
		if start.Partition == 0 && parts == n*(n-1) && rf >= 2 {
			second := map[int32]map[int32]bool{} // leader -> its partitions' second replicas
			for _, rs := range a {
				if second[rs[0]] == nil {
					second[rs[0]] = map[int32]bool{}
				}
				second[rs[0]][rs[1]] = true
			}
			for l, s := range second {
				if len(s) != n-1 {
					fatalf(t, "%s: the %d partitions broker %d leads have their second replica on %d brokers, want all %d others (the shift)\n%v", what, n-1, l, len(s), n-1, a)
				}
			}
		}
	}
}

// TestAssignRackAwareProperties draws seeded random racked clusters (1 to
// 4 racks, 1 to 12 brokers) and checks the rack-aware guarantees: never
// two replicas on one broker, each partition on min(rf, racks) racks —
// every rack when there are at least as many replicas as racks, at most
// one replica per rack otherwise — leaders balanced, and, with as many
// replicas as racks and racks of equal size, the same number of replicas
// on every broker.
//
// Points: 15
// Reference: AK 2.3.1 AdminUtils.assignReplicasToBrokers (doc comment: "it will ensure that each rack will get at least one replica ... at most one replica ... guarantees that the replica distribution is even"), AdminRackAwareTest
func TestAssignRackAwareProperties(t *testing.T) {
	r := sim.Rand(t)
	for round := range 300 {
		numRacks := 1 + r.IntN(4)
		perRack := 0
		if round%3 == 0 {
			perRack = 1 + r.IntN(3) // racks of equal size
		}
		ids := randomIDs(r, 12)
		var brokers []assignment.Broker
		rackOf := map[int32]string{}
		for i := range numRacks { // every rack has a broker
			brokers = append(brokers, assignment.Broker{ID: ids[i], Rack: fmt.Sprintf("rack-%c", 'a'+i)})
		}
		extra := r.IntN(12 - numRacks + 1)
		if perRack > 0 {
			extra = numRacks * (perRack - 1)
		}
		for i := range extra {
			brokers = append(brokers, assignment.Broker{ID: ids[numRacks+i], Rack: fmt.Sprintf("rack-%c", 'a'+(i%numRacks))})
		}
		if perRack == 0 { // uneven racks: move some brokers
			for i := numRacks; i < len(brokers); i++ {
				brokers[i].Rack = fmt.Sprintf("rack-%c", 'a'+r.IntN(numRacks))
			}
		}
		r.Shuffle(len(brokers), func(i, j int) { brokers[i], brokers[j] = brokers[j], brokers[i] })
		for _, b := range brokers {
			rackOf[b.ID] = b.Rack
		}
		n := len(brokers)
		rf := 1 + r.IntN(n)
		if perRack > 0 && round%2 == 0 {
			rf = numRacks
		}
		parts := 1 + r.IntN(60)
		if round%2 == 0 {
			parts = n * (1 + r.IntN(5))
		}
		start := assignment.RandomStart(r, n)
		what := fmt.Sprintf("round %d: brokers %v, %d partitions, rf %d, %+v", round, brokers, parts, rf, start)
		a := assign(t, brokers, parts, rf, start)
		checkReplicas(t, what, a, brokers, rf)
		for p, rs := range a {
			racks := map[string]bool{}
			for _, b := range rs {
				racks[rackOf[b]] = true
			}
			if len(racks) != min(rf, numRacks) {
				fatalf(t, "%s: partition %d %v spans %d racks, want %d\n%v", what, p, rs, len(racks), min(rf, numRacks), a)
			}
		}
		leaders, replicas := counts(a)
		if s := spread(leaders, brokers); s > 1 {
			fatalf(t, "%s: leaders %v differ by %d between brokers\n%v", what, leaders, s, a)
		}
		if perRack > 0 && rf == numRacks && parts%n == 0 {
			for _, b := range brokers {
				if replicas[b.ID] != parts*rf/n {
					fatalf(t, "%s: broker %d holds %d replicas, want %d each: %v\n%v", what, b.ID, replicas[b.ID], parts*rf/n, replicas, a)
				}
			}
		}
	}
}
