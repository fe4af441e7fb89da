package server

import (
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// Session ownership (SESSIONMOVED). A client that loses its connection
// to member A reconnects to member B; requests it sent on the old
// connection may still be in A's queues, or in flight on A's link to the
// leader. If the leader executed them after the requests the client
// sends through B, the session's requests would run out of order — the
// per-session FIFO guarantee broken (ZOOKEEPER-710 is the story).
//
// ZooKeeper's leader therefore records which server owns each session
// (SessionTrackerImpl.setOwner: on createSession and on every REVALIDATE
// of a reconnect) and checks the owner of every write it prepares
// (checkSession): a write from another server fails with SESSIONMOVED,
// and that server closes the stale connection without replying
// (FinalRequestProcessor: "session moved is a connection level error").
// closeSession is not checked (the expiry path queues it without being
// the owner, and it is the session's last request anyway).
//
// Here: the owner map lives on the leader (quorumPeer.owners, session →
// server id, the leader's own id for its clients). A follower's
// reconnect forwards a revalidate request to the leader and then a SYNC
// on the same FIFO link; the client's ConnectResponse waits for the
// SYNC's answer, by which time the leader has made this member the
// owner. Every later write the old member forwards is refused. A session
// with no recorded owner (the leader changed) is given to the first
// member whose write arrives, as checkSession does.

// opRevalidate marks a forwarded request as ZooKeeper's REVALIDATE
// packet: "a client of mine now holds Session". It is not a client
// opcode and never appears on the client wire; the leader executes no txn
// for it.
const opRevalidate proto.OpCode = -1000

// checkOwner is the leader's check of a write for session from member
// from: nil if from owns it (or nobody did: from does now), SESSIONMOVED
// if another member does.
func (q *quorumPeer) checkOwner(session, from int64) error {
	o, ok := q.owners[session]
	if !ok {
		q.owners[session] = from
		return nil
	}
	if o != from {
		q.s.log.Info("refusing a write: the session moved", "session", hex(session), "from", from, "owner", o)
		return zkerr.SessionMoved
	}
	return nil
}

// setOwner records that member from holds session.
func (q *quorumPeer) setOwner(session, from int64) {
	if q.owners == nil {
		q.owners = map[int64]int64{}
	}
	q.owners[session] = from
}

// revalidate is the leader's side of a reconnect on a follower: the
// follower now owns the session, if the session is still live.
func (q *quorumPeer) revalidate(session, from int64) {
	c := q.c
	if _, known := c.sessions.Timeout(session); !known || c.sessions.Closing(session) {
		return // the follower's own table refused or will refuse it too
	}
	c.sessions.Touch(session, c.nowMs())
	q.setOwner(session, from)
}

// isSessionMoved reports whether a committed txn is a write refused with
// SESSIONMOVED.
func isSessionMoved(txn proto.Txn) bool {
	e, ok := txn.Record.(*proto.ErrorTxn)
	return ok && zkerr.Code(e.Err) == zkerr.SessionMoved
}
