package replica

import "slices"

// #region out-of-sync

// OutOfSync returns the ISR members the leader must drop
// (Partition.getOutOfSyncReplicas): every follower in the ISR that does
// not have the leader's LEO and has not been caught up for more than
// lagMaxMs — a stuck follower (no fetch) and a slow one (fetching, but
// never reaching the end) alike. The leader itself is never dropped.
// The result is sorted by broker id.
func OutOfSync(leader int32, leaderLEO int64, replicas map[int32]*Progress, isr []int32, nowMs, lagMaxMs int64) []int32 {
	var out []int32
	for _, id := range isr {
		p := replicas[id]
		if id == leader || p == nil {
			continue
		}
		if p.LEO != leaderLEO && nowMs-p.LastCaughtUpMs > lagMaxMs {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// #endregion out-of-sync

// #region can-join

// CanJoin reports whether a follower outside the ISR may join it after a
// fetch at fetchOffset (Partition.maybeExpandIsr): it is an assigned
// replica, its LEO has reached the leader's high watermark, and it has
// fetched from within the current leader epoch (fetchOffset at or past
// epochStart, the leader's LEO when it became leader) — so it holds
// nothing of an older leader's log that this leader does not.
func CanJoin(id int32, p *Progress, assigned, isr []int32, hw, epochStart, fetchOffset int64) bool {
	return p != nil && !slices.Contains(isr, id) && slices.Contains(assigned, id) &&
		p.LEO >= hw && epochStart >= 0 && fetchOffset >= epochStart
}

// #endregion can-join
