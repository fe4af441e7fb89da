package partition_test

import (
	"fmt"

	"github.com/zkafka/zkafka/kafka/partition"
	"github.com/zkafka/zkafka/kafka/partition/assignment"
)

// The chapter's cluster: brokers 1, 2, 3; a topic of 6 partitions, from
// start index 0 and shift 0. Leaders go round robin; after a round of 3
// the shift grows and the followers move (docs/chapters/06-partitioning).
func ExampleAssign() {
	brokers := []assignment.Broker{{ID: 1}, {ID: 2}, {ID: 3}}
	rf2, _ := partition.Assign(brokers, 6, 2, assignment.Start{})
	rf3, _ := partition.Assign(brokers, 6, 3, assignment.Start{})
	for p := range rf2 {
		fmt.Println(p, rf2[p], rf3[p])
	}
	// Output:
	// 0 [1 2] [1 2 3]
	// 1 [2 3] [2 3 1]
	// 2 [3 1] [3 1 2]
	// 3 [1 3] [1 3 2]
	// 4 [2 1] [2 1 3]
	// 5 [3 2] [3 2 1]
}

// A few keys, their hash and their partition among 6 (kafka-python 2.0's
// DefaultPartitioner prints the same).
func ExampleForKey() {
	for _, k := range []string{"foobar", "abc", "user-1", "user-2", "user-3"} {
		fmt.Println(k, partition.Murmur2([]byte(k)), partition.ForKey([]byte(k), 6))
	}
	// Output:
	// foobar -790332482 0
	// abc 479470107 3
	// user-1 1404122828 2
	// user-2 -324981792 2
	// user-3 1141442267 5
}
