package server

import (
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/session"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// Session ids in an ensemble. Every member hands out ids from its own
// counter, and the top byte of every id it hands out is its server id
// (session.NewID), so no two members ever hand out the same id. The
// session's password is derived from the id alone (session.Password): two
// clients given one id share one session, its ephemerals and its expiry.

// firstSessionID is the first id a server hands out after recovering the
// sessions in recovered: session.NewID from the clock, moved past every
// recovered id of its own.
//
// Only ids whose top byte is this server's may move the counter. An id of
// another member says nothing about this member's ids, and moving past it
// would put that member's server id in this member's ids: after a restart
// member 1 would hand out exactly the ids member 3 hands out next.
//
// ZooKeeper's trackers (SessionTrackerImpl, LearnerSessionTracker) start
// from initializeNextSessionId alone and trust the clock. Moving past our
// own recovered ids as well guards against a clock that went back (the
// simulated worlds restart their clocks).
func firstSessionID(nowMs, serverID int64, recovered map[int64]int32) int64 {
	next := session.NewID(nowMs, serverID)
	own := session.ServerOf(next)
	for id := range recovered {
		if session.ServerOf(id) == own && id >= next {
			next = id + 1
		}
	}
	return next
}

// checkCreateSession is the leader's check of a forwarded createSession
// for session id, before it executes it: pre if pre is already an error or
// op is not createSession, otherwise the error the createSession fails
// with (nil: it may go ahead). A failed createSession still takes a zxid
// as an error txn; the follower that forwarded it closes the client's
// connection without an answer (quorumPeer.complete), and the client
// connects again and is given a fresh id.
//
//   - A closing session (expired, its closeSession not yet applied) fails
//     with SESSIONEXPIRED, as on ZooKeeper: PrepRequestProcessor.pRequest2Txn
//     (createSession) calls trackSession, then setOwner, which throws
//     SessionExpiredException for a closing session; pRequest turns it into
//     an ErrorTxn.
//   - A live session fails with SESSIONMOVED. Divergence: ZooKeeper 3.9
//     does not refuse it. trackSession keeps the existing SessionImpl,
//     touches it and returns false, which pRequest2Txn ignores; setOwner
//     moves the session to the new learner, the CreateSessionTxn is
//     proposed, commitSession returns false, and the second client is told
//     it has the live session. ZooKeeper relies on ids never colliding
//     (initializeNextSessionId); we refuse, so that a colliding counter
//     (a clock gone back, a bug like the one firstSessionID fixes) can
//     never give two clients one session. SESSIONMOVED is ZooKeeper's word
//     for a session that another server's connection holds
//     (SessionTrackerImpl.checkSession).
//
// It must be called on the leader only, where the tracker also knows the
// sessions whose createSession is executed but not yet committed.
func (c *core) checkCreateSession(op proto.OpCode, id int64, pre error) error {
	if pre != nil || op != proto.OpCreateSession {
		return pre
	}
	if _, known := c.sessions.Timeout(id); !known {
		return nil
	}
	if c.sessions.Closing(id) {
		c.s.log.Warn("refusing createSession: the session is closing", "session", hex(id))
		return zkerr.SessionExpired
	}
	c.s.log.Warn("refusing createSession: the session is live", "session", hex(id))
	return zkerr.SessionMoved
}
