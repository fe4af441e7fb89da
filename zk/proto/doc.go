// Package proto is ZooKeeper's client wire protocol: the jute encoding and
// every record the server and the clients exchange.
//
// There are only a few ideas here:
//
//   - Jute: int and long are big-endian int32/int64, boolean is one byte,
//     ustring and buffer are an int32 length then bytes (-1 is null), vector
//     is an int32 count then the elements. A record is its fields in order,
//     with no tags (zookeeper-jute, BinaryOutputArchive.java).
//   - Framing: every message is a 4-byte big-endian length and a payload
//     (see package frame in zk/server). A request payload is a
//     RequestHeader{xid, type} followed by the op's record; a reply is a
//     ReplyHeader{xid, zxid, err} followed by the body, only when err == 0.
//   - Txns: what the server logs and replicates (txn.go). They carry the
//     outcome of a request so that applying them is deterministic.
//
// # Invariants
//
//   - Decoding never panics and never allocates more than the input could
//     hold: every length and count is checked against the bytes left
//     (Decoder.VectorLen). The first error sticks (Decoder.Err) and names
//     the byte offset and the field.
//   - Encode then Decode is the identity for every record (see the tests).
//
// The records follow zookeeper.jute and txn.jute of ZooKeeper 3.8; see
// docs/reference/zookeeper.md §1 for the sources.
package proto
