package watch

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/proto"
)

// model is the naive watch manager: a flat list of watches, scanned in full
// for every question, with the trigger table written out case by case.
type model []Watch

func (md *model) add(path string, k Kind, w ID) {
	if k == Exist {
		k = Data
	}
	if !slices.Contains(*md, wt(path, k, w)) {
		*md = append(*md, wt(path, k, w))
	}
}

// below reports whether path is a strict descendant of anc.
func below(path, anc string) bool {
	if anc == "/" {
		return path != "/" && strings.HasPrefix(path, "/")
	}
	return strings.HasPrefix(path, anc+"/")
}

func (md *model) fires(w Watch, e proto.WatcherEvent) bool {
	kids := e.Type == proto.EventNodeChildrenChanged
	switch {
	case w.Path == e.Path && w.Kind == Data:
		return !kids
	case w.Path == e.Path && w.Kind == Child:
		return kids || e.Type == proto.EventNodeDeleted
	case w.Path == e.Path && w.Kind == Persistent:
		return true
	case w.Kind == PersistentRecursive && (w.Path == e.Path || below(e.Path, w.Path)):
		return !kids
	}
	return false
}

func (md *model) trigger(e proto.WatcherEvent) []ID {
	var who []ID
	var keep model
	for _, w := range *md {
		f := md.fires(w, e)
		if f && !slices.Contains(who, w.Watcher) {
			who = append(who, w.Watcher)
		}
		if !f || !w.Kind.OneShot() {
			keep = append(keep, w)
		}
	}
	*md = keep
	slices.Sort(who)
	return who
}

func (md *model) matches(w Watch, path string, typ int32, id ID) bool {
	if w.Path != path || w.Watcher != id {
		return false
	}
	switch typ {
	case proto.WatcherTypeChildren:
		return w.Kind == Child
	case proto.WatcherTypeData:
		return w.Kind == Data
	case proto.WatcherTypeAny:
		return true
	}
	return false
}

func (md *model) remove(path string, typ int32, id ID) bool {
	n := len(*md)
	*md = slices.DeleteFunc(*md, func(w Watch) bool { return md.matches(w, path, typ, id) })
	return len(*md) != n
}

func (md *model) has(path string, typ int32, id ID) bool {
	return slices.ContainsFunc(*md, func(w Watch) bool { return md.matches(w, path, typ, id) })
}

func (md *model) sorted() []Watch {
	out := slices.Clone(*md)
	slices.SortFunc(out, func(a, b Watch) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		if a.Watcher != b.Watcher {
			return int(a.Watcher - b.Watcher)
		}
		return int(a.Kind) - int(b.Kind)
	})
	return out
}

// TestManagerModel drives the Manager and the naive model with the same
// random operations on a small tree of paths and compares every answer.
//
// Reference: docs/reference/zookeeper.md §1.8; WatchManager (3.8) with ZOOKEEPER-4466/4472.
func TestManagerModel(t *testing.T) {
	r := sim.Rand(t)
	paths := []string{"/", "/a", "/a/b", "/a/b/c", "/a/bc", "/ab", "/x", "/x/y"}
	events := []proto.EventType{proto.EventNodeCreated, proto.EventNodeDeleted,
		proto.EventNodeDataChanged, proto.EventNodeChildrenChanged}
	m, md := NewManager(), &model{}
	for step := 0; step < 5000; step++ {
		p := paths[r.IntN(len(paths))]
		w := ID(r.IntN(4))
		switch op := r.IntN(10); {
		case op < 4:
			k := Kind(1 + r.IntN(5))
			m.Add(p, k, w)
			md.add(p, k, w)
		case op < 7:
			e := ev(events[r.IntN(len(events))], p)
			got, want := ids(m.Trigger(e)), md.trigger(e)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("step %d: Trigger(%v) (-want +got):\n%s", step, e, diff)
			}
		case op < 8:
			typ := int32(r.IntN(5))
			if got, want := m.Remove(p, typ, w), md.remove(p, typ, w); got != want {
				t.Fatalf("step %d: Remove(%s, %d, %d) = %v, want %v", step, p, typ, w, got, want)
			}
		case op < 9:
			typ := int32(r.IntN(5))
			if got, want := m.Has(p, typ, w), md.has(p, typ, w); got != want {
				t.Fatalf("step %d: Has(%s, %d, %d) = %v, want %v", step, p, typ, w, got, want)
			}
		default:
			if r.IntN(4) == 0 {
				m.RemoveWatcher(w)
				*md = slices.DeleteFunc(*md, func(x Watch) bool { return x.Watcher == w })
			}
		}
		if diff := cmp.Diff(md.sorted(), m.Watches(), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("step %d: watches (-want +got):\n%s", step, diff)
		}
	}
}
