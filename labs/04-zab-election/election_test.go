//go:build grade

package lab04_test

import (
	"testing"

	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

var z = quorum.MakeZxid

func vote(id, zxid, epoch int64) quorum.Vote {
	return quorum.Vote{Leader: id, Zxid: zxid, PeerEpoch: epoch}
}

// TestVoteOrder checks FastLeaderElection.totalOrderPredicate: "1- New
// epoch is higher 2- New epoch is the same as current epoch, but new zxid
// is higher 3- New epoch is the same as current epoch, new zxid is the
// same as current zxid, but server id is higher."
//
// Points: 15
// Reference: docs/reference/zookeeper.md §3 (FLE); FastLeaderElection.totalOrderPredicate
func TestVoteOrder(t *testing.T) {
	cases := []struct {
		a, b quorum.Vote
		want bool
	}{
		{vote(1, z(1, 5), 2), vote(3, z(1, 9), 1), true},
		{vote(3, z(1, 9), 1), vote(1, z(1, 5), 2), false},
		{vote(1, z(1, 9), 1), vote(3, z(1, 5), 1), true},
		{vote(3, z(1, 5), 1), vote(1, z(1, 9), 1), false},
		{vote(3, z(1, 5), 1), vote(2, z(1, 5), 1), true},
		{vote(2, z(1, 5), 1), vote(3, z(1, 5), 1), false},
		{vote(2, z(1, 5), 1), vote(2, z(1, 5), 1), false},
	}
	for _, c := range cases {
		if got := zab.TotalOrder(c.a, c.b); got != c.want {
			fatalf(t, "TotalOrder(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// run pumps notifications between elections until all decide (or give up
// after 20 ticks); down servers' packets are dropped.
func run(es map[int64]*zab.Election, queue []quorum.Packet, down map[int64]bool) map[int64]quorum.Vote {
	decided := map[int64]quorum.Vote{}
	for tick := 0; tick < 20; tick++ {
		for len(queue) > 0 {
			m := queue[0]
			queue = queue[1:]
			if down[m.To] || down[m.From] || m.Note == nil {
				continue
			}
			out, v := es[m.To].Receive(m.From, *m.Note)
			queue = append(queue, out...)
			if v != nil {
				decided[m.To] = *v
			}
		}
		for id, e := range es {
			if down[id] {
				continue
			}
			out, v := e.Tick()
			queue = append(queue, out...)
			if v != nil {
				decided[id] = *v
			}
		}
	}
	return decided
}

// TestElectionPicksBestVote: five LOOKING servers with different logs all
// decide on the one with the highest (epoch, zxid, id).
//
// Points: 10
// Reference: docs/reference/zookeeper.md §3 (FLE); FastLeaderElection.lookForLeader
func TestElectionPicksBestVote(t *testing.T) {
	ids := []int64{1, 2, 3, 4, 5}
	last := map[int64][2]int64{1: {z(2, 3), 2}, 2: {z(2, 7), 2}, 3: {z(3, 0), 2}, 4: {z(2, 7), 2}, 5: {z(1, 9), 1}}
	es := map[int64]*zab.Election{}
	var queue []quorum.Packet
	for _, id := range ids {
		es[id] = zab.NewElection(id, ids, 1, 2)
		queue = append(queue, es[id].Start(last[id][0], last[id][1])...)
	}
	decided := run(es, queue, nil)
	for _, id := range ids {
		if v, ok := decided[id]; !ok || v.Leader != 3 {
			fatalf(t, "server %d decided %v (decided=%v); want leader 3 (zxid (3,0))", id, v, ok)
		}
	}
}

// TestElectionTieGoesToLargerID: equal logs, one server down; the
// remaining majority elects the largest live id.
//
// Points: 5
// Reference: DESIGN.md ("ties go to the larger sid"); FastLeaderElection.totalOrderPredicate
func TestElectionTieGoesToLargerID(t *testing.T) {
	ids := []int64{1, 2, 3}
	es := map[int64]*zab.Election{}
	var queue []quorum.Packet
	for _, id := range ids {
		es[id] = zab.NewElection(id, ids, 1, 2)
		queue = append(queue, es[id].Start(z(1, 4), 1)...)
	}
	decided := run(es, queue, map[int64]bool{3: true})
	for _, id := range []int64{1, 2} {
		if v, ok := decided[id]; !ok || v.Leader != 2 {
			fatalf(t, "server %d decided %v (decided=%v); want leader 2", id, v, ok)
		}
	}
}

// TestElectionJoinsEstablishedEnsemble: a restarted server hears
// FOLLOWING/LEADING notifications; it follows once a majority agree on
// the leader and the leader itself says LEADING — not before.
//
// Points: 10
// Reference: FastLeaderElection.lookForLeader (outofelection, checkLeader)
func TestElectionJoinsEstablishedEnsemble(t *testing.T) {
	ids := []int64{1, 2, 3, 4, 5}
	e := zab.NewElection(1, ids, 1, 2)
	e.Start(0, 0)
	lead := quorum.Vote{Leader: 4, Zxid: z(3, 2), ElectionEpoch: 7, PeerEpoch: 3}
	note := func(s quorum.State) quorum.Note { return quorum.Note{State: s, Vote: lead} }
	if _, v := e.Receive(2, note(quorum.Following)); v != nil {
		fatalf(t, "decided %v after one FOLLOWING note", *v)
	}
	if _, v := e.Receive(3, note(quorum.Following)); v != nil {
		fatalf(t, "decided %v after two FOLLOWING notes of five voters (no majority)", *v)
	}
	if _, v := e.Receive(5, note(quorum.Following)); v != nil {
		fatalf(t, "decided %v before leader 4 itself said LEADING", *v)
	}
	_, v := e.Receive(4, note(quorum.Leading))
	if v == nil || v.Leader != 4 {
		fatalf(t, "after a majority following 4 and 4 LEADING: decided %v, want leader 4", v)
	}
	if e.Clock() != 7 {
		fatalf(t, "logical clock %d after joining round 7", e.Clock())
	}
}

// TestElectionNewerRound: a notification of a newer round makes the peer
// jump to that round, forget older votes and notify everyone again.
//
// Points: 5
// Reference: FastLeaderElection.lookForLeader ("n.electionEpoch > logicalclock")
func TestElectionNewerRound(t *testing.T) {
	ids := []int64{1, 2, 3}
	e := zab.NewElection(1, ids, 1, 2)
	e.Start(z(1, 1), 1)
	out, v := e.Receive(2, quorum.Note{State: quorum.Looking, Vote: quorum.Vote{Leader: 2, Zxid: z(1, 5), ElectionEpoch: 4, PeerEpoch: 1}})
	if v != nil {
		fatalf(t, "decided %v on one vote", *v)
	}
	if e.Clock() != 4 {
		fatalf(t, "clock %d, want 4 (the newer round)", e.Clock())
	}
	if p := e.Proposal(); p.Leader != 2 || p.ElectionEpoch != 4 {
		fatalf(t, "proposal %v, want server 2's better vote in round 4", p)
	}
	if len(out) != 2 {
		fatalf(t, "sent %d notifications, want 2 (to 2 and 3)", len(out))
	}
}

// TestFinalizeWait: with a majority agreeing, the peer still waits
// FinalizeWait ticks for a better vote before deciding.
//
// Points: 5
// Reference: docs/reference/zookeeper.md §3 (finalizeWait); FastLeaderElection.lookForLeader
func TestFinalizeWait(t *testing.T) {
	ids := []int64{1, 2, 3}
	e := zab.NewElection(3, ids, 2, 5)
	e.Start(z(1, 9), 1)
	if _, v := e.Receive(1, quorum.Note{State: quorum.Looking, Vote: quorum.Vote{Leader: 3, Zxid: z(1, 9), ElectionEpoch: 1, PeerEpoch: 1}}); v != nil {
		fatalf(t, "decided at once; the finalize wait is 2 ticks")
	}
	if _, v := e.Tick(); v != nil {
		fatalf(t, "decided after 1 tick; the finalize wait is 2 ticks")
	}
	if _, v := e.Tick(); v == nil || v.Leader != 3 {
		fatalf(t, "after 2 ticks decided %v, want leader 3", v)
	}
}
