// Package peernet is the wire between the servers of an ensemble: it
// carries zab's packets (package zk/zab/quorum) over TCP, one connection
// per pair of servers, and tells the server's core when a connection comes
// up or breaks, so that the core can tell its zab.Peer (Peer.Disconnected).
//
// # One connection per pair, like QuorumCnxManager
//
// ZooKeeper opens two kinds of connections between servers: election
// notifications travel over QuorumCnxManager's connections on the
// electionPort (one per pair; the server with the larger sid dials, a dial
// from a smaller sid is dropped and answered by a dial back), and the
// leader↔follower traffic (PROPOSAL, ACK, COMMIT, ...) over a connection a
// follower opens to the leader's quorumPort.
//
// zkafka uses ONE connection per pair, on the electionPort, for every
// packet type. The reason is the zab core's contract: it assumes one FIFO
// channel per pair of servers, and one Disconnected(sid) event that says
// "everything in flight to and from sid is lost". With two sockets per
// pair a notification could overtake a COMMIT, and a half-broken pair
// (election up, quorum down) would need a second kind of disconnect. The
// quorumPort of a server.N line is parsed and reserved but not listened
// on. This is the one wire-level divergence from ZooKeeper; servers of
// the two implementations cannot form an ensemble together anyway (our
// packet encoding is our own).
//
// # The connection's life
//
//   - The server with the larger sid dials (QuorumCnxManager's rule), so a
//     pair never ends up with two connections. The dialer says who it is
//     in a 16-byte handshake: long protocol (-65536), long sid; the
//     acceptor answers with its own, or closes (an unknown or blocked
//     sid). Only an answered dial is a connection.
//   - A dialer whose connection breaks dials again with exponential
//     backoff (MinBackoff doubling to MaxBackoff, reset on success).
//   - Each connection has a generation number. The core learns of it in a
//     Connected event and sends with it (Send(to, gen, p)); a packet sent
//     with a stale generation is dropped, so no packet queued for a dead
//     connection can slip onto its successor and break FIFO-or-lost.
//   - Events of one connection arrive in order: Connected, its packets,
//     Disconnected.
//   - Block(sid) cuts the link to sid and keeps it cut until Unblock: the
//     in-process partitions of the chapter stages and tests.
//
// # Frames
//
// A frame is int32 length + payload (at most MaxFrame bytes); the payload
// is the packet in jute encoding (codec.go). A malformed frame closes the
// connection: bad input never panics, and the core only ever sees
// well-formed packets.
package peernet
