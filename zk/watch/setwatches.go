package watch

import (
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/watch/watcher"
)

// #region set-watches

// SetWatches re-registers the watches a client held before it reconnected
// (setWatches 101 and setWatches2 105; DataTree.setWatches). relZxid is
// sw.RelativeZxid, passed on its own so that the server can hand over
// either record. A one-shot watch whose event the client missed while it
// was away fires at once instead of being set; persistent and
// persistent-recursive watches are simply set again, since a client
// cannot learn from them what it missed (docs/reference/zookeeper.md §5,
// watches). Setting goes through Add.
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
	var out []watcher.Delivery
	fire := func(t proto.EventType, path string) {
		out = append(out, watcher.Delivery{Watcher: w, Event: proto.WatcherEvent{
			Type: t, State: proto.StateSyncConnected, Path: path,
		}})
	}
	for _, p := range sw.Data {
		st, err := tree.Exists(p)
		switch {
		case err != nil:
			fire(proto.EventNodeDeleted, p)
		case st.Mzxid > relZxid:
			fire(proto.EventNodeDataChanged, p)
		default:
			m.Add(p, watcher.Data, w)
		}
	}
	for _, p := range sw.Exist {
		if _, err := tree.Exists(p); err == nil {
			fire(proto.EventNodeCreated, p)
		} else {
			m.Add(p, watcher.Exist, w)
		}
	}
	for _, p := range sw.Child {
		st, err := tree.Exists(p)
		switch {
		case err != nil:
			fire(proto.EventNodeDeleted, p)
		case st.Pzxid > relZxid:
			fire(proto.EventNodeChildrenChanged, p)
		default:
			m.Add(p, watcher.Child, w)
		}
	}
	for _, p := range sw.Persistent {
		m.Add(p, watcher.Persistent, w)
	}
	for _, p := range sw.PersistentRecursive {
		m.Add(p, watcher.PersistentRecursive, w)
	}
	return out
}

// #endregion set-watches
