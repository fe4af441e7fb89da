//go:build grade

package lab02_test

import (
	"fmt"
	"testing"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/session"
	"github.com/zkafka/zkafka/zk/watch"
)

// wfatalf fails a watch test; if a lab stub was called it says so first
// ("not implemented: lab 2 (Manager.Trigger)"), then what the check saw.
func wfatalf(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Fatal(stubFirst(watch.Unimplemented(), fmt.Sprintf(format, args...)))
}

// sfatalf is wfatalf for the session tests.
func sfatalf(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Fatal(stubFirst(session.Unimplemented(), fmt.Sprintf(format, args...)))
}

// stubFirst puts stub, the first lab stub this test binary called, if any,
// before msg. The stub is remembered for the whole binary: the grader runs
// each graded test in a binary of its own, so there it is one this test
// called.
func stubFirst(stub error, msg string) string {
	if stub != nil {
		return fmt.Sprintf("%v\n(a stub returns a zero value, so it may be why) %s", stub, msg)
	}
	return msg
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
