package watch

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zkafka/zkafka/zk/proto"
)

func ev(t proto.EventType, path string) proto.WatcherEvent {
	return proto.WatcherEvent{Type: t, State: proto.StateSyncConnected, Path: path}
}

func ids(ds []Delivery) []ID {
	var out []ID
	for _, d := range ds {
		out = append(out, d.Watcher)
	}
	return out
}

// TestTriggerTable checks every cell of the trigger table: one kind of watch
// on one path, one event, fired or not, and kept or not afterwards.
//
// Reference: docs/reference/zookeeper.md §1.8; DataTree.createNode/deleteNode/setData;
// WatchManager.triggerWatch (3.8: recursive skips NodeChildrenChanged).
func TestTriggerTable(t *testing.T) {
	const (
		created  = proto.EventNodeCreated
		deleted  = proto.EventNodeDeleted
		changed  = proto.EventNodeDataChanged
		children = proto.EventNodeChildrenChanged
	)
	type cell struct {
		kind      Kind
		watchPath string
		event     proto.EventType
		eventPath string
		fires     bool
		kept      bool
	}
	var cells []cell
	add := func(k Kind, wp string, fires map[proto.EventType]bool, kept bool, ep string) {
		for _, e := range []proto.EventType{created, deleted, changed, children} {
			keep := kept || !fires[e]
			cells = append(cells, cell{k, wp, e, ep, fires[e], keep})
		}
	}
	dataFires := map[proto.EventType]bool{created: true, deleted: true, changed: true}
	add(Data, "/a", dataFires, false, "/a")
	add(Exist, "/a", dataFires, false, "/a")
	add(Child, "/a", map[proto.EventType]bool{deleted: true, children: true}, false, "/a")
	add(Persistent, "/a", map[proto.EventType]bool{created: true, deleted: true, changed: true, children: true}, true, "/a")
	add(PersistentRecursive, "/a", dataFires, true, "/a")
	// Below the watched path only recursive watches fire.
	add(Data, "/a", nil, true, "/a/b")
	add(Child, "/a", nil, true, "/a/b")
	add(Persistent, "/a", nil, true, "/a/b")
	add(PersistentRecursive, "/a", dataFires, true, "/a/b/c")
	add(PersistentRecursive, "/", dataFires, true, "/a/b")
	// Not above it, nor on a sibling sharing a prefix.
	add(PersistentRecursive, "/a/b", nil, true, "/a")
	add(PersistentRecursive, "/a", nil, true, "/ab")

	for _, c := range cells {
		name := fmt.Sprintf("%v@%s/%v@%s", c.kind, c.watchPath, c.event, c.eventPath)
		m := NewManager()
		m.Add(c.watchPath, c.kind, 1)
		got := m.Trigger(ev(c.event, c.eventPath))
		var want []Delivery
		if c.fires {
			want = []Delivery{{Watcher: 1, Event: ev(c.event, c.eventPath)}}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: deliveries (-want +got):\n%s", name, diff)
		}
		if kept := m.Count() == 1; kept != c.kept {
			t.Errorf("%s: watch kept = %v, want %v", name, kept, c.kept)
		}
	}
}

// Reference: WatchManager.triggerWatch collects watchers in a set;
// DataTree.deleteNode suppresses child watchers already told.
func TestOneDeliveryPerWatcherInOrder(t *testing.T) {
	m := NewManager()
	for _, w := range []ID{9, 2, 5} {
		m.Add("/a/b", Data, w)
		m.Add("/a/b", Child, w)
		m.Add("/a/b", Persistent, w)
		m.Add("/a", PersistentRecursive, w)
		m.Add("/", PersistentRecursive, w)
	}
	got := m.Trigger(ev(proto.EventNodeDeleted, "/a/b"))
	if diff := cmp.Diff([]ID{2, 5, 9}, ids(got)); diff != "" {
		t.Fatalf("watchers (-want +got):\n%s", diff)
	}
	// The one-shots went, the rest stayed: 3 watchers x 3 kinds.
	if m.Count() != 9 {
		t.Fatalf("Count = %d, want 9: %v", m.Count(), m.Watches())
	}
	// Ignored event types.
	for _, typ := range []proto.EventType{proto.EventNone, proto.EventDataWatchRemoved, 99} {
		if got := m.Trigger(ev(typ, "/a/b")); got != nil {
			t.Errorf("Trigger(%v) = %v, want nil", typ, got)
		}
	}
}

// Reference: FinalRequestProcessor checkWatches/removeWatches (NOWATCHER);
// DataTree.removeWatch/containsWatcher as fixed by ZOOKEEPER-4472.
func TestRemoveAndHas(t *testing.T) {
	const children, data, anyType = proto.WatcherTypeChildren, proto.WatcherTypeData, proto.WatcherTypeAny
	m := NewManager()
	m.Add("/a", Exist, 1)
	m.Add("/a", Child, 1)
	m.Add("/a", Persistent, 1)
	m.Add("/b", PersistentRecursive, 1)
	m.Add("/a", Data, 2)
	for _, c := range []struct {
		path string
		typ  int32
		w    ID
		want bool
	}{
		{"/a", data, 1, true}, {"/a", children, 1, true}, {"/a", anyType, 1, true},
		{"/a", children, 2, false}, {"/a", data, 3, false}, {"/b", data, 1, false},
		{"/b", children, 1, false}, {"/b", anyType, 1, true}, {"/a", 4, 1, false},
	} {
		if got := m.Has(c.path, c.typ, c.w); got != c.want {
			t.Errorf("Has(%s, %d, %d) = %v, want %v", c.path, c.typ, c.w, got, c.want)
		}
	}
	if !m.Remove("/a", data, 1) || m.Remove("/a", data, 1) || m.Has("/a", data, 1) {
		t.Errorf("removeWatches(Data) must remove the exist watch once")
	}
	if !m.Remove("/a", children, 1) || m.Remove("/a", children, 1) {
		t.Errorf("removeWatches(Children) must remove the child watch once")
	}
	// Only the persistent watch is left on /a for 1: Data/Children leave it.
	if !m.Has("/a", anyType, 1) || m.Remove("/a", data, 1) {
		t.Errorf("the persistent watch must survive removeWatches(Data)")
	}
	if !m.Remove("/a", anyType, 1) || m.Has("/a", anyType, 1) {
		t.Errorf("removeWatches(Any) must remove the persistent watch")
	}
	if !m.Remove("/b", anyType, 1) || m.Trigger(ev(proto.EventNodeCreated, "/b/c")) != nil {
		t.Errorf("a removed recursive watch still fires")
	}
	if diff := cmp.Diff([]Watch{{Path: "/a", Kind: Data, Watcher: 2}}, m.Watches()); diff != "" {
		t.Errorf("watches left (-want +got):\n%s", diff)
	}
}

// Reference: DataTree.removeCnxn (the connection closed).
func TestRemoveWatcher(t *testing.T) {
	m := NewManager()
	m.Add("/a", Data, 1)
	m.Add("/a", Data, 2)
	m.Add("/", PersistentRecursive, 1)
	m.Add("/x", Child, 1)
	m.RemoveWatcher(1)
	m.RemoveWatcher(77) // unknown: no-op
	if diff := cmp.Diff([]ID{2}, ids(m.Trigger(ev(proto.EventNodeDataChanged, "/a")))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if m.Count() != 0 || m.Trigger(ev(proto.EventNodeCreated, "/q")) != nil {
		t.Errorf("watches left behind: %v", m.Watches())
	}
}

// Reference: WatchManager.toString and dumpWatches (wchs, wchc, wchp);
// DataTree.getWatchCount (mntr zk_watch_count).
func TestCounts(t *testing.T) {
	m := NewManager()
	m.Add("/a", Data, 1)
	m.Add("/a", Child, 1)
	m.Add("/b", Persistent, 1)
	m.Add("/a", Exist, 2)
	m.Add("/a", Data, 2) // same as the exist watch
	if got, want := m.Summary().String(), "2 connections watching 2 paths\nTotal watches:3"; got != want {
		t.Errorf("wchs = %q, want %q", got, want)
	}
	if diff := cmp.Diff(map[ID][]string{1: {"/a", "/b"}, 2: {"/a"}}, m.ByWatcher()); diff != "" {
		t.Errorf("wchc (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string][]ID{"/a": {1, 2}, "/b": {1}}, m.ByPath()); diff != "" {
		t.Errorf("wchp (-want +got):\n%s", diff)
	}
	if m.Count() != 4 {
		t.Errorf("Count = %d, want 4", m.Count())
	}
}

// Reference: AddWatchMode (0 persistent, 1 persistentRecursive).
func TestKindOfAddWatchMode(t *testing.T) {
	if k, err := KindOfAddWatchMode(0); k != Persistent || err != nil {
		t.Errorf("mode 0 = %v, %v", k, err)
	}
	if k, err := KindOfAddWatchMode(1); k != PersistentRecursive || err != nil {
		t.Errorf("mode 1 = %v, %v", k, err)
	}
	if _, err := KindOfAddWatchMode(2); err == nil {
		t.Errorf("mode 2 accepted")
	}
}
