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
//  2. The core (core.go, handshake.go, ops.go; one goroutine). It owns the
//     Tree, the watch Manager and the session Tracker and handles one
//     request at a time, in arrival order. A write is executed on the
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
// proposals, and outputs are released on commit instead of on fsync.
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
// # Invariants
//
//   - Only the core touches the tree, watches and sessions; only the sync
//     stage touches the log.
//   - An output is delivered only after every txn queued before it is
//     fsynced.
//   - Bad input never panics the server: a malformed frame closes its
//     connection, a malformed record gets MARSHALLINGERROR, an unknown
//     opcode UNIMPLEMENTED and a close; other clients are unaffected.
package server
