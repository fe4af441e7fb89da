package session

// SuperSecret is ZooKeeper's password secret (ZooKeeperServer.superSecret).
// Using it gives the passwords a real ZooKeeper would give.
const SuperSecret int64 = 0xB3415C00

// DefaultMinTimeout and DefaultMaxTimeout are the bounds ZooKeeper uses when
// zoo.cfg sets no minSessionTimeout/maxSessionTimeout: 2 and 20 ticks
// (ZooKeeperServer.getMinSessionTimeout, getMaxSessionTimeout).
func DefaultMinTimeout(tickMs int32) int32 { return 2 * tickMs }
func DefaultMaxTimeout(tickMs int32) int32 { return 20 * tickMs }

// NegotiateTimeout clamps the client's requested timeout to [minMs, maxMs]
// (the min first, then the max, as processConnectRequest does).
func NegotiateTimeout(requestedMs, minMs, maxMs int32) int32 {
	t := requestedMs
	if t < minMs {
		t = minMs
	}
	if t > maxMs {
		t = maxMs
	}
	return t
}

// containerOwner is EphemeralType.CONTAINER_EPHEMERAL_OWNER (Long.MIN_VALUE):
// the ephemeralOwner of container nodes, so never a session id.
const containerOwner = -1 << 63

// #region new-id

// NewID is the first session id a server hands out:
// (nowMs<<24)>>>8 | serverID<<56 (SessionTrackerImpl.initializeNextSessionId).
// The >>> is Java's unsigned shift: it clears the top byte so that the
// server id owns it, and sessions of different servers never collide.
func NewID(nowMs int64, serverID int64) int64 {
	id := int64(uint64(nowMs<<24)>>8) | serverID<<56
	if id == containerOwner { // unlikely, but ZooKeeper checks it too
		id++
	}
	return id
}

// #endregion new-id

// FirstID is the first id a member hands out after recovering the
// sessions in recovered (id → timeout): NewID from the clock, moved past
// every recovered id of its own — and only its own.
//
// Every member hands out ids from its own counter, with its server id in
// the top byte, so no two members ever hand out the same id, and the
// password is derived from the id alone (Password): two clients given one
// id share one session, its ephemerals and its expiry. An id of another
// member says nothing about this member's ids; moving past it would put
// that member's server id in this member's ids, and after a restart
// member 1 would hand out exactly the ids member 3 hands out next.
//
// ZooKeeper's trackers (SessionTrackerImpl, LearnerSessionTracker) start
// from initializeNextSessionId alone and trust the clock. Moving past our
// own recovered ids as well guards against a clock that went back (the
// simulated worlds restart theirs). zk/server and the simulated ensemble
// (zk/zab/zabsim/zksim) both use this one rule.
func FirstID(nowMs, serverID int64, recovered map[int64]int32) int64 {
	next := NewID(nowMs, serverID)
	own := ServerOf(next)
	for id := range recovered {
		if ServerOf(id) == own && id >= next {
			next = id + 1
		}
	}
	return next
}

// ServerOf is the server id in the top byte of a session id: the server
// whose counter handed it out (LeaderSessionTracker.getServerIdFromSessionId).
// Java shifts with >>, so a server id of 128 and up reads back negative
// there; we shift unsigned and give the byte NewID put in.
func ServerOf(id int64) int64 { return int64(uint64(id) >> 56) }

// Password is the session's 16-byte password: the first 16 bytes of
// java.util.Random(id ^ secret).nextBytes (ZooKeeperServer.generatePasswd).
func Password(id int64, secret int64) []byte {
	r := newJavaRandom(id ^ secret)
	p := make([]byte, 16)
	r.nextBytes(p)
	return p
}

// javaRandom is java.util.Random: a 48-bit linear congruential generator
// (Knuth, TAOCP vol. 2 §3.2.1; the constants are in Random's Javadoc).
type javaRandom struct{ seed uint64 }

const (
	lcgMultiplier = 0x5DEECE66D
	lcgAddend     = 0xB
	lcgMask       = 1<<48 - 1
)

func newJavaRandom(seed int64) *javaRandom {
	return &javaRandom{seed: (uint64(seed) ^ lcgMultiplier) & lcgMask}
}

// next returns the top bits bits of the next state, as a signed int32.
func (r *javaRandom) next(bits uint) int32 {
	r.seed = (r.seed*lcgMultiplier + lcgAddend) & lcgMask
	return int32(int64(r.seed) >> (48 - bits))
}

// nextInt is Random.nextInt().
func (r *javaRandom) nextInt() int32 { return r.next(32) }

// nextBytes is Random.nextBytes: each nextInt gives up to 4 bytes, low byte
// first.
func (r *javaRandom) nextBytes(b []byte) {
	for i := 0; i < len(b); {
		rnd := r.nextInt()
		for n := min(len(b)-i, 4); n > 0; n-- {
			b[i] = byte(rnd)
			rnd >>= 8
			i++
		}
	}
}
