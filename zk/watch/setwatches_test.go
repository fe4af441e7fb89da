package watch

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// fakeTree is a TreeView of a few nodes with chosen mzxid/pzxid.
type fakeTree map[string]proto.Stat

func (f fakeTree) Exists(path string) (proto.Stat, error) {
	st, ok := f[path]
	if !ok {
		return proto.Stat{}, zkerr.NoNode
	}
	return st, nil
}

// Reference: docs/reference/zookeeper.md §1.8 "setWatches(relativeZxid) on reconnect";
// DataTree.setWatches.
func TestSetWatches(t *testing.T) {
	tree := fakeTree{
		"/old":     {Mzxid: 5, Pzxid: 5},
		"/changed": {Mzxid: 11, Pzxid: 5},
		"/kids":    {Mzxid: 5, Pzxid: 12},
		"/edge":    {Mzxid: 10, Pzxid: 10}, // == rel: nothing missed
	}
	m := NewManager()
	got := m.SetWatches(tree, 10, proto.SetWatches2{
		RelativeZxid:        999, // ignored: relZxid is passed on its own
		Data:                []string{"/old", "/changed", "/gone", "/edge"},
		Exist:               []string{"/old", "/nothere"},
		Child:               []string{"/kids", "/gone", "/old", "/edge"},
		Persistent:          []string{"/gone"},
		PersistentRecursive: []string{"/"},
	}, 4)
	want := []Delivery{
		dl(4, ev(proto.EventNodeDataChanged, "/changed")),
		dl(4, ev(proto.EventNodeDeleted, "/gone")),
		dl(4, ev(proto.EventNodeCreated, "/old")),
		dl(4, ev(proto.EventNodeChildrenChanged, "/kids")),
		dl(4, ev(proto.EventNodeDeleted, "/gone")),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("immediate events (-want +got):\n%s", diff)
	}
	wantSet := []Watch{
		wt("/", PersistentRecursive, 4),
		wt("/edge", Data, 4), wt("/edge", Child, 4),
		wt("/gone", Persistent, 4),
		wt("/nothere", Data, 4), // an exist watch, stored as Data
		wt("/old", Data, 4), wt("/old", Child, 4),
	}
	if diff := cmp.Diff(wantSet, m.Watches()); diff != "" {
		t.Errorf("watches set (-want +got):\n%s", diff)
	}
}

func dl(w ID, e proto.WatcherEvent) Delivery { return Delivery{Watcher: w, Event: e} }
func wt(path string, k Kind, w ID) Watch     { return Watch{Path: path, Kind: k, Watcher: w} }
