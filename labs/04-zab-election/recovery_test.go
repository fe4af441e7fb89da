//go:build grade

package lab04_test

import (
	"fmt"
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/zab/zabsim"
)

// TestLeaderCrashKeepsCommitted commits writes, crashes the leader, and
// checks that a new leader is elected in a later epoch and that every
// committed write survives on every server.
//
// Points: 10
// Reference: Zab paper §4 (Phases 1-2), "a new leader's history contains every committed proposal"; docs/reference/zookeeper.md §3
func TestLeaderCrashKeepsCommitted(t *testing.T) {
	c := newCluster(t, sim.Rand(t), 3)
	old := established(t, c)
	oldEpoch := c.Role(old).Epoch
	for i := 0; i < 5; i++ {
		c.Write(old)
	}
	runTicks(t, c, 1)
	committed := c.Committed()
	if len(committed) != 5 {
		clusterFatal(t, c, "%d of 5 writes committed before the crash", len(committed))
	}
	c.W.Crash(old)
	runTicks(t, c, 15)
	n := c.Leader()
	if n == 0 || n == old {
		clusterFatal(t, c, "no new leader after the crash (leader: %d)", n)
	}
	if e := c.Role(n).Epoch; e <= oldEpoch {
		clusterFatal(t, c, "new leader's epoch %d is not after %d", e, oldEpoch)
	}
	if err := c.Recover(100); err != nil {
		clusterFatal(t, c, "%v", err)
	}
	for _, id := range c.IDs {
		if got := fmt.Sprint(head(c.Applied(id), 5)); got != fmt.Sprint(committed) {
			clusterFatal(t, c, "server %d's first writes are %s, want %s", id, got, committed)
		}
	}
}

// TestDivergentProposalTruncated: a leader cut off from its followers
// logs a proposal no one else has; the others move on in a new epoch. When
// it rejoins, its log is truncated (TRUNC or SNAP) and it agrees with the
// rest; the divergent proposal never commits.
//
// Points: 10
// Reference: Zab paper §4.2 (Phase 2); docs/reference/zookeeper.md §3 (TRUNC, "never across epochs")
func TestDivergentProposalTruncated(t *testing.T) {
	c := newCluster(t, sim.Rand(t), 3)
	old := established(t, c)
	c.Write(old)
	runTicks(t, c, 1)
	c.W.Isolate(old)
	lost := c.Write(old)
	c.Flush(old)
	if lost == 0 {
		clusterFatal(t, c, "the isolated leader refused the write before noticing")
	}
	runTicks(t, c, 15)
	n := c.Leader()
	if n == 0 || n == old {
		clusterFatal(t, c, "no new leader on the majority side")
	}
	c.Write(n)
	runTicks(t, c, 1)
	if err := c.Recover(100); err != nil {
		clusterFatal(t, c, "%v", err)
	}
	for _, w := range c.Committed() {
		if w.ID == lost {
			clusterFatal(t, c, "the divergent write w%d committed", lost)
		}
	}
	if c.Stats["trunc"]+c.Stats["snap"] == 0 {
		clusterFatal(t, c, "the old leader rejoined without TRUNC or SNAP")
	}
}

// TestMinorityElectsNoLeader partitions a 5-server ensemble 2 | 3: the
// minority never establishes a leader; the majority does.
//
// Points: 5
// Reference: Zab paper §4 (quorums); docs/reference/zookeeper.md §5 (CP: available with a majority)
func TestMinorityElectsNoLeader(t *testing.T) {
	c := newCluster(t, sim.Rand(t), 5)
	c.W.Partition("1 5 | 2 3 4")
	for i := 0; i < 30; i++ {
		runTicks(t, c, 1)
		for _, id := range []sim.NodeID{1, 5} {
			if r := c.Role(id); r.Serving {
				clusterFatal(t, c, "server %d in the minority serves: %v", id, r)
			}
		}
	}
	if l := c.Leader(); l != 2 && l != 3 && l != 4 {
		clusterFatal(t, c, "the majority has no leader (leader: %d)", l)
	}
}

// TestRecoveryNemesis runs 40 seeded schedules of partitions, crashes
// (losing unsynced data) and restarts, checking the paper's properties
// (zk/zab/zabcheck) and that the ensemble recovers once healed.
//
// Points: 10
// Reference: Zab paper §3.2, §4; docs/reference/zookeeper.md §3
func TestRecoveryNemesis(t *testing.T) {
	for i := 0; i < 40; i++ {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			r := sim.Rand(t)
			c := newCluster(t, r, 3+2*r.IntN(2))
			if err := c.Schedule(1000, []int64{40, 150}[r.IntN(2)]); err != nil {
				clusterFatal(t, c, "%v", err)
			}
		})
	}
}

// head is the first n writes of ws (all of them if fewer).
func head(ws []zabsim.Write, n int) []zabsim.Write { return ws[:min(n, len(ws))] }
