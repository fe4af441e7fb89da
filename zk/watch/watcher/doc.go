// Package watcher is the vocabulary of ZooKeeper watches: who watches (ID),
// what kind of watch they hold (Kind), what they are told (Delivery), and
// the read-only view of the tree that setWatches needs (TreeView).
//
// It is a package of its own so that the watch manager of chapter 2 (the
// file a learner writes in labs/02-watches-sessions/watch) compiles on its
// own: the lab file and the reference zk/watch both speak these types, and
// zk/watch re-exports them as watch.ID, watch.Kind, watch.Data, ...
package watcher
