// Package partitioner picks the partition of a keyed record exactly as
// the Java client does, so that a record keyed "user-42" lands on the same
// partition whichever client produced it (chapter 6 builds on this).
//
// Java's DefaultPartitioner (and franz-go's, kafka-python's, and
// librdkafka's murmur2_random) hash the key bytes with murmur2 (seed
// 0x9747b28c), clear the sign bit — toPositive, not abs — and take the
// result modulo the topic's partition count (all partitions, not just the
// ones with a live leader).
//
// Invariants:
//   - Murmur2 is a pure function of the bytes: 32-bit wrapping arithmetic,
//     little-endian 4-byte words, the tail mixed with fallthrough.
//   - ForKey returns a partition in [0, n) for every key and n > 0.
//
// Reference: docs/reference/kafka.md §6; AK Utils.murmur2, Utils.toPositive,
// DefaultPartitioner.partition.
package partitioner
