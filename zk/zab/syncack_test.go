package zab_test

import (
	"testing"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// scripted drives one Peer by hand: the test plays every other server.
// Each Ready is "carried out" at once (Advance), and its parts are kept.
type scripted struct {
	t   *testing.T
	p   *zab.Peer
	rds []zab.Ready
}

func newScripted(t *testing.T, id int64) *scripted {
	t.Helper()
	p, err := zab.New(zab.Config{ID: id, Voters: []int64{1, 2, 3}, InitLimit: 10, SyncLimit: 5})
	if err != nil {
		t.Fatal(err)
	}
	s := &scripted{t: t, p: p}
	s.drain()
	return s
}

// drain carries out every pending Ready and returns their messages.
func (s *scripted) drain() []zab.Packet {
	var out []zab.Packet
	for s.p.HasReady() {
		rd := s.p.Ready()
		s.rds = append(s.rds, rd)
		out = append(out, rd.Messages...)
		s.p.Advance(rd)
	}
	return out
}

func (s *scripted) step(m zab.Packet) {
	s.t.Helper()
	m.To = s.p.ID()
	if err := s.p.Step(m); err != nil {
		s.t.Fatalf("Step(%v): %v", m, err)
	}
}

// elect makes the peer decide that leader leads: both others vote for it.
func (s *scripted) elect(leader int64) {
	s.t.Helper()
	for _, from := range []int64{1, 2, 3} {
		if from == s.p.ID() {
			continue
		}
		n := zab.Note{State: quorum.Looking, Vote: zab.Vote{Leader: leader, ElectionEpoch: 1}}
		s.step(zab.Packet{Type: quorum.Notification, From: from, Note: &n})
	}
	for i := 0; i < 5 && s.p.Status().SoftState.State == quorum.Looking; i++ {
		s.p.Tick()
		s.drain()
	}
	if st := s.p.Status().SoftState; st.Leader != leader {
		s.t.Fatalf("did not settle on leader %d: %v", leader, st)
	}
	s.drain()
}

func acks(ms []zab.Packet) []int64 {
	var out []int64
	for _, m := range ms {
		if m.Type == quorum.Ack {
			out = append(out, m.Zxid)
		}
	}
	return out
}

func proposalTxn(z int64) *proto.Txn {
	return &proto.Txn{Header: proto.TxnHeader{ClientID: 1, Cxid: int32(quorum.CounterOf(z)), Zxid: z, Type: proto.OpSetData},
		Record: &proto.SetDataTxn{Path: "/x", Data: []byte("w"), Version: 1}}
}

// TestFollowerAcksNoProposalBeforeNewLeader: a follower that is still
// synchronizing logs the PROPOSALs its leader forwards, but ACKs none of
// them until it has handled NEWLEADER; then, in the same Ready that makes
// the synced txns durable and sets currentEpoch, the NEWLEADER ack leaves
// first and the held ACKs follow it.
//
// Without this, a follower rejoining epoch e with currentEpoch e-1 could
// complete a quorum for a txn its vote does not carry: the leader commits
// it, dies before NEWLEADER reaches the follower, and a server with
// currentEpoch e and a shorter log wins and TRUNCs the txn away — an
// acknowledged write lost.
//
// Reference: docs/reference/zookeeper.md §3 phase 2; Learner.syncWithLeader
// (packetsNotLogged, NEWLEADER), ZOOKEEPER-4643/4646 (ZooKeeper 3.9.3).
func TestFollowerAcksNoProposalBeforeNewLeader(t *testing.T) {
	f := newScripted(t, 2)
	f.elect(3)
	epoch := int64(1)
	f.step(zab.Packet{Type: quorum.LeaderInfo, From: 3, Zxid: quorum.MakeZxid(epoch, 0), Epoch: epoch})
	f.drain()
	w1, w2 := quorum.MakeZxid(epoch, 1), quorum.MakeZxid(epoch, 2)
	f.step(zab.Packet{Type: quorum.Diff, From: 3, Zxid: w1, Epoch: epoch})
	f.step(zab.Packet{Type: quorum.Proposal, From: 3, Zxid: w1, Epoch: epoch, Txn: proposalTxn(w1)})
	if got := acks(f.drain()); len(got) != 0 {
		t.Fatalf("ACKed %v while still syncing (before NEWLEADER)", got)
	}
	// A proposal of the running epoch, forwarded while we sync.
	f.step(zab.Packet{Type: quorum.Proposal, From: 3, Zxid: w2, Epoch: epoch, Txn: proposalTxn(w2)})
	f.step(zab.Packet{Type: quorum.NewLeader, From: 3, Zxid: quorum.MakeZxid(epoch, 0), Epoch: epoch})
	if !f.p.HasReady() {
		t.Fatal("no Ready after NEWLEADER")
	}
	rd := f.p.Ready()
	f.p.Advance(rd)
	if rd.Epochs == nil || rd.Epochs.Current != epoch {
		t.Fatalf("the NEWLEADER Ready does not persist currentEpoch %d: %+v", epoch, rd.Epochs)
	}
	if len(rd.Entries) != 1 || rd.Entries[0].Zxid != w2 {
		t.Fatalf("the NEWLEADER Ready should make w2 durable before it is acked: entries %v", rd.Entries)
	}
	got := acks(rd.Messages)
	want := []int64{quorum.MakeZxid(epoch, 0), w1, w2}
	if len(got) != len(want) {
		t.Fatalf("ACKs after NEWLEADER = %#x, want %#x (the NEWLEADER ack first)", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ACKs after NEWLEADER = %#x, want %#x (the NEWLEADER ack first)", got, want)
		}
	}
}

// TestLeaderCountsNoAckFromASyncingLearner: an established leader must
// not count an ACK from a learner that has not acked NEWLEADER yet (its
// currentEpoch is older than the epoch it would be vouching for).
//
// Reference: docs/reference/zookeeper.md §3 phase 2; LearnerHandler (ACKs are processed
// once the learner is synced), Leader.processAck.
func TestLeaderCountsNoAckFromASyncingLearner(t *testing.T) {
	l := newScripted(t, 3)
	l.elect(3)
	// Server 1 joins: FOLLOWERINFO, ACKEPOCH, NEWLEADER ack: established.
	l.step(zab.Packet{Type: quorum.FollowerInfo, From: 1, Zxid: 0})
	l.drain()
	epoch := l.p.Status().SoftState.Epoch
	l.step(zab.Packet{Type: quorum.AckEpoch, From: 1, Zxid: 0, Epoch: epoch, CurrentEpoch: 0})
	l.drain()
	l.step(zab.Packet{Type: quorum.Ack, From: 1, Zxid: quorum.MakeZxid(epoch, 0), Epoch: epoch})
	l.drain()
	if st := l.p.Status().SoftState; !st.Serving {
		t.Fatalf("leader not established: %v", st)
	}
	// Server 1 goes away; server 2 joins late and is syncing.
	l.p.Disconnected(1)
	l.step(zab.Packet{Type: quorum.FollowerInfo, From: 2, Zxid: 0})
	l.drain()
	l.step(zab.Packet{Type: quorum.AckEpoch, From: 2, Zxid: 0, Epoch: epoch, CurrentEpoch: 0})
	l.drain()
	z, err := l.p.Propose(*proposalTxn(0))
	if err != nil {
		t.Fatal(err)
	}
	l.drain() // the leader's own ack: 1 of 3
	// The syncing learner's ACK (a follower that ACKs too early) must not
	// complete the quorum.
	l.step(zab.Packet{Type: quorum.Ack, From: 2, Zxid: z, Epoch: epoch})
	l.drain()
	if c := l.p.Status().Committed; c >= z {
		t.Fatalf("committed %#x on an ACK from a learner that has not acked NEWLEADER", c)
	}
	// Once it acks NEWLEADER, its ACK counts.
	l.step(zab.Packet{Type: quorum.Ack, From: 2, Zxid: quorum.MakeZxid(epoch, 0), Epoch: epoch})
	l.step(zab.Packet{Type: quorum.Ack, From: 2, Zxid: z, Epoch: epoch})
	l.drain()
	if c := l.p.Status().Committed; c != z {
		t.Fatalf("committed %#x after the synced learner's ACK, want %#x", c, z)
	}
}

// TestFollowerReacksItsLoggedProposalsAfterARejoin: a follower's ACK of a
// proposal is lost with its connection; it rejoins the same leader, whose
// DIFF starts after its last zxid, so the proposal is not sent again. The
// follower ACKs it again with its NEWLEADER ack: the leader commits in
// order, and without that ACK nothing it proposes afterwards commits
// until enough others acked the lost one (found by TestNemesis: a
// 5-server ensemble that acked every new proposal and committed none,
// after two followers' ACKs were dropped).
//
// Reference: LearnerHandler.syncFollower (a learner ahead of the
// leader's committed log is TRUNCated to it) and Leader.startForwarding
// (the outstanding proposals are forwarded again): ZooKeeper gets its
// ACKs back the same way; docs/reference/zookeeper.md §3 phase 3.
func TestFollowerReacksItsLoggedProposalsAfterARejoin(t *testing.T) {
	f := newScripted(t, 2)
	f.elect(3)
	epoch := int64(1)
	f.step(zab.Packet{Type: quorum.LeaderInfo, From: 3, Zxid: quorum.MakeZxid(epoch, 0), Epoch: epoch})
	f.step(zab.Packet{Type: quorum.Diff, From: 3, Zxid: 0, Epoch: epoch})
	f.step(zab.Packet{Type: quorum.NewLeader, From: 3, Zxid: quorum.MakeZxid(epoch, 0), Epoch: epoch})
	f.step(zab.Packet{Type: quorum.UpToDate, From: 3, Zxid: 0, Epoch: epoch})
	f.drain()
	w1 := quorum.MakeZxid(epoch, 1)
	f.step(zab.Packet{Type: quorum.Proposal, From: 3, Zxid: w1, Epoch: epoch, Txn: proposalTxn(w1)})
	if got := acks(f.drain()); len(got) != 1 || got[0] != w1 {
		t.Fatalf("ACKs of w1 = %#x, want [%#x]", got, w1)
	}
	// The connection breaks with the ACK in flight; 1 and 3 are still
	// following and leading in epoch 1.
	f.p.Disconnected(3)
	f.drain()
	for from, st := range map[int64]zab.State{1: quorum.Following, 3: quorum.Leading} {
		n := zab.Note{State: st, Vote: zab.Vote{Leader: 3, ElectionEpoch: 1}}
		f.step(zab.Packet{Type: quorum.Notification, From: from, Note: &n})
	}
	f.drain()
	if st := f.p.Status().SoftState; st.State != quorum.Following || st.Leader != 3 {
		t.Fatalf("did not rejoin leader 3: %v", st)
	}
	f.step(zab.Packet{Type: quorum.LeaderInfo, From: 3, Zxid: quorum.MakeZxid(epoch, 0), Epoch: epoch})
	f.drain()
	f.step(zab.Packet{Type: quorum.Diff, From: 3, Zxid: w1, Epoch: epoch}) // nothing to send: it has w1
	f.step(zab.Packet{Type: quorum.NewLeader, From: 3, Zxid: quorum.MakeZxid(epoch, 0), Epoch: epoch})
	got := acks(f.drain())
	want := []int64{quorum.MakeZxid(epoch, 0), w1}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("ACKs after the rejoin's NEWLEADER = %#x, want %#x (w1's ACK again)", got, want)
	}
}
