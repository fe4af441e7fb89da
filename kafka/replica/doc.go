// Package replica is chapter 7's subject, the rules by which a
// partition's replicas agree on what is committed: Kafka 2.3's ISR
// replication, as pure functions and small values with no goroutines,
// clocks or I/O inside, so that the broker over TCP and the simulator in
// the tests run the same code (the shape of zk/zab).
//
// The decisions, each checked against the 2.3.1 source it comes from:
//
//   - Progress (progress.go): what the leader knows of each follower from
//     its fetches — its log end offset (LEO) and lastCaughtUpTimeMs —
//     updated as Replica.updateLogReadResult does.
//   - HighWatermark (hw.go): the minimum LEO over the ISR and every
//     replica caught up within replica.lag.time.max.ms, and never backwards
//     (Partition.maybeIncrementLeaderHW).
//   - OutOfSync and CanJoin (isr.go): when a follower leaves the ISR
//     (Partition.getOutOfSyncReplicas) and when it may join it again
//     (Partition.maybeExpandIsr).
//   - EpochCache (epochs.go): the leader epoch → start offset history of a
//     log (LeaderEpochFileCache, KIP-101), with its
//     leader-epoch-checkpoint file format (epochfile.go).
//   - Truncation (truncate.go): where a follower cuts its log when it
//     follows a new leader, from the leader's OffsetForLeaderEpoch answer —
//     never to its high watermark (KIP-101), in as many rounds as the
//     epochs it missed need (KIP-279;
//     AbstractFetcherThread.getOffsetTruncationState).
//
// and the leader's side of a partition as one deterministic core
// (leader.go): Leader takes what happened — its log grew, a follower
// fetched, time passed, an ISR write finished — and answers with an
// Update: a high watermark that moved (complete the waiting acks=all
// produces), an ISR to write to ZooKeeper. The ISR it uses is always the
// one ZooKeeper holds; one write is in flight at a time. CanAppend and
// Reached are acks=all's min.insync.replicas rules. Follower (follower.go)
// is the other side: truncate first, in OffsetForLeaderEpoch rounds, then
// fetch, its high watermark the leader's capped by its own log end. The
// runtime that pumps both over TCP and in the simulator comes next.
//
// # Invariants
//
//   - A leader's ISR changes only after ZooKeeper holds the change.
//   - A leader's high watermark never decreases, and never passes the LEO
//     of any ISR member (so an acknowledged acks=all record is on every
//     ISR member's log).
//   - The leader never leaves its own ISR; a follower whose LEO equals the
//     leader's is never out of sync.
//   - An EpochCache's epochs and start offsets both strictly increase.
//   - A follower never truncates below what the leader has at the same
//     epoch, and never above its own log end.
//
// Reference: docs/reference/kafka.md §4 (replication); KIP-101 (leader
// epochs instead of the high watermark for truncation), KIP-279 (the
// multi-round case); AK 2.3.1 kafka/cluster/Partition.scala,
// kafka/cluster/Replica.scala, kafka/server/epoch/LeaderEpochFileCache.scala,
// kafka/server/AbstractFetcherThread.scala.
package replica
