package sim

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

// probeMsg is what probe nodes send: the sender's count of messages to
// this peer so far.
type probeMsg struct{ k int }

// probe sends a numbered message to every peer on every tick and checks
// the network's promises on every receive. It reports violations through
// fail, so a test sees the first one with the tick it happened at.
type probe struct {
	id       NodeID
	peers    []NodeID
	sent     map[NodeID]int // next k per peer
	last     map[NodeID]int // last k received per peer
	fresh    map[NodeID]bool
	received int
	blocked  func(from, to NodeID) bool // the world's view: is from->to cut?
	fail     func(format string, args ...any)
}

func (p *probe) Receive(env Env[probeMsg], from NodeID, m probeMsg) {
	p.received++
	if p.blocked(from, p.id) {
		p.fail("t=%d: %d received from %d over a cut link", env.Now(), p.id, from)
	}
	last, seen := p.last[from]
	switch {
	case !seen || p.fresh[from]:
		// First message of a connection: anything goes.
	case m.k <= last:
		p.fail("t=%d: %d got k=%d from %d after k=%d: FIFO broken", env.Now(), p.id, m.k, from, last)
	case m.k != last+1:
		p.fail("t=%d: %d got k=%d from %d after k=%d with no Disconnected: silent loss", env.Now(), p.id, m.k, from, last)
	}
	p.last[from] = m.k
	p.fresh[from] = false
}

func (p *probe) Tick(env Env[probeMsg]) {
	for _, q := range p.peers {
		if q != p.id {
			env.Send(q, probeMsg{p.sent[q]})
			p.sent[q]++
		}
	}
}

func (p *probe) Disconnected(env Env[probeMsg], peer NodeID) { p.fresh[peer] = true }

// newProbeWorld builds n probes whose failures go to t.
func newProbeWorld(t testing.TB, n int, seed uint64, trace func(string)) *World[probeMsg, *probe] {
	t.Helper()
	var w *World[probeMsg, *probe]
	w, err := New(Config[probeMsg, *probe]{
		Nodes: n, Seed: seed, Trace: trace,
		Start: func(b Boot) (*probe, error) {
			return &probe{
				id: b.ID, peers: b.Peers,
				sent: map[NodeID]int{}, last: map[NodeID]int{}, fresh: map[NodeID]bool{},
				blocked: func(from, to NodeID) bool { return w.link(from, to).blocked },
				fail: func(format string, args ...any) {
					t.Helper()
					t.Fatalf(format, args...)
				},
			}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestFIFOAndNoSilentLoss runs probes through a scripted set of faults:
// every link stays FIFO, and a gap in a link's numbering is always
// preceded by Disconnected.
//
// Reference: docs/reference/zookeeper.md §3 ("FIFO TCP channels"); doc.go "The world".
func TestFIFOAndNoSilentLoss(t *testing.T) {
	w := newProbeWorld(t, 3, Seed(t), nil)
	steps := []func(){
		func() { w.Partition("1 | 2 3") },
		func() { w.Heal() },
		func() { w.Cut(1, 2) },
		func() { w.Break(2, 3) },
		func() { w.Heal() },
		func() { w.Isolate(3) },
		func() { w.Crash(2) },
		func() { w.Heal() },
		func() {
			if err := w.Restart(2); err != nil {
				t.Fatal(err)
			}
		},
	}
	for _, s := range steps {
		s()
		if err := w.RunFor(10); err != nil {
			t.Fatal(err)
		}
	}
	if w.Stats().Delivered == 0 || w.Stats().Dropped == 0 {
		t.Fatalf("stats %+v: expected deliveries and drops", w.Stats())
	}
}

// TestBreakDropsInFlight checks that a break loses exactly what was in
// flight, and that both ends hear of it.
func TestBreakDropsInFlight(t *testing.T) {
	w := newProbeWorld(t, 2, Seed(t), nil)
	w.Do(1, func(n *probe, env Env[probeMsg]) {
		for range 5 {
			env.Send(2, probeMsg{n.sent[2]})
			n.sent[2]++
		}
	})
	if w.InFlight() != 5 {
		t.Fatalf("InFlight = %d, want 5", w.InFlight())
	}
	w.Break(1, 2)
	if w.InFlight() != 0 {
		t.Fatalf("after break InFlight = %d, want 0", w.InFlight())
	}
	if err := w.Stabilize(10); err != nil {
		t.Fatal(err)
	}
	for _, id := range []NodeID{1, 2} {
		n, _ := w.Node(id)
		if n.received != 0 {
			t.Errorf("node %d received %d messages sent before the break", id, n.received)
		}
		if !n.fresh[3-id] {
			t.Errorf("node %d was not told the connection to %d broke", id, 3-id)
		}
	}
	// The link works again for new messages.
	w.Do(1, func(n *probe, env Env[probeMsg]) { env.Send(2, probeMsg{99}) })
	if err := w.Stabilize(10); err != nil {
		t.Fatal(err)
	}
	if n, _ := w.Node(2); n.received != 1 || n.last[1] != 99 {
		t.Fatalf("node 2 after reconnect: received %d, last %d; want 1, 99", n.received, n.last[1])
	}
}

// TestOneWayCut: after "cut 1 -> 2", 1 still hears 2, and 2 hears
// nothing from 1.
func TestOneWayCut(t *testing.T) {
	w := newProbeWorld(t, 2, Seed(t), nil)
	w.Cut(1, 2)
	if err := w.RunFor(20); err != nil {
		t.Fatal(err)
	}
	n1, _ := w.Node(1)
	n2, _ := w.Node(2)
	if n2.received != 0 {
		t.Errorf("node 2 received %d messages from 1 across cut 1 -> 2", n2.received)
	}
	if n1.received == 0 {
		t.Errorf("node 1 received nothing from 2, but only 1 -> 2 is cut")
	}
	if got := w.Links(); got != "1 -> 2 cut\n" {
		t.Errorf("Links() = %q", got)
	}
}

// TestPartitionSymmetric: nodes in different groups exchange nothing,
// nodes in the same group keep talking.
func TestPartitionSymmetric(t *testing.T) {
	w := newProbeWorld(t, 3, Seed(t), nil)
	w.Partition("1 | 2 3")
	if err := w.RunFor(20); err != nil {
		t.Fatal(err)
	}
	n1, _ := w.Node(1)
	n2, _ := w.Node(2)
	n3, _ := w.Node(3)
	if n1.received != 0 || n2.last[1] != 0 || n3.last[1] != 0 {
		t.Errorf("traffic crossed the partition: n1 received %d, n2 from 1 %d, n3 from 1 %d", n1.received, n2.last[1], n3.last[1])
	}
	if n2.last[3] < 10 || n3.last[2] < 10 {
		t.Errorf("2 and 3 stopped talking: %d, %d", n2.last[3], n3.last[2])
	}
}

// TestBadActions: malformed actions are errors, not panics or silent
// no-ops.
func TestBadActions(t *testing.T) {
	w := newProbeWorld(t, 3, 1, nil)
	for _, s := range []string{
		"partition 1 | 2", "partition 1 | 2 3 | 3", "partition 1 2 3", "partition 1 | 4",
		"crash 4", "restart 1", "cut 1 -> 1", "cut 1 2", "break 1", "explode 1", "", "heal 1",
		"partition 1 | x 3",
	} {
		a, err := ParseAction(s)
		if err == nil {
			err = w.Apply(a)
		}
		if err == nil {
			t.Errorf("%q: no error", s)
		}
	}
	w.Crash(1)
	if err := w.Apply(Action{Kind: ActCrash, Nodes: []NodeID{1}}); err == nil {
		t.Error("crashing a down node: no error")
	}
}

// TestActionText: every action survives String -> ParseAction.
func TestActionText(t *testing.T) {
	r := Rand(t)
	s := Nemesis(r, NemesisConfig{Nodes: 5, Duration: 5000, Gap: 20, MessageKinds: []string{"NEWLEADER", "ACK"}})
	if len(s) < 50 {
		t.Fatalf("only %d faults in 5000 ticks", len(s))
	}
	back, err := ParseSchedule("# a comment\n\n" + s.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(s) {
		t.Fatalf("parsed %d faults, want %d", len(back), len(s))
	}
	for i := range s {
		if back[i].At != s[i].At || !back[i].Action.Equal(s[i].Action) {
			t.Fatalf("fault %d: %v became %v", i, s[i], back[i])
		}
	}
}

// TestNemesisRespectsMaxDown: never more than a minority down, and every
// schedule ends healed with every node up.
func TestNemesisRespectsMaxDown(t *testing.T) {
	r := Rand(t)
	for range 100 {
		s := Nemesis(r, NemesisConfig{Nodes: 5, Duration: 1000})
		down := map[NodeID]bool{}
		for _, f := range s {
			switch f.Action.Kind {
			case ActCrash, ActArm: // an armed node counts as down until restarted
				if down[f.Action.Nodes[0]] {
					t.Fatalf("crashes a down node:\n%s", s)
				}
				down[f.Action.Nodes[0]] = true
			case ActRestart:
				if !down[f.Action.Nodes[0]] {
					t.Fatalf("restarts an up node:\n%s", s)
				}
				delete(down, f.Action.Nodes[0])
			}
			if len(down) > 2 {
				t.Fatalf("%d nodes down at t=%d:\n%s", len(down), f.At, s)
			}
		}
		if len(down) != 0 || s[len(s)-1].At != 1000 {
			t.Fatalf("schedule does not end healed with every node up:\n%s", s)
		}
	}
}

// TestDeterminism: the same seed gives the same run, fault for fault and
// message for message; another seed gives another.
func TestDeterminism(t *testing.T) {
	seed := Seed(t)
	run := func(seed uint64) (uint64, string) {
		var trace strings.Builder
		w := newProbeWorld(t, 5, seed, func(l string) { trace.WriteString(l + "\n") })
		w.Play(Nemesis(NewRand(seed, 1), NemesisConfig{Nodes: 5, Duration: 300, Gap: 20}))
		if err := w.RunFor(320); err != nil {
			t.Fatal(err)
		}
		return w.Hash(), trace.String()
	}
	h1, tr1 := run(seed)
	h2, tr2 := run(seed)
	if h1 != h2 || tr1 != tr2 {
		t.Fatalf("same seed, different runs (hash %x vs %x)", h1, h2)
	}
	if h3, _ := run(seed + 1); h3 == h1 {
		t.Fatalf("seeds %d and %d gave the same hash", seed, seed+1)
	}
}

// diskNode writes its incarnation to a file and syncs only on odd
// incarnations, to see what a crash keeps.
type diskNode struct{ boot Boot }

func (*diskNode) Receive(Env[int], NodeID, int) {}
func (*diskNode) Tick(Env[int])                 {}
func (*diskNode) Disconnected(Env[int], NodeID) {}

// TestCrashKeepsOnlySynced: a restarted node sees its fsynced bytes, and
// never bytes it did not write.
//
// Reference: vfs.go "The durability contract".
func TestCrashKeepsOnlySynced(t *testing.T) {
	w, err := New(Config[int, *diskNode]{
		Nodes: 1, Seed: Seed(t),
		Start: func(b Boot) (*diskNode, error) { return &diskNode{b}, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	d := w.Disk(1)
	f, err := d.OpenFile("log", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("synced|")); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := d.SyncDir("."); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("unsynced")); err != nil {
		t.Fatal(err)
	}
	w.Crash(1)
	if _, up := w.Node(1); up {
		t.Fatal("node 1 up after crash")
	}
	if err := w.Restart(1); err != nil {
		t.Fatal(err)
	}
	n, _ := w.Node(1)
	if n.boot.Incarnation != 1 || w.Incarnation(1) != 1 {
		t.Fatalf("incarnation %d after one restart", n.boot.Incarnation)
	}
	g, err := n.boot.Disk.OpenFile("log", os.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(g)
	if !strings.HasPrefix(string(got), "synced|") || !strings.HasPrefix("synced|unsynced", string(got)) {
		t.Fatalf("after crash the log holds %q, want \"synced|\" plus a prefix of \"unsynced\"", got)
	}
}

// TestRestartError: a node that fails to recover fails Restart, with the
// node and tick in the message.
func TestRestartError(t *testing.T) {
	boom := errors.New("corrupt log")
	w, err := New(Config[int, *diskNode]{
		Nodes: 2, Seed: 1,
		Start: func(b Boot) (*diskNode, error) {
			if b.Incarnation > 0 {
				return nil, boom
			}
			return &diskNode{b}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Crash(2)
	if err := w.Restart(2); !errors.Is(err, boom) || !strings.Contains(err.Error(), "node 2") {
		t.Fatalf("Restart = %v", err)
	}
}

// TestRunUntilBudget: a predicate that never holds ends with ErrBudget
// after exactly the budget.
func TestRunUntilBudget(t *testing.T) {
	w := newProbeWorld(t, 2, 1, nil)
	err := w.RunUntil(50, func() bool { return false })
	if !errors.Is(err, ErrBudget) || w.Now() != 50 {
		t.Fatalf("RunUntil = %v at t=%d", err, w.Now())
	}
	if err := w.RunUntil(50, func() bool { return w.Now() == 60 }); err != nil || w.Now() != 60 {
		t.Fatalf("RunUntil = %v at t=%d", err, w.Now())
	}
}

// TestNemesisSuite runs 200 random fault schedules over 5 probes: the
// network keeps its promises under every one. Each schedule's seed is
// derived from the test's, and a failure names it.
func TestNemesisSuite(t *testing.T) {
	base := Seed(t)
	for i := range uint64(200) {
		seed := base + i
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			sched := Nemesis(NewRand(seed, 1), NemesisConfig{Nodes: 5, Duration: 300, Gap: 15})
			t.Logf("fault schedule (seed %d):\n%s", seed, sched)
			w := newProbeWorld(t, 5, seed, nil)
			w.Play(sched)
			if err := w.RunFor(320); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// kindNode sends one message of a given kind when told to, passing a send
// crash point first (as a runtime does), and counts what it receives.
type kindNode struct {
	got map[string]int
}

func (n *kindNode) Receive(env Env[string], from NodeID, m string) {
	n.got[m]++
	if m == "NEWLEADER" { // handling it takes two sends
		for range 2 {
			if env.Point("send") {
				return
			}
			env.Send(from, "ACK")
		}
	}
}
func (*kindNode) Tick(Env[string])                 {}
func (*kindNode) Disconnected(Env[string], NodeID) {}

func newKindWorld(t *testing.T) *World[string, *kindNode] {
	t.Helper()
	w, err := New(Config[string, *kindNode]{
		Nodes: 3, Seed: Seed(t), Kind: func(m string) string { return m },
		Start: func(Boot) (*kindNode, error) { return &kindNode{got: map[string]int{}}, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func sendKind(w *World[string, *kindNode], from, to NodeID, m string) {
	w.Do(from, func(_ *kindNode, env Env[string]) {
		if !env.Point("send") {
			env.Send(to, m)
		}
	})
}

// TestAimedFaults: drop and delay with * endpoints meet the first matching
// message from or to any node, and an arm with After counts its points
// only from its message on: "arm 2 send 2 after recv NEWLEADER" kills
// node 2 at the second send of the NEWLEADER handling, not at any send
// before it.
//
// Reference: action.go (the action forms); ZOOKEEPER-4643's window (a
// crash inside the Ready that handles NEWLEADER) is what arms aim at.
func TestAimedFaults(t *testing.T) {
	w := newKindWorld(t)
	w.do("drop * -> 3 COMMIT")
	sendKind(w, 1, 2, "COMMIT") // not to 3: passes
	sendKind(w, 2, 3, "COMMIT") // dropped, the 2-3 connection breaks
	sendKind(w, 1, 3, "COMMIT") // the drop is used up: passes
	if err := w.RunFor(10); err != nil {
		t.Fatal(err)
	}
	n2, _ := w.Node(2)
	n3, _ := w.Node(3)
	if n2.got["COMMIT"] != 1 || n3.got["COMMIT"] != 1 || w.Stats().AimedDrops != 1 {
		t.Fatalf("COMMITs at 2: %d, at 3: %d, aimed drops %d; want 1, 1, 1", n2.got["COMMIT"], n3.got["COMMIT"], w.Stats().AimedDrops)
	}

	w.do("delay 1 -> * PING 30")
	sendKind(w, 1, 2, "PING")
	if err := w.RunFor(20); err != nil {
		t.Fatal(err)
	}
	if n2.got["PING"] != 0 {
		t.Fatal("a PING delayed by 30 ticks arrived within 20")
	}
	if err := w.RunFor(20); err != nil {
		t.Fatal(err)
	}
	if n2.got["PING"] != 1 {
		t.Fatal("the delayed PING never arrived")
	}

	w.do("arm 2 send 2 after recv NEWLEADER")
	sendKind(w, 2, 1, "X") // node 2 sends before the trigger: no crash
	if err := w.RunFor(10); err != nil {
		t.Fatal(err)
	}
	if !w.Up(2) {
		t.Fatal("node 2 died at a point before its arm's message came")
	}
	sendKind(w, 1, 2, "NEWLEADER")
	sent := w.Stats().Sent
	if err := w.RunFor(10); err != nil {
		t.Fatal(err)
	}
	// (The ACK it sent is lost with its connections.)
	if st := w.Stats(); w.Up(2) || st.Sent != sent+1 || st.ArmsTriggered != 1 || st.PointCrashes != 1 {
		t.Fatalf("node 2 up: %v, sent %d after NEWLEADER, stats %+v; want node 2 dead after one ACK", w.Up(2), st.Sent-sent, st)
	}
}
