package zab

import "github.com/zkafka/zkafka/zk/zab/quorum"

// The sync decision's types are given (package quorum, so that lab 4's
// syncplan.go compiles on its own); these names keep them where the rest
// of zab and its callers look: zab.SyncPlan is quorum.SyncPlan.

// SyncMode is how a follower is synchronized: DIFF, TRUNC or SNAP.
type SyncMode = quorum.SyncMode

// SyncPlan is the leader's decision for one follower (DecideSync).
type SyncPlan = quorum.SyncPlan

// The sync modes (see quorum.SyncDiff, SyncTrunc, SyncSnap).
const (
	SyncDiff  = quorum.SyncDiff
	SyncTrunc = quorum.SyncTrunc
	SyncSnap  = quorum.SyncSnap
)
