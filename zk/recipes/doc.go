// Package recipes builds coordination primitives on zk/client, following
// the ZooKeeper recipes (zookeeper-docs recipes.md; docs/reference/zookeeper.md §7).
//
// # The story
//
// ZooKeeper has no lock operation. It has sequential ephemeral nodes,
// ordered by the server, that vanish with their session, and watches. That
// is enough:
//
//   - Lock: every contender creates DIR/_c_<guid>-lock-NNNNNNNNNN
//     (ephemeral, sequential). The lowest sequence number holds the lock.
//     Everyone else watches only the node just below theirs — not the
//     directory — so a release wakes exactly one waiter (no herd effect).
//     The guid lets a contender find its own node again when the create's
//     reply was lost with the connection.
//   - Election: the same queue; the head of the queue is the leader, and
//     its node's data says who it is. Each candidate watches its
//     predecessor, so when the leader dies only the next candidate reacts.
//   - Barrier: a node that blocks waiters while it exists.
//
// # Invariants
//
//   - At most one contender holds a Lock at a time, as long as sessions
//     are honest: the holder's node is the lowest, and a node only
//     disappears when its owner deletes it or its session expires. A
//     holder whose session expires loses the lock without being told
//     until its client sees Expired — watch Conn.Done.
//   - A contender waits on at most one watch, on its predecessor.
//   - Giving up (context cancelled) deletes the contender's node, so it
//     never blocks the queue.
package recipes
