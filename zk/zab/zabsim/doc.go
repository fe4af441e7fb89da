// Package zabsim is a seeded, simulated ensemble for package zab: N peers,
// a FIFO network that can be partitioned, crashes that keep only what was
// fsynced, ticks, client writes, and a checker that watches every server's
// history for violations of the Zab paper's properties.
//
// It is the world of the chapter 3-4 tests and of labs 3 and 4. Every
// choice is drawn from one *rand.Rand (sim.Rand(t)), so a failing
// schedule replays exactly from its seed.
//
// # The world
//
//   - Network: one FIFO channel per ordered pair of servers, like the TCP
//     connections ZooKeeper uses (zookeeperInternals.md relies on FIFO
//     channels). Cutting a link (a partition) or crashing a server drops
//     every packet in flight on its channels and tells both ends
//     (Peer.Disconnected), as a reset TCP connection would. Packets sent
//     over a cut link, or to a crashed server, are lost.
//   - Disk: an in-memory log with the durability semantics of zk/txnlog
//     over vfs.Mem: what a processed Ready persisted (epochs, entries,
//     snapshot) survives a crash; everything else — the Peer, its
//     unprocessed outputs and the state machine — is lost. A restarted
//     server rebuilds its state machine from its snapshot only.
//   - State machine: the sequence of writes a server applied, each a
//     (zxid, write id) pair. A write is a setData txn whose ClientID
//     carries the write id, so two different txns never look alike.
//
// # The checker (Zab paper, §3.2 and §4; Zab.tla)
//
//   - Total order and agreement: the writes every server applies form one
//     global sequence; each server's applied sequence is a prefix of it.
//   - Local and global primary order: within the sequence zxids strictly
//     increase, and an epoch's counters run 1, 2, 3, ... with no gap.
//   - Primary integrity: a leader proposes in epoch e only after it has
//     applied every committed txn of earlier epochs.
//   - No commit without a quorum: when a txn is first applied anywhere, a
//     majority of disks hold it.
//   - Committed txns are never truncated.
//   - At most one established leader per epoch.
//
// A violation is recorded (Cluster.Err) with the recent event trace.
package zabsim
