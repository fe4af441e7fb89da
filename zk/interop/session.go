package interop

import (
	"sync"
	"time"

	"github.com/go-zookeeper/zk"
)

// SessionWatch follows a go-zookeeper connection's session state through
// its event callback, so a test can wait for the client to have a session
// again (after a server it used was killed) instead of polling:
//
//	sw := interop.NewSessionWatch()
//	conn, _, err := zk.Connect(servers, timeout, zk.WithEventCallback(sw.Event))
//	gen := sw.Generation()
//	... an op fails with a connection error ...
//	sw.Await(gen, deadline) // a session newer than gen is up: retry
//
// It uses the callback (called in go-zk's own goroutine for every event)
// because the event channel zk.Connect returns drops events nobody drains.
type SessionWatch struct {
	mu   sync.Mutex
	has  bool          // the client has a session now
	gen  int           // sessions established (StateHasSession) so far
	wake chan struct{} // closed, and replaced, at every state change
}

// NewSessionWatch returns a SessionWatch; pass its Event to
// zk.WithEventCallback.
func NewSessionWatch() *SessionWatch { return &SessionWatch{wake: make(chan struct{})} }

// Event records a go-zk event.
func (s *SessionWatch) Event(e zk.Event) {
	if e.Type != zk.EventSession {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.has = e.State == zk.StateHasSession
	if s.has {
		s.gen++
	}
	close(s.wake)
	s.wake = make(chan struct{})
}

// Generation is the number of sessions established so far.
func (s *SessionWatch) Generation() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

// Await blocks until the client has a session established after the first
// `after` ones, or deadline fires (false).
func (s *SessionWatch) Await(after int, deadline <-chan time.Time) bool {
	for {
		s.mu.Lock()
		ok, wake := s.has && s.gen > after, s.wake
		s.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-wake:
		case <-deadline:
			return false
		}
	}
}
