package recipes_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/recipes"
	"github.com/zkafka/zkafka/zk/server"
)

func startServer(t *testing.T) string {
	t.Helper()
	s, err := server.Start(server.Config{ClientAddr: "127.0.0.1:0", DataDir: "/data",
		TickTime: 100 * time.Millisecond, FS: vfs.NewMem(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.Addr().String()
}

func connect(t *testing.T, addr string) *client.Conn {
	t.Helper()
	c, err := client.Connect([]string{addr}, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestLockMutualExclusion runs contenders, each on its own session, that
// take the lock a few times; at most one is ever inside.
// Reference: docs/reference/zookeeper.md §7 (Lock).
func TestLockMutualExclusion(t *testing.T) {
	r := sim.Rand(t)
	addr := startServer(t)
	ctx := ctxT(t)
	n, rounds := 2+r.IntN(4), 1+r.IntN(5)
	var inside, entered atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		c := connect(t, addr)
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := recipes.NewLock(c, "/locks/x", nil)
			for range rounds {
				if err := l.Lock(ctx); err != nil {
					errs <- fmt.Errorf("contender %d: %w", i, err)
					return
				}
				if inside.Add(1) != 1 {
					errs <- fmt.Errorf("contender %d entered while another held the lock", i)
				}
				entered.Add(1)
				// Give others a chance to (wrongly) get in.
				c.Sync(ctx, "/")
				inside.Add(-1)
				if err := l.Unlock(ctx); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := entered.Load(); got != int32(n*rounds) {
		t.Errorf("entered %d times, want %d", got, n*rounds)
	}
}

// TestLockNoHerd checks that a waiter watches only its predecessor: with
// three contenders queued, the third's node is not woken by the first's
// release (it stays blocked until the second releases too).
// Reference: docs/reference/zookeeper.md §7 ("important to avoid the herd effect").
func TestLockNoHerd(t *testing.T) {
	addr := startServer(t)
	ctx := ctxT(t)
	l1 := recipes.NewLock(connect(t, addr), "/l", nil)
	l2 := recipes.NewLock(connect(t, addr), "/l", nil)
	l3 := recipes.NewLock(connect(t, addr), "/l", nil)
	if err := l1.Lock(ctx); err != nil {
		t.Fatal(err)
	}
	got2, got3 := make(chan error, 1), make(chan error, 1)
	go func() { got2 <- l2.Lock(ctx) }()
	waitChildren(t, connect(t, addr), "/l", 2)
	go func() { got3 <- l3.Lock(ctx) }()
	waitChildren(t, connect(t, addr), "/l", 3)
	if err := l1.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-got2; err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-got3:
		t.Fatalf("third contender got the lock while the second held it (%v)", err)
	default:
	}
	if err := l2.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-got3; err != nil {
		t.Fatal(err)
	}
}

// TestLockCancel checks that a contender that gives up leaves the queue.
func TestLockCancel(t *testing.T) {
	addr := startServer(t)
	ctx := ctxT(t)
	c := connect(t, addr)
	holder := recipes.NewLock(connect(t, addr), "/lc", nil)
	if err := holder.Lock(ctx); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	got := make(chan error, 1)
	go func() { got <- recipes.NewLock(c, "/lc", nil).Lock(cctx) }()
	waitChildren(t, c, "/lc", 2)
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Lock: %v", err)
	}
	waitChildren(t, c, "/lc", 1)
}

// TestElectionFailover: three candidates; the first leads; when its
// session ends (Close), the next one leads.
// Reference: docs/reference/zookeeper.md §7 (Leader election).
func TestElectionFailover(t *testing.T) {
	addr := startServer(t)
	ctx := ctxT(t)
	c1, c2, c3 := connect(t, addr), connect(t, addr), connect(t, addr)
	e1, e2, e3 := recipes.NewElection(c1, "/election", nil), recipes.NewElection(c2, "/election", nil), recipes.NewElection(c3, "/election", nil)
	if err := e1.Campaign(ctx, []byte("one")); err != nil {
		t.Fatal(err)
	}
	won2, won3 := make(chan error, 1), make(chan error, 1)
	go func() { won2 <- e2.Campaign(ctx, []byte("two")) }()
	waitChildren(t, c3, "/election", 2)
	go func() { won3 <- e3.Campaign(ctx, []byte("three")) }()
	waitChildren(t, c3, "/election", 3)
	if leader, err := e3.Leader(ctx); err != nil || string(leader) != "one" {
		t.Fatalf("Leader = %q, %v", leader, err)
	}
	c1.Close() // the leader dies: closeSession deletes its ephemeral node
	if err := <-won2; err != nil {
		t.Fatal(err)
	}
	if leader, err := e3.Leader(ctx); err != nil || string(leader) != "two" {
		t.Fatalf("Leader = %q, %v", leader, err)
	}
	if err := e2.Resign(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-won3; err != nil {
		t.Fatal(err)
	}
}

// TestBarrier: waiters block until the barrier is removed.
// Reference: docs/reference/zookeeper.md §7 (Barrier).
func TestBarrier(t *testing.T) {
	addr := startServer(t)
	ctx := ctxT(t)
	c := connect(t, addr)
	b := recipes.NewBarrier(c, "/barrier")
	if err := b.Set(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- recipes.NewBarrier(connect(t, addr), "/barrier").Wait(ctx) }()
	select {
	case err := <-done:
		t.Fatalf("Wait returned while the barrier was up: %v", err)
	default:
	}
	if err := b.Remove(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// waitChildren waits (with a child watch, no polling sleeps) until path
// has n children.
func waitChildren(t *testing.T, c *client.Conn, path string, n int) {
	t.Helper()
	ctx := ctxT(t)
	for {
		ok, _, ev, err := c.ExistsW(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			ch, _, cev, err := c.ChildrenW(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if len(ch) == n {
				return
			}
			ev = cev
		}
		select {
		case <-ev:
		case <-ctx.Done():
			t.Fatalf("%s never had %d children", path, n)
		}
	}
}
