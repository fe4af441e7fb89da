package partition

// #region for-key

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
	if numPartitions <= 0 {
		panic("partition: ForKey needs a positive partition count") // as Java's % by zero throws
	}
	return ToPositive(Murmur2(key)) % numPartitions
}

// #endregion for-key
