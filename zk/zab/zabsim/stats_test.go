package zabsim

import (
	"strings"
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
)

// TestSchedulesExercise checks that the nemesis schedules do what they are
// for: crashes and restarts happen, writes commit, and followers are
// synchronized every way (TRUNC, SNAP) and servers take snapshots. A suite
// whose schedules never truncated a log would pass vacuously.
//
// Reference: docs/reference/zookeeper.md §3 (DIFF/TRUNC/SNAP), §4 (snapshots).
func TestSchedulesExercise(t *testing.T) {
	r := sim.Rand(t)
	tot := map[string]int{}
	for i := range 30 {
		c, err := New(r, Options{N: 3 + 2*r.IntN(2), Lazy: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Schedule(1500, []int64{40, 120, 400}[i%3]); err != nil {
			t.Fatal(c.Report(err))
		}
		for k, v := range c.Stats {
			tot[k] += v
		}
		for _, f := range c.W.Faults() {
			tot[string(f.Action.Kind)]++
		}
		tot["committed"] += len(c.Committed())
		st := c.W.Stats()
		tot["point crash"] += st.PointCrashes
		tot["aimed drop"] += st.AimedDrops
		tot["aimed delay"] += st.AimedDelays
		tot["phase arm"] += st.ArmsTriggered
	}
	t.Logf("30 schedules: %v", tot)
	for _, k := range []string{"crash", "restart", "partition", "trunc", "snap", "snapshot", "established", "point crash", "aimed drop", "aimed delay", "phase arm"} {
		if tot[k] == 0 {
			t.Errorf("30 schedules and not one %q: %v", k, tot)
		}
	}
	if tot["committed"] < 30*50 {
		t.Errorf("only %d writes committed in 30 schedules", tot["committed"])
	}
}

// TestMutantNoFsyncIsCaught plants a bug in the runtime — log entries are
// written but never fsynced, so the ACKs lie — and checks that the suite
// catches it: a crash then loses acked entries.
//
// Reference: Zab paper §5.1 ("transactions are logged to non-volatile
// store before sending acknowledgments"); docs/reference/zookeeper.md §4.
func TestMutantNoFsyncIsCaught(t *testing.T) {
	r := sim.Rand(t)
	for range 20 {
		c, err := New(r, Options{N: 3, Lazy: true, mutant: mutantNoFsync})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Schedule(1500, 40); err != nil {
			if !strings.Contains(err.Error(), "durability") && !strings.Contains(err.Error(), "agreement") {
				t.Logf("caught by another check: %v", err)
			}
			return
		}
	}
	t.Fatal("20 schedules with a runtime that never fsyncs and no violation found")
}
