// Package purgatory holds a broker's delayed operations: requests that
// cannot be answered yet and wait for an event or a timeout — AK's
// DelayedOperationPurgatory, with the same vocabulary.
//
// Today one kind lives here: a Fetch long poll waits until min_bytes are
// readable or max_wait passes. The same shape fits what the later
// chapters add: an acks=all Produce waits for the high watermark
// (chapter 7, keyed by partition), a follower's fetch for new data
// (chapter 7), JoinGroup and SyncGroup for the rest of the group
// (chapter 9, keyed by group id).
//
// The contract:
//
//  1. TryCompleteElseWatch(op, timeout, keys...) tries the operation
//     once; if it cannot complete it is watched under every key (a
//     partition, a group), tried once more (an event may have come
//     between the first try and the watch), and a timer is started.
//  2. Whoever changes the state an operation waits on — an append moving
//     a partition's log end, a member joining a group — calls
//     CheckAndComplete(key) afterwards, with none of its own locks held;
//     every operation watched under key is tried.
//  3. An operation completes exactly once: by a TryComplete that
//     returns true, by its timeout, or by Shutdown. Done is closed then,
//     and Expired says which. The waiter — the connection goroutine that
//     owns the request — builds the response after Done: the purgatory
//     never does a handler's work, and no lock is held while anyone waits.
//
// TryComplete may run on any goroutine (the appender's, the timer's, the
// waiter's), but never twice at once for one operation, and never under
// the purgatory's lock: it may take partition or group locks freely.
//
// Reference: AK 2.3 DelayedOperation.scala (tryCompleteElseWatch,
// checkAndComplete, forceComplete), DelayedFetch.scala.
package purgatory

import (
	"sync"
	"sync/atomic"
	"time"
)

// Operation is what a delayed operation waits for.
type Operation interface {
	// TryComplete reports whether the operation can complete now.
	TryComplete() bool
}

// AfterFunc starts a timer: f runs once after d unless stop is called
// first (stop reports whether it stopped the timer). time.AfterFunc in
// production; inside a synctest bubble it runs on the bubble's clock.
type AfterFunc func(d time.Duration, f func()) (stop func() bool)

func wallAfter(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

// Purgatory is the delayed operations of one kind, watched under keys K.
type Purgatory[K comparable] struct {
	name  string
	after AfterFunc

	mu       sync.Mutex
	watchers map[K]map[*Delayed[K]]struct{}
	shutdown bool
}

// New makes a purgatory; after nil means time.AfterFunc.
func New[K comparable](name string, after AfterFunc) *Purgatory[K] {
	if after == nil {
		after = wallAfter
	}
	return &Purgatory[K]{name: name, after: after, watchers: map[K]map[*Delayed[K]]struct{}{}}
}

// Delayed is one operation in the purgatory.
type Delayed[K comparable] struct {
	op   Operation
	keys []K
	done chan struct{}

	tryMu   sync.Mutex   // serializes TryComplete
	state   atomic.Int32 // pending, completed, expired
	stopMu  sync.Mutex
	stopped bool
	stop    func() bool
}

const (
	pending int32 = iota
	completed
	expired
)

// Done is closed when the operation has completed or expired.
func (d *Delayed[K]) Done() <-chan struct{} { return d.done }

// Expired reports whether the operation completed by its timeout (or by
// Shutdown) rather than by TryComplete. Valid after Done.
func (d *Delayed[K]) Expired() bool { return d.state.Load() == expired }

// TryCompleteElseWatch adds op, watched under keys, completing at once
// if it can, else by an event on a key or after timeout.
func (p *Purgatory[K]) TryCompleteElseWatch(op Operation, timeout time.Duration, keys ...K) *Delayed[K] {
	d := &Delayed[K]{op: op, keys: keys, done: make(chan struct{})}
	if done, _ := p.try(d); done {
		return d
	}
	p.mu.Lock()
	if p.shutdown {
		p.mu.Unlock()
		p.finish(d, expired)
		return d
	}
	for _, k := range keys {
		w := p.watchers[k]
		if w == nil {
			w = map[*Delayed[K]]struct{}{}
			p.watchers[k] = w
		}
		w[d] = struct{}{}
	}
	p.mu.Unlock()
	if done, _ := p.try(d); done {
		return d
	}
	stop := p.after(timeout, func() { p.finish(d, expired) })
	d.stopMu.Lock()
	d.stop = stop
	if d.stopped {
		stop() // completed while the timer was being started
	}
	d.stopMu.Unlock()
	return d
}

// try runs TryComplete unless the operation is finished, one caller at
// a time. done reports that the operation is finished; won that this
// call finished it.
func (p *Purgatory[K]) try(d *Delayed[K]) (done, won bool) {
	if d.state.Load() != pending {
		return true, false
	}
	d.tryMu.Lock()
	defer d.tryMu.Unlock()
	if d.state.Load() != pending {
		return true, false
	}
	if !d.op.TryComplete() {
		return false, false
	}
	return true, p.finish(d, completed)
}

// finish completes d once: state, timer, watchers, Done. It reports
// whether this call did.
func (p *Purgatory[K]) finish(d *Delayed[K], how int32) bool {
	if !d.state.CompareAndSwap(pending, how) {
		return false
	}
	d.stopMu.Lock()
	d.stopped = true
	if d.stop != nil {
		d.stop()
	}
	d.stopMu.Unlock()
	p.mu.Lock()
	for _, k := range d.keys {
		if w := p.watchers[k]; w != nil {
			delete(w, d)
			if len(w) == 0 {
				delete(p.watchers, k)
			}
		}
	}
	p.mu.Unlock()
	close(d.done)
	return true
}

// CheckAndComplete tries every operation watched under key and returns
// how many completed. Call it after changing what they wait on, holding
// no lock their TryComplete takes.
func (p *Purgatory[K]) CheckAndComplete(key K) int {
	p.mu.Lock()
	w := p.watchers[key]
	ds := make([]*Delayed[K], 0, len(w))
	for d := range w {
		ds = append(ds, d)
	}
	p.mu.Unlock()
	n := 0
	for _, d := range ds {
		if _, won := p.try(d); won {
			n++
		}
	}
	return n
}

// Watched is how many pending operations are watched under key.
func (p *Purgatory[K]) Watched(key K) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.watchers[key])
}

// Shutdown expires every pending operation (their waiters answer with
// what they have) and every later one at once.
func (p *Purgatory[K]) Shutdown() {
	p.mu.Lock()
	p.shutdown = true
	var ds []*Delayed[K]
	for _, w := range p.watchers {
		for d := range w {
			ds = append(ds, d)
		}
	}
	p.mu.Unlock()
	for _, d := range ds {
		p.finish(d, expired)
	}
}
