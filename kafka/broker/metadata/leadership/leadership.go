// Package leadership holds the types of the stopgap's decision — what a
// broker makes of the topics' assignments and the live brokers while
// there is no controller (chapter 6). The decision itself is
// kafka/broker/metadata's Derive and Decide (decide.go, which lab 6's
// learner writes); its types live here so that file compiles on its own.
package leadership

// Partition is one partition: its assigned replicas (the first is the
// preferred leader) and what the live brokers make of it.
type Partition struct {
	ID       int32
	Replicas []int32 // assigned, in order
	Leader   int32   // the first live replica; -1 when none is alive
	ISR      []int32 // the live replicas, in assignment order
	Offline  []int32 // the assigned replicas that are not alive
}

// Replica is a partition this broker holds a log for: one of its
// assigned replicas is this broker. Leader says whether this broker
// leads it (produce, fetch and list-offsets are served only there).
type Replica struct {
	Topic     string
	Partition int32
	Leader    bool
}

// Decision is what one broker makes of the cluster: every topic's
// partitions with their leadership, and the partitions it holds.
type Decision struct {
	// Topics are the topics' partitions, by topic name; each list is
	// indexed by partition id.
	Topics map[string][]Partition
	// Local are the partitions this broker holds a log for, by topic
	// name, then partition id.
	Local []Replica
}
