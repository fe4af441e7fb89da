//go:build grade

package lab03_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
)

// TestEnsembleCommitsEverywhere runs a 3-server ensemble in the simulator:
// writes submitted at the leader and at followers (forwarded as REQUEST)
// commit, and every server applies the same writes in zxid order.
//
// Points: 15
// Reference: Zab paper §3.2 (integrity, total order, agreement); docs/reference/zookeeper.md §3 (Broadcast)
func TestEnsembleCommitsEverywhere(t *testing.T) {
	c := newCluster(t, sim.Rand(t), 3)
	l := established(t, c)
	for i := 0; i < 12; i++ {
		if c.Write(c.IDs[i%3]) == 0 {
			clusterFatal(t, c, "server %d refused write %d", c.IDs[i%3], i+1)
		}
		if err := c.W.RunFor(1); err != nil { // writes overlap in flight
			clusterFatal(t, c, "%v", err)
		}
	}
	runTicks(t, c, 3)
	if err := c.Err(); err != nil {
		clusterFatal(t, c, "%v", err)
	}
	seq := c.Committed()
	if len(seq) != 12 {
		clusterFatal(t, c, "leader %d: %d of 12 writes committed", l, len(seq))
	}
	for _, id := range c.IDs {
		if got := c.Applied(id); !slices.Equal(got, seq) {
			clusterFatal(t, c, "server %d applied %v, want %v", id, got, seq)
		}
	}
}

// TestNoCommitWithoutQuorum crashes both followers of a 3-server ensemble
// and writes at the leader: nothing may commit while only one disk holds
// the write. After the followers come back, the ensemble recovers.
//
// Points: 10
// Reference: Zab paper §5.1 ("logged to non-volatile store before sending acknowledgments"); docs/reference/zookeeper.md §3
func TestNoCommitWithoutQuorum(t *testing.T) {
	c := newCluster(t, sim.Rand(t), 3)
	l := established(t, c)
	c.Write(l)
	runTicks(t, c, 0)
	before := len(c.Committed())
	if before != 1 {
		clusterFatal(t, c, "the first write did not commit")
	}
	for _, id := range c.IDs {
		if id != l {
			c.W.Crash(id)
		}
	}
	c.Write(l)
	runTicks(t, c, 0)
	if got := len(c.Committed()); got != before {
		clusterFatal(t, c, "%d writes committed with both followers down", got-before)
	}
	if err := c.Recover(100); err != nil {
		clusterFatal(t, c, "%v", err)
	}
}

// TestMinorityLeaderCommitsNothing cuts the leader off from both
// followers: its writes never commit, the majority side elects a new
// leader and commits, and after healing everyone agrees.
//
// Points: 10
// Reference: Zab paper §4 ("a quorum of followers"); docs/reference/zookeeper.md §5 (Jepsen: available with a majority)
func TestMinorityLeaderCommitsNothing(t *testing.T) {
	c := newCluster(t, sim.Rand(t), 3)
	old := established(t, c)
	c.W.Isolate(old)
	w := c.Write(old)
	runTicks(t, c, 15)
	for _, x := range c.Committed() {
		if w != 0 && x.ID == w {
			clusterFatal(t, c, "write w%d at the isolated leader %d committed", w, old)
		}
	}
	n := c.Leader()
	if n == 0 || n == old {
		clusterFatal(t, c, "the majority side has no new leader (leader: %d)", n)
	}
	if c.Write(n) == 0 {
		clusterFatal(t, c, "the new leader %d refused a write", n)
	}
	runTicks(t, c, 2)
	if err := c.Recover(100); err != nil {
		clusterFatal(t, c, "%v", err)
	}
}

// TestBroadcastNemesis runs 40 seeded schedules of partitions, crashes
// and restarts with writes, checking the paper's properties
// (zk/zab/zabcheck) and recovery at the end.
//
// Points: 10
// Reference: Zab paper §3.2 (properties), §4; docs/reference/zookeeper.md §3
func TestBroadcastNemesis(t *testing.T) {
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
