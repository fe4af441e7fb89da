// Package zksim is a model of a ZooKeeper ensemble's client-facing
// behaviour in the labs/sim world, for checking ZooKeeper's guarantees on
// real client histories (zk/zab/zkcheck) under partitions, crashes and
// restarts. It is not zk/server: it models what zk/server and ZooKeeper
// 3.8 do with a client request, on the same cores (zab.Peer, znode.Tree,
// zk/txnlog), without sockets, sessions txns or watches.
//
// There are only a few types: Ensemble (the world, the clients and the
// recorded history), Server (one member: a sim.Node) and Client (one
// session).
//
// # What a Server does (the model)
//
//   - The replicated state machine is the real znode.Tree. The tree holds
//     committed txns only, and reads are served from it, locally: getData
//     and exists answer at once, with the server's last applied zxid in the
//     reply header (FinalRequestProcessor).
//   - Writes go to the leader (REQUEST when received by a follower). The
//     leader executes each against a speculative copy of its tree at
//     NextZxid (PrepRequestProcessor with its outstanding changes) and
//     proposes the txn — failed writes too, as an ErrorTxn. Every server
//     applies committed txns to its tree (Tree.Apply) and answers the
//     write's client if the client is connected to it, with the txn's
//     zxid: so a client's write is answered only once committed.
//   - sync goes through the leader (Peer.Sync) and is answered once every
//     write committed before it is applied here.
//   - Ready handling, durability and recovery are zabsim's: epochs and
//     entries fsynced before messages leave, the txn log on zk/txnlog over
//     vfs.Mem, SNAP written durably before the log is cut.
//   - When a server stops serving, or its leader or epoch changes, it
//     closes its client connections: their operations in progress have an
//     unknown outcome.
//
// # What a Client does
//
// One operation at a time (create, setData, delete with or without a
// version, getData, exists, sync on a few paths), to the server it is
// connected to. On connection loss, or after Options.Timeout world ticks
// without an answer, the outcome is unknown and the client reconnects to a
// random server that is serving and has applied at least the newest zxid
// the session has seen (ZooKeeperServer.processConnectRequest refuses
// others). Every operation is recorded in a zkcheck.Recorder.
//
// # Caveats (what is not modelled)
//
// Sessions are created (createSession, the id from the connected
// server's counter, session.FirstID after a restart) and abandoned, never
// closed or expired, so ephemerals stay; the checks are that no two
// clients are ever given one session id and that a client's ephemeral is
// owned by its own session. No closeSession, expiry, watches, multi or
// ACL checks; the connection of a client to a server is
// not a world link (it breaks only when the server crashes or stops
// serving). Each server applies a committed txn and answers in the same
// step.
package zksim
