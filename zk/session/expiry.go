package session

import "sort"

// Tracker knows every live session, its timeout and its expiry bucket
// (ZooKeeper's SessionTrackerImpl over an ExpiryQueue). It is
// deterministic and not safe for concurrent use: the server owns one.
//
// Invariants:
//   - every session that is not closing is in exactly one bucket, and
//     buckets[sessions[id].bucket] holds id;
//   - a closing session is in no bucket.
type Tracker struct {
	tickMs   int64
	sessions map[int64]*tracked
	buckets  map[int64]map[int64]struct{} // bucket time (ms) -> session ids
}

type tracked struct {
	timeoutMs int32
	bucket    int64 // the bucket it sits in, if queued
	queued    bool  // in a bucket (false once closing)
	closing   bool
}

// NewTracker returns an empty tracker.
//
// Contract: the tracker knows no session, and its buckets are tickMs wide;
// a tickMs below 1 is taken as 1.
func NewTracker(tickMs int64) *Tracker {
	return &Tracker{
		tickMs:   max(tickMs, 1),
		sessions: map[int64]*tracked{},
		buckets:  map[int64]map[int64]struct{}{},
	}
}

// Unimplemented is the lab's "not implemented" marker: nil in the
// reference (see package watch's Unimplemented).
func Unimplemented() error { return nil }

// #region bucket

// bucketOf is ExpiryQueue.roundToNextInterval: the first multiple of the
// tick strictly after t. A deadline that falls on a tick still goes to the
// next one, so a session never expires before its timeout has passed.
func (t *Tracker) bucketOf(ms int64) int64 {
	return (ms/t.tickMs + 1) * t.tickMs
}

// #endregion bucket

// Add tracks session id with the given timeout, due at nowMs+timeoutMs
// (SessionTrackerImpl.trackSession).
//
// Contract: afterwards id is known with timeoutMs, and sits in the bucket
// of its deadline t = nowMs+timeoutMs: (t/tick + 1) * tick, the first tick
// boundary strictly after t. Adding a known session keeps the timeout it
// was first added with and touches it at nowMs, unless it is closing:
// then nothing changes.
func (t *Tracker) Add(id int64, timeoutMs int32, nowMs int64) {
	s := t.sessions[id]
	if s == nil {
		s = &tracked{timeoutMs: timeoutMs}
		t.sessions[id] = s
	}
	if !s.closing {
		t.move(id, s, nowMs)
	}
}

// Touch records activity on the session at nowMs (touchSession): every
// request and ping touches its session.
//
// Contract: a known session that is not closing moves to the bucket of
// nowMs + its timeout, and Touch returns true. For an unknown or closing
// session Touch returns false and changes nothing (the server then treats
// the session as expired).
func (t *Tracker) Touch(id int64, nowMs int64) bool {
	s := t.sessions[id]
	if s == nil || s.closing {
		return false
	}
	t.move(id, s, nowMs)
	return true
}

// move puts s in the bucket of nowMs+timeout (ExpiryQueue.update).
func (t *Tracker) move(id int64, s *tracked, nowMs int64) {
	b := t.bucketOf(nowMs + int64(s.timeoutMs))
	if s.queued && b == s.bucket {
		return
	}
	t.leave(id, s)
	set := t.buckets[b]
	if set == nil {
		set = map[int64]struct{}{}
		t.buckets[b] = set
	}
	set[id] = struct{}{}
	s.bucket, s.queued = b, true
}

// leave takes s out of its bucket, dropping the bucket if it empties.
func (t *Tracker) leave(id int64, s *tracked) {
	if !s.queued {
		return
	}
	if set := t.buckets[s.bucket]; set != nil {
		delete(set, id)
		if len(set) == 0 {
			delete(t.buckets, s.bucket)
		}
	}
	s.queued = false
}

// #region expire

// Expire is the expiry thread's loop body (SessionTrackerImpl.run,
// ExpiryQueue.poll): it collects the due bucket times, sorts them, and
// sets every session in them closing. The server closes each one (a
// closeSession txn that deletes its ephemerals) and then calls Remove.
//
// Contract: Expire returns every session whose bucket time is <= nowMs,
// bucket by bucket (the earliest first) and by increasing id within a
// bucket, and no other; nil when none is due. Each session it returns is
// closing afterwards: out of its bucket, never returned by Expire again,
// Touch fails for it, and it stays known (Timeout, Closing, Len, IDs)
// until Remove.
func (t *Tracker) Expire(nowMs int64) []int64 {
	var due []int64
	for b := range t.buckets {
		if b <= nowMs {
			due = append(due, b)
		}
	}
	sort.Slice(due, func(i, j int) bool { return due[i] < due[j] })
	var out []int64
	for _, b := range due {
		ids := make([]int64, 0, len(t.buckets[b]))
		for id := range t.buckets[b] {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			t.SetClosing(id)
		}
		out = append(out, ids...)
	}
	return out
}

// #endregion expire

// SetClosing marks a session closing without expiring it: the client sent
// closeSession (PrepRequestProcessor calls setSessionClosing), so no later
// ping may revive it.
//
// Contract: a known session becomes closing, as if it had expired: out of
// its bucket, never returned by Expire, Touch fails for it, and it stays
// known until Remove. An unknown or already closing id: nothing changes.
func (t *Tracker) SetClosing(id int64) {
	s := t.sessions[id]
	if s == nil || s.closing {
		return
	}
	t.leave(id, s)
	s.closing = true
}

// Remove forgets a session: its closeSession txn was applied.
//
// Contract: afterwards id is unknown, whether it was closing or not:
// Timeout reports false, Len and IDs leave it out, Expire never returns it
// and Touch fails. An unknown id: nothing changes.
func (t *Tracker) Remove(id int64) {
	s := t.sessions[id]
	if s == nil {
		return
	}
	t.leave(id, s)
	delete(t.sessions, id)
}

// Timeout returns the session's negotiated timeout.
//
// Contract: the timeout the session was first added with, and true, while
// it is known (closing sessions are known until Remove); 0 and false for
// an unknown id.
func (t *Tracker) Timeout(id int64) (int32, bool) {
	s := t.sessions[id]
	if s == nil {
		return 0, false
	}
	return s.timeoutMs, true
}

// Closing reports whether the session is known and closing.
//
// Contract: true exactly when the session is known and closing (expired,
// or SetClosing), until Remove.
func (t *Tracker) Closing(id int64) bool {
	s := t.sessions[id]
	return s != nil && s.closing
}

// Len is the number of known sessions (mntr's zk_global_sessions on a
// standalone server).
//
// Contract: the number of known sessions, closing ones included.
func (t *Tracker) Len() int { return len(t.sessions) }

// IDs lists the known sessions (for snapshots and the cons/dump
// four-letter words).
//
// Contract: every known session, closing ones included, in increasing
// order.
func (t *Tracker) IDs() []int64 {
	ids := make([]int64, 0, len(t.sessions))
	for id := range t.sessions {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}
