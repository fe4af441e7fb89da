package sim

import (
	"math/rand/v2"

	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// NodeID numbers the nodes of a world: 1, 2, ..., n (ZooKeeper's server
// ids, Kafka's broker ids). 0 is never a node.
type NodeID int

// Node is what a simulated process is: the system under test implements
// it, usually as a thin adapter around a deterministic state machine
// (zab.Peer, replica.Partition). The world calls it from one goroutine, one
// call at a time, in an order fixed by the seed.
//
// A node must not keep env past the call it was given in: it is how the
// node talks back to the world (send a message, read the clock) during
// that call.
type Node[M any] interface {
	// Receive delivers m, sent by from. Messages on one link arrive in the
	// order they were sent (a TCP connection), unless the connection broke
	// in between, and then Disconnected(from) came first.
	Receive(env Env[M], from NodeID, m M)
	// Tick advances the node's logical clock by one tick (every
	// Config.TickEvery world ticks). Timeouts (election, syncLimit,
	// session expiry) are counted in these.
	Tick(env Env[M])
	// Disconnected reports that the connection to peer broke (a TCP
	// reset): messages sent on it in either direction that had not
	// arrived are lost. Later sends to peer open a new connection, which
	// may be cut off too.
	Disconnected(env Env[M], peer NodeID)
}

// Env is a node's handle on the world during one call.
type Env[M any] interface {
	// Send queues m on the link to node to (to may be the sender itself).
	// It never blocks and never fails: if the link is cut or to is down,
	// m is silently lost — the sender learnt (or will learn) of that from
	// Disconnected, as with TCP.
	Send(to NodeID, m M)
	// Now is the world's clock, in ticks since the world began. Nodes
	// should count Tick calls for their timeouts; Now is for logs.
	Now() int64
	// Point is a crash point: the node's runtime calls it just before
	// each durable write ("write"), fsync ("sync") and send ("send") it
	// makes inside a call (zk/ready's FS and Sender do). It returns true
	// when the world killed the node right there (an arm action): the
	// node must then return at once and do nothing more — its memory is
	// gone, its disk keeps what was fsynced.
	Point(point string) bool
}

// Boot is what a node (re)starts with: its identity, its disk, and its own
// random stream. A restarted node is a new process: everything it knew is
// gone except what it had fsynced to Disk.
type Boot struct {
	ID          NodeID
	Peers       []NodeID // every node of the world, in order, self included
	Disk        *vfs.Mem // empty at the first start; the crashed disk after
	Rand        *rand.Rand
	Incarnation int // 0 at the first start, +1 at every restart
}
