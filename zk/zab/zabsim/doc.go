// Package zabsim runs a ZooKeeper ensemble's atomic broadcast (package
// zab) in the labs/sim world: each server is a sim.Node wrapping a
// zab.Peer, its disk and a toy state machine, and the world supplies the
// network, the clock, crashes and the nemesis. It is the world of the
// chapter 3–4 tests and of labs 3 and 4.
//
// There are only a few types: Cluster (the ensemble, its world and its
// checker), Runtime (one ZooKeeper server's runtime around a zab.Peer),
// StateMachine (what a Runtime replicates), Server (the sim.Node: a
// Runtime and a toy StateMachine) and Write (one applied txn). Package
// zksim reuses Runtime with the real znode tree as its StateMachine.
//
// # The runtime (Runtime)
//
// A Runtime does what zk/server's ensemble mode does over TCP, with the
// world's links for sockets and the node's vfs.Mem for a disk. It feeds the
// Peer (Step, Tick, Disconnected) and carries out each Ready in the order
// package zab prescribes:
//
//  1. role change (SoftState);
//  2. SNAP: write the snapshot file durably, then cut the log;
//  3. TRUNC: zk/txnlog's Truncate;
//  4. epochs: acceptedEpoch and currentEpoch files, written atomically;
//  5. entries: appended to zk/txnlog and fsynced once for the batch;
//  6. committed txns applied to the state machine (StateMachine.Apply);
//  7. messages sent (a SNAP filled with StateMachine.Snapshot, which is
//     exactly at its zxid now); forwarded requests executed
//     (StateMachine.Execute: here, proposed); completed syncs reported.
//
// Then Advance. The disk is a real zk/txnlog over vfs.Mem, so a crash
// keeps only what was fsynced, maybe with a torn log tail that recovery
// cuts off; a restarted Server recovers from it (epoch files, snapshot,
// log after the snapshot) like a real one. What a suite counts, traces or
// checks beyond zabcheck it hooks in through Hooks. Options.Lazy makes
// some servers leave a Ready for later now and then (a slow disk), so
// that packets pile up into one Ready and one fsync (group commit).
//
// The state machine is the sequence of writes a server applied, each a
// (zxid, write id) pair; a write is a setData txn whose ClientID carries
// the write id, so two different txns never look alike. (The client-level
// suite in package zksim runs the real znode tree instead.)
//
// # The checks
//
// zk/zab/zabcheck records every broadcast, fsync (Logged), truncation,
// SNAP and delivery, and checks the Zab paper's invariants (§3.2, §4;
// Zab.tla): integrity, total order and agreement without gaps, local and
// global primary order (an epoch's counters 1, 2, 3, ... with no gap),
// primary integrity, one established leader per epoch, no commit without
// a majority of disks holding the txn under its epoch (a disk whose
// currentEpoch is older does not count), no committed txn truncated, and
// the promises of the disk and of each ACK where they are made: the
// currentEpoch file never holds e before the log holds e's initial
// history (hooked at the epoch write, and again at every boot), an ACK of
// a proposal leaves only once the txn is fsynced and currentEpoch carries
// it, an ACK of NEWLEADER only once currentEpoch and the synced txns are
// on disk (ZOOKEEPER-4643, ZOOKEEPER-4646; issue 9).
// A restarted server's snapshot is replayed to the checker as a new
// delivered sequence, so snapshots are checked too. The Cluster adds the
// runtime's own contract: a restarted disk gives back every entry that was
// fsynced, a SNAP is the state at its zxid, NextZxid is what Propose takes.
// Cluster.Err reports all of it.
//
// # Running a schedule
//
// Cluster.Schedule draws a fault schedule with sim.Nemesis from the world's
// seed (partitions, one-way cuts, connection resets, crashes, restarts,
// and, twice as often, faults aimed at a protocol phase: a PhaseKinds
// packet dropped or delayed on a link or from/to anyone, a crash at a
// point inside the Ready that sends or handles one; see NemesisConfig),
// writes at random servers and takes snapshots while it plays, then heals
// and checks recovery (Recover). Cluster.Report formats a failure: the
// error, the seed, the schedule in sim's text form (sim.ParseSchedule
// reads it back) and the recent events.
//
//	c, err := zabsim.New(sim.Rand(t), zabsim.Options{N: 3})
//	if err := c.Schedule(1500, 100); err != nil {
//		t.Fatal(c.Report(err))
//	}
//
// Tests can also script the world directly through c.W (Partition,
// Crash, Restart, RunFor) and c.Write, c.Settle, c.RunTicks.
package zabsim
