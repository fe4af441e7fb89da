package partition

// Lab 6, part 2: the partition of a keyed record.

// ForKey is the partition of a record with a (non-null) key, the Java
// client's choice.
//
// Contract: for numPartitions > 0, ForKey returns
// ToPositive(Murmur2(key)) % numPartitions, a partition in [0,
// numPartitions): the same partition as Java's DefaultPartitioner (2.3
// and later), franz-go's murmur2 partitioners, kafka-python's
// DefaultPartitioner and librdkafka's murmur2_random. numPartitions
// counts every partition of the topic, available or not. A
// numPartitions <= 0 is the caller's bug: ForKey panics.
//
// Reference: docs/reference/kafka.md §6; AK 2.3.1 DefaultPartitioner.partition.
func ForKey(key []byte, numPartitions int32) int32 {
	lab6NotImplemented("not implemented: lab 6 (ForKey)")
	return 0
}
