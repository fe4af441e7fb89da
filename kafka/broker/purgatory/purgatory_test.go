package purgatory

import (
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// counter completes once its value reaches want.
type counter struct {
	v, want atomic.Int64
	tries   atomic.Int64
}

func (c *counter) TryComplete() bool {
	c.tries.Add(1)
	return c.v.Load() >= c.want.Load()
}

func newCounter(want int64) *counter {
	c := &counter{}
	c.want.Store(want)
	return c
}

// TestCompletesByEvent: an operation that cannot complete is watched
// under each of its keys; an event on any key completes it, once, and
// unwatches it everywhere.
//
// Reference: AK 2.3 DelayedOperationPurgatory.tryCompleteElseWatch,
// checkAndComplete.
func TestCompletesByEvent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := New[string]("fetch", nil)
		c := newCounter(2)
		d := p.TryCompleteElseWatch(c, time.Minute, "a", "b")
		if p.Watched("a") != 1 || p.Watched("b") != 1 {
			t.Fatal("not watched under both keys")
		}
		c.v.Store(1)
		if n := p.CheckAndComplete("a"); n != 0 {
			t.Fatalf("completed %d before its condition", n)
		}
		c.v.Store(2)
		if n := p.CheckAndComplete("b"); n != 1 {
			t.Fatalf("completed %d, want 1", n)
		}
		<-d.Done()
		if d.Expired() || p.Watched("a") != 0 || p.Watched("b") != 0 {
			t.Fatalf("expired=%v, still watched a=%d b=%d", d.Expired(), p.Watched("a"), p.Watched("b"))
		}
		if n := p.CheckAndComplete("a"); n != 0 {
			t.Fatal("completed twice")
		}
	})
}

// TestCompletesAtOnce: an operation whose condition already holds is
// never watched.
func TestCompletesAtOnce(t *testing.T) {
	p := New[int]("x", nil)
	d := p.TryCompleteElseWatch(newCounter(0), time.Hour, 1)
	select {
	case <-d.Done():
	default:
		t.Fatal("not done")
	}
	if d.Expired() || p.Watched(1) != 0 {
		t.Fatal("watched or expired")
	}
}

// TestExpires: with no event, the operation expires after its timeout on
// the (fake, synctest) clock — not a moment earlier.
//
// Reference: AK DelayedOperation.run (onExpiration).
func TestExpires(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := New[string]("fetch", nil)
		start := time.Now()
		d := p.TryCompleteElseWatch(newCounter(1), 500*time.Millisecond, "a")
		<-d.Done()
		if !d.Expired() || time.Since(start) != 500*time.Millisecond || p.Watched("a") != 0 {
			t.Fatalf("expired=%v after %v, watched %d", d.Expired(), time.Since(start), p.Watched("a"))
		}
	})
}

// TestShutdownExpiresAll: Shutdown releases every waiter, and later
// operations expire at once.
func TestShutdownExpiresAll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := New[string]("fetch", nil)
		d1 := p.TryCompleteElseWatch(newCounter(1), time.Hour, "a")
		p.Shutdown()
		<-d1.Done()
		d2 := p.TryCompleteElseWatch(newCounter(1), time.Hour, "a")
		<-d2.Done()
		if !d1.Expired() || !d2.Expired() {
			t.Fatal("not expired")
		}
	})
}

// TestConcurrentEvents: many goroutines firing events at once complete
// the operation exactly once (run with -race).
func TestConcurrentEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := New[int]("x", nil)
		c := newCounter(1)
		d := p.TryCompleteElseWatch(c, time.Hour, 1, 2)
		c.v.Store(1)
		var total atomic.Int64
		for i := range 8 {
			go func() { total.Add(int64(p.CheckAndComplete(1 + i%2))) }()
		}
		<-d.Done()
		synctest.Wait()
		if total.Load() != 1 || d.Expired() {
			t.Fatalf("completed %d times, expired=%v", total.Load(), d.Expired())
		}
	})
}
