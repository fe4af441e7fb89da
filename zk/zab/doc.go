// Package zab is ZooKeeper's atomic broadcast (chapters 3 and 4): how an
// ensemble of servers agrees on one sequence of txns, and keeps agreeing
// when servers crash and the network splits.
//
// There are only a few types: Peer (one server, as a deterministic state
// machine), Ready (what the Peer asks its runtime to do), and the pieces
// the labs have the learner write — Proposals and Delivery (broadcast,
// lab 3), Election and DecideSync (election and synchronization, lab 4).
// Packets, votes and zxids are in package quorum.
//
// # The story
//
// Every write goes through one leader. It gives the write the next zxid
// (epoch<<32 | counter), logs it and sends it to the followers as a
// PROPOSAL; each follower logs it, fsyncs, and ACKs. Once a majority
// (itself included) has it on disk — and every earlier proposal is
// committed — the leader COMMITs it, and every server applies it, in
// zxid order (chapter 3, broadcast; Leader.tryToCommit).
//
// When the leader fails, the servers elect a new one (fast leader
// election: the vote with the highest (currentEpoch, last zxid, server
// id) wins). The new leader gathers a majority (discovery: FOLLOWERINFO,
// LEADERINFO with a new epoch above every epoch they accepted, ACKEPOCH),
// makes every follower's log equal to its own (synchronization: DIFF,
// TRUNC or SNAP, then NEWLEADER) and, once a majority acked NEWLEADER,
// commits its whole history and starts broadcasting (UPTODATE)
// (chapter 4; Zab paper §4, docs/reference/zookeeper.md §3).
//
// # Why a new leader's history contains every committed proposal
//
// A proposal P is committed only after a majority Q1 logged it. A new
// leader is elected by a majority Q2 whose votes it beats; Q1 and Q2
// share a server S. S logged P before acking it, and S's vote (epoch,
// zxid) is at most the leader's. If the leader's currentEpoch is P's
// epoch, its zxid is at least S's, and both logs are prefixes of the
// same epoch leader's proposals, so the leader has P. If its
// currentEpoch is later, it acked the NEWLEADER of a later leader, whose
// history (by induction on epochs) already contained P. Synchronization
// then gives every follower the leader's history, and TRUNC only removes
// what the leader does not have — never a committed P.
//
// # Using a Peer (the runtime's duties)
//
//  1. Feed it: Step(packet) for every packet received, Tick() every
//     tick, Disconnected(sid) when the channel to sid breaks.
//  2. When HasReady(), take Ready() and carry it out in field order:
//     install the snapshot, truncate, append and fsync the entries,
//     persist the epochs, apply the committed txns, then send the messages, run forwarded
//     requests, record touches and finish syncs. Then Advance(rd).
//  3. Writes: on the leader, NextZxid, Tree.Execute at that zxid, then
//     Propose (after the Ready announcing Serving has been handled); on
//     a follower, Forward the request. Sync(id) for sync, Touch for
//     session pings, Compact after taking a snapshot.
//
// The simulator (zabsim) is such a runtime; so is the ensemble mode of
// zk/server.
//
// # Invariants
//
//   - Deterministic: no goroutines, clocks, randomness or I/O; the same
//     inputs give the same outputs.
//   - Nothing is acked before it is durable: Ready.Entries and Epochs are
//     persisted before Ready.Messages leave, and Entries before Epochs —
//     currentEpoch never vouches for a history that is not on disk
//     (ZOOKEEPER-4643).
//   - A follower ACKs no PROPOSAL before NEWLEADER: while it syncs, its
//     currentEpoch is older than the leader's, so its vote would not
//     carry the txn. It logs them, and ACKs them right after its
//     NEWLEADER ack; the leader counts a learner's ACKs only once it
//     acked NEWLEADER. With that ack it also ACKs again the txns of the
//     epoch it logged on an earlier connection and has not seen
//     committed (their ACKs may have been lost with it; commits are in
//     order, so one lost ACK would hold back every later commit).
//   - Ready.Committed is in strictly increasing zxid order, never
//     repeats, and contains only txns a majority logged.
//   - A follower never truncates at or below what it committed.
//   - One leader per epoch: an epoch is one more than the acceptedEpoch
//     of a majority, each of whom accepts it at most once.
//
// # Caveats (where this differs from ZooKeeper 3.8)
//
//   - A restarted server does not replay its log into its state: logged
//     entries are applied only once known committed (ZooKeeper replays
//     everything at start-up and relies on TRUNC to reload).
//   - Followers apply the new leader's initial history at UPTODATE, not
//     while syncing.
//   - No observers, no dynamic reconfiguration, no weights.
//   - Packets carry the epoch they belong to, so the simulator needs no
//     connection objects; over TCP a stale connection is simply closed.
package zab
