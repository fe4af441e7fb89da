// Package record is chapter 5's first half: Kafka's RecordBatch v2, the
// unit every Kafka log stores, every producer sends and every consumer
// fetches.
//
// A producer groups records into a batch, compresses the records, and
// protects everything after the CRC field with CRC-32C. The broker checks
// the batch (Validate), stamps the two fields that lie outside the CRC —
// baseOffset and partitionLeaderEpoch (SetBaseOffset,
// SetPartitionLeaderEpoch) — and writes the bytes to its log unchanged. A
// consumer fetches those very bytes. The broker never re-encodes a batch on
// the normal path, which is why the two fields it must change sit before
// the CRC.
//
// The layout (big-endian; reference: docs/reference/kafka.md §2, DefaultRecordBatch.java):
//
//	off  size field
//	  0     8 baseOffset            set by the broker, outside the CRC
//	  8     4 batchLength           bytes after this field (size - 12)
//	 12     4 partitionLeaderEpoch  set by the leader, outside the CRC
//	 16     1 magic                 2
//	 17     4 crc                   CRC-32C of bytes [21, end)
//	 21     2 attributes            codec bits 0-2, timestampType bit 3,
//	                                transactional bit 4, control bit 5,
//	                                deleteHorizon bit 6
//	 23     4 lastOffsetDelta
//	 27     8 baseTimestamp
//	 35     8 maxTimestamp
//	 43     8 producerId
//	 51     2 producerEpoch
//	 53     4 baseSequence
//	 57     4 recordsCount
//	 61       records (compressed as a whole when the codec is not none)
//
// Each record is varint-framed (zigzag varints, as encoding/binary's
// Varint): length, attributes (int8), timestampDelta, offsetDelta, key
// length (-1 = null) and key, value length and value, header count, then
// per header a key (never null) and a value.
//
// # Invariants
//
//   - Parsing never panics and never reads past the slice it was given:
//     every length is checked before it is used (see the fuzz targets).
//   - Parsed keys, values and headers alias the batch's bytes (or the
//     decompressed buffer): nothing is copied on the read path.
//   - A batch that passes Validate has a correct CRC, a batchLength that
//     matches its size, magic 2, and exactly recordsCount well-formed
//     records with offset deltas 0..lastOffsetDelta.
//   - Errors carry the Kafka error code the broker must answer with
//     (errors.Is(err, kerr.CorruptMessage)).
package record
