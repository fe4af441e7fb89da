package client

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/proto"
)

// TestTriggerRules checks which registrations each event type reaches.
// Reference: docs/reference/zookeeper.md §1.8; ZKWatchManager.materialize.
func TestTriggerRules(t *testing.T) {
	type reg struct {
		kind watchKind
		path string
	}
	regs := []reg{
		{kindData, "/a"}, {kindExist, "/a"}, {kindChild, "/a"},
		{kindPersistent, "/a"}, {kindRecursive, "/"}, {kindRecursive, "/a"}, {kindRecursive, "/b"},
		{kindData, "/a/b"},
	}
	names := []string{"data", "exist", "child", "persistent", "recursive"}
	cases := []struct {
		ev   proto.EventType
		path string
		want string
	}{
		{proto.EventNodeCreated, "/a", "data:/a exist:/a persistent:/a recursive:/ recursive:/a"},
		{proto.EventNodeDataChanged, "/a", "data:/a exist:/a persistent:/a recursive:/ recursive:/a"},
		{proto.EventNodeChildrenChanged, "/a", "child:/a persistent:/a"},
		{proto.EventNodeDeleted, "/a", "data:/a exist:/a child:/a persistent:/a recursive:/ recursive:/a"},
		{proto.EventNodeDataChanged, "/a/b", "data:/a/b recursive:/ recursive:/a"},
		{proto.EventNodeChildrenChanged, "/b", ""},
		{proto.EventNone, "/a", ""},
	}
	for _, tc := range cases {
		s := newWatchSet()
		for _, r := range regs {
			s.add(&watcher{kind: r.kind, path: r.path})
		}
		var got []string
		for _, w := range s.trigger(proto.WatcherEvent{Type: tc.ev, Path: tc.path}) {
			got = append(got, names[w.kind]+":"+w.path)
		}
		sort.Strings(got)
		want := strings.Fields(tc.want)
		sort.Strings(want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%v %s: fired %v, want %v", tc.ev, tc.path, got, want)
		}
		// One-shot watches are gone, persistent ones stay.
		again := s.trigger(proto.WatcherEvent{Type: tc.ev, Path: tc.path})
		for _, w := range again {
			if !w.persistent() {
				t.Errorf("%v %s: one-shot %s:%s fired twice", tc.ev, tc.path, names[w.kind], w.path)
			}
		}
	}
}

// TestSetWatchesBatches checks that re-registration covers every watch
// exactly once, in batches of at most 128 KB of paths, using setWatches
// (101) unless the batch holds persistent watches.
// Reference: docs/reference/zookeeper.md §1.9 ("setWatches/setWatches2 in batches of
// ≤128 KB"); ClientCnxn.SendThread.primeConnection.
func TestSetWatchesBatches(t *testing.T) {
	r := sim.Rand(t)
	s := newWatchSet()
	want := map[string]bool{}
	n := 1 + r.IntN(3000)
	for i := range n {
		k := watchKind(r.IntN(int(numKinds)))
		p := fmt.Sprintf("/%s/%d", strings.Repeat("x", r.IntN(200)), i)
		s.add(&watcher{kind: k, path: p})
		want[fmt.Sprint(k, p)] = true
	}
	seen := map[string]bool{}
	for _, b := range s.setWatches(77, setWatchesMaxBytes) {
		var lists [numKinds][]string
		switch rec := b.rec.(type) {
		case *proto.SetWatches:
			if b.op != proto.OpSetWatches || rec.RelativeZxid != 77 {
				t.Fatalf("batch %v rel %d", b.op, rec.RelativeZxid)
			}
			lists = [numKinds][]string{rec.Data, rec.Exist, rec.Child}
		case *proto.SetWatches2:
			if b.op != proto.OpSetWatches2 || rec.RelativeZxid != 77 {
				t.Fatalf("batch %v rel %d", b.op, rec.RelativeZxid)
			}
			if len(rec.Persistent)+len(rec.PersistentRecursive) == 0 {
				t.Error("setWatches2 used without persistent watches")
			}
			lists = [numKinds][]string{rec.Data, rec.Exist, rec.Child, rec.Persistent, rec.PersistentRecursive}
		}
		size := 0
		for k, l := range lists {
			for _, p := range l {
				key := fmt.Sprint(watchKind(k), p)
				if seen[key] || !want[key] {
					t.Fatalf("path %q kind %d duplicated or unknown", p, k)
				}
				seen[key] = true
				size += len(p)
			}
		}
		if size > setWatchesMaxBytes {
			t.Errorf("batch of %d bytes > %d", size, setWatchesMaxBytes)
		}
		// Encodes within the server's frame limit.
		if l := len(proto.Encode(b.rec)); l > proto.MaxBuffer {
			t.Errorf("batch encodes to %d bytes", l)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("re-registered %d of %d watches", len(seen), len(want))
	}
}

// TestMailboxOrder checks that a persistent watch's events arrive in order
// however many queue up, then the final event, then the close.
func TestMailboxOrder(t *testing.T) {
	r := sim.Rand(t)
	n := r.IntN(500)
	synctest.Test(t, func(t *testing.T) {
		m := newMailbox()
		for i := range n {
			m.put(Event{Path: fmt.Sprint(i)})
		}
		m.close(&Event{Path: "final"})
		m.put(Event{Path: "late"}) // after close: dropped
		i := 0
		for ev := range m.out {
			want := fmt.Sprint(i)
			if i == n {
				want = "final"
			}
			if ev.Path != want {
				t.Fatalf("event %d = %q, want %q", i, ev.Path, want)
			}
			i++
		}
		if i != n+1 {
			t.Errorf("got %d events, want %d", i, n+1)
		}
	})
}
