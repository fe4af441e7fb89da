package server_test

import (
	"errors"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/server"
)

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}

func testLogger(t *testing.T) *slog.Logger {
	if os.Getenv("ZK_SERVER_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return nil
}

func startServer(t *testing.T, fs vfs.FS) *server.Server {
	t.Helper()
	if fs == nil {
		fs = vfs.NewMem()
	}
	s, err := server.Start(server.Config{
		ClientAddr: "127.0.0.1:0", DataDir: "/data", TickTime: 100 * time.Millisecond,
		FourLetterWords: []string{"*"}, FS: fs, Logger: testLogger(t), Seed: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func connectGoZK(t *testing.T, s *server.Server) *zk.Conn {
	t.Helper()
	c, ev, err := zk.Connect([]string{s.Addr().String()}, 2*time.Second, zk.WithLogger(nopLogger{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	deadline := time.After(5 * time.Second)
	for {
		select {
		case e := <-ev:
			if e.State == zk.StateHasSession {
				return c
			}
		case <-deadline:
			t.Fatal("no session within 5s")
		}
	}
}

func waitEvent(t *testing.T, ch <-chan zk.Event) zk.Event {
	t.Helper()
	select {
	case e := <-ch:
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no watch event within 5s")
		return zk.Event{}
	}
}

// TestGoZookeeperSmoke: the go-zookeeper 1.0.4 client works unchanged.
// Reference: docs/reference/zookeeper.md §1.9 (go-zk column), §1.4, §1.8.
func TestGoZookeeperSmoke(t *testing.T) {
	s := startServer(t, nil)
	c := connectGoZK(t, s)

	p, err := c.Create("/app", []byte("v0"), 0, zk.WorldACL(zk.PermAll))
	if err != nil || p != "/app" {
		t.Fatalf("Create = %q, %v", p, err)
	}
	if _, err := c.Create("/app", nil, 0, zk.WorldACL(zk.PermAll)); !errors.Is(err, zk.ErrNodeExists) {
		t.Fatalf("second Create: %v, want ErrNodeExists", err)
	}
	data, stat, err := c.Get("/app")
	if err != nil || string(data) != "v0" || stat.Version != 0 {
		t.Fatalf("Get = %q %+v %v", data, stat, err)
	}
	_, _, dataW, err := c.GetW("/app")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Set("/app", []byte("v1"), 0); err != nil {
		t.Fatal(err)
	}
	if e := waitEvent(t, dataW); e.Type != zk.EventNodeDataChanged || e.Path != "/app" {
		t.Fatalf("data watch: %+v", e)
	}
	if _, err := c.Set("/app", []byte("v2"), 0); !errors.Is(err, zk.ErrBadVersion) {
		t.Fatalf("Set with a stale version: %v", err)
	}
	seq, err := c.Create("/app/q-", nil, zk.FlagSequence, zk.WorldACL(zk.PermAll))
	if err != nil || seq != "/app/q-0000000000" {
		t.Fatalf("sequential Create = %q, %v", seq, err)
	}
	children, _, childW, err := c.ChildrenW("/app")
	if err != nil || len(children) != 1 {
		t.Fatalf("Children = %v, %v", children, err)
	}

	// An ephemeral node of another session disappears when it closes,
	// and our child watch fires.
	other := connectGoZK(t, s)
	if _, err := other.Create("/app/eph", nil, zk.FlagEphemeral, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatal(err)
	}
	if e := waitEvent(t, childW); e.Type != zk.EventNodeChildrenChanged {
		t.Fatalf("child watch: %+v", e)
	}
	ok, _, existW, err := c.ExistsW("/app/eph")
	if err != nil || !ok {
		t.Fatalf("ExistsW = %v %v", ok, err)
	}
	other.Close()
	if e := waitEvent(t, existW); e.Type != zk.EventNodeDeleted || e.Path != "/app/eph" {
		t.Fatalf("ephemeral's watch after its session closed: %+v", e)
	}
	if ok, _, _ := c.Exists("/app/eph"); ok {
		t.Fatal("ephemeral survived its session")
	}

	// Multi, delete, sync.
	if _, err := c.Multi(&zk.CreateRequest{Path: "/m", Data: []byte("x"), Acl: zk.WorldACL(zk.PermAll)},
		&zk.SetDataRequest{Path: "/m", Data: []byte("y"), Version: 0}); err != nil {
		t.Fatalf("Multi: %v", err)
	}
	if err := c.Delete("/app", -1); !errors.Is(err, zk.ErrNotEmpty) {
		t.Fatalf("Delete non-empty: %v", err)
	}
	if err := c.Delete(seq, -1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sync("/app"); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete("/app", -1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Get("/app"); !errors.Is(err, zk.ErrNoNode) {
		t.Fatalf("Get after Delete: %v", err)
	}

	// Auth and ACLs.
	if err := c.AddAuth("digest", []byte("alice:secret")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Create("/private", []byte("s"), 0, zk.DigestACL(zk.PermAll, "alice", "secret")); err != nil {
		t.Fatal(err)
	}
	stranger := connectGoZK(t, s)
	if _, _, err := stranger.Get("/private"); !errors.Is(err, zk.ErrNoAuth) {
		t.Fatalf("Get without auth: %v, want ErrNoAuth", err)
	}

	// Four-letter words.
	stats, ok := zk.FLWSrvr([]string{s.Addr().String()}, time.Second)
	if !ok || stats[0].Error != nil || stats[0].Mode != zk.ModeStandalone {
		t.Fatalf("FLWSrvr: %+v", stats[0])
	}
	if !zk.FLWRuok([]string{s.Addr().String()}, time.Second)[0] {
		t.Fatal("ruok")
	}
}

func vfsMem() *vfs.Mem { return vfs.NewMem() }
