package watch

import (
	"sort"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/watch/watcher"
)

// Manager holds every watch of one server: which watcher watches which path
// with which kinds of watch. It is deterministic and not safe for
// concurrent use: the server owns one, in its request goroutine.
//
// Invariants:
//   - byPath and byWatcher hold the same (path, watcher) pairs, and no
//     empty set or map is left behind;
//   - recursive is the number of PersistentRecursive watches, so that
//     Trigger walks a path's ancestors only when one might match.
type Manager struct {
	byPath    map[string]map[watcher.ID]kinds
	byWatcher map[watcher.ID]map[string]struct{}
	recursive int
}

// kinds is the set of kinds one watcher holds on one path: bit 1<<Kind.
// A watcher may hold several at once, e.g. a getData watch and a
// persistent watch on the same path (ZOOKEEPER-4466).
type kinds uint8

func (s kinds) has(k watcher.Kind) bool { return s&(1<<k) != 0 }

// NewManager returns an empty Manager.
//
// Contract: the Manager holds no watch.
func NewManager() *Manager {
	return &Manager{
		byPath:    map[string]map[watcher.ID]kinds{},
		byWatcher: map[watcher.ID]map[string]struct{}{},
	}
}

// Unimplemented is the lab's "not implemented" marker: the skeleton's
// methods record themselves and Unimplemented reports them, so the graded
// tests can say "not implemented: lab 2 (Manager.Trigger)" instead of
// showing a puzzling diff. The reference has no stubs.
func Unimplemented() error { return nil }

// Add registers a watch of the given kind on path for w: it sets the
// kind's bit in byPath and notes the path in byWatcher.
//
// Contract: afterwards w holds a watch of that kind on path; adding a
// watch w already holds changes nothing. Exist is held as Data (ZooKeeper
// 3.8 keeps both in one table), so it fires as a Data watch and Watches,
// Has and Remove see it as one. A kind that is not Valid is ignored.
func (m *Manager) Add(path string, kind watcher.Kind, w watcher.ID) {
	if kind == watcher.Exist {
		kind = watcher.Data
	}
	if !kind.Valid() {
		return
	}
	ws := m.byPath[path]
	if ws == nil {
		ws = map[watcher.ID]kinds{}
		m.byPath[path] = ws
	}
	if ws[w].has(kind) {
		return
	}
	ws[w] |= 1 << kind
	if kind == watcher.PersistentRecursive {
		m.recursive++
	}
	ps := m.byWatcher[w]
	if ps == nil {
		ps = map[string]struct{}{}
		m.byWatcher[w] = ps
	}
	ps[path] = struct{}{}
}

// #region trigger

// Trigger returns who must be told about ev and removes the one-shot
// watches that fired (WatchManager.triggerWatch, called by
// DataTree.createNode, deleteNode and setData;
// docs/reference/zookeeper.md §1.8). It looks at the watchers of ev.Path,
// then, only if some recursive watch exists, at those of each ancestor.
//
// Contract: Trigger returns one Delivery for each watcher holding a watch
// that ev fires — one, however many of its watches fire — in increasing
// watcher order, each carrying ev with State SyncConnected. An event at
// path P fires:
//
//	event at P            Data@P  Child@P  Persistent@P  Recursive@P or above
//	NodeCreated           fire    -        fire          fire
//	NodeDataChanged       fire    -        fire          fire
//	NodeChildrenChanged   -       fire     fire          -
//	NodeDeleted           fire    fire     fire          fire
//
// "Above" is a path ancestor: /app is above /app/x, not above /apple, and /
// is above every path. The Data and Child watches that fired are removed;
// Persistent and PersistentRecursive watches stay. Any other event type
// (None, the *WatchRemoved events) fires nothing and returns nil.
func (m *Manager) Trigger(ev proto.WatcherEvent) []watcher.Delivery {
	childrenChanged := ev.Type == proto.EventNodeChildrenChanged
	switch ev.Type {
	case proto.EventNodeCreated, proto.EventNodeDataChanged, proto.EventNodeDeleted:
	case proto.EventNodeChildrenChanged:
	default:
		return nil
	}
	// Events the server sends always carry SyncConnected.
	ev.State = proto.StateSyncConnected

	fired := map[watcher.ID]bool{}
	for w, ks := range m.byPath[ev.Path] {
		left := ks
		if ks.has(watcher.Data) && !childrenChanged {
			fired[w] = true
			left &^= 1 << watcher.Data
		}
		if ks.has(watcher.Child) && (childrenChanged || ev.Type == proto.EventNodeDeleted) {
			fired[w] = true
			left &^= 1 << watcher.Child
		}
		if ks.has(watcher.Persistent) {
			fired[w] = true
		}
		if ks.has(watcher.PersistentRecursive) && !childrenChanged {
			fired[w] = true
		}
		if left != ks {
			m.set(ev.Path, w, left)
		}
	}
	// Recursive watches above P see every event below them except
	// NodeChildrenChanged (which a watcher learns from the NodeCreated
	// or NodeDeleted of the child itself).
	if m.recursive > 0 && !childrenChanged {
		for p, ok := parent(ev.Path); ok; p, ok = parent(p) {
			for w, ks := range m.byPath[p] {
				if ks.has(watcher.PersistentRecursive) {
					fired[w] = true
				}
			}
		}
	}
	if len(fired) == 0 {
		return nil
	}
	out := make([]watcher.Delivery, 0, len(fired))
	for w := range fired {
		out = append(out, watcher.Delivery{Watcher: w, Event: ev})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Watcher < out[j].Watcher })
	return out
}

// #endregion trigger

// Remove implements removeWatches (op 18) for one watcher, clearing the
// kinds typeMask(typ) names. The server sends no event: the client makes
// the DataWatchRemoved/ChildWatchRemoved/PersistentWatchRemoved events
// itself (ZKWatchManager.removeWatcher).
//
// Contract: typ is a WatcherType. Children (1) removes w's one-shot child
// watch on exactly path, Data (2) its one-shot data watch (exist watches
// are data watches), Any (3) every watch w holds on path, persistent and
// recursive ones included. Remove reports whether it removed anything.
// When w holds no watch of that type on path, or typ is none of the
// three, it changes nothing and returns false (the server answers
// NOWATCHER). Other watchers' watches, and w's on other paths (ancestors
// and descendants too), are untouched.
func (m *Manager) Remove(path string, typ int32, w watcher.ID) bool {
	ks := m.byPath[path][w]
	left := ks &^ typeMask(typ)
	if left == ks {
		return false
	}
	m.set(path, w, left)
	return true
}

// Has implements checkWatches (op 17).
//
// Contract: Has reports whether w holds, on exactly path, a watch that
// Remove with the same typ would remove (false becomes NOWATCHER). It
// changes nothing.
func (m *Manager) Has(path string, typ int32, w watcher.ID) bool {
	return m.byPath[path][w]&typeMask(typ) != 0
}

// RemoveWatcher drops every watch of w: its connection closed. byWatcher
// says where they are, so no other watch is looked at.
//
// Contract: afterwards w holds no watch, persistent and recursive ones
// included; every other watcher's watches are untouched. A watcher that
// holds none: nothing changes.
func (m *Manager) RemoveWatcher(w watcher.ID) {
	for p := range m.byWatcher[w] {
		m.set(p, w, 0)
	}
}

// Watches lists every watch, sorted by path, then watcher, then kind.
//
// Contract: one Watch for each (path, watcher, kind) held, sorted by path,
// then watcher, then kind, and nothing else: Exist never appears (it is
// held as Data). Nothing is listed when no watch is held.
func (m *Manager) Watches() []watcher.Watch {
	var out []watcher.Watch
	for p, ws := range m.byPath {
		for w, ks := range ws {
			for k := watcher.Data; k <= watcher.PersistentRecursive; k++ {
				if ks.has(k) {
					out = append(out, watcher.Watch{Path: p, Kind: k, Watcher: w})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Watcher != b.Watcher {
			return a.Watcher < b.Watcher
		}
		return a.Kind < b.Kind
	})
	return out
}

// typeMask maps a WatcherType of checkWatches/removeWatches to the kinds it
// covers (ZOOKEEPER-4472 semantics; see doc.go).
func typeMask(typ int32) kinds {
	switch typ {
	case proto.WatcherTypeChildren:
		return 1 << watcher.Child
	case proto.WatcherTypeData:
		return 1 << watcher.Data
	case proto.WatcherTypeAny:
		return 1<<watcher.Data | 1<<watcher.Child | 1<<watcher.Persistent | 1<<watcher.PersistentRecursive
	}
	return 0
}

// set replaces w's kinds on path, keeping byWatcher and the recursive count
// in step and leaving no empty sets behind.
func (m *Manager) set(path string, w watcher.ID, ks kinds) {
	old := m.byPath[path][w]
	if old.has(watcher.PersistentRecursive) && !ks.has(watcher.PersistentRecursive) {
		m.recursive--
	}
	if ks != 0 {
		m.byPath[path][w] = ks
		return
	}
	delete(m.byPath[path], w)
	if len(m.byPath[path]) == 0 {
		delete(m.byPath, path)
	}
	delete(m.byWatcher[w], path)
	if len(m.byWatcher[w]) == 0 {
		delete(m.byWatcher, w)
	}
}

// parent returns the parent of an absolute path ("/a/b" -> "/a",
// "/a" -> "/"), and false for "/" or anything without a slash.
func parent(path string) (string, bool) {
	if path == "/" {
		return "", false
	}
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			if i == 0 {
				return "/", true
			}
			return path[:i], true
		}
	}
	return "", false
}
