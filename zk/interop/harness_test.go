package interop

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
)

// The servers under test are shared by all tests of the package: starting
// a JVM per test would cost seconds each. Scenarios isolate themselves
// under their own root znode (newRoot).
//
// Both targets get the same configuration, small enough that session
// expiry takes about a second: tickTime 250 ms, so minSessionTimeout is
// 500 ms (2×tick); maxSessionTimeout is raised to 30 s so that kazoo's and
// zkCli's default timeouts are not clamped.
const (
	testTick       = 250 * time.Millisecond
	testMaxSession = 30 * time.Second
)

// target is one server the clients are pointed at.
type target struct {
	name string // "ours" or "apache"
	addr string // host:port
}

type startedTarget struct {
	once  sync.Once
	tg    *target
	err   error
	close func()
}

var (
	startedMu sync.Mutex
	started   = map[string]*startedTarget{}
	tmpRoot   string
)

// starters maps a target name to how it is started. ours_test.go and
// apache_test.go register themselves.
var starters = map[string]func(dir string) (*target, func(), error){}

func TestMain(m *testing.M) {
	var err error
	tmpRoot, err = os.MkdirTemp("", "zk-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	startedMu.Lock()
	for _, s := range started {
		if s.close != nil {
			s.close()
		}
	}
	startedMu.Unlock()
	os.RemoveAll(tmpRoot)
	os.Exit(code)
}

// getTarget starts the named server once per test binary, or skips the
// test with the reason it is unavailable.
func getTarget(t *testing.T, name string) *target {
	t.Helper()
	startedMu.Lock()
	s, ok := started[name]
	if !ok {
		s = &startedTarget{}
		started[name] = s
	}
	startedMu.Unlock()
	s.once.Do(func() {
		start, ok := starters[name]
		if !ok {
			s.err = fmt.Errorf("no starter for target %q", name)
			return
		}
		dir, err := os.MkdirTemp(tmpRoot, name+"-")
		if err != nil {
			s.err = err
			return
		}
		s.tg, s.close, s.err = start(dir)
	})
	if s.err != nil {
		if skippable(s.err) {
			t.Skipf("target %s unavailable: %v", name, s.err)
		}
		t.Fatalf("starting target %s: %v", name, s.err)
	}
	return s.tg
}

// skipErr marks a target that is legitimately absent (not installed, not
// yet written) rather than broken.
type skipErr struct{ error }

func skippable(err error) bool { _, ok := err.(skipErr); return ok }

// forEachTarget runs fn as a subtest per target of this build (see
// targets_*_test.go).
func forEachTarget(t *testing.T, fn func(t *testing.T, tg *target)) {
	for _, name := range targetNames {
		t.Run(name, func(t *testing.T) {
			fn(t, getTarget(t, name))
		})
	}
}

// recorder keeps every event a go-zookeeper connection delivers, in the
// order its receive loop saw them, and lets a test wait for a condition.
type recorder struct {
	mu      sync.Mutex
	evs     []zk.Event
	changed chan struct{}
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{})} }

func (r *recorder) add(ev zk.Event) {
	r.mu.Lock()
	r.evs = append(r.evs, ev)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// watchEvents returns the node events (not session-state events) so far.
func (r *recorder) watchEvents() []zk.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []zk.Event
	for _, ev := range r.evs {
		if ev.Type != zk.EventSession && ev.Type != zk.EventNotWatching {
			out = append(out, ev)
		}
	}
	return out
}

// waitFor blocks until pred holds for the events so far, or fails the
// test after timeout.
func (r *recorder) waitFor(t *testing.T, what string, timeout time.Duration, pred func(evs []zk.Event) bool) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		r.mu.Lock()
		ok := pred(r.evs)
		ch := r.changed
		evs := append([]zk.Event(nil), r.evs...)
		r.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("timed out after %v waiting for %s; events: %s", timeout, what, fmtEvents(evs))
		}
	}
}

func hasState(s zk.State) func([]zk.Event) bool {
	return func(evs []zk.Event) bool {
		for _, ev := range evs {
			if ev.Type == zk.EventSession && ev.State == s {
				return true
			}
		}
		return false
	}
}

func hasEvent(typ zk.EventType, path string) func([]zk.Event) bool {
	return func(evs []zk.Event) bool {
		for _, ev := range evs {
			if ev.Type == typ && ev.Path == path {
				return true
			}
		}
		return false
	}
}

func fmtEvents(evs []zk.Event) string {
	var b strings.Builder
	b.WriteString("[")
	for i, ev := range evs {
		if i > 0 {
			b.WriteString(", ")
		}
		if ev.Type == zk.EventSession {
			fmt.Fprintf(&b, "session:%v", ev.State)
		} else {
			fmt.Fprintf(&b, "%v %s", ev.Type, ev.Path)
		}
	}
	b.WriteString("]")
	return b.String()
}

// session is a go-zookeeper connection with its event recorder.
type session struct {
	*zk.Conn
	rec *recorder
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}

// connect opens a go-zookeeper session to addr and waits until it has a
// session id. The connection is closed when the test ends.
func connect(t *testing.T, addr string, timeout time.Duration) *session {
	t.Helper()
	rec := newRecorder()
	c, _, err := zk.Connect([]string{addr}, timeout,
		zk.WithLogger(nopLogger{}), zk.WithEventCallback(rec.add))
	if err != nil {
		t.Fatalf("zk.Connect(%s): %v", addr, err)
	}
	t.Cleanup(c.Close)
	rec.waitFor(t, "a session (StateHasSession)", 15*time.Second, hasState(zk.StateHasSession))
	return &session{Conn: c, rec: rec}
}

var rootSeq atomic.Int64

var unsafePath = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// newRoot creates a fresh persistent znode for one scenario and returns its
// path, so scenarios sharing a server do not see each other.
func newRoot(t *testing.T, s *session) string {
	t.Helper()
	p := fmt.Sprintf("/%s-%d", unsafePath.ReplaceAllString(t.Name(), "_"), rootSeq.Add(1))
	if _, err := s.Create(p, nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatalf("create scenario root %s: %v", p, err)
	}
	return p
}
