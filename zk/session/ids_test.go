package session

import (
	"encoding/hex"
	"math"
	"testing"
)

// Reference: docs/reference/zookeeper.md §1.2 (clamp to [min,max], defaults 2 and 20
// ticks); ZooKeeperServer.processConnectRequest.
func TestNegotiateTimeout(t *testing.T) {
	const tick = 2000
	lo, hi := DefaultMinTimeout(tick), DefaultMaxTimeout(tick)
	if lo != 4000 || hi != 40000 {
		t.Fatalf("defaults for tick %d = [%d,%d], want [4000,40000]", tick, lo, hi)
	}
	for _, tc := range []struct{ req, want int32 }{
		{0, 4000}, {-5, 4000}, {3999, 4000}, {4000, 4000}, {10000, 10000},
		{30000, 30000}, {40000, 40000}, {40001, 40000}, {math.MaxInt32, 40000},
	} {
		if got := NegotiateTimeout(tc.req, lo, hi); got != tc.want {
			t.Errorf("NegotiateTimeout(%d, %d, %d) = %d, want %d", tc.req, lo, hi, got, tc.want)
		}
	}
	// min is applied first, then max: a misconfigured min > max gives max.
	if got := NegotiateTimeout(1, 50, 10); got != 10 {
		t.Errorf("NegotiateTimeout(1, 50, 10) = %d, want 10", got)
	}
}

// Reference: SessionTrackerImpl.initializeNextSessionId; values computed
// with Java 17: ((now<<24)>>>8)|(sid<<56).
func TestNewID(t *testing.T) {
	for _, tc := range []struct {
		now, sid, want int64
	}{
		{1, 1, 1<<56 | 1<<16},
		{0x7fffffffffff, 3, 0x03ffffffffff0000}, // >>> clears the sign bits
		{-1, 0, 0x00ffffffffff0000},             // signed >> would give 0xffff...
		{0, 0x80, math.MinInt64 + 1},            // never the container owner
	} {
		if got := NewID(tc.now, tc.sid); got != tc.want {
			t.Errorf("NewID(%#x, %d) = %#x, want %#x", tc.now, tc.sid, got, tc.want)
		}
	}
}

// Reference: ZooKeeperServer.generatePasswd; the expected bytes are
// java.util.Random(id ^ 0xB3415C00L).nextBytes(new byte[16]) from Java 17.
func TestPasswordMatchesJava(t *testing.T) {
	for _, tc := range []struct {
		id   int64
		want string
	}{
		{0, "f22acd4a97e69d6d20a49bb638eadb38"},
		{1, "054cc74a37327db215e702e20c73f005"},
		{0x0100017f2a3b4c5d, "b5b0fa34b6e8e935679413e166da5a7f"},
		{-1, "20f62cb5648dc2d771471c8a2486a9ee"},
	} {
		if got := hex.EncodeToString(Password(tc.id, SuperSecret)); got != tc.want {
			t.Errorf("Password(%#x) = %s, want %s", tc.id, got, tc.want)
		}
	}
	// Random(0).nextInt() and Random(42).nextInt(), from Random's contract.
	if got := newJavaRandom(0).nextInt(); got != -1155484576 {
		t.Errorf("Random(0).nextInt() = %d", got)
	}
	if got := newJavaRandom(42).nextInt(); got != -1170105035 {
		t.Errorf("Random(42).nextInt() = %d", got)
	}
}

// Reference: LeaderSessionTracker.getServerIdFromSessionId (the top byte),
// SessionTrackerImpl.initializeNextSessionId (which puts it there).
func TestServerOf(t *testing.T) {
	for _, sid := range []int64{0, 1, 2, 3, 127, 128, 254, 255} {
		for _, now := range []int64{0, 1, 1_700_000_000_000, -1} {
			id := NewID(now, sid)
			if got := ServerOf(id); got != sid {
				t.Errorf("ServerOf(NewID(%d, %d) = %#x) = %d", now, sid, id, got)
			}
			if got := ServerOf(id + 0xffff); got != sid {
				t.Errorf("ServerOf(%#x) = %d, want %d: the counter part leaked into the top byte", id+0xffff, got, sid)
			}
		}
	}
}

// TestFirstIDKeepsMembersApart: member 1 restarts having recovered the
// sessions members 1, 2 and 3 handed out; its next ids keep its own
// server id in the top byte (never member 3's next id), and move past its
// own recovered ids even if its clock went back.
//
// Reference: SessionTrackerImpl.initializeNextSessionId ((time<<24)>>>8 |
// sid<<56) and its constructor, which tracks recovered sessions without
// moving nextSessionId; LeaderSessionTracker.getServerIdFromSessionId.
func TestFirstIDKeepsMembersApart(t *testing.T) {
	const started, restarted = int64(1_700_000_000_000), int64(1_700_000_060_000)
	recovered := map[int64]int32{}
	var next3 int64
	for sid := int64(1); sid <= 3; sid++ {
		first := NewID(started+sid, sid)
		for i := int64(0); i < 5; i++ {
			recovered[first+i] = 4000
		}
		if sid == 3 {
			next3 = first + 5
		}
	}
	next := FirstID(restarted, 1, recovered)
	for i := int64(0); i < 1000; i++ {
		if id := next + i; ServerOf(id) != 1 || id == next3 || recovered[id] != 0 {
			t.Fatalf("member 1's id %d after restart is %#x (top byte %d; member 3's next is %#x)", i, id, ServerOf(id), next3)
		}
	}
	// A clock that went back: past its own recovered ids.
	if got, own := FirstID(started-1000, 1, recovered), NewID(started+1, 1)+4; got != own+1 {
		t.Fatalf("FirstID with the clock gone back = %#x, want %#x (past its own recovered ids)", got, own+1)
	}
}
