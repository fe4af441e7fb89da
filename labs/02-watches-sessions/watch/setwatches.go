package watch

import (
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/watch/watcher"
)

// Lab 2, part 2: setWatches on reconnect (ops 101 and 105;
// DataTree.setWatches, docs/reference/zookeeper.md §1.8). This file
// replaces zk/watch/setwatches.go.

// SetWatches re-registers the watches a client held before it
// reconnected. A one-shot watch whose event the client missed fires at
// once instead of being set again.
//
// Contract: relZxid is the last zxid the client saw (use it, not
// sw.RelativeZxid). For each path of sw, a node is missing when
// tree.Exists returns an error (any error), and:
//
//	data:   missing -> deliver NodeDeleted; mzxid > relZxid -> deliver NodeDataChanged; else set a Data watch
//	exist:  exists  -> deliver NodeCreated; else set an Exist watch
//	child:  missing -> deliver NodeDeleted; pzxid > relZxid -> deliver NodeChildrenChanged; else set a Child watch
//	persistent, persistent recursive: set the watch again
//
// SetWatches returns the deliveries, each to w with the path and State
// SyncConnected, in the order of the lists (data, exist, child) and of the
// paths within each; nil when there are none.
func (m *Manager) SetWatches(tree watcher.TreeView, relZxid int64, sw proto.SetWatches2, w watcher.ID) []watcher.Delivery {
	notImplemented("Manager.SetWatches")
	return nil
}
