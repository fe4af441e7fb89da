package zab

import (
	"slices"

	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// Lab 3's stand-in for lab 4's sync decision (see election.go here): it
// replaces zk/zab/syncplan.go when lab 3 is graded or run while lab 4 is
// open. It never sends TRUNC, the case lab 4 is about: a follower whose
// last zxid the leader's log holds gets a DIFF, any other a SNAP, which
// is always right (it replaces the follower's whole state), only slower.

// DecideSync picks DIFF when peerLast is base or in log, SNAP otherwise.
func DecideSync(peerLast, base int64, log []int64, committed int64) quorum.SyncPlan {
	if peerLast == base || peerLast > base && slices.Contains(log, peerLast) {
		return quorum.SyncPlan{Mode: quorum.SyncDiff, From: peerLast}
	}
	return quorum.SyncPlan{Mode: quorum.SyncSnap, From: committed}
}
