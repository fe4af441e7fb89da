package zab

import (
	"slices"
	"testing"

	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// Unit tests tied to sentences of the Zab paper (Junqueira, Reed,
// Serafini, "Zab: High-performance broadcast for primary-backup systems",
// DSN 2011) and of ZooKeeper's source, in the style of etcd raft's
// raft_paper_test.go. Whole-ensemble properties are in nemesis_test.go.

var three = []int64{1, 2, 3}

// TestZxidLayout checks that a zxid is epoch<<32 | counter, so that every
// zxid of a later epoch is larger.
//
// Reference: docs/reference/zookeeper.md §3; ZxidUtils.makeZxid.
func TestZxidLayout(t *testing.T) {
	z := quorum.MakeZxid(3, 7)
	if z != 3<<32|7 || quorum.EpochOf(z) != 3 || quorum.CounterOf(z) != 7 {
		t.Fatalf("MakeZxid(3,7) = %#x (epoch %d counter %d)", z, quorum.EpochOf(z), quorum.CounterOf(z))
	}
	if quorum.MakeZxid(2, quorum.MaxCounter) >= quorum.MakeZxid(3, 0) {
		t.Fatal("the last zxid of epoch 2 is not below the first of epoch 3")
	}
}

// TestCommitNeedsQuorum: "the leader commits a proposal once a quorum of
// followers acknowledged it" — one ack of three is not enough, two are.
//
// Reference: Zab paper §4.3 (Phase 3: Broadcast); Leader.processAck.
func TestCommitNeedsQuorum(t *testing.T) {
	p := NewProposals(three, 0)
	z := quorum.MakeZxid(1, 1)
	if err := p.Propose(z); err != nil {
		t.Fatal(err)
	}
	if got := p.Ack(1, z); len(got) != 0 {
		t.Fatalf("committed %v after 1 of 3 acks", got)
	}
	if got := p.Ack(1, z); len(got) != 0 {
		t.Fatalf("a duplicate ack counted: committed %v", got)
	}
	if got := p.Ack(9, z); len(got) != 0 {
		t.Fatalf("an ack from non-voter 9 counted: committed %v", got)
	}
	if got := p.Ack(3, z); !slices.Equal(got, []int64{z}) {
		t.Fatalf("after 2 of 3 acks committed %v, want [%#x]", got, z)
	}
}

// TestCommitInOrder: a proposal whose quorum completes first still waits
// for every earlier one ("in order to commit, the previous proposal must
// be committed"), then both commit together, in zxid order.
//
// Reference: Zab paper §3.2 (local primary order); Leader.tryToCommit.
func TestCommitInOrder(t *testing.T) {
	p := NewProposals(three, quorum.MakeZxid(1, 0))
	a, b := quorum.MakeZxid(1, 1), quorum.MakeZxid(1, 2)
	p.Propose(a)
	p.Propose(b)
	p.Ack(1, b)
	if got := p.Ack(2, b); len(got) != 0 {
		t.Fatalf("committed %v before the earlier proposal", got)
	}
	p.Ack(1, a)
	if got := p.Ack(2, a); !slices.Equal(got, []int64{a, b}) {
		t.Fatalf("committed %v, want [a b] in order", got)
	}
	if p.Outstanding() != 0 || p.LastCommitted() != b {
		t.Fatalf("outstanding %d, last committed %#x", p.Outstanding(), p.LastCommitted())
	}
	if err := p.Propose(a); err == nil {
		t.Fatal("proposing an old zxid again succeeded")
	}
}

// TestDeliveryInOrder: a follower delivers logged proposals in zxid order
// up to the committed one, never twice, and refuses to commit a zxid it
// never logged.
//
// Reference: Zab paper §3.2 (total order); FollowerZooKeeperServer.commit.
func TestDeliveryInOrder(t *testing.T) {
	d := NewDelivery(0)
	for c := int64(1); c <= 3; c++ {
		if err := d.Logged(quorum.MakeZxid(1, c)); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Logged(quorum.MakeZxid(1, 2)); err == nil {
		t.Fatal("logging an older zxid succeeded")
	}
	got, err := d.Commit(quorum.MakeZxid(1, 2))
	if err != nil || !slices.Equal(got, []int64{quorum.MakeZxid(1, 1), quorum.MakeZxid(1, 2)}) {
		t.Fatalf("Commit(1,2) = %v, %v", got, err)
	}
	if got, _ := d.Commit(quorum.MakeZxid(1, 1)); len(got) != 0 {
		t.Fatalf("a duplicate commit delivered %v", got)
	}
	if _, err := d.Commit(quorum.MakeZxid(1, 9)); err == nil {
		t.Fatal("committing a zxid never logged succeeded")
	}
	d.Truncate(quorum.MakeZxid(1, 2))
	if d.Pending() != 0 {
		t.Fatalf("%d pending after truncating to the commit point", d.Pending())
	}
}

// TestTotalOrderPredicate checks FastLeaderElection.totalOrderPredicate:
// epoch first, then zxid, then the larger server id.
//
// Reference: docs/reference/zookeeper.md §3 (FLE); FastLeaderElection.totalOrderPredicate.
func TestTotalOrderPredicate(t *testing.T) {
	v := func(id, zxid, epoch int64) quorum.Vote { return quorum.Vote{Leader: id, Zxid: zxid, PeerEpoch: epoch} }
	cases := []struct {
		a, b quorum.Vote
		want bool
		why  string
	}{
		{v(1, 5, 2), v(3, 9, 1), true, "higher epoch wins over a higher zxid"},
		{v(1, 9, 1), v(3, 5, 1), true, "same epoch: higher zxid wins over a higher id"},
		{v(3, 5, 1), v(2, 5, 1), true, "same epoch and zxid: larger id wins"},
		{v(2, 5, 1), v(3, 5, 1), false, "smaller id loses the tie"},
		{v(2, 5, 1), v(2, 5, 1), false, "a vote does not beat itself"},
	}
	for _, c := range cases {
		if got := TotalOrder(c.a, c.b); got != c.want {
			t.Errorf("TotalOrder(%v, %v) = %v: %s", c.a, c.b, got, c.why)
		}
	}
}

// TestDecideSync checks LearnerHandler.syncFollower's choices.
//
// Reference: docs/reference/zookeeper.md §3 (Synchronization); LearnerHandler.syncFollower,
// queueCommittedProposals ("We cannot send TRUNC that cross epoch boundary").
func TestDecideSync(t *testing.T) {
	z := quorum.MakeZxid
	log := []int64{z(1, 1), z(1, 2), z(1, 3), z(2, 1), z(2, 2)}
	cases := []struct {
		name     string
		peerLast int64
		base     int64
		want     SyncPlan
	}{
		{"up to date", z(2, 2), 0, SyncPlan{Mode: SyncDiff, From: z(2, 2)}},
		{"behind, in the log", z(1, 2), 0, SyncPlan{Mode: SyncDiff, From: z(1, 2)}},
		{"empty follower", 0, 0, SyncPlan{Mode: SyncDiff, From: 0}},
		{"older than the in-memory log", z(1, 1), z(1, 2), SyncPlan{Mode: SyncSnap, From: z(2, 1)}},
		{"extra proposal of the same epoch", z(1, 4), 0, SyncPlan{Mode: SyncTrunc, TruncTo: z(1, 3), From: z(1, 3)}},
		{"ahead of the leader, same epoch", z(2, 5), 0, SyncPlan{Mode: SyncTrunc, TruncTo: z(2, 2), From: z(2, 2)}},
		{"a truncation would cross epochs", z(3, 1), 0, SyncPlan{Mode: SyncSnap, From: z(2, 1)}},
	}
	for _, c := range cases {
		if got := DecideSync(c.peerLast, c.base, log, z(2, 1)); got != c.want {
			t.Errorf("%s: DecideSync(%#x) = %+v, want %+v", c.name, c.peerLast, got, c.want)
		}
	}
}

// TestElectionPicksBestVote: three LOOKING peers exchange notifications;
// all decide on the peer with the highest (epoch, zxid, id), here the one
// with the longest log rather than the largest id.
//
// Reference: docs/reference/zookeeper.md §3 (FLE); FastLeaderElection.lookForLeader.
func TestElectionPicksBestVote(t *testing.T) {
	last := map[int64]int64{1: quorum.MakeZxid(1, 7), 2: quorum.MakeZxid(1, 9), 3: quorum.MakeZxid(1, 8)}
	es := map[int64]*Election{}
	var queue []quorum.Packet
	for _, id := range three {
		es[id] = NewElection(id, three, 1, 2)
		queue = append(queue, es[id].Start(last[id], 1)...)
	}
	decided := map[int64]quorum.Vote{}
	for round := 0; round < 10 && len(decided) < 3; round++ {
		for len(queue) > 0 {
			m := queue[0]
			queue = queue[1:]
			out, v := es[m.To].Receive(m.From, *m.Note)
			queue = append(queue, out...)
			if v != nil {
				decided[m.To] = *v
			}
		}
		for _, id := range three {
			out, v := es[id].Tick()
			queue = append(queue, out...)
			if v != nil {
				decided[id] = *v
			}
		}
	}
	for _, id := range three {
		if v, ok := decided[id]; !ok || v.Leader != 2 {
			t.Fatalf("server %d decided %v (ok=%v), want leader 2 (longest log)", id, v, ok)
		}
	}
}
