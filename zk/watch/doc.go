// Package watch is chapter 2's watch manager: who is told what when the
// tree changes.
//
// There are only a few ideas here. A client leaves a watch on a path when
// it reads (getData, exists, getChildren with watch=true) or with addWatch
// (op 106). When a write changes the tree, package znode returns the
// events of that write; the server hands each one to Manager.Trigger and
// sends every Delivery to its connection as a notification (xid -1).
//
// # The kinds of watch and what fires them
//
// One-shot watches (Data, Exist, Child) fire once and are gone; persistent
// ones (addWatch) stay until removed or until the connection closes.
//
//	event at P            Data@P  Child@P  Persistent@P  Recursive@P or above
//	NodeCreated           fire    -        fire          fire
//	NodeDataChanged       fire    -        fire          fire
//	NodeChildrenChanged   -       fire     fire          -
//	NodeDeleted           fire    fire     fire          fire
//
// Sources: DataTree.createNode, deleteNode, setData (which events a write
// triggers and on which table), WatchManager.triggerWatch (which watch
// modes match, PathParentIterator for the ancestors), docs/reference/zookeeper.md §1.8.
// Exists on a missing node still sets a watch (DataTree.statNode), which
// fires NodeCreated. Exist and data watches share one table in ZooKeeper,
// so Exist is stored as Data and fires on every data event.
//
// # Invariants
//
//   - A watcher gets at most one Delivery per event, however many of its
//     watches match (ZooKeeper dedups with a set; deleteNode suppresses the
//     child-table watchers that the data table already told).
//   - Deliveries come in increasing watcher order, so a run replays exactly.
//   - A one-shot watch that fired is gone before Trigger returns; a
//     persistent watch never goes away by firing.
//   - "A client will see a watch event for a znode it is watching before
//     seeing the new data that corresponds to that znode." The manager only
//     says who to tell; the server keeps the promise by queueing the
//     notifications of a write on each connection before any later reply.
//
// # Divergences from ZooKeeper 3.8.4
//
// 3.8.4 keeps one watch mode per (watcher, path) and table, so a getData
// watch set on a path that already has a persistent watch of the same
// connection turns it back into a one-shot watch (ZOOKEEPER-4466), and
// removeWatches(Data or Children) half-removes a persistent watch. We follow
// the fix in ZooKeeper 3.9 (ZOOKEEPER-4466, ZOOKEEPER-4472): kinds coexist;
// removeWatches Children and Data remove only the one-shot watch of that
// type, Any removes every kind on the path. checkWatches answers for this
// watcher on exactly this path (3.8.4 answers true if anyone watches it).
// wchs/wchc/wchp count child watches too (3.8.4 prints the data table only)
// and zk_watch_count counts a persistent watch once (3.8.4: twice).
//
// Not here: the ACL check on delivery (3.8 drops a notification when the
// watcher lost READ on the node, NIOServerCnxn.process) belongs to the
// server, which knows the connection's identities.
//
// The lab (labs/02-watches-sessions) replaces manager.go and setwatches.go;
// the vocabulary (ID, Kind, Delivery, TreeView) lives in package watcher so
// that the lab compiles on its own.
package watch
