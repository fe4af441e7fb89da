package client

import (
	"sort"
	"strings"

	"github.com/zkafka/zkafka/zk/proto"
)

// Event is a watch notification delivered to the caller.
//
// A node event has Type NodeCreated, NodeDeleted, NodeDataChanged or
// NodeChildrenChanged and State SyncConnected. When the session ends, every
// outstanding watch gets one last event with Type None, State Expired or
// Closed, and Err set to ErrSessionExpired or ErrClosed; then its channel is
// closed.
type Event struct {
	Type  proto.EventType
	State proto.KeeperState
	Path  string
	Err   error
}

// watchKind is what a watch was registered by. The server keeps the same
// five tables per connection (docs/reference/zookeeper.md §1.8); the client mirrors them
// so that it knows whom to tell and what to re-register on reconnect.
type watchKind uint8

const (
	kindData       watchKind = iota // GetW, or ExistsW on an existing node
	kindExist                       // ExistsW on a missing node
	kindChild                       // ChildrenW
	kindPersistent                  // AddWatch(path, false)
	kindRecursive                   // AddWatch(path, true)
	numKinds
)

// watcher is one registration: a one-shot watch owns a 1-buffered channel
// (it receives exactly one event, then is closed); a persistent watch owns
// a mailbox (unbounded, so a slow reader never blocks the connection).
type watcher struct {
	kind watchKind
	path string
	ch   chan Event // one-shot
	mb   *mailbox   // persistent and recursive
}

func newOneShot(kind watchKind, path string) *watcher {
	return &watcher{kind: kind, path: path, ch: make(chan Event, 1)}
}

func (w *watcher) persistent() bool { return w.kind == kindPersistent || w.kind == kindRecursive }

// deliver hands ev to the watcher's owner without blocking. A one-shot
// watcher has been removed from the watchSet before deliver is called, so
// it is delivered to at most once.
func (w *watcher) deliver(ev Event) {
	if w.mb != nil {
		w.mb.put(ev)
		return
	}
	w.ch <- ev
	close(w.ch)
}

// finish ends the watcher with a final event (session expired or closed).
func (w *watcher) finish(ev Event) {
	if w.mb != nil {
		w.mb.close(&ev)
		return
	}
	w.deliver(ev)
}

// watchSet is the client's watch table. It is deterministic and not safe
// for concurrent use: the Conn guards it with its mutex.
type watchSet struct {
	m [numKinds]map[string][]*watcher
}

func newWatchSet() *watchSet {
	s := &watchSet{}
	for k := range s.m {
		s.m[k] = make(map[string][]*watcher)
	}
	return s
}

func (s *watchSet) add(w *watcher) { s.m[w.kind][w.path] = append(s.m[w.kind][w.path], w) }

// take removes and returns the one-shot watchers of kind k on path.
func (s *watchSet) take(k watchKind, path string, out []*watcher) []*watcher {
	out = append(out, s.m[k][path]...)
	delete(s.m[k], path)
	return out
}

// trigger returns who must hear about ev and removes the one-shot ones.
// The rules are the client half of ZooKeeper's watch semantics
// (ZKWatchManager.materialize):
//
//   - NodeCreated, NodeDataChanged: data and exist watches on the path.
//   - NodeChildrenChanged: child watches on the path.
//   - NodeDeleted: data, exist and child watches on the path.
//   - Every type: persistent watches on the path, and recursive watches on
//     the path or an ancestor — except NodeChildrenChanged, which recursive
//     watches never get (the creates and deletes below them already say it).
func (s *watchSet) trigger(ev proto.WatcherEvent) []*watcher {
	var out []*watcher
	switch ev.Type {
	case proto.EventNodeCreated, proto.EventNodeDataChanged:
		out = s.take(kindData, ev.Path, out)
		out = s.take(kindExist, ev.Path, out)
	case proto.EventNodeChildrenChanged:
		out = s.take(kindChild, ev.Path, out)
	case proto.EventNodeDeleted:
		out = s.take(kindData, ev.Path, out)
		out = s.take(kindExist, ev.Path, out)
		out = s.take(kindChild, ev.Path, out)
	default:
		return nil
	}
	out = append(out, s.m[kindPersistent][ev.Path]...)
	if ev.Type != proto.EventNodeChildrenChanged {
		for p := ev.Path; ; p = parent(p) {
			out = append(out, s.m[kindRecursive][p]...)
			if p == "/" {
				break
			}
		}
	}
	return out
}

// drain removes and returns every watcher (the session is over).
func (s *watchSet) drain() []*watcher {
	var out []*watcher
	for k := range s.m {
		for _, p := range sortedKeys(s.m[k]) {
			out = append(out, s.m[k][p]...)
		}
		s.m[k] = make(map[string][]*watcher)
	}
	return out
}

// count is the number of registrations.
func (s *watchSet) count() int {
	n := 0
	for k := range s.m {
		for _, ws := range s.m[k] {
			n += len(ws)
		}
	}
	return n
}

// setWatchesMaxBytes bounds the path bytes of one setWatches request, as
// the Java client does (ClientCnxn SET_WATCHES_MAX_LENGTH, 128 KB), so a
// client with many watches does not exceed the server's jute.maxbuffer.
const setWatchesMaxBytes = 128 * 1024

// setWatchesBatch is one re-registration request to send after a reconnect.
type setWatchesBatch struct {
	op  proto.OpCode // OpSetWatches, or OpSetWatches2 when the batch has persistent watches
	rec proto.Record
}

// setWatches builds the requests that re-register every watch on a new
// connection. relZxid is the last zxid the client saw: the server compares
// it with each node's mzxid/pzxid and fires at once the events the client
// missed while disconnected (DataTree.setWatches; docs/reference/zookeeper.md §1.8).
//
// Paths are sorted so the output is deterministic. A batch holds at most
// maxBytes of path text (at least one path). Like the Java client, a batch
// with no persistent watches uses the older setWatches (101), so servers
// before 3.6 still understand it.
func (s *watchSet) setWatches(relZxid int64, maxBytes int) []setWatchesBatch {
	var batches []setWatchesBatch
	var cur [numKinds][]string
	size, n := 0, 0
	flush := func() {
		if n == 0 {
			return
		}
		sw := proto.SetWatches2{
			RelativeZxid: relZxid,
			Data:         nonNil(cur[kindData]), Exist: nonNil(cur[kindExist]), Child: nonNil(cur[kindChild]),
			Persistent: nonNil(cur[kindPersistent]), PersistentRecursive: nonNil(cur[kindRecursive]),
		}
		if len(sw.Persistent) == 0 && len(sw.PersistentRecursive) == 0 {
			batches = append(batches, setWatchesBatch{op: proto.OpSetWatches, rec: &proto.SetWatches{
				RelativeZxid: relZxid, Data: sw.Data, Exist: sw.Exist, Child: sw.Child}})
		} else {
			batches = append(batches, setWatchesBatch{op: proto.OpSetWatches2, rec: &sw})
		}
		cur = [numKinds][]string{}
		size, n = 0, 0
	}
	for k := range s.m {
		for _, p := range sortedKeys(s.m[k]) {
			if n > 0 && size+len(p) > maxBytes {
				flush()
			}
			cur[k] = append(cur[k], p)
			size += len(p)
			n++
		}
	}
	flush()
	return batches
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func sortedKeys(m map[string][]*watcher) []string {
	keys := make([]string, 0, len(m))
	for k, ws := range m {
		if len(ws) > 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// parent returns the parent of an absolute path ("/" for "/a" and "/").
func parent(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/"
	}
	return p[:i]
}
