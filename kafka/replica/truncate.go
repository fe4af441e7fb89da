package replica

// Truncation is where a follower cuts its log before fetching from a new
// leader, and whether it is done or must ask the leader again.
type Truncation struct {
	Offset int64 // truncate the log to this offset (keep [0, Offset))
	Done   bool  // false: ask OffsetForLeaderEpoch again, with the follower's new latest epoch
}

// #region truncation

// TruncationFor decides a follower's truncation from the leader's answer
// (leaderEpoch, leaderEnd) to OffsetForLeaderEpoch(its latest epoch)
// (AbstractFetcherThread.getOffsetTruncationState, KIP-101, KIP-279).
// follower is the follower's own epoch history, logEnd its log end,
// fetchOffset where it would fetch from (its high watermark).
//
//   - The leader knows no end offset for the epoch (an old leader):
//     truncate to fetchOffset — the pre-KIP-101 high-watermark rule,
//     kept only as a fallback.
//   - The leader answers with no epoch (OffsetForLeaderEpoch v0): keep
//     min(leaderEnd, logEnd).
//   - Otherwise find the follower's own end for the leader's epoch: if
//     the follower has none that old, keep min(leaderEnd, logEnd); if its
//     largest epoch at or below that one is a different (older) epoch,
//     the leader's epoch is unknown here — cut to where the follower's
//     epoch ended and ask again (KIP-279's second round); if it is the
//     same epoch, keep min(followerEnd, leaderEnd, logEnd). Done.
//
// The follower never cuts to its high watermark when the leader answers
// with an epoch: records above it may be committed (KIP-101 scenario 1).
func TruncationFor(leaderEpoch int32, leaderEnd int64, follower *EpochCache, logEnd, fetchOffset int64) Truncation {
	switch {
	case leaderEnd == UndefinedOffset:
		return Truncation{Offset: fetchOffset, Done: true}
	case leaderEpoch == UndefinedEpoch:
		return Truncation{Offset: min(leaderEnd, logEnd), Done: true}
	}
	epoch, end := follower.EndOffsetFor(leaderEpoch, logEnd)
	switch {
	case end == UndefinedOffset:
		return Truncation{Offset: min(leaderEnd, logEnd), Done: true}
	case epoch != leaderEpoch:
		return Truncation{Offset: min(end, logEnd), Done: false}
	default:
		return Truncation{Offset: min(end, leaderEnd, logEnd), Done: true}
	}
}

// #endregion truncation
