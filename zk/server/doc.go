// Package server is the standalone ZooKeeper server of chapters 1 and 2:
// the network front end that real clients (zkCli.sh 3.8, kazoo 2.8,
// go-zookeeper 1.0.4) talk to, over the tree (zk/znode), the watch manager
// (zk/watch), the session tracker (zk/session), the txn log (zk/txnlog)
// and snapshots (zk/snapshot).
//
// # The life of a request
//
// ZooKeeper pipes every request through PrepRequestProcessor →
// SyncRequestProcessor → FinalRequestProcessor. Ours has the same three
// stages, each owned by one goroutine, so the protocol state is never
// shared:
//
//  1. Framing (conn.go; one reader goroutine per connection). Read a
//     4-byte length (close on len < 0 or > jute.maxbuffer), then the
//     payload. The very first frame may be a four-letter word instead
//     (fourlw.go). Everything else is handed, in order, to the core.
//
//  2. The core (core.go, frontend.go, ops.go; one goroutine). It owns the
//     Tree, the watch Manager and the session Tracker and handles one
//     request at a time, in arrival order. Its client front end
//     (frontend.go) is the same in both modes: handshake, classify,
//     keep each connection's replies in order, answer reads; what needs
//     a commit goes to a pipeline — standalone.go here, the ensemble's
//     in ensemble_client.go. A write is executed on the
//     tree at once (Tree.Execute picks its txn and applies it), takes the
//     next zxid, and its txn is queued for the log; a read is answered
//     from the tree. Either way the reply, and the watch notifications the
//     request fired (queued first: a client sees the watch event before
//     the data that triggered it), become outputs. The core never waits
//     for the disk.
//
//  3. The sync stage (syncer.go; one goroutine). It takes every batch the
//     core has queued since its last fsync, appends their txns to the log,
//     fsyncs once for all of them (group commit), and only then releases
//     their outputs to the connections, in order. So no client can observe
//     a write before it is durable — not even through a read that
//     follows it, because that read's reply waits in the same queue.
//
// A writer goroutine per connection then puts the frames on the wire.
// Because one core orders everything and one queue releases it, replies
// leave in request order on every connection (FIFO) and notifications
// are never overtaken by later replies.
//
// Chapter 3 replaces the sync stage by ZAB: the core's txns become
// proposals, and outputs are released on commit instead of on fsync (see
// "Ensemble mode" below).
//
// # Sessions and time
//
// A ticker sends the core a tick every tickTime; the core asks the
// Tracker which sessions expired and closes each with a closeSession txn
// (deleting its ephemerals, firing their watches), exactly as a client's
// own closeSession would. Time is read in one place (Config.Now).
//
// # Durability
//
// At start-up the server recovers the log (cutting a torn tail), loads the
// newest valid snapshot and replays the log over it. Every snapCount txns
// (randomized) the core rolls the log and starts a fuzzy snapshot, which
// it writes a few hundred nodes at a time between requests; the sync stage
// finishes it (fsync) once every txn it may contain is durable, then
// purges old snapshots and logs.
//
// # Ensemble mode (chapters 3-4; ensemble*.go, forward.go)
//
// With Config.Ensemble set the server is one member of an ensemble. The
// connection goroutines and the core's state (tree, watches, sessions)
// are the same; the sync stage is replaced by the zab runtime,
// zk/zab/quorumpeer — the very runtime the simulator's nemesis runs
// (zk/zab/zabsim), so every simulated schedule, crash points inside a
// Ready included, tests the order of writes, fsyncs and sends carried
// out here. One goroutine owns the Runtime, its zab.Peer and the tree
// (ensemble.go); the server is the Runtime's StateMachine
// (ensemble_machine.go: Restore, Apply, Image, Role, Execute, Touched,
// SyncDone):
//
//   - Inputs: client requests, packets from the other members (peernet:
//     one TCP connection per pair, Disconnected when it breaks), and a
//     tick every tickTime/2 (initLimit and syncLimit count in these
//     half ticks, the rate at which ZooKeeper's leader pings).
//   - After a burst of inputs the Runtime carries out the Ready in the
//     contract's order (zk/zab/quorumpeer's doc): role change, SNAP (the
//     snapshot file is written, then the log cut), TRUNC, entries (one
//     append+fsync for the burst: group commit), then the epoch files
//     (acceptedEpoch, currentEpoch in dataDir/version-2, atomic and
//     fsynced), committed txns (applied to the tree, watches fired),
//     messages, forwarded requests, session touches, finished syncs;
//     then Advance (ensemble_ready.go: what the server does around it).
//   - At start the tree is the newest snapshot only; the logged txns after
//     it go to the Peer, which hands them back as committed (zab.Storage).
//
// Writes. A follower forwards a client's write to the leader (REQUEST:
// session, cxid, op, auth, body) and holds that connection's later
// requests until the write's commit comes back; it then replies from the
// committed txn (replyOf), matched by (session, cxid) in its TxnHeader.
// The leader executes every write on its own tree at once (Tree.Execute
// at Peer.NextZxid) and proposes the txn — failed writes too, as error
// txns. Its tree therefore runs ahead of commit, so every output the
// leader produces (replies, notifications, read results) is held until
// every txn executed before it has committed; no client ever observes an
// uncommitted txn. A leader that stops leading rebuilds its tree at the
// last committed zxid from its snapshot and log (machineAt). We chose
// this over a second, speculative tree: one tree, one code path for
// reads, and the cost (leader reads wait behind pending writes) is the
// standalone server's already.
//
// Sessions. createSession and closeSession are txns through the leader;
// every member keeps the session table from the txns it applies. Only the
// leader expires sessions (its tracker is fed by followers' touches,
// which ride on their PING replies) and turns expiry into closeSession
// txns. A client may resume its session on any member that has applied
// its createSession (a member behind the client's lastZxidSeen closes the
// connection so the client tries another). The leader tracks which
// member owns each session (sessionmoved.go): a reconnect is revalidated
// with the leader before the client is answered, and a write forwarded
// from the session's old member fails with SESSIONMOVED and closes that
// stale connection, so a session's requests never run out of order.
//
// A member that is not serving (electing, syncing) closes new client
// connections, and closes all of them when it stops serving; srvr, stat
// and mntr then answer "This ZooKeeper instance is not currently serving
// requests".
//
// sync on a follower goes through the leader (Peer.Sync); the reply
// leaves once the follower has applied everything the leader had
// committed when it answered.
//
// # Invariants
//
//   - Only the core touches the tree, watches and sessions; only the sync
//     stage touches the log (in ensemble mode the zab runtime goroutine
//     owns all of them).
//   - Ensemble mode: no output reveals a txn that is not committed; a
//     member sends nothing a Ready's epochs or entries promise before they
//     are fsynced (the leader's own PROPOSALs excepted: its ack counts
//     only after its fsync).
//   - An output is delivered only after every txn queued before it is
//     fsynced.
//   - Bad input never panics the server: a malformed frame closes its
//     connection, a malformed record gets MARSHALLINGERROR, an unknown
//     opcode UNIMPLEMENTED and a close; other clients are unaffected.
package server
