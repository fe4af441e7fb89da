package watch

import (
	"fmt"
	"sort"
)

// This file turns Manager.Watches into the numbers of the four-letter words
// wchs, wchc and wchp and of mntr's zk_watch_count (server/command/
// WatchCommand.java, WatchManager.toString and dumpWatches).

// Summary is what wchs prints.
type Summary struct {
	Connections int // distinct watchers
	Paths       int // distinct watched paths
	Watches     int // distinct (watcher, path) pairs
}

// String is wchs's text: "N connections watching M paths\nTotal watches:K".
func (s Summary) String() string {
	return fmt.Sprintf("%d connections watching %d paths\nTotal watches:%d", s.Connections, s.Paths, s.Watches)
}

// Summary counts watchers, paths and (watcher, path) pairs over every kind
// of watch. ZooKeeper 3.8 counts the data-watch table only, so its wchs
// leaves out child watches; we count them (see doc.go, "Divergences").
func (m *Manager) Summary() Summary {
	conns := map[ID]bool{}
	paths := map[string]bool{}
	pairs := map[Watch]bool{}
	for _, w := range m.Watches() {
		conns[w.Watcher] = true
		paths[w.Path] = true
		pairs[Watch{Path: w.Path, Watcher: w.Watcher}] = true
	}
	return Summary{Connections: len(conns), Paths: len(paths), Watches: len(pairs)}
}

// ByWatcher is wchc: each watcher's watched paths, sorted.
func (m *Manager) ByWatcher() map[ID][]string {
	out := map[ID][]string{}
	for _, w := range m.Watches() {
		ps := out[w.Watcher]
		if len(ps) == 0 || ps[len(ps)-1] != w.Path {
			out[w.Watcher] = append(ps, w.Path)
		}
	}
	for _, ps := range out {
		sort.Strings(ps)
	}
	return out
}

// ByPath is wchp: each path's watchers, sorted.
func (m *Manager) ByPath() map[string][]ID {
	out := map[string][]ID{}
	for _, w := range m.Watches() { // sorted by path, then watcher
		ws := out[w.Path]
		if len(ws) == 0 || ws[len(ws)-1] != w.Watcher {
			out[w.Path] = append(ws, w.Watcher)
		}
	}
	return out
}

// Count is mntr's zk_watch_count: the number of watches, one per
// (path, kind, watcher). ZooKeeper adds the sizes of its data and child
// tables, which counts a persistent watch twice; we count it once.
func (m *Manager) Count() int { return len(m.Watches()) }
