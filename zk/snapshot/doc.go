// Package snapshot writes and reads fuzzy snapshots of the data tree and the
// session table (paper §4.3; docs/reference/zookeeper.md §4).
//
// # The story
//
// Replaying the whole txn log at every restart would take longer and
// longer, so every snapCount txns (with some randomness, so that the
// servers of an ensemble do not all snapshot at once) the server writes
// the tree to a snapshot file and rolls the log. Later it can purge the log
// files the snapshot covers.
//
// The snapshot is fuzzy: it is written while writes go on. The serving
// goroutine calls Writer.Step between batches; each step serializes a
// bounded number of nodes in depth-first order, reading each node (and its
// children list) when it visits it. The result matches no single moment,
// but that is fine: a snapshot named snapshot.<Z> contains every change up
// to zxid Z and maybe some later ones, and restore replays every logged
// txn with zxid > Z. Txns are idempotent (they carry new data and
// versions, not deltas), so applying one whose effect is already in the
// snapshot lands in the same state.
//
// # File format
//
//	FileHeader{int magic "ZKSN", int version 2, long dbid}
//	int count, {long sessionId, int timeout}*count
//	{ustring path, buffer data, vector<ACL> acl, Stat stat}*   (parents first)
//	ustring ""                                                  (end of nodes)
//	long adler32(everything above)
//	ustring "/"                                                 (ZooKeeper's end marker)
//
// The layout follows FileSnap/DataTree.serialize in spirit (ZooKeeper
// stores ACLs in a shared cache; we store each node's ACL inline).
//
// # Invariants
//
//   - A snapshot is valid only if it is complete and its checksum matches;
//     Newest skips invalid ones in favour of older ones.
//   - A parent is always written before its children, so restore can
//     insert nodes in file order.
//   - Reading never panics, whatever the bytes.
package snapshot
