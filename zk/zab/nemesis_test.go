package zab_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/zab/zabsim"
)

// schedules is how many random fault schedules TestNemesis runs: 200 in
// `make test`, $ZAB_SOAK in `make soak` (e.g. ZAB_SOAK=5000).
func schedules(t *testing.T) int {
	if s := os.Getenv("ZAB_SOAK"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("ZAB_SOAK=%q is not a positive number", s)
		}
		return n
	}
	if testing.Short() {
		return 40
	}
	return 200
}

// TestNemesis runs random schedules of partitions, crashes (losing what
// was not fsynced, or crashing between fsync and send), restarts,
// snapshots and client writes on 3- and 5-server ensembles, checking the
// Zab paper's properties on every step (see package zabsim), then heals
// everything and checks that the ensemble recovers: one leader, every
// server holding every committed write, and a new write committing
// everywhere.
//
// Reference: Zab paper (Junqueira, Reed, Serafini, DSN 2011) §3.2
// (properties), §4 (phases); zookeeper.md §3.
func TestNemesis(t *testing.T) {
	n := schedules(t)
	for i := 0; i < n; i++ {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			r := sim.Rand(t)
			size := 3
			if r.IntN(3) == 0 {
				size = 5
			}
			// Faults from every ~40 steps (chaos) to every ~300 (long
			// quiet stretches in which logs grow and snapshots happen).
			every := []int{40, 100, 300}[r.IntN(3)]
			c := zabsim.New(r, zabsim.Options{N: size})
			if err := c.Schedule(1500, every); err != nil {
				t.Fatalf("%d servers, a fault every ~%d steps: %v\n--- recent events ---\n%s", size, every, err, c.Trace())
			}
		})
	}
}
