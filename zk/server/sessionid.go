package server

import "github.com/zkafka/zkafka/zk/session"

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
