// Package txnlog is ZooKeeper's transaction log: the durable, ordered
// record of every txn the server has accepted.
//
// # The story
//
// A ZooKeeper server answers a write only after the txn is on disk
// (docs/reference/zookeeper.md §4, "fsync before ACK"; paper §5.1). An fsync costs a
// millisecond or more, so the server batches: while one fsync runs, the
// next writes gather in memory, and one fsync then covers them all (group
// commit, SyncRequestProcessor). Log.Append buffers, Log.Commit writes the
// batch and fsyncs once.
//
// The on-disk format is FileTxnLog's:
//
//	file  = FileHeader{int magic "ZKLG", int version 2, long dbid} entry*
//	entry = long adler32(payload), int len, payload (len bytes), byte 0x42
//	payload = TxnHeader{clientId, cxid, zxid, time, type} + txn record
//
// Files are named log.<zxid of their first txn in lower-case hex>; a new
// file starts when the server rolls the log (when a snapshot starts), so
// old files can be purged once a newer snapshot covers them.
//
// # Recovery
//
// A power cut can leave the last file with a torn tail: a half-written
// entry, or garbage after the last synced byte. Open scans every file and
// cuts the log at the first entry that is short, fails its checksum, lacks
// the 0x42 end-of-record byte, does not decode, or does not increase the
// zxid; everything after that point is dropped. Because Commit fsyncs
// before returning, the cut never removes a txn whose Commit succeeded.
//
// # Invariants
//
//   - Zxids strictly increase through the log, across files.
//   - A txn whose Commit returned nil survives any crash.
//   - Decoding never panics, whatever the bytes (see FuzzDecodeEntry).
//   - A Log is owned by one goroutine (the server's sync stage); it is not
//     safe for concurrent use. After a failed write or sync it refuses
//     further writes: the only safe move is to reopen and recover.
package txnlog
