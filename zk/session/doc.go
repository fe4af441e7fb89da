// Package session is chapter 2's sessions: how a session is born (its id,
// its password, its negotiated timeout) and how it dies (expiry buckets).
//
// There are only a few ideas here:
//
//   - NegotiateTimeout clamps the client's requested timeout to
//     [minSessionTimeout, maxSessionTimeout], by default 2 and 20 ticks
//     (ZooKeeperServer.processConnectRequest, docs/reference/zookeeper.md §1.2).
//   - NewID is the first session id of a server: (nowMs<<24)>>>8 with the
//     server id in the top byte (SessionTrackerImpl.initializeNextSessionId);
//     the server hands out NewID, NewID+1, ... . ServerOf reads the server
//     id back; a server restarting moves its counter past its own
//     recovered ids only, never past another server's.
//   - Password is java.util.Random(id ^ secret).nextBytes(16)
//     (ZooKeeperServer.generatePasswd): the server stores no passwords, it
//     recomputes them. We reimplement Java's 48-bit LCG, so a session id
//     gives the same password as on a real ZooKeeper.
//   - Tracker is ZooKeeper's ExpiryQueue + SessionTrackerImpl: every session
//     sits in a bucket, the multiple of tickTime just after its deadline
//     (roundToNextInterval(now+timeout) = ((now+timeout)/tick+1)*tick).
//     Every request or ping moves it to a later bucket (Touch); on each tick
//     the server calls Expire(now), which hands back whole buckets. Sessions
//     thus expire only on tick boundaries, at most one tick late, and the
//     tracker never scans all sessions.
//
// # Invariants
//
//   - Deterministic: time comes in as milliseconds; no clock, no goroutine.
//   - A session is in exactly one bucket until it expires or is removed;
//     its bucket time is > the time it was last touched.
//   - An expired session is "closing": it is out of the buckets, Touch fails
//     for it (so a late ping cannot revive it), and it stays known until the
//     server applies its closeSession txn and calls Remove
//     (SessionTrackerImpl.setSessionClosing, removeSession).
//   - Expire returns sessions in bucket order, then increasing id.
//
// The lab (labs/02-watches-sessions) replaces expiry.go; ids.go is given.
package session
