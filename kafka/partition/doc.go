// Package partition is chapter 6's idea: how a topic is split and
// spread. Two questions, answered exactly as Kafka answers them, so that
// our brokers and clients sit in a cluster of real ones unnoticed.
//
// Which partition does a record go to? A client decides, not the broker.
// With a key, every client of the course — Java's DefaultPartitioner,
// franz-go, kafka-python, librdkafka's murmur2_random, and ours — takes
// ToPositive(Murmur2(key)) % numPartitions (ForKey), so one key always
// lands on one partition and its records stay in order, whoever produced
// them. ToPositive clears the sign bit; it is not abs: Java's
// Math.abs(Integer.MIN_VALUE) is still negative, and abs maps h and -h
// to one partition where the sign bit does not (|-790332482| % 10 is 2,
// "foobar"'s partition is 6). numPartitions counts every partition, not
// only those with a leader: a key must not move when a broker dies. It
// does move when partitions are added — this is a modulo, not consistent
// hashing — which is why Kafka warns that adding partitions to a keyed
// topic breaks per-key order across the change. librdkafka (and so kcat)
// defaults to a CRC32 partitioner instead: -X partitioner=murmur2_random
// makes it agree.
//
// Without a key, any partition will do, and the choice is about batching.
// Kafka 2.3's DefaultPartitioner round-robins such records over the
// available partitions, one record each, so a producer fills many small
// batches. The Java client from 2.4 on sticks to one partition until its
// batch is complete, then picks another available one at random (KIP-480,
// Sticky); our producer does that — a 2.4 client behaviour, invisible to
// a 2.3 broker, labelled as such. kafka-python 2.0 picks a random
// available partition per record.
//
// Where do a partition's replicas live? Assign is Kafka 2.3's
// AdminUtils.assignReplicasToBrokers, run once when a topic is created
// (or partitions are added) and written to /brokers/topics/<t>. Brokers
// are taken in id order. Partition p's first replica — its preferred
// leader — is broker (p + startIndex) % n, so leaders go round robin;
// its other replicas follow at a shift 1..n-1 after the first, and the
// shift grows by one every n partitions, so the partitions one broker
// leads have their followers on different brokers and one broker's
// failure spreads its load instead of doubling one neighbour's. With
// racks, the same walk runs over a list that alternates racks
// (RackAlternated) and skips candidates whose rack already has a replica
// until every rack has one. Kafka draws startIndex and the shift at
// random; here they are an argument (Start), so an assignment is a pure
// function and a test or a replay gives fixed vectors.
//
// Where the broker comes in (chapter 6's other half, in kafka/broker):
// CreateTopics and auto-creation call Assign over the live brokers and
// write the result to ZooKeeper; each broker reads /brokers/topics and
// serves the partitions assigned to it.
//
// # Invariants
//
//   - Murmur2, ToPositive, ForKey and Assign are pure functions of their
//     arguments: no clock, no global RNG, no I/O.
//   - ForKey(key, n) is in [0, n) and is Java's choice for every key.
//   - Assign gives every partition replicationFactor distinct brokers;
//     with replicationFactor <= #racks each rack holds at most one
//     replica of a partition, and with more replicas every rack holds
//     one. When partitions is a multiple of the broker count, every
//     broker leads the same number of partitions; rack-unaware, and from
//     Start.Partition 0 (a new topic), every broker also holds the same
//     number of replicas.
//   - A refused assignment is an *assignment.Error with Kafka's message
//     and error code, matching assignment.ErrInvalidPartitions,
//     ErrInvalidReplicationFactor, ErrRackInfo or ErrInvalidBrokers
//     (errors.Is).
//   - Sticky keeps a topic on one partition until NewBatch names that
//     partition, then moves to another available one (when there are
//     two or more).
//
// The learner's part (lab 6) is murmur2.go (Murmur2, ToPositive),
// partitioner.go (ForKey) and assign.go (Assign, RackAlternated). Given:
// the sticky partitioner, and package assignment (Broker, Start, the
// errors), kept apart so the learner's files compile on their own.
//
// Reference: docs/reference/kafka.md §6; AK 2.3.1 Utils.murmur2,
// Utils.toPositive, DefaultPartitioner, AdminUtils.scala,
// AdminZkClient.scala; AK 2.4.0 UtilsTest.testMurmur2,
// StickyPartitionCache; KIP-480.
package partition
