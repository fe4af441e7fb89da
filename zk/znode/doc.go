// Package znode is chapter 1 of the course: ZooKeeper's data tree.
//
// A ZooKeeper server holds a tree of znodes, each named by its absolute
// path (package zpath), each with data, an ACL (package acl) and a Stat of
// eleven fields. Every write goes through two steps, as in ZooKeeper:
//
//  1. prep (PrepRequestProcessor): check the request against the tree,
//     in a fixed order (the first failure wins), and turn it into a txn
//     that carries its outcome — the final name of a sequential node, the
//     next version, the parent's next cversion. A failed check becomes an
//     ErrorTxn: failed writes take a zxid too.
//  2. apply (DataTree.processTxn): change the tree as the txn says.
//
// Execute does both; Apply does only the second, for replaying a log and
// (chapter 3) for followers. Because the txn carries every decision,
// Apply is deterministic, and it is idempotent enough to replay a log over
// a fuzzy snapshot: a create of a node that exists, a delete of a node
// that does not, change nothing (cversion and pzxid only move forward).
//
// # Files
//
// The learner writes tree.go (the Tree, New, the reads, putNode),
// create.go, delete.go and setdata.go (each op's prep checks and apply)
// in lab 1. The other files call into them and are not part of the lab:
// execute.go (dispatch), apply.go, multi.go (atomic multi with an undo
// log), session.go (closeSession), snapshot.go (the raw API for
// zk/snapshot), containers.go (ContainerManager's candidates).
//
// # The rules (ZooKeeper 3.8; the course's docs/reference/zookeeper.md §1.5–1.8)
//
//   - Stat of a new node: czxid = mzxid = pzxid = zxid, ctime = mtime =
//     time, versions 0, ephemeralOwner = session (ephemeral), MinInt64
//     (container), 0xff…|ttl (TTL), or 0.
//   - A create sets the parent's cversion to the txn's ParentCVersion
//     (old+1) and pzxid = zxid. A sequential node's suffix is "%010d" of
//     the parent's cversion before the create, so names keep growing
//     after deletes.
//   - A delete sets the parent's pzxid = zxid but, in ZooKeeper 3.8, not
//     its stored cversion (DataTree.deleteNode).
//   - Two Stats: the tree stores StatPersisted, whose cversion counts
//     child creates (the sequence counter) and whose ephemeralOwner is the
//     raw encoding. Clients get DataNode.copyStat's view: cversion =
//     2*creates - numChildren (creates plus deletes), and ephemeralOwner
//     0 for containers and TTL nodes. The reads and every reply use the
//     client view; snapshots (Node, Walk, Restore) use the stored one.
//   - setData sets data, mtime, mzxid, version+1; setACL sets the ACL and
//     aversion+1 and fires no watch. An expected version of -1 matches any.
//   - Events, in firing order: create → NodeCreated(path),
//     NodeChildrenChanged(parent); delete → NodeDeleted(path),
//     NodeChildrenChanged(parent); setData → NodeDataChanged(path).
//   - TTL nodes are always enabled here (ZooKeeper needs
//     zookeeper.extendedTypesEnabled=true); a server that wants 3.8's
//     default answers createTTL with UNIMPLEMENTED before calling Execute.
//   - The tree imposes no data size limit: ZooKeeper enforces
//     jute.maxbuffer when it reads a frame (NIOServerCnxn.readLength closes
//     the connection), before the tree sees the request.
//
// # Invariants
//
//   - Every node but "/" has its parent in the tree, and is in the
//     parent's children.
//   - Stat.NumChildren = len(children), Stat.DataLength = len(data).
//   - Ephemerals(s) lists exactly the nodes whose ephemeralOwner is s
//     (containers and TTL nodes are not ephemerals).
//   - ApproximateDataSize = Σ len(path) + len(data).
//   - A failed Execute (and a failed multi, whole) leaves the tree as it
//     was.
//
// A Tree is not safe for concurrent use: the server owns it from one
// goroutine.
package znode
