//go:build grade

package lab02_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/watch"
)

// naive is the obvious, slow watch manager the randomized test trusts: a
// list of watches, scanned in full, with the trigger table spelled out.
type naive []watch.Watch

func (n *naive) add(p string, k watch.Kind, w watch.ID) {
	if k == watch.Exist {
		k = watch.Data
	}
	x := watch.Watch{Path: p, Kind: k, Watcher: w}
	if !slices.Contains(*n, x) {
		*n = append(*n, x)
	}
}

func under(p, anc string) bool {
	if anc == "/" {
		return p != "/"
	}
	return strings.HasPrefix(p, anc+"/")
}

func matchesEvent(x watch.Watch, e proto.WatcherEvent) bool {
	kids := e.Type == children
	switch {
	case x.Kind == watch.PersistentRecursive:
		return !kids && (x.Path == e.Path || under(e.Path, x.Path))
	case x.Path != e.Path:
		return false
	case x.Kind == watch.Data:
		return !kids
	case x.Kind == watch.Child:
		return kids || e.Type == deleted
	}
	return x.Kind == watch.Persistent
}

func (n *naive) trigger(e proto.WatcherEvent) []watch.ID {
	told := []watch.ID{}
	var keep naive
	for _, x := range *n {
		hit := matchesEvent(x, e)
		if hit && !slices.Contains(told, x.Watcher) {
			told = append(told, x.Watcher)
		}
		if !hit || !x.Kind.OneShot() {
			keep = append(keep, x)
		}
	}
	*n = keep
	slices.Sort(told)
	return told
}

func matchesType(x watch.Watch, typ int32) bool {
	switch typ {
	case proto.WatcherTypeChildren:
		return x.Kind == watch.Child
	case proto.WatcherTypeData:
		return x.Kind == watch.Data
	}
	return typ == proto.WatcherTypeAny
}

func (n *naive) remove(p string, typ int32, w watch.ID) bool {
	before := len(*n)
	*n = slices.DeleteFunc(*n, func(x watch.Watch) bool {
		return x.Path == p && x.Watcher == w && matchesType(x, typ)
	})
	return len(*n) != before
}

func (n naive) sorted() []watch.Watch {
	out := slices.Clone(n)
	slices.SortFunc(out, func(a, b watch.Watch) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		if a.Watcher != b.Watcher {
			return int(a.Watcher - b.Watcher)
		}
		return int(a.Kind) - int(b.Kind)
	})
	if out == nil {
		out = []watch.Watch{}
	}
	return out
}

// TestWatchManagerRandomized drives your Manager and a naive model with the
// same seeded random adds, triggers, removes, checks and closes on a small
// tree, and compares every answer and the full list of watches.
//
// Points: 10
// Reference: docs/reference/zookeeper.md §1.8; WatchManager.triggerWatch; DataTree.removeWatch
func TestWatchManagerRandomized(t *testing.T) {
	r := sim.Rand(t)
	paths := []string{"/", "/a", "/a/b", "/a/b/c", "/ab", "/a/bc", "/z"}
	types := []proto.EventType{created, deleted, changed, children}
	m, n := watch.NewManager(), &naive{}
	for step := 0; step < 4000; step++ {
		p, w := paths[r.IntN(len(paths))], watch.ID(r.IntN(4))
		switch op := r.IntN(10); {
		case op < 4:
			k := watch.Kind(1 + r.IntN(5))
			m.Add(p, k, w)
			n.add(p, k, w)
		case op < 7:
			e := ev(types[r.IntN(len(types))], p)
			if diff := cmp.Diff(n.trigger(e), fire(t, m, e)); diff != "" {
				wfatalf(t, "step %d: Trigger(%v) told (-want +got):\n%s", step, e, diff)
			}
		case op < 8:
			typ := int32(1 + r.IntN(3))
			want := slices.ContainsFunc(*n, func(x watch.Watch) bool {
				return x.Path == p && x.Watcher == w && matchesType(x, typ)
			})
			if got := m.Has(p, typ, w); got != want {
				wfatalf(t, "step %d: Has(%s, %d, %d) = %v, want %v", step, p, typ, w, got, want)
			}
			if got, want := m.Remove(p, typ, w), n.remove(p, typ, w); got != want {
				wfatalf(t, "step %d: Remove(%s, %d, %d) = %v, want %v", step, p, typ, w, got, want)
			}
		default:
			if r.IntN(3) == 0 {
				m.RemoveWatcher(w)
				*n = slices.DeleteFunc(*n, func(x watch.Watch) bool { return x.Watcher == w })
			}
		}
		got := m.Watches()
		if got == nil {
			got = []watch.Watch{}
		}
		if diff := cmp.Diff(n.sorted(), got); diff != "" {
			wfatalf(t, "step %d: Watches() (-want +got):\n%s", step, diff)
		}
	}
}
