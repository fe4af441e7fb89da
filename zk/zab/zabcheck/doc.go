// Package zabcheck records what each server of a ZAB ensemble broadcast
// and delivered, and checks the Zab paper's invariants over the whole run.
//
// The runtime (a sim node adapter) tells a Recorder three things:
//
//   - Broadcast(node, zxid, txn): a leader proposed txn at zxid.
//   - Deliver(node, zxid, txn): a server applied a committed txn
//     (zab's Ready.Committed, one call per entry, in order).
//   - Start(node, zxid): a server's state machine jumped to zxid without
//     delivering one by one — it (re)started from a snapshot at zxid, or
//     installed a SNAP. Later deliveries continue from there.
//
// For the disk-level checks it also takes, if the runtime tells it:
//
//   - Logged(node, zxid, txn): node's log durably holds txn (after the
//     fsync, before the ACK leaves).
//   - Truncated(node, zxid): node cut its log after zxid (TRUNC);
//     Replaced(node, zxid): it replaced its log by a snapshot (SNAP).
//   - Established(node, epoch): node became the established leader of
//     epoch (a quorum acked NEWLEADER).
//   - Epoch(node, currentEpoch): node's currentEpoch file now holds it;
//     Recovered(node, currentEpoch, snapZxid, log): what node's disk gave
//     back at boot.
//
// Node is the sim.NodeID; every Start begins a new delivered sequence (a
// restarted process), so call Start(node, snapshotZxid) at every boot.
// txn is any string identifying the transaction's content (its encoded
// bytes, or a digest).
//
// # What is checked
//
// (Junqueira, Reed, Serafini, "Zab: High-performance broadcast for
// primary-backup systems", DSN 2011, §3; docs/reference/zookeeper.md §3.)
//
//   - Integrity: a delivered txn was broadcast, with that zxid and content
//     (checked when Broadcasts were recorded).
//
//   - Agreement and total order: all servers deliver the same txn at a
//     zxid; each delivered sequence strictly increases; and no server skips
//     a zxid someone else delivered between two it delivered — so every
//     sequence is a contiguous stretch of one global order.
//
//   - Local primary order: a leader broadcasts in increasing zxid order
//     within its epoch (zxid = epoch<<32 | counter).
//
//   - Global primary order: follows from zxid order (the epoch is the
//     high half), which the checks above enforce. Moreover the delivered
//     zxids of each epoch are exactly counters 1..k: a leader proposes
//     them in that order and commits in order, so no proposal of an
//     epoch is skipped while a later one is delivered.
//
//   - Primary integrity: a leader of epoch e, before its first broadcast
//     in e, has delivered every txn of an earlier epoch that anyone ever
//     delivers.
//
//   - Primary uniqueness: at most one leader establishes (Established) or
//     broadcasts in an epoch (Zab.tla).
//
//   - No commit without a quorum (with Voters set): when a txn is first
//     delivered anywhere, a majority of disks hold it (Logged), since the
//     leader commits only after a quorum of fsynced ACKs (paper §5.1) —
//     and, once Epoch is reported, only disks whose currentEpoch is at
//     least the txn's epoch count: a vote with an older currentEpoch
//     loses to a shorter log of the txn's epoch, so an ACK from a
//     follower that has not yet accepted NEWLEADER promises nothing
//     (Learner.syncWithLeader; issue 9).
//
//   - currentEpoch never runs ahead of the log: a server restarting with
//     currentEpoch e holds e's initial history (the established leader's
//     log) in its snapshot and log (paper §4 phase 2; ZOOKEEPER-4643,
//     ZOOKEEPER-4646).
//
//   - No committed txn is truncated: a Truncated log never loses a txn
//     already delivered somewhere.
//
// Check returns the violations, each naming the servers and zxids
// involved; it is linear in the number of events (plus a sort).
package zabcheck
