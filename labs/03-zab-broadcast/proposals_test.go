//go:build grade

package lab03_test

import (
	"slices"
	"testing"

	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

var z = quorum.MakeZxid

// TestQuorumCounting checks that a quorum is a strict majority of the
// voters, and that only voters count.
//
// Points: 10
// Reference: Zab paper §2 (quorums: any two intersect); docs/reference/zookeeper.md §3; QuorumMaj.containsQuorum
func TestQuorumCounting(t *testing.T) {
	three, five := []int64{1, 2, 3}, []int64{1, 2, 3, 4, 5}
	set := func(ids ...int64) map[int64]bool {
		m := map[int64]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	cases := []struct {
		voters []int64
		acked  map[int64]bool
		want   bool
	}{
		{three, set(), false},
		{three, set(1), false},
		{three, set(1, 3), true},
		{three, set(1, 2, 3), true},
		{three, set(1, 7, 8), false}, // 7 and 8 are not voters
		{five, set(1, 2), false},
		{five, set(2, 4, 5), true},
		{[]int64{4}, set(4), true},
		{[]int64{1, 2, 3, 4}, set(1, 2), false}, // half is not a majority
	}
	for _, c := range cases {
		if got := zab.IsQuorum(c.voters, c.acked); got != c.want {
			fatalf(t, "IsQuorum(%v, %v) = %v, want %v", c.voters, c.acked, got, c.want)
		}
	}
}

// TestCommitNeedsMajority checks that a proposal commits exactly when a
// majority of voters acked it: not before, and an ack from a non-voter or
// a repeated ack does not count.
//
// Points: 10
// Reference: Zab paper §4.3 (Phase 3); Leader.processAck
func TestCommitNeedsMajority(t *testing.T) {
	p := zab.NewProposals([]int64{1, 2, 3, 4, 5}, z(1, 0))
	if err := p.Propose(z(1, 1)); err != nil {
		fatalf(t, "Propose(1,1): %v", err)
	}
	for _, ack := range []int64{1, 1, 9, 2} {
		if got := p.Ack(ack, z(1, 1)); len(got) != 0 {
			fatalf(t, "committed %v after acks from {1, 2} (and 9, and 1 twice) of 5", got)
		}
	}
	if got := p.Ack(4, z(1, 1)); !slices.Equal(got, []int64{z(1, 1)}) {
		fatalf(t, "after 3 of 5 acks: committed %v, want [%#x]", got, z(1, 1))
	}
	if p.LastCommitted() != z(1, 1) || p.Outstanding() != 0 {
		fatalf(t, "LastCommitted %#x, Outstanding %d", p.LastCommitted(), p.Outstanding())
	}
	if got := p.Ack(5, z(1, 1)); len(got) != 0 {
		fatalf(t, "a late ack for a committed zxid committed %v again", got)
	}
}

// TestCommitInZxidOrder checks tryToCommit: a proposal whose quorum is
// complete waits for every earlier one, then they commit together in
// zxid order.
//
// Points: 15
// Reference: Zab paper §3.2 (local primary order); Leader.tryToCommit
func TestCommitInZxidOrder(t *testing.T) {
	p := zab.NewProposals([]int64{1, 2, 3}, z(2, 0))
	for c := int64(1); c <= 3; c++ {
		if err := p.Propose(z(2, c)); err != nil {
			fatalf(t, "Propose(2,%d): %v", c, err)
		}
	}
	if p.LastProposed() != z(2, 3) || p.Outstanding() != 3 {
		fatalf(t, "LastProposed %#x Outstanding %d, want (2,3) and 3", p.LastProposed(), p.Outstanding())
	}
	// Every Ack's answer is checked: (2,3) and then (2,2) reach a quorum
	// first, and neither may commit while (2,1) has none.
	for _, a := range []struct {
		from int64
		zxid int64
	}{{1, z(2, 3)}, {2, z(2, 3)}, {1, z(2, 2)}, {3, z(2, 2)}, {1, z(2, 1)}} {
		if got := p.Ack(a.from, a.zxid); len(got) != 0 {
			fatalf(t, "Ack(%d, %#x) committed %v while (2,1) has no quorum", a.from, a.zxid, got)
		}
	}
	if got := p.Ack(2, z(2, 1)); !slices.Equal(got, []int64{z(2, 1), z(2, 2), z(2, 3)}) {
		fatalf(t, "committed %v, want (2,1) (2,2) (2,3) in order", got)
	}
}

// TestProposeRejectsOldZxid checks that zxids proposed must increase.
//
// Points: 5
// Reference: Zab paper §3.2 (a primary's proposals are totally ordered by zxid)
func TestProposeRejectsOldZxid(t *testing.T) {
	p := zab.NewProposals([]int64{1, 2, 3}, z(1, 5))
	if err := p.Propose(z(1, 5)); err == nil {
		fatalf(t, "Propose of the initial commit point succeeded")
	}
	if err := p.Propose(z(1, 6)); err != nil {
		fatalf(t, "Propose(1,6): %v", err)
	}
	if err := p.Propose(z(1, 6)); err == nil {
		fatalf(t, "proposing (1,6) twice succeeded")
	}
}

// TestDeliveryInOrder checks the follower's queue: commits release logged
// proposals in zxid order, up to and including the committed one, never
// twice, and a commit of a zxid never logged is an error.
//
// Points: 10
// Reference: Zab paper §3.2 (total order); FollowerZooKeeperServer.commit
func TestDeliveryInOrder(t *testing.T) {
	d := zab.NewDelivery(z(1, 2))
	if err := d.Logged(z(1, 2)); err == nil {
		fatalf(t, "logging the already committed (1,2) succeeded")
	}
	for c := int64(3); c <= 6; c++ {
		if err := d.Logged(z(1, c)); err != nil {
			fatalf(t, "Logged(1,%d): %v", c, err)
		}
	}
	got, err := d.Commit(z(1, 4))
	if err != nil || !slices.Equal(got, []int64{z(1, 3), z(1, 4)}) {
		fatalf(t, "Commit(1,4) = %v, %v; want (1,3) (1,4)", got, err)
	}
	if got, err := d.Commit(z(1, 3)); err != nil || len(got) != 0 {
		fatalf(t, "a duplicate commit returned %v, %v", got, err)
	}
	if _, err := d.Commit(z(2, 1)); err == nil {
		fatalf(t, "committing (2,1), never logged, succeeded")
	}
	if got, err := d.Commit(z(1, 6)); err != nil || !slices.Equal(got, []int64{z(1, 5), z(1, 6)}) {
		fatalf(t, "Commit(1,6) = %v, %v", got, err)
	}
	if d.LastCommitted() != z(1, 6) || d.Pending() != 0 {
		fatalf(t, "LastCommitted %#x Pending %d", d.LastCommitted(), d.Pending())
	}
}

// TestDeliveryTruncate checks that TRUNC drops pending proposals above the
// truncation point, and that new ones can be logged after it.
//
// Points: 5
// Reference: docs/reference/zookeeper.md §3 (TRUNC); Learner.syncWithLeader
func TestDeliveryTruncate(t *testing.T) {
	d := zab.NewDelivery(0)
	for c := int64(1); c <= 4; c++ {
		d.Logged(z(1, c))
	}
	d.Truncate(z(1, 2))
	if d.Pending() != 2 {
		fatalf(t, "Pending after Truncate(1,2) = %d, want 2", d.Pending())
	}
	if err := d.Logged(z(2, 1)); err != nil {
		fatalf(t, "Logged(2,1) after the truncation: %v", err)
	}
	if got, err := d.Commit(z(2, 1)); err != nil || !slices.Equal(got, []int64{z(1, 1), z(1, 2), z(2, 1)}) {
		fatalf(t, "Commit(2,1) = %v, %v", got, err)
	}
}
