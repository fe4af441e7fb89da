package replica

import "testing"

// A follower truncates before it fetches — KIP-279's two rounds here —
// never to its HW when the leader answers with an epoch, and its HW is
// then the leader's, capped by its own log end.
func TestFollower(t *testing.T) {
	leader := NewEpochCache([]EpochEntry{{0, 0}, {1, 10}, {3, 25}})
	log := NewEpochCache([]EpochEntry{{0, 0}, {2, 20}})
	f := NewFollower(1, 3, 5)
	logEnd := int64(30)
	rounds := 0
	for f.Truncating() {
		rounds++
		e, end := leader.EndOffsetFor(f.EpochAsked(log), 40)
		tr := f.Answered(e, end, log, logEnd)
		logEnd = min(logEnd, tr.Offset)
		log.TruncateFromEnd(logEnd)
		if rounds > 5 {
			t.Fatal("no end to truncation")
		}
	}
	if logEnd != 10 || rounds != 2 {
		t.Fatalf("truncated to %d in %d rounds, want 10 in 2", logEnd, rounds)
	}
	if hw := f.Fetched(40, 25); hw != 25 {
		t.Fatalf("HW %d, want 25 (its log end, below the leader's 40)", hw)
	}
	if hw := f.Fetched(30, 40); hw != 30 {
		t.Fatalf("HW %d, want the leader's 30", hw)
	}
}

// A log with no epochs asks with UndefinedEpoch; the leader has no end
// offset for it, and the follower falls back to its HW (the pre-KIP-101
// rule, kept for logs that predate epochs).
func TestFollowerWithoutEpochs(t *testing.T) {
	f := NewFollower(1, 3, 7)
	log := &EpochCache{}
	if e := f.EpochAsked(log); e != UndefinedEpoch {
		t.Fatalf("asked %d, want UndefinedEpoch", e)
	}
	leader := NewEpochCache([]EpochEntry{{3, 0}})
	e, end := leader.EndOffsetFor(UndefinedEpoch, 50)
	if tr := f.Answered(e, end, log, 20); tr != (Truncation{7, true}) || f.Truncating() {
		t.Fatalf("truncation %+v truncating %v, want to the HW 7, done", tr, f.Truncating())
	}
}
