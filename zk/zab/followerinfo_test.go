package zab_test

import (
	"testing"

	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// TestFollowerInfoIsResent: a follower decides its leader before the
// leader itself has (the leader is still in its finalize wait, or still
// LOOKING), so its first FOLLOWERINFO meets a peer that drops it. The
// follower must keep asking while it waits for LEADERINFO, as ZooKeeper's
// learner keeps retrying its connection to the leader
// (Learner.connectToLeader), instead of waiting out initLimit and
// starting a new election.
//
// Reference: docs/reference/zookeeper.md §3 phase 1 (discovery); Learner.connectToLeader.
func TestFollowerInfoIsResent(t *testing.T) {
	p, err := zab.New(zab.Config{ID: 1, Voters: []int64{1, 2, 3}, InitLimit: 10, ResendEvery: 2})
	if err != nil {
		t.Fatal(err)
	}
	drain := func() []zab.Packet {
		if !p.HasReady() {
			return nil
		}
		rd := p.Ready()
		p.Advance(rd)
		return rd.Messages
	}
	drain()
	// Servers 2 and 3 both vote for 3: with our own vote lost, a quorum
	// for 3 stands and we follow it.
	for _, from := range []int64{2, 3} {
		n := zab.Note{State: quorum.Looking, Vote: zab.Vote{Leader: 3, ElectionEpoch: 1}}
		if err := p.Step(zab.Packet{Type: quorum.Notification, From: from, To: 1, Note: &n}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 3 && p.Status().SoftState.State != quorum.Following; i++ {
		p.Tick() // the finalize wait
		drain()
	}
	if s := p.Status().SoftState; s.State != quorum.Following || s.Leader != 3 {
		t.Fatalf("not following 3: %v", s)
	}
	// Whatever FOLLOWERINFO went out so far is lost. Within initLimit the
	// follower must ask again.
	sent := 0
	for i := 0; i < 8; i++ {
		p.Tick()
		for _, m := range drain() {
			if m.Type == quorum.FollowerInfo && m.To == 3 {
				sent++
			}
		}
	}
	if sent == 0 {
		t.Fatal("no FOLLOWERINFO resent in 8 ticks of waiting for LEADERINFO")
	}
	if s := p.Status().SoftState; s.State != quorum.Following {
		t.Fatalf("gave up on the leader: %v", s)
	}
}
