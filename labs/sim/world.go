package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// Config describes a world. Only Nodes, Seed and Start are required.
type Config[M any, N Node[M]] struct {
	Nodes int    // how many nodes, numbered 1..Nodes
	Seed  uint64 // the one seed everything is drawn from (sim.Seed(t))

	// Start creates node b.ID: at New, and again at every Restart from the
	// crashed disk. An error (say, recovery found a corrupt log) fails New
	// or Restart.
	Start func(b Boot) (N, error)

	// DelayMin and DelayMax bound a message's delay in world ticks, drawn
	// uniformly per message (defaults 1 and 3; DelayMin is at least 1, so
	// a message is never delivered in the tick it was sent).
	DelayMin, DelayMax int64
	// TickEvery is how many world ticks pass between two Node.Tick calls
	// (default 1). Raise it to make messages fast compared to timeouts.
	TickEvery int64

	// Describe renders a message for the trace (default fmt's %v).
	Describe func(M) string
	// Kind names a message's type ("NEWLEADER", "COMMIT"), for the drop
	// and delay actions aimed at one message type. Without it those
	// actions match nothing.
	Kind func(M) string
	// Trace, if set, receives one line per thing that happens (sends,
	// deliveries, drops, faults), e.g. t.Log. Tracing formats every
	// message, so leave it nil in big suites; Hash works without it.
	Trace func(line string)
}

// World is a simulated cluster: nodes, the network between them, their
// disks and the clock. It is not safe for concurrent use and starts no
// goroutines: everything happens inside its methods, in an order fixed by
// the seed.
type World[M any, N Node[M]] struct {
	cfg   Config[M, N]
	r     *rand.Rand // network delays, crash tearing
	now   int64
	n     int
	nodes []slot[M, N] // index id-1
	links []link       // directed, index (from-1)*n + (to-1)
	q     queue[M]
	seq   uint64
	live  int // messages in flight that will still be delivered

	plan   Schedule // faults still to apply (Play), sorted by At
	faults []Fault  // faults applied so far
	hash   uint64
	stats  Stats
	peers  []NodeID
	aimed  []Action // drop and delay actions still waiting for their message
}

type slot[M any, N Node[M]] struct {
	node        N
	up          bool
	disk        *vfs.Mem
	incarnation int
	env         *env[M, N]
	arm         *Action // arm: the crash point it dies at (Count counts down)
	armWaits    bool    // arm with After: its message has not come yet
}

// link is one direction of the connection between two nodes.
type link struct {
	blocked  bool   // a partition or cut drops everything sent on it
	gen      uint32 // connection generation: bumped when it breaks
	lastAt   int64  // tick the newest message on it is due: keeps the link FIFO
	inflight int    // messages of this generation still queued
}

// Stats counts what the network did.
type Stats struct {
	Sent, Delivered, Dropped int // dropped: sent on a cut link or to a down node, or lost in a break
	Ticks                    int64
	PointCrashes             int // nodes killed at a crash point inside a call (arm)
	AimedDrops, AimedDelays  int // drop and delay actions that met their message
	ArmsTriggered            int // arms with After whose message came (they count points from then)
}

type env[M any, N Node[M]] struct {
	w  *World[M, N]
	id NodeID
}

func (e *env[M, N]) Send(to NodeID, m M)     { e.w.send(e.id, to, m) }
func (e *env[M, N]) Now() int64              { return e.w.now }
func (e *env[M, N]) Point(point string) bool { return e.w.point(e.id, point) }

// point is a crash point of node id: if an arm action is waiting for it,
// the node dies here.
func (w *World[M, N]) point(id NodeID, point string) bool {
	s := &w.nodes[id-1]
	if !s.up {
		return true // already dead: the caller must stop
	}
	a := s.arm
	if a == nil || s.armWaits || (a.Point != "any" && a.Point != point) {
		return false
	}
	if a.Count--; a.Count > 0 {
		return false
	}
	w.tracef("crash %d at a %s point (armed)", id, point)
	w.stats.PointCrashes++
	w.mix(8, w.now, int64(id))
	w.crash(id)
	return true
}

// trigger starts the count of node id's arm if it waits for this message:
// dir is "send" or "recv".
func (w *World[M, N]) trigger(id NodeID, dir string, m M) {
	s := &w.nodes[id-1]
	if !s.armWaits || w.cfg.Kind == nil || s.arm.After != dir+" "+w.cfg.Kind(m) {
		return
	}
	s.armWaits = false
	w.stats.ArmsTriggered++
	w.mix(10, w.now, int64(id))
	w.tracef("node %d's arm is live (%s)", id, s.arm.After)
}

// ErrBudget is returned (wrapped) when RunUntil or Stabilize runs out of
// ticks before the world got where the test wanted it.
var ErrBudget = errors.New("sim: tick budget exhausted")

// New builds a world and starts every node at tick 0.
func New[M any, N Node[M]](cfg Config[M, N]) (*World[M, N], error) {
	if cfg.Nodes <= 0 {
		return nil, fmt.Errorf("sim: Config.Nodes = %d, want at least 1", cfg.Nodes)
	}
	if cfg.Start == nil {
		return nil, errors.New("sim: Config.Start is nil")
	}
	if cfg.DelayMin <= 0 {
		cfg.DelayMin = 1
	}
	if cfg.DelayMax == 0 {
		cfg.DelayMax = max(3, cfg.DelayMin)
	}
	if cfg.DelayMax < cfg.DelayMin {
		return nil, fmt.Errorf("sim: DelayMax %d < DelayMin %d", cfg.DelayMax, cfg.DelayMin)
	}
	if cfg.TickEvery <= 0 {
		cfg.TickEvery = 1
	}
	w := &World[M, N]{
		cfg:   cfg,
		r:     NewRand(cfg.Seed, 0),
		n:     cfg.Nodes,
		nodes: make([]slot[M, N], cfg.Nodes),
		links: make([]link, cfg.Nodes*cfg.Nodes),
		hash:  fnvOffset,
	}
	for i := range w.nodes {
		id := NodeID(i + 1)
		w.peers = append(w.peers, id)
		w.nodes[i].disk = vfs.NewMem()
		w.nodes[i].env = &env[M, N]{w: w, id: id}
	}
	for _, id := range w.peers {
		if err := w.start(id); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// NewRand returns the random stream number stream of a seed. The world
// uses stream 0 for the network, 1 for the nemesis, and one per node
// incarnation, so that, say, a node drawing one more number does not shift
// the fault schedule.
func NewRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream*0x9e3779b97f4a7c15^0xda942042e4dd58b5))
}

func (w *World[M, N]) start(id NodeID) error {
	s := &w.nodes[id-1]
	b := Boot{
		ID:          id,
		Peers:       w.peers,
		Disk:        s.disk,
		Rand:        NewRand(w.cfg.Seed, uint64(2+int(id)+w.n*s.incarnation)),
		Incarnation: s.incarnation,
	}
	n, err := w.cfg.Start(b)
	if err != nil {
		return fmt.Errorf("sim: starting node %d (incarnation %d) at t=%d: %w", id, s.incarnation, w.now, err)
	}
	s.node, s.up = n, true
	return nil
}

// Now is the world's clock in ticks.
func (w *World[M, N]) Now() int64 { return w.now }

// Nodes lists the node ids, 1..n.
func (w *World[M, N]) Nodes() []NodeID { return w.peers }

// Node returns node id, and whether it is up. A crashed node is gone (the
// zero N is returned) until Restart.
func (w *World[M, N]) Node(id NodeID) (N, bool) {
	s := &w.nodes[w.check(id)-1]
	return s.node, s.up
}

// Up reports whether node id is running.
func (w *World[M, N]) Up(id NodeID) bool { return w.nodes[w.check(id)-1].up }

// Disk is node id's disk (for a crashed node, what the crash left).
func (w *World[M, N]) Disk(id NodeID) *vfs.Mem { return w.nodes[w.check(id)-1].disk }

// Incarnation counts node id's restarts.
func (w *World[M, N]) Incarnation(id NodeID) int { return w.nodes[w.check(id)-1].incarnation }

// Do runs fn on a live node with its Env, so a test can hand it a client
// request (a proposal, a produce) that sends messages. It reports false,
// without calling fn, if the node is down.
func (w *World[M, N]) Do(id NodeID, fn func(n N, env Env[M])) bool {
	s := &w.nodes[w.check(id)-1]
	if !s.up {
		return false
	}
	fn(s.node, s.env)
	return true
}

// InFlight is how many messages are on their way and will arrive unless a
// fault intervenes.
func (w *World[M, N]) InFlight() int { return w.live }

// Stats returns the network counters.
func (w *World[M, N]) Stats() Stats { return w.stats }

// Hash is a fingerprint of everything that has happened (every send,
// delivery, drop, fault, tick): two runs with the same seed and the same
// nodes have the same Hash, and almost surely different ones otherwise.
func (w *World[M, N]) Hash() uint64 { return w.hash }

func (w *World[M, N]) check(id NodeID) NodeID {
	if id < 1 || int(id) > w.n {
		panic(fmt.Sprintf("sim: no node %d (the world has nodes 1..%d)", id, w.n))
	}
	return id
}

func (w *World[M, N]) link(from, to NodeID) *link {
	return &w.links[int(from-1)*w.n+int(to-1)]
}

func (w *World[M, N]) tracef(format string, args ...any) {
	if w.cfg.Trace != nil {
		w.cfg.Trace(fmt.Sprintf("t=%d ", w.now) + fmt.Sprintf(format, args...))
	}
}

func (w *World[M, N]) describe(m M) string {
	if w.cfg.Describe != nil {
		return w.cfg.Describe(m)
	}
	return fmt.Sprintf("%v", m)
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// mix folds a few numbers into the run's fingerprint (FNV-1a over words).
func (w *World[M, N]) mix(vals ...int64) {
	h := w.hash
	for _, v := range vals {
		h ^= uint64(v)
		h *= fnvPrime
	}
	w.hash = h
}

func (w *World[M, N]) send(from, to NodeID, m M) {
	w.check(to)
	w.stats.Sent++
	l := w.link(from, to)
	if !w.nodes[from-1].up {
		// A node that crashed inside a call sends nothing more.
		w.stats.Dropped++
		return
	}
	w.trigger(from, "send", m)
	var delay int64
	if i := w.aimedAt(from, to, m); i >= 0 {
		a := w.aimed[i]
		w.aimed = slices.Delete(w.aimed, i, i+1)
		if a.Kind == ActDrop {
			w.stats.Dropped++
			w.stats.AimedDrops++
			w.tracef("drop %d->%d %s (aimed), the connection breaks", from, to, w.describe(m))
			w.mix(9, w.now, int64(from), int64(to))
			w.breakConn(from, to)
			return
		}
		delay = a.Count
		w.stats.AimedDelays++
		w.tracef("delay %d->%d %s by %d ticks (aimed)", from, to, w.describe(m), delay)
	}
	if l.blocked || !w.nodes[to-1].up {
		w.stats.Dropped++
		w.mix(1, w.now, int64(from), int64(to))
		if w.cfg.Trace != nil {
			w.tracef("drop %d->%d %s (link cut or node down)", from, to, w.describe(m))
		}
		return
	}
	at := w.now + w.cfg.DelayMin
	if d := w.cfg.DelayMax - w.cfg.DelayMin; d > 0 {
		at += w.r.Int64N(d + 1)
	}
	at += delay
	at = max(at, l.lastAt) // FIFO: never overtake an earlier message on this link
	l.lastAt = at
	l.inflight++
	w.live++
	w.seq++
	w.q.push(event[M]{at: at, seq: w.seq, kind: evDeliver, from: from, to: to, gen: l.gen, msg: m})
	w.mix(2, w.now, int64(from), int64(to), at)
	if w.cfg.Trace != nil {
		w.tracef("send %d->%d %s (due t=%d)", from, to, w.describe(m), at)
	}
}

// aimedAt is the index of the first drop or delay action that m matches.
func (w *World[M, N]) aimedAt(from, to NodeID, m M) int {
	if len(w.aimed) == 0 || w.cfg.Kind == nil {
		return -1
	}
	kind := w.cfg.Kind(m)
	for i, a := range w.aimed {
		if (a.Nodes[0] == Any || a.Nodes[0] == from) && (a.Nodes[1] == Any || a.Nodes[1] == to) && a.Point == kind {
			return i
		}
	}
	return -1
}

// crash cuts node id's power.
func (w *World[M, N]) crash(id NodeID) {
	s := &w.nodes[id-1]
	s.up = false
	s.arm, s.armWaits = nil, false
	var zero N
	s.node = zero // its memory is gone
	for _, p := range w.peers {
		w.breakConn(id, p)
	}
	s.disk = s.disk.Crash(w.r) // keeps what was fsynced, maybe a torn tail
}

// breakConn resets the connection between a and b: both directions lose
// what is in flight, and both ends (if up) hear about it this tick.
func (w *World[M, N]) breakConn(a, b NodeID) {
	for _, d := range [2][2]NodeID{{a, b}, {b, a}} {
		l := w.link(d[0], d[1])
		l.gen++
		w.live -= l.inflight
		w.stats.Dropped += l.inflight
		l.inflight = 0
		l.lastAt = w.now
	}
	w.mix(3, w.now, int64(a), int64(b))
	w.tracef("break %d-%d", a, b)
	for _, d := range [2][2]NodeID{{a, b}, {b, a}} {
		s := &w.nodes[d[0]-1]
		if s.up && d[0] != d[1] {
			w.seq++
			w.q.push(event[M]{at: w.now, seq: w.seq, kind: evDisconnect, from: d[1], to: d[0], gen: uint32(s.incarnation)})
		}
		if a == b {
			break
		}
	}
}

// setPair sets whether x->y and y->x are blocked. If a working direction
// gets blocked, the connection breaks (once, even if both directions did).
func (w *World[M, N]) setPair(x, y NodeID, xy, yx bool) {
	a, b := w.link(x, y), w.link(y, x)
	broke := (xy && !a.blocked) || (yx && !b.blocked)
	a.blocked, b.blocked = xy, yx
	if broke {
		w.breakConn(x, y)
	}
}

// deliver runs one due event.
func (w *World[M, N]) deliver(e event[M]) {
	s := &w.nodes[e.to-1]
	switch e.kind {
	case evDeliver:
		l := w.link(e.from, e.to)
		if e.gen != l.gen {
			return // lost in a break; already counted as dropped
		}
		l.inflight--
		w.live--
		if !s.up { // unreachable: a crash breaks the node's links
			w.stats.Dropped++
			return
		}
		w.stats.Delivered++
		w.mix(4, w.now, int64(e.from), int64(e.to), int64(e.seq))
		if w.cfg.Trace != nil {
			w.tracef("recv %d->%d %s", e.from, e.to, w.describe(e.msg))
		}
		w.trigger(e.to, "recv", e.msg)
		s.node.Receive(s.env, e.from, e.msg)
	case evDisconnect:
		if !s.up || uint32(s.incarnation) != e.gen {
			return // the node it was meant for is gone
		}
		w.mix(5, w.now, int64(e.from), int64(e.to))
		w.tracef("disconnected %d: lost connection to %d", e.to, e.from)
		s.node.Disconnected(s.env, e.from)
	}
}

// step advances the clock one tick: scheduled faults, then every event due,
// then (if tick) the nodes' timers in id order.
func (w *World[M, N]) step(tick bool) error {
	w.now++
	w.stats.Ticks++
	for len(w.plan) > 0 && w.plan[0].At <= w.now {
		f := w.plan[0]
		w.plan = w.plan[1:]
		if err := w.Apply(f.Action); err != nil {
			return fmt.Errorf("sim: scheduled fault at t=%d: %w", f.At, err)
		}
	}
	for w.q.len() > 0 && w.q.peekAt() <= w.now {
		w.deliver(w.q.pop())
	}
	if tick && w.now%w.cfg.TickEvery == 0 {
		w.mix(6, w.now)
		for i := range w.nodes {
			if s := &w.nodes[i]; s.up {
				s.node.Tick(s.env)
			}
		}
	}
	return nil
}

// RunFor advances the world n ticks. It fails only if a scheduled fault
// fails (a restart whose recovery errs).
func (w *World[M, N]) RunFor(n int64) error {
	for range n {
		if err := w.step(true); err != nil {
			return err
		}
	}
	return nil
}

// RunUntil advances the world until done() holds (checked before every
// tick), at most budget ticks. It returns an error wrapping ErrBudget if
// done never held.
func (w *World[M, N]) RunUntil(budget int64, done func() bool) error {
	for range budget {
		if done() {
			return nil
		}
		if err := w.step(true); err != nil {
			return err
		}
	}
	if done() {
		return nil
	}
	return fmt.Errorf("%w: condition still false after %d ticks (t=%d)", ErrBudget, budget, w.now)
}

// Stabilize delivers every message in flight, and every message those
// cause, with the nodes' timers frozen (no Tick), until the network is
// empty and every Disconnected notice has been handed out — etcd's
// "stabilize". It gives up after budget ticks (nodes that
// answer every message with another never quiesce).
func (w *World[M, N]) Stabilize(budget int64) error {
	// The queue, not InFlight: Disconnected notices must be handed out too.
	for range budget {
		if w.q.len() == 0 {
			return nil
		}
		if err := w.step(false); err != nil {
			return err
		}
	}
	if w.q.len() == 0 {
		return nil
	}
	return fmt.Errorf("%w: %d messages still in flight after %d ticks (t=%d)", ErrBudget, w.live, budget, w.now)
}

// Apply makes one change to the world now (see Action). It fails on a
// malformed action (unknown node, a partition not listing every node once,
// crashing a down node, restarting an up one) and when a restarted node
// fails to start.
func (w *World[M, N]) Apply(a Action) error {
	for _, g := range a.Groups {
		for _, id := range g {
			if id < 1 || int(id) > w.n {
				return fmt.Errorf("sim: %q: no node %d", a, id)
			}
		}
	}
	for _, id := range a.Nodes {
		if id == Any && (a.Kind == ActDrop || a.Kind == ActDelay) {
			continue
		}
		if id < 1 || int(id) > w.n {
			return fmt.Errorf("sim: %q: no node %d", a, id)
		}
	}
	switch a.Kind {
	case ActPartition:
		group := make([]int, w.n+1)
		for gi, g := range a.Groups {
			for _, id := range g {
				if group[id] != 0 {
					return fmt.Errorf("sim: %q: node %d listed twice", a, id)
				}
				group[id] = gi + 1
			}
		}
		for _, id := range w.peers {
			if group[id] == 0 {
				return fmt.Errorf("sim: %q: node %d not listed (list every node once)", a, id)
			}
		}
		for _, x := range w.peers {
			for _, y := range w.peers[x:] { // y > x
				cut := group[x] != group[y]
				w.setPair(x, y, cut, cut)
			}
		}
	case ActIsolate:
		for _, x := range w.peers {
			for _, y := range w.peers[x:] {
				cut := (x == a.Nodes[0]) != (y == a.Nodes[0])
				w.setPair(x, y, cut, cut)
			}
		}
	case ActCut:
		if a.Nodes[0] == a.Nodes[1] {
			return fmt.Errorf("sim: %q: a node cannot be cut from itself", a)
		}
		x, y := a.Nodes[0], a.Nodes[1]
		w.setPair(x, y, true, w.link(y, x).blocked)
	case ActHeal:
		for i := range w.links {
			w.links[i].blocked = false
		}
		w.aimed = nil
	case ActBreak:
		w.breakConn(a.Nodes[0], a.Nodes[1])
	case ActCrash:
		id := a.Nodes[0]
		if !w.nodes[id-1].up {
			return fmt.Errorf("sim: %q: node %d is already down", a, id)
		}
		w.crash(id)
	case ActArm:
		s := &w.nodes[a.Nodes[0]-1]
		if !s.up {
			return fmt.Errorf("sim: %q: node %d is down", a, a.Nodes[0])
		}
		arm := a
		s.arm, s.armWaits = &arm, a.After != ""
	case ActDrop, ActDelay:
		if a.Nodes[0] == a.Nodes[1] && a.Nodes[0] != Any {
			return fmt.Errorf("sim: %q: a node does not message itself", a)
		}
		w.aimed = append(w.aimed, a)
	case ActRestart:
		id := a.Nodes[0]
		s := &w.nodes[id-1]
		if s.up && s.arm != nil {
			// Armed but the point never came: the restart stands for the
			// crash that did not happen. Disarm; nothing else changes.
			s.arm, s.armWaits = nil, false
			w.faults = append(w.faults, Fault{At: w.now, Action: a})
			w.tracef("%s (was armed, never crashed: disarmed)", a)
			return nil
		}
		if s.up {
			return fmt.Errorf("sim: %q: node %d is up", a, id)
		}
		s.incarnation++
		w.faults = append(w.faults, Fault{At: w.now, Action: a})
		w.mix(7, w.now, int64(id))
		w.tracef("%s", a)
		return w.start(id)
	default:
		return fmt.Errorf("sim: unknown action %q", a.Kind)
	}
	w.faults = append(w.faults, Fault{At: w.now, Action: a})
	w.mix(7, w.now, int64(len(a.Kind)), int64(a.Kind[0]))
	w.tracef("%s", a)
	return nil
}

// do parses and applies an action from a test script; a malformed one is a
// bug in the test, so it panics with the reason.
func (w *World[M, N]) do(s string) {
	a, err := ParseAction(s)
	if err == nil {
		err = w.Apply(a)
	}
	if err != nil {
		panic(err)
	}
}

// Partition splits the nodes into groups that cannot talk to each other,
// replacing any earlier partition or cut: w.Partition("1 | 2 3").
func (w *World[M, N]) Partition(spec string) { w.do("partition " + spec) }

// Cut drops from's messages to to (one way); the connection breaks.
func (w *World[M, N]) Cut(from, to NodeID) { w.do(fmt.Sprintf("cut %d -> %d", from, to)) }

// Isolate cuts id off from every other node.
func (w *World[M, N]) Isolate(id NodeID) { w.do(fmt.Sprintf("isolate %d", id)) }

// Heal undoes every partition and cut.
func (w *World[M, N]) Heal() { w.do("heal") }

// Break resets the connection between a and b (TCP reset): in-flight
// messages are lost and both ends are told.
func (w *World[M, N]) Break(a, b NodeID) { w.do(fmt.Sprintf("break %d %d", a, b)) }

// Crash cuts node id's power: its memory and unsynced writes are lost.
func (w *World[M, N]) Crash(id NodeID) { w.do(fmt.Sprintf("crash %d", id)) }

// Restart starts a crashed node from its disk. Unlike the other faults it
// returns an error: a node that cannot recover is what a test looks for.
func (w *World[M, N]) Restart(id NodeID) error {
	a, err := ParseAction(fmt.Sprintf("restart %d", id))
	if err != nil {
		return err
	}
	return w.Apply(a)
}

// Play schedules faults to be applied as the clock reaches their ticks
// (absolute world ticks; faults already past apply at the next tick).
func (w *World[M, N]) Play(s Schedule) {
	w.plan = append(w.plan, s...)
	w.plan.sort()
}

// Faults is every action applied so far, with its tick: the schedule as it
// actually happened (scripted and played).
func (w *World[M, N]) Faults() Schedule { return append(Schedule(nil), w.faults...) }

// Links describes the network now, one line per cut direction, for
// failure messages ("all links up" when healed).
func (w *World[M, N]) Links() string {
	var b strings.Builder
	for _, x := range w.peers {
		for _, y := range w.peers {
			if w.link(x, y).blocked {
				fmt.Fprintf(&b, "%d -> %d cut\n", x, y)
			}
		}
	}
	if b.Len() == 0 {
		return "all links up\n"
	}
	return b.String()
}
