package replica

// Progress is what a partition leader knows about one replica, learnt
// from that replica's fetches (AK Replica: logEndOffsetMetadata,
// lastCaughtUpTimeMs, lastFetchLeaderLogEndOffset, lastFetchTimeMs).
type Progress struct {
	// LEO is the replica's log end offset: the offset of its last fetch.
	LEO int64
	// LastCaughtUpMs is the largest time t such that the replica's fetch
	// offset was at least the leader's LEO at time t: the moment it was
	// last known to have everything.
	LastCaughtUpMs int64

	lastFetchLeaderLEO int64
	lastFetchMs        int64
}

// Fetched records a fetch from the replica at fetchOffset, received at
// nowMs while the leader's LEO was leaderLEO (Replica.updateLogReadResult).
//
// A fetch that reads to the leader's LEO now makes the replica caught up
// now. One that reads to where the leader's LEO was at the previous fetch
// makes it caught up as of that previous fetch: a follower fetching
// steadily behind a stream of small produces, always one fetch late,
// still counts as caught up within replica.lag.time.max.ms.
func (p *Progress) Fetched(fetchOffset, leaderLEO, nowMs int64) {
	switch {
	case fetchOffset >= leaderLEO:
		p.LastCaughtUpMs = max(p.LastCaughtUpMs, nowMs)
	case fetchOffset >= p.lastFetchLeaderLEO:
		p.LastCaughtUpMs = max(p.LastCaughtUpMs, p.lastFetchMs)
	}
	p.LEO = fetchOffset
	p.lastFetchLeaderLEO = leaderLEO
	p.lastFetchMs = nowMs
}

// Reset starts the replica's clock again, as a new leader does for every
// follower (Partition.makeLeader → Replica.resetLastCaughtUpTime): an ISR
// member counts as caught up now, anyone else as never.
func (p *Progress) Reset(leaderLEO, nowMs int64, inISR bool) {
	p.lastFetchLeaderLEO = leaderLEO
	p.lastFetchMs = nowMs
	p.LastCaughtUpMs = 0
	if inISR {
		p.LastCaughtUpMs = nowMs
	}
}
