//go:build grade

package lab04_test

import (
	"testing"

	"github.com/zkafka/zkafka/zk/zab"
)

// TestDecideSync checks the leader's choice of DIFF, TRUNC or SNAP for a
// follower, including "We cannot send TRUNC that cross epoch boundary".
//
// Points: 15
// Reference: docs/reference/zookeeper.md §3 (Synchronization); LearnerHandler.syncFollower, queueCommittedProposals
func TestDecideSync(t *testing.T) {
	log := []int64{z(1, 1), z(1, 2), z(1, 3), z(2, 1), z(2, 2)}
	cases := []struct {
		name           string
		peerLast, base int64
		want           zab.SyncPlan
	}{
		{"up to date", z(2, 2), 0, zab.SyncPlan{Mode: zab.SyncDiff, From: z(2, 2)}},
		{"behind", z(1, 2), 0, zab.SyncPlan{Mode: zab.SyncDiff, From: z(1, 2)}},
		{"empty follower", 0, 0, zab.SyncPlan{Mode: zab.SyncDiff, From: 0}},
		{"at the snapshot point", z(1, 1), z(1, 1), zab.SyncPlan{Mode: zab.SyncDiff, From: z(1, 1)}},
		{"older than the in-memory log", z(1, 1), z(1, 2), zab.SyncPlan{Mode: zab.SyncSnap, From: z(2, 1)}},
		{"an extra proposal", z(1, 4), 0, zab.SyncPlan{Mode: zab.SyncTrunc, TruncTo: z(1, 3), From: z(1, 3)}},
		{"ahead in the same epoch", z(2, 9), 0, zab.SyncPlan{Mode: zab.SyncTrunc, TruncTo: z(2, 2), From: z(2, 2)}},
		{"truncation across epochs", z(3, 1), 0, zab.SyncPlan{Mode: zab.SyncSnap, From: z(2, 1)}},
		{"extra proposals of epoch 0, nothing shared", z(0, 7), 0, zab.SyncPlan{Mode: zab.SyncTrunc, TruncTo: 0, From: 0}},
	}
	for _, c := range cases {
		if got := zab.DecideSync(c.peerLast, c.base, log, z(2, 1)); got != c.want {
			fatalf(t, "%s: DecideSync(%#x, base %#x) = %+v, want %+v", c.name, c.peerLast, c.base, got, c.want)
		}
	}
}
