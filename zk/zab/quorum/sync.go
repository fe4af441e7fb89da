package quorum

// SyncMode is how a new leader synchronizes a follower's log with its own
// (LearnerHandler.syncFollower): the packet that opens the sync stream.
type SyncMode int

const (
	// SyncDiff: the follower's log is a prefix of the leader's; send the
	// proposals it lacks.
	SyncDiff SyncMode = iota + 1
	// SyncTrunc: the follower has proposals the leader does not (it
	// logged them under a leader that failed before committing them);
	// truncate its log to TruncTo, then send what follows.
	SyncTrunc
	// SyncSnap: the leader cannot prove a DIFF or a TRUNC is right (the
	// follower is older than the leader's in-memory log, or the
	// truncation would cross an epoch boundary); send a snapshot.
	SyncSnap
)

func (m SyncMode) String() string {
	switch m {
	case SyncDiff:
		return "DIFF"
	case SyncTrunc:
		return "TRUNC"
	case SyncSnap:
		return "SNAP"
	}
	return "SyncMode(?)"
}

// SyncPlan is the leader's decision for one follower (zab.DecideSync's
// answer).
type SyncPlan struct {
	Mode    SyncMode
	TruncTo int64 // SyncTrunc: the zxid the follower's log is cut back to
	// From: after the DIFF, TRUNC or SNAP, the leader sends as PROPOSALs
	// every entry of its log with a zxid > From. For SNAP, From is the
	// zxid the snapshot is taken at (the leader's last committed zxid).
	From int64
}
