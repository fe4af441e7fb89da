// Package quorumpeer is the runtime of a ZooKeeper ensemble member: the
// one piece of code that carries out a zab.Peer's Ready — over TCP in
// zk/server's ensemble mode, and over labs/sim's network and crashable
// disks in zabsim and zksim. So every simulated schedule runs the code
// that ships (ZooKeeper's own name for this layer is QuorumPeer, with its
// SyncRequestProcessor for the fsync and its CommitProcessor and
// FinalRequestProcessor for applying txns).
//
// A Runtime owns the member's disk, laid out as ZooKeeper's dataDir and
// dataLogDir (version-2/acceptedEpoch, currentEpoch, snapshot.<zxid>;
// log.<zxid> through zk/txnlog), the Peer, and a StateMachine (the znode
// tree in zk/server and zksim, a list of writes in zabsim). Its transport
// is a send function. Every write, fsync and send it makes goes through a
// crash point of package zk/ready, where the simulator may kill it.
//
// # Carrying out a Ready (the order is the contract of zab.Ready)
//
//  1. role change: StateMachine.Role (a member that stops serving drops
//     its clients; a leader that stops leading goes back to committed
//     state);
//  2. SNAP: the snapshot file written atomically, then the log cut, then
//     StateMachine.Restore;
//  3. TRUNC: the log cut after the zxid;
//  4. a serving leader sends its PROPOSALs and COMMITs now, before its own
//     fsync, as ZooKeeper's leader does: its own ACK counts only after
//     Advance, so no quorum is ever counted on an unsynced leader log;
//  5. entries appended to the log and fsynced once for the batch;
//  6. epochs: acceptedEpoch and currentEpoch, each written atomically —
//     after the entries, never before (ZOOKEEPER-4643);
//  7. committed txns applied (StateMachine.Apply);
//  8. messages sent (a SNAP filled with StateMachine.Image at its zxid);
//     forwarded requests executed, touches and completed syncs reported.
//
// Then Advance.
//
// # Invariants
//
//   - Nothing leaves before what it promises is durable: ACKs after their
//     entries' fsync, ACKEPOCH after acceptedEpoch, the NEWLEADER ack
//     after the synced entries AND currentEpoch.
//   - A crash at any point keeps only what was fsynced; recovery reads
//     the epochs, the newest valid snapshot and the log after it.
//   - Logged entries are never applied at boot: the Peer hands them out
//     once the ensemble decides they are committed (zab.Storage).
package quorumpeer
