package session

import "fmt"

// Lab 2, part 3: session expiry buckets (ZooKeeper's ExpiryQueue and
// SessionTrackerImpl). Read the handout (../README.md) first.

// Tracker knows every session, its timeout and its expiry bucket.
// Deterministic: time comes in as milliseconds. Not safe for concurrent use.
type Tracker struct {
	// Your fields here (lab 2).
}

// NewTracker returns an empty tracker whose buckets are tickMs wide
// (a tickMs below 1 is taken as 1).
func NewTracker(tickMs int64) *Tracker {
	return &Tracker{}
}

// stubCalled remembers the first stub a test called, for Unimplemented.
// Delete it (and notImplemented) when you have written every method.
var stubCalled string

func notImplemented(name string) {
	if stubCalled == "" {
		stubCalled = name
	}
}

// Unimplemented reports the first stub of lab 2 that was called, as
// "not implemented: lab 2 (Tracker.Expire)"; nil once there are none.
func Unimplemented() error {
	if stubCalled != "" {
		return fmt.Errorf("not implemented: lab 2 (%s)", stubCalled)
	}
	return nil
}

// Add tracks session id, due at nowMs+timeoutMs: it goes in the bucket
// ((nowMs+timeoutMs)/tick + 1) * tick. Adding a known session keeps its
// timeout and touches it (unless it is closing).
func (t *Tracker) Add(id int64, timeoutMs int32, nowMs int64) {
	notImplemented("Tracker.Add")
}

// Touch moves the session to the bucket of nowMs+timeout. It returns false,
// and changes nothing, for an unknown or closing session.
func (t *Tracker) Touch(id int64, nowMs int64) bool {
	notImplemented("Tracker.Touch")
	return false
}

// Expire returns the sessions whose bucket time is <= nowMs, by bucket and
// then by increasing id, and marks them closing (out of the buckets; Touch
// fails; still known to Timeout until Remove).
func (t *Tracker) Expire(nowMs int64) []int64 {
	notImplemented("Tracker.Expire")
	return nil
}

// SetClosing marks a session closing (the client sent closeSession): it
// leaves its bucket, never expires, and Touch fails. Unknown ids: no-op.
func (t *Tracker) SetClosing(id int64) {
	notImplemented("Tracker.SetClosing")
}

// Remove forgets a session: its closeSession txn was applied.
func (t *Tracker) Remove(id int64) {
	notImplemented("Tracker.Remove")
}

// Timeout returns the session's timeout and whether it is known (closing
// sessions are known until Remove).
func (t *Tracker) Timeout(id int64) (int32, bool) {
	notImplemented("Tracker.Timeout")
	return 0, false
}

// Closing reports whether the session is known and closing.
func (t *Tracker) Closing(id int64) bool {
	notImplemented("Tracker.Closing")
	return false
}

// Len is the number of known sessions, closing ones included.
func (t *Tracker) Len() int {
	notImplemented("Tracker.Len")
	return 0
}

// IDs lists the known sessions in increasing order.
func (t *Tracker) IDs() []int64 {
	notImplemented("Tracker.IDs")
	return nil
}
