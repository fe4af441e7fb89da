package zab_test

import (
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/zab/zabsim"
)

// TestFollowerRejoinsWithinEpoch: when a follower of the established
// epoch loses its connection (or restarts) and comes back, the leader
// resynchronizes it in place — same leader, same epoch, no election — and
// the follower catches up on what it missed. The follower announces that it
// already accepted this epoch with ACKEPOCH(-1), which does not count
// toward establishing an epoch (Leader.waitForEpochAck), so two leaders
// can never establish the same epoch this way.
//
// Reference: docs/reference/zookeeper.md §3 phase 1 ("data -1 if it already accepted
// this epoch"); Learner.registerWithLeader; LearnerHandler.run.
func TestFollowerRejoinsWithinEpoch(t *testing.T) {
	r := sim.Rand(t)
	c, err := zabsim.New(r, zabsim.Options{N: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Recover(400); err != nil {
		t.Fatal(err)
	}
	leader := c.Leader()
	epoch := c.Role(leader).Epoch
	var follower sim.NodeID
	for _, id := range c.IDs {
		if id != leader {
			follower = id
			break
		}
	}
	c.Write(leader)
	if err := c.Settle(); err != nil {
		t.Fatal(err)
	}

	// A connection reset, a write the follower misses, then the rejoin.
	c.W.Break(leader, follower)
	c.W.Cut(leader, follower)
	c.W.Cut(follower, leader)
	c.Write(leader)
	if err := c.RunTicks(3); err != nil {
		t.Fatal(err)
	}
	c.W.Heal()
	if err := c.Recover(400); err != nil {
		t.Fatal(c.Report(err))
	}
	if got := c.Leader(); got != leader || c.Role(got).Epoch != epoch {
		t.Fatalf("after a follower rejoined, leader %d epoch %d; want leader %d epoch %d (no election)\n%s",
			got, c.Role(got).Epoch, leader, epoch, c.Report(nil))
	}

	// A follower restart is the same story.
	c.W.Crash(follower)
	c.Write(leader)
	if err := c.RunTicks(3); err != nil {
		t.Fatal(err)
	}
	if err := c.W.Restart(follower); err != nil {
		t.Fatal(err)
	}
	if err := c.Recover(400); err != nil {
		t.Fatal(c.Report(err))
	}
	if got := c.Leader(); got != leader || c.Role(got).Epoch != epoch {
		t.Fatalf("after a follower restarted, leader %d epoch %d; want leader %d epoch %d\n%s",
			got, c.Role(got).Epoch, leader, epoch, c.Report(nil))
	}
	if err := c.Err(); err != nil {
		t.Fatal(c.Report(err))
	}
}
