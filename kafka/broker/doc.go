// Package broker is chapter 5's Kafka broker: the segment log of package
// log, served over the real Kafka protocol so that kcat (librdkafka),
// franz-go and kafka-python produce to it and consume from it unchanged.
//
// The story of a request:
//
//  1. conn.go reads a frame — int32 size, then request header v1
//     (api_key, api_version, correlation_id, client_id) and the body — and
//     closes the connection on a negative or oversized size, a truncated
//     header, an API or version not in the table, or a body kmsg cannot
//     parse: what AK 2.3 does with a request it cannot read.
//  2. The body is decoded with franz-go's kmsg (we never hand-write a
//     message encoding) and handled: ApiVersions (versions.go), Metadata,
//     Produce, Fetch, ListOffsets, CreateTopics.
//  3. The response is queued on the connection's FIFO and a writer
//     goroutine sends it: responses leave in request order, whatever the
//     client pipelines. ApiVersions, like every API we serve, uses
//     response header v0 (no flexible versions: Kafka 2.3's table).
//
// Produce validates each partition's record batches and lets the log
// stamp offsets and the leader epoch in place; nothing is re-encoded.
// Fetch returns those same bytes: the response is encoded with empty
// record fields and the log's file sections are spliced in after each
// field's length, sent with sendfile(2) on Linux (fetchframe.go,
// frame.go). A fetch that finds less than min_bytes waits (long poll)
// until an append to one of its partitions or max_wait.
//
// Standalone mode: one broker, replication factor 1, its own controller,
// leader epoch 0 everywhere, high watermark = log end offset, acks=all =
// acks=1. Topics are the partition directories in the log dirs (the
// dirs are the source of truth; a topic config override given to
// CreateTopics is kept in memory only). Chapter 6 moves topics and
// brokers into ZooKeeper: topics.go's createTopic and loadTopics are the
// seam.
//
// # Invariants
//
//   - Responses on a connection are in request order; acks=0 produces get
//     none, and fail by closing the connection.
//   - Bad input never panics: a frame or request we cannot read closes
//     that connection only; a bad batch is CORRUPT_MESSAGE (kafka/record);
//     an unknown partition UNKNOWN_TOPIC_OR_PARTITION; an offset outside
//     the log OFFSET_OUT_OF_RANGE.
//   - A partition's log is only touched under its partition's lock; the
//     topic table under the broker's. Log sections are sent outside the
//     lock, read at explicit offsets, so fetches never block appends.
//   - Close writes the checkpoints and the clean-shutdown marker only
//     after every connection and background loop has stopped.
//
// Reference: docs/reference/kafka.md §1 (wire protocol), §2 (formats), §3 (storage).
package broker
