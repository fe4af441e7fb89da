// Package quorum holds the vocabulary ZAB's peers speak: zxids, quorum
// packets (ZooKeeper's QuorumPacket types), votes and notifications of fast
// leader election, majorities, and the leader's sync decision (SyncPlan).
//
// It is the part of chapters 3 and 4 that the learner does not write: plain
// Go types, no behaviour beyond arithmetic. The state machines that use
// them live in package zab; the labs' files (proposals, delivery, election,
// sync decisions) import this package and nothing else of zab, so that a
// lab directory compiles on its own.
//
// Wire encoding is not here on purpose (code-style-models.md guidance 12):
// the core takes Go structs; the runtime that speaks TCP encodes a Packet
// as ZooKeeper's QuorumPacket{int type, long zxid, buffer data,
// vector<Id> authinfo} (docs/reference/zookeeper.md §3).
//
// # Invariants
//
//   - A zxid is epoch<<32 | counter (ZxidUtils); epoch and counter are
//     both 32-bit, so zxids of a later epoch are always larger.
//   - A majority of n voters is n/2+1: any two majorities intersect, which
//     is the whole reason ZAB (and Paxos, and Raft) is safe.
package quorum
