// Package client is a ZooKeeper client: sessions, pipelined requests,
// watches and reconnection, speaking the real wire protocol (zk/proto).
//
// # The story
//
// A client opens a TCP connection to one server of the ensemble and sends a
// ConnectRequest: protocol 0, the last zxid it has seen, the session
// timeout it wants, and its session id and password (zeros the first
// time). The reply carries the negotiated timeout T and the session's id
// and password. From then on the session outlives any one connection: if
// the connection breaks, the client dials the next server and presents the
// same id, password and last zxid. The server refuses a client that has
// seen a newer zxid than itself (so nobody ever reads an older state than
// they already saw), and answers an expired session with timeout 0 — only
// then does the client learn its session is gone (ErrSessionExpired).
//
// On a connection, requests are pipelined: each gets the next xid and is
// written at once; the server answers in order, so replies are matched to
// requests first-in first-out, and a reply carrying any other xid is a
// protocol error that drops the connection (Java's "Xid out of order").
// Pings (xid -2) keep an idle session alive every T/3; if nothing at all
// arrives for 2T/3, the server is presumed dead and the client moves on
// while the session is still alive (T is counted by the ensemble from the
// last thing it heard from us).
//
// Watches are the server telling the client "this changed"; the event says
// what and where, never the new value. One-shot watches (GetW, ExistsW,
// ChildrenW) fire once; persistent ones (AddWatch) stay. The server keeps
// watches per connection, so after a reconnect the client re-registers
// them all with setWatches (batches of at most 128 KB), giving the last
// zxid it saw: the server fires at once any event the client missed while
// it was away. AddAuth credentials are resent the same way.
//
// # Invariants
//
//   - One goroutine writes to a connection and records each request in the
//     pending FIFO before writing it; one goroutine reads. So pending is
//     always in wire order.
//   - A watch is registered when its reply is read, before the next frame
//     is read: no notification for it can be processed before it exists.
//   - Every request gets exactly one answer: its reply, ErrConnectionClosed
//     (the connection broke; outcome unknown), ErrSessionExpired, ErrClosed,
//     or its context's error.
//   - Every watch ends: a one-shot watch delivers one event then closes;
//     when the session ends, every outstanding watch gets a final event
//     (Type None, State Expired or Closed) and its channel is closed.
//   - No global state: every Conn is independent.
//
// A connect string may carry a chroot ("zk1:2181,zk2:2181/kafka",
// ConnectString, or WithChroot): the session then sees that subtree as its
// whole tree; paths are rewritten on the way out and back, and the server
// knows nothing of it (chroot.go).
//
// A session that ends for good says so three ways: Done is closed, Err
// returns ErrSessionExpired (or ErrClosed), and the state callback sees
// StateExpired. Its ephemerals and watches are gone; a caller that owned
// ephemerals (a Kafka broker's /brokers/ids/<id>) opens a new Conn and
// creates them again.
//
// Errors from the server are zkerr.Code values: errors.Is(err, zkerr.NoNode).
//
// See docs/reference/zookeeper.md §1 for the protocol facts and their
// sources, and §8 for the reconnect problems this client is built to avoid.
package client
