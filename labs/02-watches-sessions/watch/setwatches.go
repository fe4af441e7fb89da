package watch

import (
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/watch/watcher"
)

// Lab 2, part 2: setWatches on reconnect (ops 101 and 105;
// DataTree.setWatches, docs/reference/zookeeper.md §1.8).

// SetWatches re-registers the watches a client held before it reconnected.
// relZxid is the last zxid the client saw (use it, not sw.RelativeZxid).
// A one-shot watch whose event the client missed fires at once (a Delivery
// to w) instead of being set again; persistent and recursive watches are
// always set again. Deliveries come in the order of the lists: data, exist,
// child. Any error from tree.Exists means the node is missing.
func (m *Manager) SetWatches(tree watcher.TreeView, relZxid int64, sw proto.SetWatches2, w watcher.ID) []watcher.Delivery {
	notImplemented("Manager.SetWatches")
	return nil
}
