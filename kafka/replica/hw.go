package replica

import "slices"

// #region high-watermark

// HighWatermark is the leader's high watermark after a change of the ISR
// or of any replica's LEO (Partition.maybeIncrementLeaderHW): the minimum
// LEO over the leader, every ISR member, and every other assigned replica
// caught up within lagMaxMs — so a follower about to rejoin the ISR is
// waited for rather than left ever further behind. It never goes back:
// if that minimum is below old, old stays.
//
// leaderLEO is the leader's own LEO; replicas holds the followers'
// progress by broker id (the leader is not in it).
func HighWatermark(old, leaderLEO int64, replicas map[int32]*Progress, isr []int32, nowMs, lagMaxMs int64) int64 {
	hw := leaderLEO
	for id, p := range replicas {
		if slices.Contains(isr, id) || nowMs-p.LastCaughtUpMs <= lagMaxMs {
			hw = min(hw, p.LEO)
		}
	}
	return max(old, hw)
}

// #endregion high-watermark
