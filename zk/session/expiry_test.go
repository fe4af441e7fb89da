package session

import (
	"slices"
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
)

// Reference: ExpiryQueue.roundToNextInterval: ((t / tick) + 1) * tick.
func TestBucketRounding(t *testing.T) {
	for _, tc := range []struct{ due, bucket int64 }{
		{0, 2000}, {1, 2000}, {1999, 2000}, {2000, 4000}, {2001, 4000}, {39999, 40000},
	} {
		tr := NewTracker(2000)
		tr.Add(1, 1000, tc.due-1000)
		if got := tr.Expire(tc.bucket - 1); len(got) != 0 {
			t.Errorf("due %d: expired at %d, before its bucket %d", tc.due, tc.bucket-1, tc.bucket)
		}
		if got := tr.Expire(tc.bucket); !slices.Equal(got, []int64{1}) {
			t.Errorf("due %d: Expire(%d) = %v, want [1]", tc.due, tc.bucket, got)
		}
	}
}

// Reference: ExpiryQueue.update/poll; SessionTrackerImpl.touchSession,
// setSessionClosing, removeSession.
func TestTrackerLifecycle(t *testing.T) {
	tr := NewTracker(1000)
	tr.Add(7, 5000, 10_500) // due 15_500 -> bucket 16_000
	tr.Add(3, 5000, 10_000) // due 15_000 -> bucket 16_000 (on a tick: next one)
	tr.Add(9, 4000, 10_000) // bucket 15_000
	if got := tr.Expire(14_999); len(got) != 0 {
		t.Fatalf("Expire(14999) = %v, want none", got)
	}
	if got := tr.Expire(15_000); !slices.Equal(got, []int64{9}) {
		t.Fatalf("Expire(15000) = %v, want [9]", got)
	}
	if tr.Touch(9, 15_001) {
		t.Errorf("Touch of an expired (closing) session succeeded")
	}
	if to, ok := tr.Timeout(9); !ok || to != 4000 {
		t.Errorf("Timeout(9) = %d,%v; closing sessions stay known until Remove", to, ok)
	}
	// A touch moves 7 out of bucket 16000.
	if !tr.Touch(7, 12_000) { // 17_000 -> bucket 18_000
		t.Fatalf("Touch(7) failed")
	}
	if got := tr.Expire(16_500); !slices.Equal(got, []int64{3}) {
		t.Fatalf("Expire(16500) = %v, want [3]", got)
	}
	if got := tr.Expire(100_000); !slices.Equal(got, []int64{7}) {
		t.Fatalf("Expire(100000) = %v, want [7]", got)
	}
	if got := tr.Expire(200_000); len(got) != 0 {
		t.Fatalf("sessions expired twice: %v", got)
	}
	tr.Remove(9)
	if _, ok := tr.Timeout(9); ok || tr.Len() != 2 || !slices.Equal(tr.IDs(), []int64{3, 7}) {
		t.Errorf("after Remove(9): Len=%d IDs=%v", tr.Len(), tr.IDs())
	}
	if tr.Touch(42, 0) {
		t.Errorf("Touch of an unknown session succeeded")
	}
	tr.Add(5, 2000, 0)
	tr.SetClosing(5)
	if tr.Touch(5, 1) || !tr.Closing(5) || len(tr.Expire(1<<40)) != 0 {
		t.Errorf("a session closed by the client must neither be touched nor expire again")
	}
}

// TestTrackerModel checks the tracker against a naive model: a map of
// deadlines scanned in full, where a session is due at its bucket time.
//
// Reference: ExpiryQueue (bucket semantics).
func TestTrackerModel(t *testing.T) {
	r := sim.Rand(t)
	tick := int64(1 + r.IntN(3000))
	tr := NewTracker(tick)
	type st struct {
		timeout int32
		due     int64 // bucket time
		closing bool
	}
	model := map[int64]*st{}
	bucket := func(ms int64) int64 { return (ms/tick + 1) * tick }
	now := int64(r.IntN(1_000_000))
	for step := 0; step < 3000; step++ {
		now += int64(r.IntN(int(tick) * 2))
		id := int64(r.IntN(40))
		switch r.IntN(5) {
		case 0:
			to := int32(1 + r.IntN(40000))
			tr.Add(id, to, now)
			s := model[id]
			if s == nil {
				s = &st{timeout: to}
				model[id] = s
			}
			if !s.closing {
				s.due = bucket(now + int64(s.timeout))
			}
		case 1, 2:
			s := model[id]
			want := s != nil && !s.closing
			if want {
				s.due = bucket(now + int64(s.timeout))
			}
			if got := tr.Touch(id, now); got != want {
				t.Fatalf("step %d: Touch(%d) = %v, want %v", step, id, got, want)
			}
		case 3:
			if r.IntN(3) == 0 {
				tr.Remove(id)
				delete(model, id)
			}
		case 4:
			var want []int64
			for id, s := range model {
				if !s.closing && s.due <= now {
					want = append(want, id)
				}
			}
			slices.SortFunc(want, func(a, b int64) int {
				if model[a].due != model[b].due {
					return int(model[a].due - model[b].due)
				}
				return int(a - b)
			})
			for _, id := range want {
				model[id].closing = true
			}
			if got := tr.Expire(now); !slices.Equal(got, want) {
				t.Fatalf("step %d: Expire(%d) = %v, want %v", step, now, got, want)
			}
		}
		if tr.Len() != len(model) {
			t.Fatalf("step %d: Len = %d, want %d", step, tr.Len(), len(model))
		}
	}
}
