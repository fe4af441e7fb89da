package zksim

import (
	"fmt"
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/session"
	"github.com/zkafka/zkafka/zk/zab/zabsim"
)

// TestClientNemesis runs client sessions (create, setData, delete,
// getData, exists, sync at random servers) against a simulated 3- or
// 5-server ensemble under random partitions, one-way cuts, connection
// resets, crashes that lose unsynced data, and restarts, then checks what
// the clients saw against ZooKeeper's guarantees with zk/zab/zkcheck:
// linearizable writes, sequentially consistent reads that match the
// replying server's zxid, per-session FIFO and single system image, and
// sync. Clients create sessions all along (and abandon them) while members
// crash and restart: no two clients are ever given one session id, and an
// ephemeral is owned by its creator's session (issue 9's collision: a
// restarted member moving its counter past another member's ids). The
// ensemble must also serve again once healed, and the Zab invariants
// (zabcheck) hold.
//
// On a violation the porcupine visualization's path is printed (under
// $ZKAFKA_ARTIFACTS, or the temp dir), with SEED= and the fault schedule.
//
// Reference: docs/reference/zookeeper.md §5 (consistency guarantees); ZooKeeper
// Programmer's Guide, "Consistency Guarantees"; Hunt et al., "ZooKeeper:
// wait-free coordination", §2.3; SessionTrackerImpl.initializeNextSessionId.
func TestClientNemesis(t *testing.T) {
	n := zabsim.Schedules(t)
	for i := 0; i < n; i++ {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			r := sim.Rand(t)
			size := 3
			if r.IntN(3) == 0 {
				size = 5
			}
			gap := []int64{40, 120, 400}[r.IntN(3)]
			e, err := New(r, Options{N: size})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := e.Run(1500, gap)
			if err != nil {
				t.Fatal(e.Report(err.Error()))
			}
			if !rep.OK() {
				t.Fatal(e.Report(rep.String()))
			}
		})
	}
}

// TestMutantsAreCaught plants one bug at a time in the modelled server and
// checks that the client-level checker catches each within a few
// schedules — a suite that passes a broken server proves nothing.
//
// Reference: docs/reference/zookeeper.md §5 (writes linearizable, sync, single system
// image); Zab paper §5.1 (commit after a quorum logged the txn).
func TestMutantsAreCaught(t *testing.T) {
	for _, m := range []struct {
		name string
		m    mutant
	}{
		{"ack on propose", mutantAckOnPropose},
		{"local sync", mutantLocalSync},
		{"serve without a quorum", mutantAnyConnect},
	} {
		t.Run(m.name, func(t *testing.T) {
			t.Setenv("ZKAFKA_ARTIFACTS", t.TempDir()) // porcupine's HTML of the expected violations
			r := sim.Rand(t)
			for i := 0; i < 60; i++ {
				e, err := New(r, Options{N: 3, mutant: m.m})
				if err != nil {
					t.Fatal(err)
				}
				rep, err := e.Run(1500, 40)
				if err != nil || !rep.OK() {
					t.Logf("caught after %d schedule(s): %v", i+1, firstLine(rep.String()))
					return
				}
			}
			t.Fatal("60 schedules and the checker found nothing wrong")
		})
	}
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			if j := i + 1; j < len(s) {
				for k := j; k < len(s); k++ {
					if s[k] == '\n' {
						return s[j:k]
					}
				}
			}
			return s[:i]
		}
	}
	return s
}

// TestSessionsChurn: the client suite creates sessions all through its
// schedules, on every member, also on members that restarted — otherwise
// the session-id check of TestClientNemesis would pass vacuously.
//
// Reference: SessionTrackerImpl.initializeNextSessionId (a restarted
// member's first id); issue 9's session collision.
func TestSessionsChurn(t *testing.T) {
	r := sim.Rand(t)
	created, afterRestart := 0, 0
	servers := map[int64]bool{}
	enough := func() bool { return created >= 40 && len(servers) >= 3 && afterRestart > 0 }
	// Schedules until every kind of session was seen (a few usually do;
	// how many depends on the seed), at most 50.
	n := 0
	for ; n < 50 && !enough(); n++ {
		e, err := New(r, Options{N: 3})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Run(1500, 40); err != nil {
			t.Fatal(e.Report(err.Error()))
		}
		created += e.sessions
		for id := range e.owner {
			servers[session.ServerOf(id)] = true
			if uint64(id)<<8>>24 > 0 { // NewID's clock part: handed out by a counter started after t=0
				afterRestart++
			}
		}
	}
	if !enough() {
		t.Fatalf("%d schedules created %d sessions, by members %v, %d by a member after a restart", n, created, servers, afterRestart)
	}
	t.Logf("%d schedules: %d sessions, %d handed out after a restart", n, created, afterRestart)
}
