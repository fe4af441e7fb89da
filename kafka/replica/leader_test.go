package replica

import (
	"errors"
	"slices"
	"testing"
)

const lag = 10_000 // replica.lag.time.max.ms

// T is when the leader took over. Times in the tests are T+ms: a
// replica outside the ISR counts as last caught up at 0, long before T
// (as at any wall-clock time), so it is not waited for.
const T = 1_000_000

func newTestLeader(isr []int32) *Leader {
	return NewLeader(LeaderConfig{Self: 1, Assigned: []int32{1, 2, 3}, ISR: isr, Epoch: 4, LEO: 10, HW: 10, LagMaxMs: lag, NowMs: T})
}

// The HW moves when the last ISR member has the records, not before
// (Partition.maybeIncrementLeaderHW), and an acks=all produce is done
// once it passes (checkEnoughReplicasReachOffset).
func TestLeaderHWFollowsTheISR(t *testing.T) {
	l := newTestLeader([]int32{1, 2, 3})
	if u := l.Appended(15, T+100); u.HWMoved || l.HW() != 10 {
		t.Fatalf("after an append no follower has: HW %d moved %v, want 10", l.HW(), u.HWMoved)
	}
	if done, _ := l.Reached(15, 2); done {
		t.Fatal("acks=all done before any follower fetched")
	}
	if u, _ := l.Fetched(2, 15, T+200); u.HWMoved {
		t.Fatalf("HW moved to %d with 3 still behind", u.HW)
	}
	u, err := l.Fetched(3, 15, T+300)
	if err != nil || !u.HWMoved || u.HW != 15 {
		t.Fatalf("every ISR member at 15: %+v %v, want HW 15", u, err)
	}
	if done, err := l.Reached(15, 2); !done || err != nil {
		t.Fatalf("acks=all after the HW passed: %v %v", done, err)
	}
}

// A follower that stops fetching leaves the ISR after the lag, through a
// ZooKeeper write; once written the HW no longer waits for it, and
// acks=all with min.insync.replicas 3 is refused before appending.
func TestLeaderShrinksTheISR(t *testing.T) {
	l := newTestLeader([]int32{1, 2, 3})
	l.Appended(20, T+100)
	l.Fetched(2, 20, T+100)
	if u := l.Tick(T + lag/2); u.WriteISR != nil {
		t.Fatalf("shrank %v before the lag", u.WriteISR)
	}
	l.Fetched(2, 20, T+lag+500) // 2 keeps up; 3 never fetched
	u := l.Tick(T + lag + 1000)
	if !slices.Equal(u.WriteISR, []int32{1, 2}) {
		t.Fatalf("WriteISR %v, want [1 2]", u.WriteISR)
	}
	if u := l.Tick(T + lag + 2000); u.WriteISR != nil {
		t.Fatalf("a second ISR write %v while one is in flight", u.WriteISR)
	}
	if l.HW() != 10 || !slices.Equal(l.ISR(), []int32{1, 2, 3}) {
		t.Fatalf("before the write succeeded: HW %d ISR %v, want unchanged", l.HW(), l.ISR())
	}
	u = l.ISRWritten(T + lag + 2000)
	if !u.HWMoved || u.HW != 20 || !slices.Equal(l.ISR(), []int32{1, 2}) {
		t.Fatalf("after the write: %+v ISR %v, want HW 20, ISR [1 2]", u, l.ISR())
	}
	if err := l.CanAppend(true, 3); !errors.Is(err, ErrNotEnoughReplicas) {
		t.Fatalf("acks=all with ISR [1 2] and min.insync 3: %v", err)
	}
	if err := l.CanAppend(false, 3); err != nil {
		t.Fatalf("acks=1 is not checked: %v", err)
	}
}

// A follower rejoins the ISR once its LEO reaches the HW, fetching in
// this leader's epoch (maybeExpandIsr); a failed write changes nothing.
func TestLeaderExpandsTheISR(t *testing.T) {
	l := newTestLeader([]int32{1, 2})
	l.Appended(30, T+100)
	l.Fetched(2, 30, T+100)
	if l.HW() != 30 {
		t.Fatalf("HW %d, want 30 (3 not caught up, not in the ISR)", l.HW())
	}
	if u, _ := l.Fetched(3, 25, T+200); u.WriteISR != nil {
		t.Fatalf("3 at 25 below the HW 30 joined: %v", u.WriteISR)
	}
	u, _ := l.Fetched(3, 30, T+300)
	if !slices.Equal(u.WriteISR, []int32{1, 2, 3}) {
		t.Fatalf("WriteISR %v, want [1 2 3] (assignment order)", u.WriteISR)
	}
	l.ISRFailed()
	if !slices.Equal(l.ISR(), []int32{1, 2}) {
		t.Fatalf("a failed write changed the ISR to %v", l.ISR())
	}
	u, _ = l.Fetched(3, 30, T+400)
	if u.WriteISR == nil {
		t.Fatal("the join was not proposed again after the failed write")
	}
	l.ISRWritten(T + 400)
	if !slices.Equal(l.ISR(), []int32{1, 2, 3}) {
		t.Fatalf("ISR %v, want [1 2 3]", l.ISR())
	}
}

// A follower whose fetches start before this leader's epoch began may
// not join (its log may hold what an older leader wrote): KIP-101's
// leaderEpochStartOffsetOpt check in maybeExpandIsr.
func TestLeaderExpandOnlyWithinTheEpoch(t *testing.T) {
	l := NewLeader(LeaderConfig{Self: 1, Assigned: []int32{1, 2}, ISR: []int32{1}, Epoch: 2, LEO: 50, HW: 5, LagMaxMs: lag, NowMs: T})
	if u, _ := l.Fetched(2, 5, T+100); u.WriteISR != nil {
		t.Fatalf("follower at 5 (epoch started at 50, HW 5) joined: %v", u.WriteISR)
	}
	if u, _ := l.Fetched(2, 50, T+200); !slices.Equal(u.WriteISR, []int32{1, 2}) {
		t.Fatalf("follower at the epoch start: WriteISR %v, want [1 2]", u.WriteISR)
	}
}

// The HW never goes back, and ISR members whose LEO is not known yet (a
// new leader) hold it where it was.
func TestLeaderHWNeverBack(t *testing.T) {
	l := newTestLeader([]int32{1, 2, 3})
	if u := l.Appended(12, T+0); u.HW != 10 {
		t.Fatalf("HW %d with followers' LEOs unknown, want 10", u.HW)
	}
	l.Fetched(2, 3, T+50) // a follower far behind (it will truncate)
	if l.HW() != 10 {
		t.Fatalf("HW went back to %d", l.HW())
	}
}

func TestLeaderRefusesStrangers(t *testing.T) {
	l := newTestLeader([]int32{1, 2, 3})
	if _, err := l.Fetched(9, 0, T+0); !errors.Is(err, ErrNotAssigned) {
		t.Fatalf("fetch from broker 9: %v, want ErrNotAssigned", err)
	}
}

// After the HW passed a produce, a shrink below min.insync.replicas makes
// it NOT_ENOUGH_REPLICAS_AFTER_APPEND.
func TestLeaderReachedAfterShrink(t *testing.T) {
	l := newTestLeader([]int32{1, 2})
	l.Appended(11, T+0)
	l.Fetched(2, 11, T+0)
	if done, err := l.Reached(11, 3); !done || !errors.Is(err, ErrNotEnoughReplicasAfterAppend) {
		t.Fatalf("ISR [1 2], min.insync 3: %v %v", done, err)
	}
}
