package zkcheck

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/anishathalye/porcupine"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// Helpers that build ops tersely: session, times, zxid.

func wr(s int64, k Kind, path, val string, call, ret, zxid int64) Op {
	return Op{Session: s, Kind: k, Path: path, Value: val, Version: -1, Call: call, Return: ret, Outcome: OK, Zxid: zxid}
}

func fail(s int64, k Kind, path, val string, code zkerr.Code, call, ret, zxid int64) Op {
	o := wr(s, k, path, val, call, ret, zxid)
	o.Outcome, o.Code = Failed, code
	return o
}

func lost(s int64, k Kind, path, val string, call int64) Op {
	return Op{Session: s, Kind: k, Path: path, Value: val, Version: -1, Call: call, Return: math.MaxInt64, Outcome: Unknown}
}

func get(s int64, path, val string, mzxid, call, ret, view int64) Op {
	return Op{Session: s, Kind: Get, Path: path, Value: val, Call: call, Return: ret, Outcome: OK, Zxid: view, Mzxid: mzxid}
}

func absent(s int64, path string, call, ret, view int64) Op {
	return Op{Session: s, Kind: Get, Path: path, Call: call, Return: ret, Outcome: Failed, Code: zkerr.NoNode, Zxid: view}
}

func sync(s int64, call, ret, view int64) Op {
	return Op{Session: s, Kind: Sync, Path: "/", Call: call, Return: ret, Outcome: OK, Zxid: view}
}

// base: session 1 creates /x = a (zxid 1) and sets it to b (zxid 2).
func base() []Op {
	return []Op{
		wr(1, Create, "/x", "a", 0, 2, 1),
		wr(1, Set, "/x", "b", 3, 5, 2),
	}
}

func withArtifacts(t *testing.T) {
	t.Setenv("ZKAFKA_ARTIFACTS", t.TempDir())
}

// TestAcceptsCorrectHistories: histories a correct ensemble can produce,
// including stale reads from a lagging follower, pass.
//
// Reference: docs/reference/zookeeper.md §5 ("Reads are local and only sequentially
// consistent"); Programmer's Guide, "Consistency Guarantees".
func TestAcceptsCorrectHistories(t *testing.T) {
	cases := map[string][]Op{
		"read latest": append(base(), get(2, "/x", "b", 2, 6, 7, 2)),
		"stale read after another session's acked write": append(base(),
			get(2, "/x", "a", 1, 6, 7, 1)), // follower of session 2 lags: fine
		"stale then fresh": append(base(),
			get(2, "/x", "a", 1, 6, 7, 1), get(2, "/x", "b", 2, 8, 9, 2)),
		"absent before create": append([]Op{absent(2, "/x", 0, 1, 0)}, base()...),
		"read your own writes": append(base(), get(1, "/x", "b", 2, 6, 7, 2)),
		"sync then read":       append(base(), sync(2, 6, 7, 2), get(2, "/x", "b", 2, 8, 9, 2)),
		"sync concurrent with write may miss it": {
			wr(1, Create, "/x", "a", 0, 2, 1),
			wr(1, Set, "/x", "b", 3, 9, 2), // acked after the sync began
			sync(2, 5, 6, 1), get(2, "/x", "a", 1, 7, 8, 1),
		},
		"lost write that happened, seen by a read": {
			wr(1, Create, "/x", "a", 0, 2, 1),
			lost(1, Set, "/x", "b", 3),
			get(2, "/x", "b", 2, 6, 7, 2),
		},
		"lost write that never happened": {
			wr(1, Create, "/x", "a", 0, 2, 1),
			lost(1, Set, "/x", "b", 3),
			get(2, "/x", "a", 1, 6, 7, 5),
		},
		"failed writes take zxids": {
			wr(1, Create, "/x", "a", 0, 2, 1),
			fail(2, Create, "/x", "z", zkerr.NodeExists, 3, 4, 2),
			fail(1, Delete, "/y", "", zkerr.NoNode, 5, 6, 3),
			get(2, "/x", "a", 1, 7, 8, 3),
		},
		"concurrent writes in either order": {
			wr(1, Create, "/x", "a", 0, 1, 1),
			wr(1, Set, "/x", "b", 2, 10, 3),
			wr(2, Set, "/x", "c", 2, 10, 2), // concurrent: c then b
			get(3, "/x", "c", 2, 4, 5, 2),
			get(3, "/x", "b", 3, 11, 12, 3),
		},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			withArtifacts(t)
			if r := Check(h, Options{}); !r.OK() {
				t.Fatalf("rejected a correct history:\n%s", r)
			}
		})
	}
}

// TestRejectsViolations: each history breaks one guarantee, and the
// report names that guarantee.
//
// Reference: docs/reference/zookeeper.md §5; ZooKeeper paper §2.3 ("linearizable writes",
// "FIFO client order"); Programmer's Guide, sync.
func TestRejectsViolations(t *testing.T) {
	cases := []struct {
		name string
		ops  []Op
		rule string
	}{
		{"stale read going back in time", append(base(),
			get(2, "/x", "b", 2, 6, 7, 2), get(2, "/x", "a", 1, 8, 9, 1)), "went back in time"},
		{"stale data under a fresh view", append(base(),
			get(2, "/x", "a", 1, 6, 7, 2)), "includes the later write"},
		{"lost acknowledged write (read)", append(base(),
			get(1, "/x", "a", 1, 6, 7, 1)), "own earlier write"},
		{"lost acknowledged write (second create succeeds)", []Op{
			wr(1, Create, "/x", "a", 0, 2, 1),
			wr(2, Create, "/x", "b", 3, 5, 2)}, "no order of the writes"},
		{"FIFO violation", []Op{
			wr(1, Create, "/x", "a", 0, 5, 2), // issued first, applied second
			wr(1, Create, "/y", "b", 1, 6, 1)}, "not after the session's earlier"},
		{"write visible before it was made", []Op{
			wr(1, Create, "/x", "a", 0, 2, 1),
			get(2, "/x", "b", 2, 3, 4, 2),
			wr(1, Set, "/x", "b", 10, 12, 2)}, "invoked only after the read returned"},
		{"sync then stale read", append(base(),
			sync(2, 6, 7, 2), get(2, "/x", "a", 1, 8, 9, 1)), "must cover the write acknowledged"},
		{"sync answered from a stale view", append(base(),
			sync(2, 6, 7, 1)), "missing the write acknowledged before it began"},
		{"read of a value never written", append(base(),
			get(2, "/x", "zzz", 7, 6, 7, 7)), "no client ever wrote"},
		{"read of a failed write", []Op{
			wr(1, Create, "/x", "a", 0, 2, 1),
			fail(2, Set, "/y", "q", zkerr.NoNode, 3, 4, 2),
			get(2, "/y", "q", 2, 5, 6, 2)}, "write that failed"},
		{"absent despite a create in view", append(base(),
			absent(2, "/x", 6, 7, 2)), "found no node"},
		{"zxids against real time", []Op{
			wr(1, Create, "/x", "a", 0, 2, 5),
			wr(2, Create, "/y", "b", 3, 4, 1)}, "has the larger zxid"},
		{"duplicate zxids", []Op{
			wr(1, Create, "/x", "a", 0, 2, 1),
			wr(2, Create, "/y", "b", 0, 2, 1)}, "same zxid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			withArtifacts(t)
			r := Check(c.ops, Options{Name: t.Name()})
			if r.OK() {
				t.Fatalf("accepted a history that breaks a guarantee:\n%s", r)
			}
			if !strings.Contains(r.String(), c.rule) {
				t.Fatalf("report does not say %q:\n%s", c.rule, r)
			}
		})
	}
}

// TestVisualizationWritten: a non-linearizable write history leaves a
// porcupine HTML file, with the nemesis on the timeline, and says where.
func TestVisualizationWritten(t *testing.T) {
	withArtifacts(t)
	faults, _ := sim.ParseSchedule("t=1 crash 2\nt=4 restart 2")
	r := Check([]Op{wr(1, Create, "/x", "a", 0, 2, 1), wr(2, Create, "/x", "b", 3, 5, 2)},
		Options{Name: t.Name(), Faults: faults})
	if r.Linearizable != porcupine.Illegal || r.Visualization == "" {
		t.Fatalf("want Illegal and a visualization:\n%s", r)
	}
	if !strings.HasPrefix(r.Visualization, os.Getenv("ZKAFKA_ARTIFACTS")) || !strings.Contains(r.String(), r.Visualization) {
		t.Fatalf("visualization %q not under $ZKAFKA_ARTIFACTS or not in the report", r.Visualization)
	}
	b, err := os.ReadFile(r.Visualization)
	if err != nil || !strings.Contains(string(b), "crash 2") {
		t.Fatalf("visualization unreadable or without the faults (err %v)", err)
	}
}

// TestRecorder: invoke/return bookkeeping, unknown outcomes, harness
// mistakes reported as errors.
func TestRecorder(t *testing.T) {
	var rec Recorder
	a := rec.Invoke(1, Op{Session: 1, Kind: Create, Path: "/x", Value: "a", Version: -1})
	b := rec.Invoke(2, Op{Session: 1, Kind: Get, Path: "/x"})
	c := rec.Invoke(3, Op{Session: 2, Kind: Set, Path: "/x", Value: "b", Version: -1})
	d := rec.Invoke(3, Op{Session: 2, Kind: Create, Path: "/x", Value: "c", Version: -1})
	for _, err := range []error{
		rec.Return(a, 4, Result{Zxid: 1}),
		rec.Return(b, 5, Result{Value: "a", Zxid: 1, Mzxid: 1}),
		rec.Return(c, 6, Result{Err: zkerr.ConnectionLoss}),
		rec.Return(d, 6, Result{Err: zkerr.NodeExists, Zxid: 2}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if rec.Return(a, 7, Result{}) == nil || rec.Return(99, 7, Result{}) == nil {
		t.Fatal("double or unknown Return accepted")
	}
	ops := rec.Ops()
	if ops[c].Outcome != Unknown || ops[c].Return != math.MaxInt64 || ops[d].Outcome != Failed || ops[b].Value != "a" {
		t.Fatalf("recorded %v", ops)
	}
	if r := Check(ops, Options{}); !r.OK() {
		t.Fatal(r)
	}
}

// ensemble is a tiny correct ZooKeeper: a leader that orders writes and
// followers that lag behind it, each session attached to one follower.
// It produces the histories a correct server would, stale reads included.
type ensemble struct {
	log     []Op  // committed writes, zxid = index+1
	applied []int // per follower: how many log entries it applied
	state   map[string]znode
}

// TestAcceptsRandomCorrectHistories: many random histories from the tiny
// correct ensemble (lagging followers, pipelined sessions, syncs, lost
// replies) all pass.
func TestAcceptsRandomCorrectHistories(t *testing.T) {
	r := sim.Rand(t)
	for range 100 {
		var rec Recorder
		e := &ensemble{applied: make([]int, 3), state: map[string]znode{}}
		paths := []string{"/a", "/b"}
		nextVal := 0
		for now := int64(0); now < 60; now++ {
			// Followers catch up a random amount.
			for f := range e.applied {
				if e.applied[f] < len(e.log) && r.IntN(2) == 0 {
					e.applied[f] += 1 + r.IntN(len(e.log)-e.applied[f])
				}
			}
			s := int64(r.IntN(4)) // session s talks to follower s%3
			f := int(s) % 3
			p := paths[r.IntN(len(paths))]
			switch k := Kind(1 + r.IntN(5)); k {
			case Create, Set, Delete:
				nextVal++
				o := Op{Session: s, Kind: k, Path: p, Value: string(rune('a'+nextVal%26)) + string(rune('0'+nextVal/26)), Version: -1}
				if k != Create && r.IntN(3) == 0 {
					o.Version = int32(r.IntN(3))
				}
				id := rec.Invoke(now, o)
				next, code := apply(e.state[p], o)
				zxid := int64(len(e.log) + 1)
				if code == 0 {
					e.state[p] = next
				}
				e.log = append(e.log, o)
				e.applied[f] = len(e.log) // the session's server has it before replying
				var err error
				if code != 0 {
					err = code
				}
				if r.IntN(10) == 0 {
					continue // reply lost: Unknown
				}
				_ = rec.Return(id, now+int64(r.IntN(2)), Result{Err: err, Zxid: zxid})
			case Get:
				id := rec.Invoke(now, Op{Session: s, Kind: Get, Path: p})
				// Replay the follower's prefix.
				view := e.applied[f]
				var st znode
				var mz int64
				for i, w := range e.log[:view] {
					if w.Path != p {
						continue
					}
					if n, code := apply(st, w); code == 0 {
						st, mz = n, int64(i+1)
					}
				}
				if !st.exists {
					_ = rec.Return(id, now, Result{Err: zkerr.NoNode, Zxid: int64(view)})
				} else {
					_ = rec.Return(id, now, Result{Value: st.value, Mzxid: mz, Zxid: int64(view)})
				}
			case Sync:
				id := rec.Invoke(now, Op{Session: s, Kind: Sync, Path: "/"})
				e.applied[f] = len(e.log)
				_ = rec.Return(id, now, Result{Zxid: int64(len(e.log))})
			}
		}
		if rep := Check(rec.Ops(), Options{}); !rep.OK() {
			t.Fatalf("rejected a correct history:\n%s\nhistory:\n%s", rep, dump(rec.Ops()))
		}
	}
}

func dump(ops []Op) string {
	var b strings.Builder
	for _, o := range ops {
		b.WriteString("  " + o.String() + "\n")
	}
	return b.String()
}

// TestExists: exists is a read with a Stat and no data: its mzxid must be
// the newest write of its view (stale is fine), a write that no one made
// is a violation, and an absent node must really be absent in the view.
//
// Reference: docs/reference/zookeeper.md §5 (reads are local, sequentially consistent);
// ZooKeeper Programmer's Guide, "Consistency Guarantees".
func TestExists(t *testing.T) {
	exists := func(s int64, path string, mzxid, call, ret, view int64) Op {
		return Op{Session: s, Kind: Exists, Path: path, Call: call, Return: ret, Outcome: OK, Zxid: view, Mzxid: mzxid}
	}
	cases := []struct {
		name string
		op   Op
		want string // "" for no violation
	}{
		{"current", exists(2, "/x", 2, 6, 7, 2), ""},
		{"stale", exists(2, "/x", 1, 6, 7, 1), ""},
		{"mzxid of no write", exists(2, "/x", 7, 6, 7, 7), "no write"},
		{"older than its view", exists(2, "/x", 1, 6, 7, 2), "later write"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			withArtifacts(t)
			r := Check(append(base(), c.op), Options{Name: t.Name()})
			switch {
			case c.want == "" && !r.OK():
				t.Fatalf("want no violation:\n%s", r)
			case c.want != "" && (r.OK() || !strings.Contains(r.String(), c.want)):
				t.Fatalf("want a violation mentioning %q:\n%s", c.want, r)
			}
		})
	}
}
