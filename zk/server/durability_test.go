package server_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/server"
	"github.com/zkafka/zkafka/zk/snapshot"
	"github.com/zkafka/zkafka/zk/txnlog"
)

func startOn(t *testing.T, fs vfs.FS, snapCount int) *server.Server {
	t.Helper()
	s, err := server.Start(server.Config{
		ClientAddr: "127.0.0.1:0", DataDir: "/data", DataLogDir: "/log",
		TickTime: 100 * time.Millisecond, FS: fs, Logger: testLogger(t),
		SnapCount: snapCount, Seed: 7,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCrashKeepsAcknowledgedWrites: a client writes as fast as it can; the
// server is killed at a random moment and the disk crashes (torn tails,
// unsynced renames undone). After a restart every acknowledged write is
// there, and nothing that was never sent is.
// Reference: docs/reference/zookeeper.md §4 ("fsync before ACK"); paper §5.1.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	r := sim.Rand(t)
	fs := vfs.NewMem()
	for round := range 3 {
		s := startOn(t, fs, 20) // small snapCount: snapshots happen too
		c := connectGoZK(t, s)
		acked := make(chan int, 1000)
		go func() {
			defer close(acked)
			for i := 0; ; i++ {
				if _, err := c.Create(fmt.Sprintf("/r%d-%d", round, i), []byte("x"), 0, zk.WorldACL(zk.PermAll)); err != nil {
					return
				}
				acked <- i
			}
		}()
		killAt := 5 + r.IntN(60)
		last := -1
		for i := range acked {
			last = i
			if i == killAt {
				s.Kill()
			}
		}
		c.Close()
		fs = fs.Crash(r)
		s = startOn(t, fs, 20)
		c = connectGoZK(t, s)
		for i := 0; i <= last; i++ {
			if ok, _, err := c.Exists(fmt.Sprintf("/r%d-%d", round, i)); err != nil || !ok {
				t.Fatalf("round %d: acknowledged create %d of %d lost after a crash (%v)", round, i, last, err)
			}
		}
		if ok, _, _ := c.Exists(fmt.Sprintf("/r%d-%d", round, last+2)); ok {
			t.Fatalf("round %d: a create that was never sent exists", round)
		}
		c.Close()
		s.Kill()
	}
}

// TestSnapshotsAndRestart: with a small snapCount the server takes fuzzy
// snapshots, purges old logs, and a restart restores snapshot + log.
// Reference: docs/reference/zookeeper.md §4 (snapCount trigger, restore = snapshot + replay).
func TestSnapshotsAndRestart(t *testing.T) {
	fs := vfs.NewMem()
	s := startOn(t, fs, 10)
	c := connectGoZK(t, s)
	for i := range 100 {
		if _, err := c.Create(fmt.Sprintf("/n%03d", i), []byte{byte(i)}, 0, zk.WorldACL(zk.PermAll)); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if _, err := c.Set(fmt.Sprintf("/n%03d", i), []byte("set"), 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	eph, err := c.Create("/eph", nil, zk.FlagEphemeral, zk.WorldACL(zk.PermAll))
	if err != nil {
		t.Fatal(err)
	}
	sid := c.SessionID()
	c.Close() // deletes /eph (closeSession txn)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	snaps, _ := snapshot.List(fs, "/data/version-2")
	if len(snaps) == 0 || len(snaps) > 3 {
		t.Fatalf("snapshots %v: want 1..3 (purge keeps 3)", snaps)
	}
	logs, _ := txnlog.Files(fs, "/log/version-2")
	if first, _ := txnlog.ParseFileName(logs[0]); len(logs) == 0 || first > snaps[len(snaps)-1]+1 {
		t.Fatalf("log files %v do not cover the oldest snapshot %#x", logs, snaps[len(snaps)-1])
	}
	s = startOn(t, fs.Crash(nil), 10)
	defer s.Close()
	c = connectGoZK(t, s)
	for i := range 100 {
		data, _, err := c.Get(fmt.Sprintf("/n%03d", i))
		want := []byte{byte(i)}
		if i%3 == 0 {
			want = []byte("set")
		}
		if err != nil || string(data) != string(want) {
			t.Fatalf("/n%03d after restart: %q %v", i, data, err)
		}
	}
	if ok, _, _ := c.Exists(eph); ok {
		t.Fatal("ephemeral of a closed session came back")
	}
	if c.SessionID() == sid {
		t.Fatal("session id reused")
	}
}

// TestSessionExpiry: a client that stops pinging loses its session: the
// tick loop expires it with a closeSession txn that deletes its ephemerals
// and fires their watches; a later reconnect is told it expired.
// Reference: docs/reference/zookeeper.md §5 ("Session expiry"), §1.2 step 5.
func TestSessionExpiry(t *testing.T) {
	s := startServer(t, nil)
	observer := connectGoZK(t, s)
	r, resp := session(t, s) // a raw client: it never pings
	if h, _, _ := r.call(1, proto.OpCreate, &proto.CreateRequest{Path: "/lease", ACL: proto.OpenACLUnsafe, Flags: proto.ModeEphemeral}); h.Err != 0 {
		t.Fatalf("create: %d", h.Err)
	}
	ok, _, w, err := observer.ExistsW("/lease")
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	// Timeout 2000ms requested, clamped to 20 ticks = 2s.
	if e := waitEvent(t, w); e.Type != zk.EventNodeDeleted {
		t.Fatalf("event %+v", e)
	}
	r.expectClosed()
	again := dial(t, s)
	if got := again.connect(proto.ConnectRequest{SessionID: resp.SessionID, Passwd: resp.Passwd}); got.SessionID != 0 {
		t.Fatalf("expired session resumed: %+v", got)
	}
}

// TestLogFailureStopsServer: when fsync fails the server stops rather than
// acknowledge a write that is not on disk.
func TestLogFailureStopsServer(t *testing.T) {
	fs := vfs.NewMem()
	s := startOn(t, fs, 0)
	c := connectGoZK(t, s)
	fs.SetFault(vfs.FailNth(vfs.OpSync, 1, vfs.ErrInjected, true))
	if _, err := c.Create("/x", nil, 0, zk.WorldACL(zk.PermAll)); err == nil {
		t.Fatal("a write was acknowledged although its fsync failed")
	}
	if err := s.Close(); !errors.Is(err, vfs.ErrInjected) {
		t.Fatalf("Close = %v, want the fsync error", err)
	}
}
