package watch

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/watch/watcher"
)

// Lab 2, part 1: the watch manager. Read the handout (../README.md) first;
// the rules are in zk/watch/doc.go's table and docs/reference/zookeeper.md §1.8.
//
// The types you use (watcher.ID, watcher.Kind, watcher.Delivery,
// watcher.Watch) are given in package watcher. Everything in this file is
// yours to write; keep the exported signatures, the server calls them.

// Manager holds every watch of one server. Deterministic, not safe for
// concurrent use.
type Manager struct {
	// Your fields here (lab 2). Think about:
	//  - which questions Trigger asks (who watches this path? with which
	//    kinds?) and which RemoveWatcher asks (which paths does this
	//    watcher watch?);
	//  - how Trigger finds recursive watches above a path without looking
	//    at every watch.
}

// NewManager returns an empty Manager.
func NewManager() *Manager {
	return &Manager{}
}

// stubCalled remembers the first stub a test called, for Unimplemented.
// Delete it (and notImplemented) when you have written every method.
var stubCalled string

func notImplemented(name string) {
	if stubCalled == "" {
		stubCalled = name
	}
}

// Unimplemented reports the first stub of lab 2 that was called, as
// "not implemented: lab 2 (Manager.Trigger)"; nil once there are none.
// The graded tests print it when they fail.
func Unimplemented() error {
	if stubCalled != "" {
		return fmt.Errorf("not implemented: lab 2 (%s)", stubCalled)
	}
	return nil
}

// Add registers a watch of the given kind on path for w. Adding a watch
// that is already there changes nothing. Store Exist as Data (ZooKeeper 3.8
// keeps both in one table); ignore invalid kinds.
func (m *Manager) Add(path string, kind watcher.Kind, w watcher.ID) {
	notImplemented("Manager.Add")
}

// Trigger returns who must be told about ev: at most one Delivery per
// watcher, in increasing watcher order, each carrying ev with State
// SyncConnected. One-shot watches that fire are removed. Event types other
// than NodeCreated, NodeDeleted, NodeDataChanged and NodeChildrenChanged
// return nil.
func (m *Manager) Trigger(ev proto.WatcherEvent) []watcher.Delivery {
	notImplemented("Manager.Trigger")
	return nil
}

// Remove implements removeWatches (op 18): typ is Children (1, the one-shot
// child watch), Data (2, the one-shot data/exist watch) or Any (3, every
// kind on path). It reports whether something was removed (false becomes
// NOWATCHER).
func (m *Manager) Remove(path string, typ int32, w watcher.ID) bool {
	notImplemented("Manager.Remove")
	return false
}

// Has implements checkWatches (op 17) with the same types as Remove.
func (m *Manager) Has(path string, typ int32, w watcher.ID) bool {
	notImplemented("Manager.Has")
	return false
}

// RemoveWatcher drops every watch of w: its connection closed.
func (m *Manager) RemoveWatcher(w watcher.ID) {
	notImplemented("Manager.RemoveWatcher")
}

// Watches lists every watch, sorted by path, then watcher, then kind
// (never Exist). The four-letter words wchs/wchc/wchp count from it.
func (m *Manager) Watches() []watcher.Watch {
	notImplemented("Manager.Watches")
	return nil
}
