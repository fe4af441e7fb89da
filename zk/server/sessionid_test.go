package server

import (
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/session"
	"github.com/zkafka/zkafka/zk/snapshot"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/znode"
)

// recoveredCore is member sid's core right after it recovered sessions
// from its disk, with its clock at nowMs.
func recoveredCore(t *testing.T, sid, nowMs int64, sessions map[int64]int32) *core {
	t.Helper()
	cfg := Config{ServerID: sid, TickTime: 50 * time.Millisecond,
		Now: func() time.Time { return time.UnixMilli(nowMs) }}
	s := &Server{cfg: cfg, log: slog.New(slog.DiscardHandler)}
	st := &snapshot.State{Tree: znode.New(), Sessions: sessions}
	return newCore(s, st, snapshot.NewTrigger(100, rand.New(rand.NewPCG(1, 2))), "/snap")
}

// TestRecoveredSessionsOfOtherMembersKeepIDsApart recovers, on member 1,
// the sessions members 1, 2 and 3 handed out before member 1 restarted:
// member 1's next ids keep its own server id in their top byte, so they
// are never an id member 3 hands out, and never a recovered id.
//
// Before the fix newCore moved the counter past every recovered id, member
// 3's included: member 1's next id was member 3's next id, and (the
// password being a function of the id) two clients shared one session.
//
// Reference: SessionTrackerImpl.initializeNextSessionId ((time<<24)>>>8 |
// sid<<56: the top byte is the server's own), and its constructor, which
// tracks the recovered sessions without moving nextSessionId;
// LeaderSessionTracker.getServerIdFromSessionId.
func TestRecoveredSessionsOfOtherMembersKeepIDsApart(t *testing.T) {
	const started, restarted = int64(1_700_000_000_000), int64(1_700_000_060_000)
	recovered := map[int64]int32{}
	next3 := int64(0) // the id member 3 hands out next
	for sid := int64(1); sid <= 3; sid++ {
		first := session.NewID(started+sid, sid)
		for i := int64(0); i < 5; i++ {
			recovered[first+i] = 4000
		}
		if sid == 3 {
			next3 = first + 5
		}
	}
	c := recoveredCore(t, 1, restarted, recovered)
	for i := int64(0); i < 1000; i++ {
		id := c.nextSess + i
		if got := session.ServerOf(id); got != 1 {
			t.Fatalf("member 1's id %d after restart is %#x: top byte %d, want 1 (member 3 hands out %#x next)", i, id, got, next3)
		}
		if id == next3 {
			t.Fatalf("member 1's id %d after restart is %#x, the id member 3 hands out next", i, id)
		}
		if _, dup := recovered[id]; dup {
			t.Fatalf("member 1's id %d after restart is %#x, a recovered session", i, id)
		}
	}
	for id, to := range recovered {
		if got, ok := c.sessions.Timeout(id); !ok || got != to {
			t.Errorf("recovered session %#x: tracked %v with timeout %d, want %d", id, ok, got, to)
		}
	}
}

// TestRecoveredOwnSessionsMoveTheCounter restarts member 1 with a clock
// behind the one it handed its recovered sessions out with: its next id
// is past every one of them, and still carries its server id.
//
// Reference: SessionTrackerImpl.initializeNextSessionId. Divergence:
// ZooKeeper trusts the clock; we also move past our own recovered ids.
func TestRecoveredOwnSessionsMoveTheCounter(t *testing.T) {
	const before, after = int64(1_700_000_060_000), int64(1_700_000_000_000)
	first := session.NewID(before, 1)
	recovered := map[int64]int32{first: 4000, first + 7: 4000, session.NewID(before+1, 3): 4000}
	c := recoveredCore(t, 1, after, recovered)
	if c.nextSess != first+8 {
		t.Fatalf("next id %#x, want %#x (just past member 1's newest recovered id)", c.nextSess, first+8)
	}
	c = recoveredCore(t, 1, before+1000, recovered)
	if want := session.NewID(before+1000, 1); c.nextSess != want {
		t.Fatalf("next id %#x, want %#x from the clock (it is past every recovered id)", c.nextSess, want)
	}
}

// TestLeaderRefusesCreateSessionForLiveID checks what the leader answers a
// createSession for an id it already tracks: SESSIONMOVED for a live
// session (which stays as it was), SESSIONEXPIRED for a closing one, and
// nothing (it may go ahead) for an unknown id, a removed one and any
// other op.
//
// Reference: PrepRequestProcessor.pRequest2Txn (createSession:
// trackSession, then setOwner, which throws SessionExpiredException for a
// closing session, turned into an ErrorTxn by pRequest);
// SessionTrackerImpl.trackSession, setOwner. Refusing a live id is a
// divergence (see checkCreateSession): ZooKeeper 3.9 accepts it and moves
// the session's owner.
func TestLeaderRefusesCreateSessionForLiveID(t *testing.T) {
	const now = int64(1_700_000_000_000)
	live, closing := session.NewID(now, 3), session.NewID(now, 2)
	c := recoveredCore(t, 1, now, map[int64]int32{live: 4000, closing: 6000})
	c.sessions.SetClosing(closing)
	fresh := c.nextSess

	if err := c.checkCreateSession(proto.OpCreateSession, live, nil); zkerr.CodeOf(err) != zkerr.SessionMoved {
		t.Errorf("createSession for the live session %#x: %v, want SESSIONMOVED", live, err)
	}
	if to, ok := c.sessions.Timeout(live); !ok || to != 4000 || c.sessions.Closing(live) {
		t.Errorf("the live session after the refused createSession: known %v, timeout %d, closing %v; want it untouched",
			ok, to, c.sessions.Closing(live))
	}
	if err := c.checkCreateSession(proto.OpCreateSession, closing, nil); zkerr.CodeOf(err) != zkerr.SessionExpired {
		t.Errorf("createSession for the closing session %#x: %v, want SESSIONEXPIRED", closing, err)
	}
	if err := c.checkCreateSession(proto.OpCreateSession, fresh, nil); err != nil {
		t.Errorf("createSession for the unknown id %#x: %v, want it to go ahead", fresh, err)
	}
	c.sessions.Remove(closing)
	if err := c.checkCreateSession(proto.OpCreateSession, closing, nil); err != nil {
		t.Errorf("createSession for %#x after its closeSession was applied: %v, want it to go ahead", closing, err)
	}
	if err := c.checkCreateSession(proto.OpCreate, live, nil); err != nil {
		t.Errorf("a create of the live session: %v, want no createSession check", err)
	}
	if err := c.checkCreateSession(proto.OpCreateSession, fresh, zkerr.MarshallingError); zkerr.CodeOf(err) != zkerr.MarshallingError {
		t.Errorf("an undecodable createSession: %v, want its MARSHALLINGERROR kept", err)
	}
}
