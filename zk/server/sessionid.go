package server

import (
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// Session ids in an ensemble: every member hands out ids from its own
// counter, with its server id in the top byte, restarted after recovery
// by session.FirstID — the one rule zk/server and the simulated ensemble
// (zk/zab/zabsim/zksim) share, so the nemesis tests the rule that ships.

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
