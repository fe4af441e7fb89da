package zab

import "github.com/zkafka/zkafka/zk/zab/quorum"

// Lab 4, part 2: how the new leader brings a follower's log in line with
// its own (LearnerHandler.syncFollower). The types are given:
// quorum.SyncPlan and its modes (syncmode.go names them here).

// #region decide-sync

// DecideSync picks DIFF, TRUNC or SNAP for a follower whose last logged
// zxid is peerLast. The leader's log holds every zxid in log (increasing),
// all after base (the zxid its snapshot covers; older entries are no
// longer in memory); committed is the leader's last committed zxid
// (base <= committed), where a snapshot would be taken.
//
// Contract: the rules of LearnerHandler.syncFollower and
// queueCommittedProposals:
//
//   - peerLast is base, or any zxid in log: DIFF from peerLast.
//   - peerLast < base: SNAP from committed (the entries it lacks are gone
//     from memory).
//   - otherwise the follower has entries the leader never had. Let prev be
//     the leader's largest zxid below peerLast (base if none). If prev is
//     of the same epoch as peerLast, TRUNC to prev and DIFF from prev
//     (TruncTo = From = prev); "We cannot send TRUNC that cross epoch
//     boundary", so otherwise SNAP from committed.
func DecideSync(peerLast, base int64, log []int64, committed int64) quorum.SyncPlan {
	if peerLast < base {
		return quorum.SyncPlan{Mode: quorum.SyncSnap, From: committed}
	}
	if peerLast == base {
		return quorum.SyncPlan{Mode: quorum.SyncDiff, From: peerLast}
	}
	prev := base
	for _, z := range log {
		if z == peerLast {
			return quorum.SyncPlan{Mode: quorum.SyncDiff, From: peerLast}
		}
		if z > peerLast {
			break
		}
		prev = z
	}
	if quorum.EpochOf(prev) == quorum.EpochOf(peerLast) {
		return quorum.SyncPlan{Mode: quorum.SyncTrunc, TruncTo: prev, From: prev}
	}
	return quorum.SyncPlan{Mode: quorum.SyncSnap, From: committed}
}

// #endregion decide-sync
