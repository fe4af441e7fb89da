// Package ready is the runtime half of every protocol core in zkafka: it
// takes a core's Ready (what the core asks for since the last one), hands
// it to the code that carries it out — durable writes, fsyncs, sends, in
// the order the core's contract says — and then Advances the core. It is
// etcd raft's "handle Ready, then Advance" loop, written once.
//
// The same loop runs over TCP, real timers and files in the shipped
// servers, and over labs/sim's network, clock and crashable disks in the
// tests, so every simulated schedule exercises the code that ships. Its
// other job is to let the simulator kill a process INSIDE a Ready, not
// only between two of them: every write, fsync and send the runtime makes
// goes through a crash point (FS, Send), and Faults decides at each one
// whether the process dies right there. Only what was fsynced survives
// (vfs.Mem.Crash), and messages already sent are already on the wire. A
// data-loss bug that needs "ACK sent, entry not yet fsynced" or "epoch
// written, log not yet synced" is therefore reachable by a random
// schedule, not only by a hand-written test.
//
// Package ready knows nothing of any protocol: it imports no core. The
// ZooKeeper runtime (zk/zab/quorumpeer) is its first user; Kafka's
// replica, controller and group runtimes follow the same pattern.
//
// # Invariants
//
//   - Advance is called only after the Ready was carried out completely.
//     A crash (ErrCrashed) stops the pump at once: nothing after the crash
//     point happens, and the core is thrown away with the process.
//   - Over TCP, Faults is nil and the crash points cost one nil check.
package ready
