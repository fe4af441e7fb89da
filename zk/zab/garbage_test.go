package zab_test

import (
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
	"github.com/zkafka/zkafka/zk/zab/zabsim"
)

// TestGarbagePacketsNeverPanic feeds every server of a running ensemble
// random packets (any type, zxid, epoch, missing txns and votes): Step may
// return an error or drop them, but must never panic.
//
// Reference: developing.md ("Bad input never panics").
func TestGarbagePacketsNeverPanic(t *testing.T) {
	r := sim.Rand(t)
	c, err := zabsim.New(r, zabsim.Options{N: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RunTicks(5); err != nil {
		t.Fatal(err)
	}
	types := []quorum.Type{1, 2, 3, 4, 5, 7, 10, 11, 12, 13, 14, 15, 17, 18, 100, 0, 99}
	for i := 0; i < 5000; i++ {
		to := c.IDs[r.IntN(3)]
		m := zab.Packet{
			Type: types[r.IntN(len(types))], From: int64(r.IntN(5)), To: int64(to),
			Zxid: quorum.MakeZxid(int64(r.IntN(4)), int64(r.IntN(5))), Epoch: int64(r.IntN(4)),
			CurrentEpoch: int64(r.IntN(4)) - 1,
		}
		if r.IntN(2) == 0 {
			txn := zabsim.Txn(int64(i))
			txn.Header.Zxid = m.Zxid
			if r.IntN(4) == 0 {
				txn = proto.Txn{}
			}
			m.Txn = &txn
		}
		if r.IntN(2) == 0 {
			m.Note = &quorum.Note{State: quorum.State(r.IntN(4)), Vote: quorum.Vote{Leader: int64(r.IntN(5)), Zxid: m.Zxid, ElectionEpoch: int64(r.IntN(5)), PeerEpoch: int64(r.IntN(3))}}
		}
		if s := c.Server(to); s != nil {
			_ = s.Peer.Step(m)
			if s.Peer.HasReady() {
				rd := s.Peer.Ready()
				s.Peer.Advance(rd)
			}
		}
		if i%50 == 0 {
			if err := c.W.RunFor(10); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestVoteForStrangerIgnored: a notification from a voter that votes for a
// server outside the ensemble is refused, so no peer can end up following
// a non-member (FastLeaderElection.lookForLeader's validVoter check on
// n.leader).
//
// Reference: FastLeaderElection.lookForLeader ("Ignoring notification for
// non-cluster member sid ... or leader").
func TestVoteForStrangerIgnored(t *testing.T) {
	p, err := zab.New(zab.Config{ID: 1, Voters: []int64{1, 2, 3}})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []quorum.State{quorum.Looking, quorum.Following, quorum.Leading} {
		n := zab.Note{State: st, Vote: zab.Vote{Leader: 9, Zxid: 1 << 40, ElectionEpoch: 5, PeerEpoch: 5}}
		if err := p.Step(zab.Packet{Type: quorum.Notification, From: 2, To: 1, Note: &n}); err == nil {
			t.Errorf("%v notification voting for non-member 9 accepted", st)
		}
		if s := p.Status(); s.SoftState.Leader == 9 || s.Vote.Leader == 9 {
			t.Fatalf("peer follows non-member 9 after a %v notification", st)
		}
	}
}
