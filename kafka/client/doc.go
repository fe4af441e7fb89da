// Package client is zkafka's own small Kafka client: enough to produce,
// consume, look up metadata and create topics, written so a learner can
// read every step between a Go call and the bytes on the wire. It is used
// by the chapter programs and by kcli; it is not a replacement for
// franz-go's kgo (no groups, no idempotence, no transactions).
//
// The story of a request:
//
//  1. Connect. A conn dials one broker and first asks ApiVersions which
//     versions of each API it speaks, starting with the newest
//     ApiVersions we know and falling back as the broker says (docs/reference/kafka.md
//     §1.2). Every later request goes out at the highest version both
//     sides know.
//  2. Pipeline. Requests are encoded by franz-go's kmsg (never by hand)
//     and written back to back on the one connection, each with a new
//     correlation id. Kafka answers in order, so a single reader matches
//     each response to the oldest waiting request and checks the ids.
//  3. Metadata. A seed broker names every broker and each partition's
//     leader; produce, fetch and list-offsets go to the leader.
//  4. Produce. Records are partitioned — murmur2 of the key like the Java
//     client (kafka/partition.ForKey), null keys stick to one partition
//     until its batch is complete (kafka/partition.Sticky, KIP-480: the
//     Java client's behaviour from 2.4) — then encoded as RecordBatch v2 by kafka/record (optionally
//     compressed), and sent one Produce request per leader with acks 0, 1
//     or all. The broker answers each partition's base offset.
//  5. Fetch. A consumer assigns partitions at an offset (resolving
//     beginning / end / tail / timestamp with ListOffsets), then polls:
//     one Fetch per leader, whole batches back, records below the
//     position skipped, a cut-off last batch dropped, CRCs checked.
//
// Errors. A Kafka error code comes back as an *Error naming the topic and
// partition, which unwraps to franz-go's kerr sentinel:
// errors.Is(err, kerr.OffsetOutOfRange). The client's own failures are
// sentinels (ErrClosed, ErrUnsupported, ...).
//
// Invariants:
//   - Responses are matched to requests strictly in order; a mismatched
//     correlation id closes the connection and fails every waiting call.
//   - A request abandoned by its context stays queued until its response
//     is read and dropped, so later responses are never misattributed.
//   - Offsets a Producer reports are base offset + index in the batch, in
//     the order the records were buffered for that partition.
//   - Poll never returns a record below a partition's position, and
//     advances the position past every whole batch it read.
//
// Reference: docs/reference/kafka.md §1 (wire protocol), §2 (RecordBatch v2), §6
// (partitioner).
package client
