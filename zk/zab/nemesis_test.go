package zab_test

import (
	"fmt"
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/zab/zabsim"
)

// TestNemesis runs random schedules of partitions, one-way cuts,
// connection resets, crashes (losing what was not fsynced, with torn log
// tails), restarts, snapshots and client writes on 3- and 5-server
// ensembles in the labs/sim world, checking the Zab paper's properties
// with zk/zab/zabcheck (see package zabsim), then heals everything and
// checks that the ensemble recovers: one leader, every server holding
// every committed write, and a new write committing everywhere.
//
// A failure prints SEED= (replay one schedule with the -run pattern it
// gives) and the fault schedule in sim's text form.
//
// Reference: Zab paper (Junqueira, Reed, Serafini, DSN 2011) §3.2
// (properties), §4 (phases); docs/reference/zookeeper.md §3.
func TestNemesis(t *testing.T) {
	n := zabsim.Schedules(t)
	for i := 0; i < n; i++ {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			r := sim.Rand(t)
			size := 3
			if r.IntN(3) == 0 {
				size = 5
			}
			// Faults from every ~40 world ticks (chaos) to every ~400
			// (long quiet stretches in which logs grow and snapshots
			// happen); a Peer tick is 10 world ticks.
			gap := []int64{40, 120, 400}[r.IntN(3)]
			c, err := zabsim.New(r, zabsim.Options{N: size, Lazy: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Schedule(1500, gap); err != nil {
				t.Fatalf("%d servers, a fault every ~%d world ticks: %s", size, gap, c.Report(err))
			}
		})
	}
}
