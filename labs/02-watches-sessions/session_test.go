//go:build grade

package lab02_test

import (
	"slices"
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/session"
)

// TestSessionBuckets checks ZooKeeper's bucket rounding: a session due at t
// sits in bucket (t/tick+1)*tick (a deadline on a tick goes to the next
// one), and expires exactly when Expire is called with a time >= its
// bucket, not a millisecond before.
//
// Points: 8
// Reference: ExpiryQueue.roundToNextInterval, update, poll
func TestSessionBuckets(t *testing.T) {
	for _, c := range []struct{ now, timeout, bucket int64 }{
		{0, 4000, 6000}, {1, 4000, 6000}, {1999, 4000, 6000}, {2000, 4000, 8000},
		{10_500, 30_000, 42_000}, {123_456, 40_000, 164_000},
	} {
		tr := session.NewTracker(2000)
		tr.Add(11, int32(c.timeout), c.now)
		if got := tr.Expire(c.bucket - 1); len(got) != 0 {
			sfatalf(t, "Add(now=%d, timeout=%d): expired at %d, before its bucket %d", c.now, c.timeout, c.bucket-1, c.bucket)
		}
		if got := tr.Expire(c.bucket); !slices.Equal(got, []int64{11}) {
			sfatalf(t, "Add(now=%d, timeout=%d): Expire(%d) = %v, want [11] (bucket %d)", c.now, c.timeout, c.bucket, got, c.bucket)
		}
	}
	// Several buckets at once come out in bucket order, then id order.
	tr := session.NewTracker(1000)
	tr.Add(9, 3000, 0)  // 4000
	tr.Add(5, 3000, 10) // 4000
	tr.Add(1, 5000, 0)  // 6000
	tr.Add(7, 1000, 0)  // 2000
	if got := tr.Expire(10_000); !slices.Equal(got, []int64{7, 5, 9, 1}) {
		sfatalf(t, "Expire = %v, want [7 5 9 1] (bucket order, then id)", got)
	}
}

// TestTouchMovesSession checks that a touch (any request or ping) moves a
// session to the bucket of now+timeout, so an active session never expires,
// and that unknown sessions cannot be touched.
//
// Points: 5
// Reference: SessionTrackerImpl.touchSession; ExpiryQueue.update
func TestTouchMovesSession(t *testing.T) {
	tr := session.NewTracker(500)
	tr.Add(1, 3000, 0) // bucket 3500
	tr.Add(2, 3000, 0)
	for now := int64(1000); now <= 20_000; now += 1000 {
		if !tr.Touch(1, now) {
			sfatalf(t, "Touch(1, %d) = false for a live session", now)
		}
		got := tr.Expire(now)
		if slices.Contains(got, 1) {
			sfatalf(t, "session 1, touched every second with a 3s timeout, expired at %d", now)
		}
		if now == 4000 && !slices.Equal(got, []int64{2}) {
			sfatalf(t, "Expire(4000) = %v, want [2]", got)
		}
	}
	if tr.Touch(3, 0) {
		sfatalf(t, "Touch of an unknown session succeeded")
	}
	if to, ok := tr.Timeout(1); !ok || to != 3000 {
		sfatalf(t, "Timeout(1) = %d, %v; want 3000, true", to, ok)
	}
}

// TestExpiredSessionIsClosing checks what happens after expiry: the session
// is closing (a late ping cannot revive it, it never expires twice), it is
// still known until the server applies its closeSession and calls Remove;
// a session the client closed (SetClosing) behaves the same.
//
// Points: 5
// Reference: SessionTrackerImpl.run, setSessionClosing, touchSession, removeSession; docs/reference/zookeeper.md §5 (session expiry)
func TestExpiredSessionIsClosing(t *testing.T) {
	tr := session.NewTracker(1000)
	tr.Add(4, 2000, 0)
	tr.Add(8, 9000, 0)
	if got := tr.Expire(3000); !slices.Equal(got, []int64{4}) {
		sfatalf(t, "Expire(3000) = %v, want [4]", got)
	}
	if tr.Touch(4, 3001) {
		sfatalf(t, "an expired session was touched back to life")
	}
	if !tr.Closing(4) || tr.Len() != 2 {
		sfatalf(t, "after expiry: Closing(4)=%v Len=%d, want true 2", tr.Closing(4), tr.Len())
	}
	if to, ok := tr.Timeout(4); !ok || to != 2000 {
		sfatalf(t, "Timeout(4) = %d, %v; a closing session is known until Remove", to, ok)
	}
	tr.Add(4, 2000, 3002) // a re-add must not revive it either
	if got := tr.Expire(100_000); !slices.Equal(got, []int64{8}) {
		sfatalf(t, "Expire(100000) = %v, want [8]: 4 must not expire twice", got)
	}
	tr.Remove(4)
	if _, ok := tr.Timeout(4); ok || tr.Len() != 1 || !slices.Equal(tr.IDs(), []int64{8}) {
		sfatalf(t, "after Remove(4): IDs = %v", tr.IDs())
	}
	tr.Add(6, 2000, 0)
	tr.SetClosing(6)
	if tr.Touch(6, 1) || !tr.Closing(6) || len(tr.Expire(1<<40)) != 0 {
		sfatalf(t, "a session closed by its client must not be touched or expire")
	}
}

// TestTrackerRandomized compares the tracker with a naive model (every
// session's bucket time, scanned in full) over seeded random adds, touches,
// removes and expiries with a random tick.
//
// Points: 4
// Reference: ExpiryQueue; SessionTrackerImpl
func TestTrackerRandomized(t *testing.T) {
	r := sim.Rand(t)
	tick := int64(1 + r.IntN(2500))
	tr := session.NewTracker(tick)
	type st struct {
		timeout int64
		bucket  int64
		closing bool
	}
	model := map[int64]*st{}
	bucket := func(ms int64) int64 { return (ms/tick + 1) * tick }
	now := int64(r.IntN(1 << 30))
	for step := 0; step < 3000; step++ {
		now += int64(r.IntN(int(2 * tick)))
		id := int64(1 + r.IntN(30))
		switch r.IntN(6) {
		case 0:
			to := int64(1 + r.IntN(30_000))
			tr.Add(id, int32(to), now)
			if model[id] == nil {
				model[id] = &st{timeout: to}
			}
			if s := model[id]; !s.closing {
				s.bucket = bucket(now + s.timeout)
			}
		case 1, 2:
			s := model[id]
			want := s != nil && !s.closing
			if want {
				s.bucket = bucket(now + s.timeout)
			}
			if got := tr.Touch(id, now); got != want {
				sfatalf(t, "step %d: Touch(%d) = %v, want %v", step, id, got, want)
			}
		case 3:
			tr.Remove(id)
			delete(model, id)
		default:
			var want []int64
			for id, s := range model {
				if !s.closing && s.bucket <= now {
					want = append(want, id)
				}
			}
			slices.SortFunc(want, func(a, b int64) int {
				if model[a].bucket != model[b].bucket {
					return int(model[a].bucket - model[b].bucket)
				}
				return int(a - b)
			})
			for _, id := range want {
				model[id].closing = true
			}
			if got := tr.Expire(now); !slices.Equal(got, want) {
				sfatalf(t, "step %d: Expire(%d) = %v, want %v (tick %d)", step, now, got, want, tick)
			}
		}
		if tr.Len() != len(model) {
			sfatalf(t, "step %d: Len() = %d, want %d", step, tr.Len(), len(model))
		}
	}
}
