//go:build grade

package lab03_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/zabsim"
)

// fatalf fails a test; if a lab stub was called it says so first
// ("not implemented: lab 3 (Proposals.Ack)"), then what the check saw.
func fatalf(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Fatal(stubFirst(fmt.Sprintf(format, args...)))
}

// clusterFatal fails a simulated-ensemble test with the fault schedule and
// the recent events.
func clusterFatal(t *testing.T, c *zabsim.Cluster, format string, args ...any) {
	t.Helper()
	t.Fatal(stubFirst(c.Report(fmt.Errorf(format, args...))))
}

// stubFirst puts the first lab stub this test binary called, if any, before
// msg. The stub is remembered for the whole binary: the grader runs each
// graded test in a binary of its own, so there it is one this test called.
func stubFirst(msg string) string {
	if err := zab.Unimplemented(); err != nil {
		return fmt.Sprintf("%v\n(a stub returns a zero value, so it may be why) %s", err, msg)
	}
	return msg
}

// newCluster builds an ensemble of n servers in the simulated world, its
// seed drawn from r (sim.Rand(t): a failure prints SEED=).
func newCluster(t *testing.T, r *rand.Rand, n int) *zabsim.Cluster {
	t.Helper()
	c, err := zabsim.New(r, zabsim.Options{N: n})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// runTicks runs n rounds of settle-then-tick, failing the test if the world
// cannot (a restart that does not recover).
func runTicks(t *testing.T, c *zabsim.Cluster, n int) {
	t.Helper()
	if err := c.RunTicks(n); err != nil {
		clusterFatal(t, c, "%v", err)
	}
}

// established runs a fresh ensemble until it has a serving leader.
func established(t *testing.T, c *zabsim.Cluster) sim.NodeID {
	t.Helper()
	for i := 0; i < 30; i++ {
		runTicks(t, c, 1)
		if l := c.Leader(); l != 0 {
			runTicks(t, c, 1)
			return l
		}
	}
	clusterFatal(t, c, "no leader after 30 ticks")
	return 0
}
