package snapshot

import "math/rand/v2"

// Trigger decides when to take a snapshot, as SyncRequestProcessor does:
// after snapCount/2 + rand(snapCount/2) txns, re-drawn after every
// snapshot so that the servers of an ensemble do not all snapshot at the
// same moment. It draws from the rng it is given (seeded in tests).
type Trigger struct {
	snapCount int
	r         *rand.Rand
	roll      int
	count     int
}

// NewTrigger returns a Trigger for snapCount (at least 2).
func NewTrigger(snapCount int, r *rand.Rand) *Trigger {
	t := &Trigger{snapCount: max(snapCount, 2), r: r}
	t.reset()
	return t
}

func (t *Trigger) reset() {
	t.count = 0
	t.roll = t.r.IntN(t.snapCount / 2)
}

// Logged counts one logged txn and reports whether a snapshot should
// start now; if so the count starts again.
func (t *Trigger) Logged() bool {
	t.count++
	if t.count > t.snapCount/2+t.roll {
		t.reset()
		return true
	}
	return false
}
