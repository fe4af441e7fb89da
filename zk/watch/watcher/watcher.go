package watcher

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
)

// ID identifies a watcher. The server uses the connection id: watches live
// on the connection, not on the session (docs/reference/zookeeper.md §1.2, "Reconnect").
type ID int64

// Kind is the kind of a watch, named after the five lists of SetWatches2.
type Kind uint8

const (
	// Data is a one-shot watch set by getData (and by exists on an
	// existing node): NodeDataChanged, NodeDeleted, NodeCreated.
	Data Kind = iota + 1
	// Exist is a one-shot watch set by exists. ZooKeeper 3.8 keeps exist
	// and data watches in the same table (DataTree.statNode and getData
	// both call dataWatches.addWatch), so the server cannot tell them
	// apart: a watch manager stores Exist as Data.
	Exist
	// Child is a one-shot watch set by getChildren: NodeChildrenChanged,
	// NodeDeleted.
	Child
	// Persistent is set by addWatch mode 0: every event on its path, never
	// removed by firing (WatcherMode.PERSISTENT).
	Persistent
	// PersistentRecursive is set by addWatch mode 1: every event except
	// NodeChildrenChanged on its path and on all its descendants
	// (WatcherMode.PERSISTENT_RECURSIVE).
	PersistentRecursive
)

var kindNames = [...]string{"", "Data", "Exist", "Child", "Persistent", "PersistentRecursive"}

func (k Kind) String() string {
	if k.Valid() {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Valid reports whether k is one of the five kinds.
func (k Kind) Valid() bool { return k >= Data && k <= PersistentRecursive }

// OneShot reports whether a watch of this kind is removed when it fires.
func (k Kind) OneShot() bool { return k == Data || k == Exist || k == Child }

// KindOfAddWatchMode maps addWatch's mode (op 106, AddWatchMode) to a Kind.
func KindOfAddWatchMode(mode int32) (Kind, error) {
	switch mode {
	case proto.AddWatchPersistent:
		return Persistent, nil
	case proto.AddWatchPersistentRecursive:
		return PersistentRecursive, nil
	}
	return 0, fmt.Errorf("watch: unsupported addWatch mode %d", mode)
}

// Delivery is one notification to send: Event goes to Watcher's connection
// as a ReplyHeader(-1, -1, 0) followed by the WatcherEvent.
type Delivery struct {
	Watcher ID
	Event   proto.WatcherEvent
}

func (d Delivery) String() string { return fmt.Sprintf("%d<-%v", d.Watcher, d.Event) }

// Watch is one registered watch, as listed by Manager.Watches (for the
// four-letter words wchs, wchc, wchp and mntr's zk_watch_count).
type Watch struct {
	Path    string
	Kind    Kind // never Exist: exist watches are stored as Data
	Watcher ID
}

// TreeView is what setWatches needs to know about the tree: whether a node
// exists, and its mzxid and pzxid (DataTree.setWatches). *znode.Tree
// satisfies it. Exists returns an error (zkerr.NoNode) for a missing node;
// any error counts as "missing".
type TreeView interface {
	Exists(path string) (proto.Stat, error)
}
