//go:build grade

package lab02_test

import (
	"testing"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/session"
	"github.com/zkafka/zkafka/zk/watch"
)

// wfatalf fails a watch test; if a lab stub was called it says so instead
// ("not implemented: lab 2 (Manager.Trigger)").
func wfatalf(t *testing.T, format string, args ...any) {
	t.Helper()
	if err := watch.Unimplemented(); err != nil {
		t.Fatal(err)
	}
	t.Fatalf(format, args...)
}

// sfatalf is wfatalf for the session tests.
func sfatalf(t *testing.T, format string, args ...any) {
	t.Helper()
	if err := session.Unimplemented(); err != nil {
		t.Fatal(err)
	}
	t.Fatalf(format, args...)
}

func ev(typ proto.EventType, path string) proto.WatcherEvent {
	return proto.WatcherEvent{Type: typ, State: proto.StateSyncConnected, Path: path}
}

const (
	created  = proto.EventNodeCreated
	deleted  = proto.EventNodeDeleted
	changed  = proto.EventNodeDataChanged
	children = proto.EventNodeChildrenChanged
)

// who lists the watchers of ds, in order.
func who(ds []watch.Delivery) []watch.ID {
	out := []watch.ID{}
	for _, d := range ds {
		out = append(out, d.Watcher)
	}
	return out
}

// fire triggers ev and returns who was told, checking that every delivery
// carries exactly ev (with State SyncConnected).
func fire(t *testing.T, m *watch.Manager, e proto.WatcherEvent) []watch.ID {
	t.Helper()
	ds := m.Trigger(e)
	for _, d := range ds {
		if d.Event != e {
			wfatalf(t, "Trigger(%v) delivered %v to %d; want the event itself with State 3", e, d.Event, d.Watcher)
		}
	}
	return who(ds)
}
