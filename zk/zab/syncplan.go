package zab

import "github.com/zkafka/zkafka/zk/zab/quorum"

// Lab 4, part 2: how the new leader brings a follower's log in line with
// its own (LearnerHandler.syncFollower).

// SyncMode is how a follower is synchronized.
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

// SyncPlan is the leader's decision for one follower.
type SyncPlan struct {
	Mode    SyncMode
	TruncTo int64 // SyncTrunc: the zxid the follower's log is cut back to
	// From: after the DIFF, TRUNC or SNAP, the leader sends as PROPOSALs
	// every entry of its log with a zxid > From. For SNAP, From is the
	// zxid the snapshot is taken at (the leader's last committed zxid).
	From int64
}

// #region decide-sync

// DecideSync picks DIFF, TRUNC or SNAP for a follower whose last logged
// zxid is peerLast. The leader's log holds every zxid in log (increasing),
// all after base (the zxid its snapshot covers; older entries are no
// longer in memory); committed is the leader's last committed zxid
// (base <= committed), where a snapshot would be taken.
//
// Rules (LearnerHandler.syncFollower, queueCommittedProposals):
//   - peerLast is the leader's last zxid, or base, or any zxid in log:
//     DIFF from peerLast.
//   - peerLast < base: SNAP (the entries it lacks are gone from memory).
//   - peerLast is not in the log: the follower has entries the leader
//     never had. Let prev be the leader's largest zxid below peerLast
//     (base if none). If prev is of the same epoch as peerLast, TRUNC to
//     prev and DIFF from prev; "We cannot send TRUNC that cross epoch
//     boundary", so otherwise SNAP.
func DecideSync(peerLast, base int64, log []int64, committed int64) SyncPlan {
	if peerLast < base {
		return SyncPlan{Mode: SyncSnap, From: committed}
	}
	if peerLast == base {
		return SyncPlan{Mode: SyncDiff, From: peerLast}
	}
	prev := base
	for _, z := range log {
		if z == peerLast {
			return SyncPlan{Mode: SyncDiff, From: peerLast}
		}
		if z > peerLast {
			break
		}
		prev = z
	}
	if quorum.EpochOf(prev) == quorum.EpochOf(peerLast) {
		return SyncPlan{Mode: SyncTrunc, TruncTo: prev, From: prev}
	}
	return SyncPlan{Mode: SyncSnap, From: committed}
}

// #endregion decide-sync
