package replica

import (
	"errors"
	"slices"
	"testing"
)

// A follower always one fetch behind a stream of small produces still
// counts as caught up as of its previous fetch (Replica.updateLogReadResult);
// one that stops fetching does not.
func TestProgressCaughtUp(t *testing.T) {
	var p Progress
	p.Fetched(10, 10, 100) // reads to the leader's end: caught up now
	if p.LastCaughtUpMs != 100 || p.LEO != 10 {
		t.Fatalf("after a fetch at the end: %+v", p)
	}
	p.Fetched(10, 15, 200) // behind the end, but at where the end was last time
	if p.LastCaughtUpMs != 100 {
		t.Fatalf("fetch at 10 (leader at 10 last time): caught up %d, want 100 (the previous fetch's time)", p.LastCaughtUpMs)
	}
	p.Fetched(15, 20, 300) // reaches the previous end again
	if p.LastCaughtUpMs != 200 {
		t.Fatalf("fetch at 15 (leader at 15 last time): caught up %d, want 200", p.LastCaughtUpMs)
	}
	p.Fetched(16, 30, 400) // below the previous end (20): no progress
	if p.LastCaughtUpMs != 200 {
		t.Fatalf("fetch at 16 (leader was at 20): caught up %d, want still 200", p.LastCaughtUpMs)
	}
}

// The HW is the minimum LEO over the ISR and the caught-up replicas, and
// never goes back (Partition.maybeIncrementLeaderHW).
func TestHighWatermark(t *testing.T) {
	rs := map[int32]*Progress{
		2: {LEO: 8, LastCaughtUpMs: 1000},
		3: {LEO: 5, LastCaughtUpMs: 0}, // out of the ISR and not caught up for long
	}
	if hw := HighWatermark(0, 10, rs, []int32{1, 2}, 1500, 10_000); hw != 5 {
		t.Fatalf("3 caught up within the lag (1500-0 <= 10000): hw %d, want 5 (waits for it)", hw)
	}
	if hw := HighWatermark(0, 10, rs, []int32{1, 2}, 20_000, 10_000); hw != 8 {
		t.Fatalf("3 lagging past the max: hw %d, want 8 (the ISR's minimum)", hw)
	}
	if hw := HighWatermark(9, 10, rs, []int32{1, 2}, 20_000, 10_000); hw != 9 {
		t.Fatalf("hw went back from 9 to %d", hw)
	}
	if hw := HighWatermark(0, 10, nil, []int32{1}, 0, 10_000); hw != 10 {
		t.Fatalf("the leader alone: hw %d, want its LEO 10", hw)
	}
}

// Stuck and slow followers leave the ISR after the lag; one at the
// leader's LEO never does, nor the leader (Partition.getOutOfSyncReplicas).
func TestOutOfSync(t *testing.T) {
	rs := map[int32]*Progress{
		2: {LEO: 10, LastCaughtUpMs: 0},    // at the end, however old
		3: {LEO: 7, LastCaughtUpMs: 0},     // behind, not caught up for 20 s
		4: {LEO: 7, LastCaughtUpMs: 15000}, // behind, caught up 5 s ago
	}
	got := OutOfSync(1, 10, rs, []int32{1, 2, 3, 4}, 20_000, 10_000)
	if !slices.Equal(got, []int32{3}) {
		t.Fatalf("out of sync %v, want [3]", got)
	}
}

// A follower joins the ISR once its LEO reaches the HW and it fetched
// within the current leader epoch (Partition.maybeExpandIsr).
func TestCanJoin(t *testing.T) {
	p := &Progress{LEO: 20}
	assigned, isr := []int32{1, 2, 3}, []int32{1, 2}
	for _, tc := range []struct {
		name                  string
		id                    int32
		hw, epochStart, fetch int64
		want                  bool
	}{
		{"caught up in this epoch", 3, 20, 15, 20, true},
		{"behind the HW", 3, 21, 15, 20, false},
		{"fetching from before this leader's epoch", 3, 20, 25, 20, false},
		{"already in the ISR", 2, 20, 15, 20, false},
		{"not assigned", 4, 20, 15, 20, false},
	} {
		if got := CanJoin(tc.id, p, assigned, isr, tc.hw, tc.epochStart, tc.fetch); got != tc.want {
			t.Errorf("%s: CanJoin = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// LeaderEpochFileCache.assign: a new epoch appends; the same epoch at a
// later offset changes nothing; an out-of-order assignment drops what it
// conflicts with.
func TestEpochCacheAssign(t *testing.T) {
	c := &EpochCache{}
	c.Assign(0, 0)
	c.Assign(0, 5) // same epoch, later offset
	c.Assign(2, 10)
	if got := c.Entries(); !slices.Equal(got, []EpochEntry{{0, 0}, {2, 10}}) {
		t.Fatalf("entries %v", got)
	}
	if !c.Assign(1, 8) { // older epoch at an earlier offset: 2 goes
		t.Fatal("an out-of-order assignment changed nothing")
	}
	if got := c.Entries(); !slices.Equal(got, []EpochEntry{{0, 0}, {1, 8}}) {
		t.Fatalf("after assigning (1, 8): %v, want [(0,0) (1,8)]", got)
	}
	if c.Assign(-1, 20) {
		t.Fatal("a batch with no epoch (magic < 2) changed the history")
	}
}

// LeaderEpochFileCache.endOffsetFor (KIP-279): the largest epoch at or
// below the request and where it ended.
func TestEndOffsetFor(t *testing.T) {
	c := NewEpochCache([]EpochEntry{{1, 10}, {3, 20}, {5, 30}})
	for _, tc := range []struct {
		req       int32
		wantEpoch int32
		wantEnd   int64
	}{
		{5, 5, 42},                           // the latest: the log end
		{3, 3, 30},                           // a known epoch ends where the next starts
		{4, 3, 30},                           // unknown: the largest below, and its end
		{0, 0, 10},                           // below every epoch: the first start offset
		{6, UndefinedEpoch, UndefinedOffset}, // above every epoch
		{UndefinedEpoch, UndefinedEpoch, UndefinedOffset},
	} {
		e, end := c.EndOffsetFor(tc.req, 42)
		if e != tc.wantEpoch || end != tc.wantEnd {
			t.Errorf("EndOffsetFor(%d) = (%d, %d), want (%d, %d)", tc.req, e, end, tc.wantEpoch, tc.wantEnd)
		}
	}
}

func TestEpochCacheTruncate(t *testing.T) {
	c := NewEpochCache([]EpochEntry{{1, 10}, {3, 20}, {5, 30}})
	c.TruncateFromEnd(20)
	if got := c.Entries(); !slices.Equal(got, []EpochEntry{{1, 10}}) {
		t.Fatalf("TruncateFromEnd(20): %v, want [(1,10)]", got)
	}
	c = NewEpochCache([]EpochEntry{{1, 10}, {3, 20}, {5, 30}})
	c.TruncateFromStart(25)
	if got := c.Entries(); !slices.Equal(got, []EpochEntry{{3, 25}, {5, 30}}) {
		t.Fatalf("TruncateFromStart(25): %v, want [(3,25) (5,30)]", got)
	}
	if c.TruncateFromStart(5) {
		t.Fatal("TruncateFromStart below the first entry changed the history")
	}
}

func TestEpochCheckpointFile(t *testing.T) {
	entries := []EpochEntry{{0, 0}, {4, 1200}}
	b := EncodeEpochCheckpoint(entries)
	if string(b) != "0\n2\n0 0\n4 1200\n" {
		t.Fatalf("encoded %q", b)
	}
	got, err := DecodeEpochCheckpoint(b)
	if err != nil || !slices.Equal(got, entries) {
		t.Fatalf("decoded %v, %v", got, err)
	}
	for _, ok := range []string{"", "0\n", "0\n0\n"} {
		if got, err := DecodeEpochCheckpoint([]byte(ok)); err != nil || len(got) != 0 {
			t.Errorf("%q: %v %v, want an empty history", ok, got, err)
		}
	}
	for _, bad := range []string{"1\n0\n", "0\n2\n0 0\n", "0\n1\n0\n", "0\n1\nx 1\n", "0\n-1\n", "zero\n"} {
		if _, err := DecodeEpochCheckpoint([]byte(bad)); !errors.Is(err, ErrMalformedCheckpoint) {
			t.Errorf("%q: err %v, want ErrMalformedCheckpoint", bad, err)
		}
	}
}

func FuzzDecodeEpochCheckpoint(f *testing.F) {
	f.Add([]byte("0\n2\n0 0\n4 1200\n"))
	f.Add([]byte("0\n1\n 7\t9\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := DecodeEpochCheckpoint(b)
		if err != nil {
			return
		}
		again, err := DecodeEpochCheckpoint(EncodeEpochCheckpoint(entries))
		if err != nil || !slices.Equal(again, entries) {
			t.Fatalf("re-encoding %v: %v %v", entries, again, err)
		}
	})
}

// rounds plays the follower's side of OffsetForLeaderEpoch until its
// truncation is done: ask for its latest epoch, cut its log and its epoch
// history where the answer says, repeat. leader answers from its own
// history and log end. It returns the final log end and the rounds.
func rounds(t *testing.T, leader, follower *EpochCache, leaderEnd, followerEnd, hw int64, decide func(int32, int64, *EpochCache, int64, int64) Truncation) (int64, int) {
	t.Helper()
	for n := 1; n <= 10; n++ {
		e, end := leader.EndOffsetFor(follower.Latest(), leaderEnd)
		tr := decide(e, end, follower, followerEnd, hw)
		followerEnd = min(followerEnd, tr.Offset)
		follower.TruncateFromEnd(followerEnd)
		if tr.Done {
			return followerEnd, n
		}
	}
	t.Fatal("truncation did not finish in 10 rounds")
	return 0, 0
}

// hwTruncation is the rule KIP-101 replaced: cut to the high watermark.
func hwTruncation(_ int32, _ int64, _ *EpochCache, _ int64, hw int64) Truncation {
	return Truncation{Offset: hw, Done: true}
}

// v0Truncation takes one round with OffsetForLeaderEpoch v0's answer (an
// end offset, no epoch): KIP-101 without KIP-279.
func v0Truncation(_ int32, leaderEnd int64, f *EpochCache, logEnd, hw int64) Truncation {
	return TruncationFor(UndefinedEpoch, leaderEnd, f, logEnd, hw)
}

// KIP-101 scenario 1, "high watermark truncation followed by immediate
// leader election": A leads with m1, m2 at epoch 0; B has fetched both but
// learnt only HW=1. B restarts and follows A. Truncating to its HW would
// drop m2, which A had already committed (A's HW is 2) — and lose it for
// good if A then died and B led. With epochs B asks A where epoch 0 ends
// (2) and keeps m2.
func TestKIP101Scenario1(t *testing.T) {
	a := NewEpochCache([]EpochEntry{{0, 0}})
	b := func() *EpochCache { return NewEpochCache([]EpochEntry{{0, 0}}) }
	if end, _ := rounds(t, a, b(), 2, 2, 1, TruncationFor); end != 2 {
		t.Fatalf("B kept [0,%d), want [0,2): m2 is committed", end)
	}
	if end, _ := rounds(t, a, b(), 2, 2, 1, hwTruncation); end != 1 {
		t.Fatalf("the high-watermark rule kept [0,%d); this test must show it losing m2", end)
	}
}

// KIP-101 scenario 2, "replica divergence on restart after multiple hard
// failures": A had m1, m2 at epoch 0, B only m1; both lose power, B comes
// back first, leads epoch 1 and writes m3 at offset 1. A, back as a
// follower with HW 2, must drop its m2 (offset 1) or the logs diverge
// below the HW. B says epoch 0 ended at 1.
func TestKIP101Scenario2(t *testing.T) {
	b := NewEpochCache([]EpochEntry{{0, 0}, {1, 1}})
	a := func() *EpochCache { return NewEpochCache([]EpochEntry{{0, 0}}) }
	if end, _ := rounds(t, b, a(), 2, 2, 2, TruncationFor); end != 1 {
		t.Fatalf("A kept [0,%d), want [0,1): its m2 at offset 1 is not B's m3", end)
	}
	if end, _ := rounds(t, b, a(), 2, 2, 2, hwTruncation); end != 2 {
		t.Fatalf("the high-watermark rule kept [0,%d); this test must show it diverging", end)
	}
}

// KIP-279: a follower that missed an epoch needs more than one round. The
// follower has epochs 0 and 2 (its epoch-2 records at 20..30); the leader
// has 0, 1 (from 10) and 3 (from 25): it never saw epoch 2. Asked for
// epoch 2 the leader answers (1, 25); the follower does not know epoch 1,
// cuts to where its epoch 0 ended (20) and asks for epoch 0: (0, 10).
// It keeps [0,10). One round with v0 semantics would keep [0,25), its
// epoch-2 records where the leader has epoch 1's: divergence.
func TestKIP279MultipleRounds(t *testing.T) {
	leader := NewEpochCache([]EpochEntry{{0, 0}, {1, 10}, {3, 25}})
	f := func() *EpochCache { return NewEpochCache([]EpochEntry{{0, 0}, {2, 20}}) }
	end, n := rounds(t, leader, f(), 40, 30, 5, TruncationFor)
	if end != 10 || n != 2 {
		t.Fatalf("kept [0,%d) after %d rounds, want [0,10) after 2", end, n)
	}
	if end, _ := rounds(t, leader, f(), 40, 30, 5, v0Truncation); end != 25 {
		t.Fatalf("one v0 round kept [0,%d); this test must show it keeping the diverged 20..25", end)
	}
}

// The leader answers without an end offset (a pre-KIP-101 broker): the
// follower falls back to its high watermark.
func TestTruncationFallbacks(t *testing.T) {
	f := NewEpochCache([]EpochEntry{{2, 0}})
	if tr := TruncationFor(UndefinedEpoch, UndefinedOffset, f, 50, 30); tr != (Truncation{30, true}) {
		t.Fatalf("no end offset: %+v, want the HW 30", tr)
	}
	// The leader's epoch is older than all of the follower's log: every
	// record here was written in an epoch the leader never had.
	if tr := TruncationFor(1, 40, f, 50, 30); tr != (Truncation{0, true}) {
		t.Fatalf("an epoch older than any the follower has: %+v, want 0 (where the follower's first epoch starts)", tr)
	}
	// A follower that tracks no epochs (a new broker, or an old message
	// format) takes the leader's end.
	if tr := TruncationFor(1, 40, &EpochCache{}, 50, 30); tr != (Truncation{40, true}) {
		t.Fatalf("no epochs here: %+v, want min(40, 50)", tr)
	}
}
