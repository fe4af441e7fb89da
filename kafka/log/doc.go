// Package log is chapter 5's second half: a partition's log in Kafka's
// own on-disk format, so a Kafka tool could read our log.dir and we could
// read Kafka's.
//
// A partition is a directory <log.dir>/<topic>-<partition>/ of segments.
// A segment is three files named by its base offset (%020d):
//
//	00000000000000000000.log        RecordBatch v2 bytes, exactly as produced
//	                                (plus the offsets and epoch the broker stamped)
//	00000000000000000000.index      sparse: relOffset u32 | position u32
//	00000000000000000000.timeindex  sparse: timestamp i64 | relOffset u32
//	00000000000000004096.log        the next segment starts at offset 4096 ...
//
// Appends go to the last (active) segment. Every index.interval.bytes of
// appended data the offset index gets an entry mapping the append's last
// offset to its start position, so a read looks up the greatest entry at
// or below its offset and scans batch headers forward from there; the
// time index does the same for timestamps (ListOffsets). The active
// segment rolls into a new one when it would exceed segment.bytes, is
// older than segment.ms, has a full index, or an offset would not fit 32
// bits relative to its base. Retention deletes whole old segments by age
// (retention.ms) or total size (retention.bytes), only below the high
// watermark the caller passes; an expired active segment goes too, after
// a roll to a new empty one (Kafka 2.3: a partition nobody writes to
// still ages out).
//
// A broker's log dirs are a Manager (manager.go, AK LogManager): it
// places new partitions in the least loaded dir and runs the periodic
// jobs — retention, flush, checkpoints — through RunDue(nowMs), which
// tests call with the time they choose; Run is the loop a runtime gives
// one goroutine. The Manager borrows each log through its owner's lock
// (Access), since a Log is not goroutine-safe.
//
// Durability. By default Kafka never fsyncs on its own: flush.messages
// and flush.ms are infinite, and a record is safe because replicas hold
// it (chapter 7), not because a disk does. We do the same, with three
// exceptions that keep recovery cheap and truncation final: a roll
// fsyncs the segment it closes (AK schedules that flush in the
// background; we do it inline, deterministically), TruncateTo and
// retention fsync what they change, and Open makes its recovered state
// durable. Flush lets the broker force an fsync; MaybeFlush applies
// flush.ms. The recovery point is the offset below which everything is
// fsynced.
//
// Recovery. Without the .kafka_cleanshutdown marker, Open re-reads every
// segment from the one holding the recovery point: each batch must be
// whole, magic 2, CRC-32C-valid and above the previous one's offsets;
// the file is cut at the first that is not (a torn write or garbage), the
// indexes are rebuilt, and every later segment is deleted. Segments below
// the recovery point and all segments after a clean shutdown load their
// index files instead, after a sanity check (rebuilt if it fails).
//
// Leader epochs (epochs.go, for chapter 7). Each partition directory also
// keeps leader-epoch-checkpoint, Kafka's history of which leader epoch
// wrote from which offset (KIP-101): every append assigns its batches'
// epochs, a truncation or a new log start cuts the history with the log,
// and Open reads it back (rebuilding it from the batches when it is
// missing or damaged). EndOffsetForEpoch answers OffsetForLeaderEpoch
// from it (kafka/replica.EpochCache).
//
// The learner's part (lab 5) is in index.go (the two indexes), segment.go
// (assigning offsets, append, the roll rule), read.go (offset lookup,
// reads, timestamp search) and recover.go; the rest — Log, Dir,
// checkpoints, file names, loading — calls into them.
//
// # Invariants
//
//   - Every .log holds whole valid batches only, offsets strictly
//     increasing across segments; the log end offset is one past the last.
//   - The index never points past the log's end: every entry's position
//     is a batch start below the segment's size, its offset below next.
//   - Recovery keeps every fsynced batch and truncates exactly at the first
//     invalid byte; truncated or deleted data never reappears.
//   - The leader-epoch history covers exactly [log start, log end): no
//     epoch starts at or past the end, none before the log start.
//   - The package starts no goroutine and reads no clock: time is a
//     parameter (ms), and Manager.Run runs on its caller's goroutine with
//     the Clock it is given. All I/O goes through labs/sim/vfs, so tests
//     can crash the disk (vfs.Mem).
//
// Reference: docs/reference/kafka.md §2 (record formats), §3 (storage layout); AK 2.8
// Log.scala, LogSegment.scala, OffsetIndex.scala, TimeIndex.scala; AK
// 2.3.1 Log.deleteOldSegments and LogManager for retention and the jobs.
package log
