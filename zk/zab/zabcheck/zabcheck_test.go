package zabcheck

import (
	"strings"
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
)

func z(epoch, counter int64) int64 { return epoch<<32 | counter }

// good is a run of three servers over two epochs: leader 1 in epoch 1,
// node 3 restarts from a snapshot, leader 2 takes over in epoch 2.
func good() *Recorder {
	var r Recorder
	for n := sim.NodeID(1); n <= 3; n++ {
		r.Start(n, 0)
	}
	for c := int64(1); c <= 3; c++ {
		r.Broadcast(1, z(1, c), "a"+string(rune('0'+c)))
	}
	for n := sim.NodeID(1); n <= 3; n++ {
		r.Deliver(n, z(1, 1), "a1")
		r.Deliver(n, z(1, 2), "a2")
	}
	r.Deliver(1, z(1, 3), "a3")
	r.Deliver(2, z(1, 3), "a3")
	r.Start(3, z(1, 2)) // node 3 restarts from a snapshot at (1,2)
	r.Deliver(3, z(1, 3), "a3")
	r.Broadcast(2, z(2, 1), "b1") // node 2 leads epoch 2, holding (1,3)
	for n := sim.NodeID(1); n <= 3; n++ {
		r.Deliver(n, z(2, 1), "b1")
	}
	return &r
}

// TestGoodRun: a correct run, with a restart from a snapshot and a change
// of leader, has no violation.
//
// Reference: Zab paper (DSN 2011) §3, properties of the broadcast.
func TestGoodRun(t *testing.T) {
	if err := good().Err(); err != nil {
		t.Fatal(err)
	}
}

// TestViolations: each run breaks one property, and the report names it.
//
// Reference: Zab paper §3 (integrity, total order, agreement, local and
// global primary order, primary integrity); docs/reference/zookeeper.md §3.
func TestViolations(t *testing.T) {
	cases := []struct {
		name string
		run  func(r *Recorder)
		want string
	}{
		{"skip", func(r *Recorder) {
			r.Broadcast(1, z(1, 4), "a4")
			r.Deliver(1, z(1, 4), "a4")
			r.Broadcast(1, z(1, 5), "a5")
			r.Deliver(2, z(1, 5), "a5") // node 2 never delivered (1,4)
		}, "skipping"},
		{"disagreement", func(r *Recorder) {
			r.Deliver(3, z(2, 2), "other")
			r.Deliver(1, z(2, 2), "b2")
		}, "agreement: zxid"},
		{"out of order", func(r *Recorder) { r.Deliver(1, z(1, 2), "a2") }, "total order"},
		{"never broadcast", func(r *Recorder) { r.Deliver(1, z(2, 9), "ghost") }, "no leader broadcast"},
		{"two leaders in an epoch", func(r *Recorder) { r.Broadcast(3, z(2, 2), "b2") }, "two leaders"},
		{"leader goes backwards", func(r *Recorder) {
			r.Broadcast(2, z(2, 5), "b5")
			r.Broadcast(2, z(2, 4), "b4")
		}, "local primary order"},
		{"primary integrity", func(r *Recorder) {
			r.Start(1, 0)                 // node 1 restarts empty...
			r.Broadcast(1, z(3, 1), "c1") // ...and leads epoch 3 without (2,1)
		}, "primary integrity"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := good()
			c.run(r)
			err := r.Err()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want a violation mentioning %q, got %v", c.want, err)
			}
		})
	}
}

// TestDiskViolations: the disk-level checks — a commit needs a majority of
// disks, a TRUNC never drops a committed txn, one leader establishes an
// epoch, and an epoch's delivered counters have no gap.
//
// Reference: Zab paper §5.1 (log before ack), §4.2 (TRUNC); Zab.tla
// (one established leader per epoch); Leader.tryToCommit (in order).
func TestDiskViolations(t *testing.T) {
	cases := []struct {
		name string
		run  func(r *Recorder)
		want string // "" for no violation
	}{
		{"quorum ok", func(r *Recorder) {
			r.Broadcast(1, z(1, 1), "a")
			r.Logged(1, z(1, 1), "a")
			r.Logged(2, z(1, 1), "a")
			r.Deliver(1, z(1, 1), "a")
			r.Deliver(3, z(1, 1), "a") // not first: no check
		}, ""},
		{"commit on one disk", func(r *Recorder) {
			r.Broadcast(1, z(1, 1), "a")
			r.Logged(1, z(1, 1), "a")
			r.Logged(2, z(1, 1), "other") // a different txn does not count
			r.Deliver(1, z(1, 1), "a")
		}, "quorum"},
		{"truncate committed", func(r *Recorder) {
			r.Broadcast(1, z(1, 1), "a")
			r.Logged(1, z(1, 1), "a")
			r.Logged(2, z(1, 1), "a")
			r.Deliver(1, z(1, 1), "a")
			r.Truncated(2, 0)
		}, "truncated zxid"},
		{"truncate uncommitted", func(r *Recorder) {
			r.Logged(2, z(1, 1), "a")
			r.Truncated(2, 0)
			r.Replaced(2, 0)
		}, ""},
		{"two established", func(r *Recorder) {
			r.Established(1, 1)
			r.Established(2, 1)
		}, "primary uniqueness"},
		{"broadcast by a non-established leader", func(r *Recorder) {
			r.Established(1, 1)
			r.Broadcast(2, z(1, 1), "a")
		}, "primary uniqueness"},
		{"gap in an epoch", func(r *Recorder) {
			r.Voters = 0
			r.Deliver(1, z(1, 1), "a")
			r.Deliver(1, z(1, 3), "c")
		}, "skipped"},
		{"epoch starts past counter 1", func(r *Recorder) {
			r.Voters = 0
			r.Deliver(1, z(2, 2), "b")
		}, "counter 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &Recorder{Voters: 3}
			for n := sim.NodeID(1); n <= 3; n++ {
				r.Start(n, 0)
			}
			c.run(r)
			err := r.Err()
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("want no violation, got %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("want a violation mentioning %q, got %v", c.want, err)
			}
		})
	}
}

// epochRun: leader 1 writes currentEpoch 2 holding (1,1) and (1,2) — the
// initial history of epoch 2 — and follower 2 syncs.
func epochRun() *Recorder {
	var r Recorder
	r.Voters = 3
	for _, n := range []sim.NodeID{1, 2} {
		r.Logged(n, z(1, 1), "a1")
	}
	r.Logged(1, z(1, 2), "a2")
	r.Epoch(1, 2) // the leader at its epoch quorum: I_2 = {(1,1), (1,2)}
	return &r
}

// TestEpochPromises: a currentEpoch written before the epoch's initial
// history is on disk, and ACKs that promise what the disk does not hold,
// are violations; in the right order they are not.
//
// Reference: Zab paper §4 phase 2 (NEWLEADER: the follower takes the
// leader's history and currentEpoch), §5.1 (log before ACK);
// ZOOKEEPER-4643, ZOOKEEPER-4646; Learner.syncWithLeader.
func TestEpochPromises(t *testing.T) {
	t.Run("in order", func(t *testing.T) {
		r := epochRun()
		r.Logged(2, z(1, 2), "a2")
		r.Epoch(2, 2)
		r.Acked(2, z(2, 0))
		r.Established(1, 2)
		r.Broadcast(1, z(2, 1), "b1")
		r.Logged(1, z(2, 1), "b1")
		r.Logged(2, z(2, 1), "b1")
		r.Acked(2, z(2, 1))
		r.Deliver(1, z(2, 1), "b1")
		r.Recovered(2, 2, 0, []int64{z(1, 1), z(1, 2), z(2, 1)}, []string{"a1", "a2", "b1"})
		if v := r.Check(); len(v) != 0 {
			t.Fatalf("violations in a correct run: %v", v)
		}
	})
	for _, c := range []struct {
		name, want string
		run        func(r *Recorder)
	}{
		{"currentEpoch before the log (ZOOKEEPER-4643)", "epoch order", func(r *Recorder) {
			r.Epoch(2, 2)
			r.Logged(2, z(1, 2), "a2")
			r.Established(1, 2)
		}},
		{"NEWLEADER acked before currentEpoch is on disk (ZOOKEEPER-4646)", "acked NEWLEADER", func(r *Recorder) {
			r.Acked(2, z(2, 0)) // currentEpoch still 0
		}},
		{"a syncing follower ACKs a proposal of the new epoch", "its vote does not carry it", func(r *Recorder) {
			r.Established(1, 2)
			r.Logged(2, z(1, 2), "a2")
			r.Logged(2, z(2, 1), "b1")
			r.Acked(2, z(2, 1)) // currentEpoch 0: before NEWLEADER
		}},
		{"an ACK of a txn not on disk", "not on its disk", func(r *Recorder) {
			r.Logged(2, z(1, 2), "a2")
			r.Epoch(2, 2)
			r.Acked(2, z(2, 1))
		}},
		{"a commit counted on a disk of an older epoch", "older currentEpoch", func(r *Recorder) {
			r.Established(1, 2)
			r.Broadcast(1, z(2, 1), "b1")
			r.Logged(1, z(2, 1), "b1")
			r.Logged(2, z(1, 2), "a2")
			r.Logged(2, z(2, 1), "b1") // node 2 holds it, but its currentEpoch is 0
			r.Deliver(1, z(2, 1), "b1")
		}},
		{"a restart with currentEpoch ahead of the log", "restarted with currentEpoch 2", func(r *Recorder) {
			r.Established(1, 2)
			r.Recovered(2, 2, 0, []int64{z(1, 1)}, []string{"a1"})
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := epochRun()
			c.run(r)
			v := strings.Join(r.Check(), "\n")
			if !strings.Contains(v, c.want) {
				t.Fatalf("violations %q, want one containing %q", v, c.want)
			}
		})
	}
	t.Run("an epoch never established promises nothing", func(t *testing.T) {
		r := epochRun()
		r.Epoch(2, 2) // ahead of its log, but epoch 2 never establishes
		r.Truncated(2, z(1, 1))
		if v := r.Check(); len(v) != 0 {
			t.Fatalf("violations for an epoch never established: %v", v)
		}
	})
}
