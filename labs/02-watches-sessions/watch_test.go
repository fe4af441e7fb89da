//go:build grade

package lab02_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/watch"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// expect triggers e and fails unless exactly want were told.
func expect(t *testing.T, m *watch.Manager, e proto.WatcherEvent, want ...watch.ID) {
	t.Helper()
	if want == nil {
		want = []watch.ID{}
	}
	if diff := cmp.Diff(want, fire(t, m, e)); diff != "" {
		wfatalf(t, "Trigger(%v): watchers told (-want +got):\n%s", e, diff)
	}
}

// TestDataWatchIsOneShot checks that a getData watch fires once on
// NodeDataChanged or NodeDeleted, never on NodeChildrenChanged, and is gone
// after firing.
//
// Points: 8
// Reference: docs/reference/zookeeper.md §1.8; DataTree.setData, deleteNode; WatchManager.triggerWatch
func TestDataWatchIsOneShot(t *testing.T) {
	m := watch.NewManager()
	m.Add("/a", watch.Data, 1)
	expect(t, m, ev(children, "/a"))
	expect(t, m, ev(changed, "/a"), 1)
	expect(t, m, ev(changed, "/a")) // one-shot: gone
	m.Add("/a", watch.Data, 1)
	m.Add("/a", watch.Data, 1) // twice is still one watch
	expect(t, m, ev(deleted, "/a"), 1)
	expect(t, m, ev(deleted, "/a"))
	if n := len(m.Watches()); n != 0 {
		wfatalf(t, "%d watches left after they fired: %v", n, m.Watches())
	}
}

// TestExistWatchOnMissingNode checks that exists on a missing node leaves a
// watch that fires NodeCreated once, and that exist watches are kept as
// data watches (ZooKeeper 3.8 has one table for both).
//
// Points: 7
// Reference: docs/reference/zookeeper.md §1.4 (exists), §1.8; DataTree.statNode, createNode
func TestExistWatchOnMissingNode(t *testing.T) {
	m := watch.NewManager()
	m.Add("/lock-0001", watch.Exist, 3)
	want := []watch.Watch{{Path: "/lock-0001", Kind: watch.Data, Watcher: 3}}
	if diff := cmp.Diff(want, m.Watches()); diff != "" {
		wfatalf(t, "an exist watch is stored as Data (-want +got):\n%s", diff)
	}
	expect(t, m, ev(created, "/lock-0001"), 3)
	expect(t, m, ev(created, "/lock-0001"))
	// An exist watch on an existing node fires on change and delete too.
	m.Add("/x", watch.Exist, 3)
	expect(t, m, ev(changed, "/x"), 3)
}

// TestChildWatch checks that a getChildren watch fires NodeChildrenChanged
// when a child comes or goes, NodeDeleted when its own node goes, nothing
// on data changes, and only once.
//
// Points: 8
// Reference: docs/reference/zookeeper.md §1.8; DataTree.createNode, deleteNode (childWatches)
func TestChildWatch(t *testing.T) {
	m := watch.NewManager()
	m.Add("/q", watch.Child, 1)
	expect(t, m, ev(changed, "/q"))
	expect(t, m, ev(created, "/q/item"))
	expect(t, m, ev(children, "/q"), 1)
	expect(t, m, ev(children, "/q"))
	m.Add("/q", watch.Child, 1)
	expect(t, m, ev(deleted, "/q"), 1)
	expect(t, m, ev(deleted, "/q"))
}

// TestPersistentWatch checks that an addWatch(PERSISTENT) watch gets every
// event on its path, NodeChildrenChanged included, and is never consumed;
// it does not see events below its path.
//
// Points: 8
// Reference: WatcherMode.PERSISTENT; WatchManager.triggerWatch; ZooKeeper Programmer's Guide, "Persistent, Recursive Watches"
func TestPersistentWatch(t *testing.T) {
	m := watch.NewManager()
	k, err := watch.KindOfAddWatchMode(proto.AddWatchPersistent)
	if err != nil {
		t.Fatal(err)
	}
	m.Add("/cfg", k, 2)
	for round := 0; round < 2; round++ {
		for _, typ := range []proto.EventType{created, changed, children, deleted} {
			expect(t, m, ev(typ, "/cfg"), 2)
		}
	}
	expect(t, m, ev(changed, "/cfg/x"))
	expect(t, m, ev(created, "/cfg/x"))
}

// TestPersistentRecursiveWatch checks that an addWatch(PERSISTENT_RECURSIVE)
// watch gets created, changed and deleted events on its path and on every
// descendant, never NodeChildrenChanged, is never consumed, and does not
// match siblings that merely share a prefix ("/ab" is not below "/a").
//
// Points: 9
// Reference: WatcherMode.PERSISTENT_RECURSIVE; WatchManager.triggerWatch (3.8: recursive skips NodeChildrenChanged); PathParentIterator
func TestPersistentRecursiveWatch(t *testing.T) {
	m := watch.NewManager()
	m.Add("/app", watch.PersistentRecursive, 4)
	for round := 0; round < 2; round++ {
		for _, p := range []string{"/app", "/app/a", "/app/a/b/c"} {
			for _, typ := range []proto.EventType{created, changed, deleted} {
				expect(t, m, ev(typ, p), 4)
			}
			expect(t, m, ev(children, p))
		}
	}
	expect(t, m, ev(created, "/apple"))
	expect(t, m, ev(created, "/"))
	m.Add("/", watch.PersistentRecursive, 5)
	expect(t, m, ev(changed, "/apple"), 5)
	expect(t, m, ev(deleted, "/app/z"), 4, 5)
}

// TestOneDeliveryPerWatcher checks that a watcher with several matching
// watches (data, child, persistent, recursive above) hears an event once,
// that watchers come in increasing order, and that only the one-shot
// watches that fired are consumed.
//
// Points: 7
// Reference: WatchManager.triggerWatch (a set of watchers); DataTree.deleteNode (suppress)
func TestOneDeliveryPerWatcher(t *testing.T) {
	m := watch.NewManager()
	for _, w := range []watch.ID{30, 10, 20} {
		m.Add("/a/b", watch.Data, w)
		m.Add("/a/b", watch.Child, w)
		m.Add("/a/b", watch.Persistent, w)
		m.Add("/a", watch.PersistentRecursive, w)
	}
	m.Add("/", watch.PersistentRecursive, 15)
	expect(t, m, ev(deleted, "/a/b"), 10, 15, 20, 30)
	// The data and child watches went; persistent and recursive stayed.
	if n := len(m.Watches()); n != 7 {
		wfatalf(t, "after the delete %d watches are left, want 7: %v", n, m.Watches())
	}
	expect(t, m, ev(children, "/a/b"), 10, 20, 30)
	for _, typ := range []proto.EventType{proto.EventNone, proto.EventDataWatchRemoved, proto.EventPersistentWatchRemoved} {
		if got := m.Trigger(ev(typ, "/a/b")); len(got) != 0 {
			wfatalf(t, "Trigger(%v) = %v; writes never trigger it", typ, got)
		}
	}
}

// TestRemoveAndCheckWatches checks checkWatches/removeWatches with types
// Children=1, Data=2, Any=3: false (NOWATCHER) when w has no such watch on
// exactly that path; Children and Data remove only the one-shot watch of
// their type; Any removes every kind, persistent and recursive included.
//
// Points: 8
// Reference: docs/reference/zookeeper.md §1.4 (ops 17/18); FinalRequestProcessor; DataTree.removeWatch, containsWatcher (ZOOKEEPER-4472)
func TestRemoveAndCheckWatches(t *testing.T) {
	const kids, data, anyType = proto.WatcherTypeChildren, proto.WatcherTypeData, proto.WatcherTypeAny
	m := watch.NewManager()
	m.Add("/a", watch.Data, 1)
	m.Add("/a", watch.Child, 1)
	m.Add("/p", watch.Persistent, 1)
	m.Add("/r", watch.PersistentRecursive, 1)
	m.Add("/a", watch.Data, 2)
	check := func(what string, got, want bool) {
		t.Helper()
		if got != want {
			wfatalf(t, "%s = %v, want %v", what, got, want)
		}
	}
	check("Has(/a, Data, 1)", m.Has("/a", data, 1), true)
	check("Has(/a, Children, 2)", m.Has("/a", kids, 2), false)
	check("Has(/a/x, Any, 1)", m.Has("/a/x", anyType, 1), false)
	check("Has(/p, Data, 1)", m.Has("/p", data, 1), false)
	check("Has(/r, Any, 1)", m.Has("/r", anyType, 1), true)
	check("Remove(/a, Data, 1)", m.Remove("/a", data, 1), true)
	check("Remove(/a, Data, 1) again", m.Remove("/a", data, 1), false)
	expect(t, m, ev(changed, "/a"), 2)
	check("Remove(/p, Children, 1)", m.Remove("/p", kids, 1), false)
	expect(t, m, ev(changed, "/p"), 1)
	check("Remove(/p, Any, 1)", m.Remove("/p", anyType, 1), true)
	check("Remove(/r, Any, 1)", m.Remove("/r", anyType, 1), true)
	expect(t, m, ev(changed, "/p"))
	expect(t, m, ev(created, "/r/x"))
	check("Remove(/a, Any, 1)", m.Remove("/a", anyType, 1), true)
	check("Remove(/a, Any, 1) again", m.Remove("/a", anyType, 1), false)
	if n := len(m.Watches()); n != 0 {
		wfatalf(t, "watches left: %v", m.Watches())
	}
}

// TestRemoveWatcherOnClose checks that closing a connection drops all its
// watches, recursive ones included, and nobody else's.
//
// Points: 5
// Reference: docs/reference/zookeeper.md §1.2 ("Watches live on the connection"); DataTree.removeCnxn
func TestRemoveWatcherOnClose(t *testing.T) {
	m := watch.NewManager()
	m.Add("/a", watch.Data, 1)
	m.Add("/", watch.PersistentRecursive, 1)
	m.Add("/a", watch.Child, 1)
	m.Add("/a", watch.Data, 2)
	m.RemoveWatcher(1)
	m.RemoveWatcher(99)
	expect(t, m, ev(deleted, "/a"), 2)
	expect(t, m, ev(created, "/b"))
	if n := len(m.Watches()); n != 0 {
		wfatalf(t, "watches left: %v", m.Watches())
	}
}

// fakeTree is a TreeView with chosen mzxid and pzxid.
type fakeTree map[string]proto.Stat

func (f fakeTree) Exists(path string) (proto.Stat, error) {
	if st, ok := f[path]; ok {
		return st, nil
	}
	return proto.Stat{}, zkerr.NoNode
}

// TestSetWatchesRelativeZxid checks setWatches on reconnect: data watches
// fire NodeDeleted (node gone) or NodeDataChanged (mzxid > relativeZxid),
// exist watches fire NodeCreated (node there), child watches fire
// NodeDeleted or NodeChildrenChanged (pzxid > relativeZxid); the others are
// set again, like persistent and recursive watches.
//
// Points: 8
// Reference: docs/reference/zookeeper.md §1.8 ("setWatches(relativeZxid) on reconnect"); DataTree.setWatches
func TestSetWatchesRelativeZxid(t *testing.T) {
	tree := fakeTree{
		"/same":  {Mzxid: 7, Pzxid: 20},
		"/newer": {Mzxid: 21, Pzxid: 3},
	}
	m := watch.NewManager()
	got := m.SetWatches(tree, 20, proto.SetWatches2{
		RelativeZxid:        1,
		Data:                []string{"/same", "/newer", "/gone"},
		Exist:               []string{"/same", "/absent"},
		Child:               []string{"/newer", "/same", "/gone"},
		Persistent:          []string{"/p"},
		PersistentRecursive: []string{"/newer"},
	}, 6)
	d := func(typ proto.EventType, p string) watch.Delivery {
		return watch.Delivery{Watcher: 6, Event: ev(typ, p)}
	}
	want := []watch.Delivery{
		d(changed, "/newer"), d(deleted, "/gone"), d(created, "/same"), d(deleted, "/gone"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		wfatalf(t, "immediate events (-want +got):\n%s", diff)
	}
	expect(t, m, ev(changed, "/same"), 6)   // data watch set again
	expect(t, m, ev(created, "/absent"), 6) // exist watch set again
	expect(t, m, ev(children, "/newer"), 6) // pzxid 3 <= 20: child watch set
	expect(t, m, ev(children, "/same"), 6)  // pzxid 20 is not > 20: set
	expect(t, m, ev(created, "/p"), 6)      // persistent: set again, stays
	expect(t, m, ev(created, "/p"), 6)
	expect(t, m, ev(created, "/newer/x"), 6) // recursive: set again
}
