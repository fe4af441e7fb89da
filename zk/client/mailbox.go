package client

import "sync"

// mailbox is an unbounded event queue in front of a channel. Persistent
// watches may fire any number of times; the goroutine that reads replies
// must never block on a slow consumer (that would stall every request on
// the connection), so events queue here and one goroutine per mailbox
// feeds them to the channel in order.
type mailbox struct {
	mu     sync.Mutex
	q      []Event
	closed bool
	wake   chan struct{} // 1-buffered: "the queue changed"
	out    chan Event
}

func newMailbox() *mailbox {
	m := &mailbox{wake: make(chan struct{}, 1), out: make(chan Event)}
	go m.pump()
	return m
}

func (m *mailbox) put(ev Event) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	m.q = append(m.q, ev)
	m.mu.Unlock()
	m.poke()
}

// close queues a final event (if not nil); the channel is closed after it
// is read.
func (m *mailbox) close(final *Event) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	if final != nil {
		m.q = append(m.q, *final)
	}
	m.closed = true
	m.mu.Unlock()
	m.poke()
}

func (m *mailbox) poke() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

func (m *mailbox) pump() {
	for range m.wake {
		for {
			m.mu.Lock()
			if len(m.q) == 0 {
				done := m.closed
				m.mu.Unlock()
				if done {
					close(m.out)
					return
				}
				break
			}
			ev := m.q[0]
			m.q = m.q[1:]
			m.mu.Unlock()
			m.out <- ev
		}
	}
}
