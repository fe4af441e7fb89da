package zabsim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
	"github.com/zkafka/zkafka/zk/zab/zabcheck"
)

// Write is one applied txn: its zxid and the id of the client write.
type Write struct {
	Zxid int64
	ID   int64
}

func (w Write) String() string { return fmt.Sprintf("w%d@%s", w.ID, quorum.FormatZxid(w.Zxid)) }

// Options shapes a cluster. Times are in Peer ticks unless said otherwise.
type Options struct {
	N            int // servers, ids 1..N (default 3)
	InitLimit    int // ticks (default 10)
	SyncLimit    int // ticks (default 5)
	FinalizeWait int // ticks (default 1)
	// CommitLogCount is zab.Config.CommitLogCount. 0 draws one per
	// cluster (from the cluster's seed, on its own stream) among none,
	// 2, 8 and ZooKeeper's 500, so that schedules sync followers behind a
	// snapshot both ways: with a SNAP, and with a DIFF from the window.
	CommitLogCount int

	// TickEvery is how many world ticks make one Peer tick (default 10),
	// and DelayMin..DelayMax a packet's delay in world ticks (default
	// 1..4): a round trip is a fraction of a tick, as milliseconds are
	// of ZooKeeper's 2-second tickTime.
	TickEvery          int64
	DelayMin, DelayMax int64
	// Lazy lets about half the servers (drawn per boot) leave a Ready
	// for later now and then, so packets pile up into one fsync.
	Lazy bool
	// Trace, if set, receives every line of the world's trace (sends,
	// deliveries, faults). Use it to debug one seed.
	Trace func(string)

	mutant mutant // a deliberately broken runtime, for the suite's own tests
}

// mutant names a bug planted in the runtime, to check that the checkers
// catch it (mutation testing of the test suite).
type mutant int

const (
	mutantNone    mutant = iota
	mutantNoFsync        // write log entries but never fsync them
)

// Cluster is a simulated ensemble: N Servers in a labs/sim World, client
// writes, and a zabcheck.Recorder watching every broadcast, fsync,
// truncation and delivery.
type Cluster struct {
	// W is the world: partitions, crashes, restarts and time go through it
	// (W.Partition, W.Crash, W.Restart, W.RunFor, W.Play, ...).
	W   *sim.World[zab.Packet, *Server]
	R   *rand.Rand // the driver's choices (which server a write goes to, ...)
	IDs []sim.NodeID

	// Proposed maps a write id to the zxid it was (last) proposed at.
	Proposed map[int64]int64
	// Stats counts notable events ("trunc", "snap", "snapshot",
	// "established"), so tests can check a schedule exercised what it
	// meant to.
	Stats map[string]int

	seed      uint64
	opts      Options
	voters    []int64
	check     zabcheck.Recorder
	nextWrite int64
	committed []Write // every write applied anywhere, in zxid order
	// durable[id]: the log entries server id's runtime fsynced (and did not
	// truncate since), which its disk must give back after a crash.
	durable map[sim.NodeID][]Write
	errs    []string // runtime contract violations
	trace   []string // recent events, for failure messages
}

// New builds an ensemble of fresh servers. The world's seed is drawn from
// r, and r drives the cluster's own choices: a run is a function of r's
// state.
func New(r *rand.Rand, opts Options) (*Cluster, error) {
	if opts.N <= 0 {
		opts.N = 3
	}
	if opts.TickEvery <= 0 {
		opts.TickEvery = 10
	}
	if opts.DelayMin <= 0 {
		opts.DelayMin = 1
	}
	if opts.DelayMax <= 0 {
		opts.DelayMax = max(4, opts.DelayMin)
	}
	c := &Cluster{R: r, seed: r.Uint64(), opts: opts, Proposed: map[int64]int64{}, Stats: map[string]int{}, durable: map[sim.NodeID][]Write{}}
	if c.opts.CommitLogCount == 0 {
		c.opts.CommitLogCount = []int{-1, 2, 8, 500}[sim.NewRand(c.seed, 2).IntN(4)]
	}
	c.check.Voters = opts.N
	for i := 1; i <= opts.N; i++ {
		c.IDs = append(c.IDs, sim.NodeID(i))
		c.voters = append(c.voters, int64(i))
	}
	w, err := sim.New(sim.Config[zab.Packet, *Server]{
		Nodes: opts.N, Seed: c.seed, Start: c.start,
		DelayMin: opts.DelayMin, DelayMax: opts.DelayMax, TickEvery: opts.TickEvery,
		Trace: opts.Trace, Kind: PacketKind,
	})
	if err != nil {
		return nil, err
	}
	c.W = w
	return c, nil
}

// Seed is the world's seed (drawn from the r given to New).
func (c *Cluster) Seed() uint64 { return c.seed }

// Server returns server id, or nil while it is crashed.
func (c *Cluster) Server(id sim.NodeID) *Server {
	s, up := c.W.Node(id)
	if !up {
		return nil
	}
	return s
}

// Applied is server id's state machine (nil while it is crashed).
func (c *Cluster) Applied(id sim.NodeID) []Write {
	if s := c.Server(id); s != nil {
		return s.Applied
	}
	return nil
}

// Role is server id's role (the zero SoftState while it is crashed).
func (c *Cluster) Role(id sim.NodeID) zab.SoftState {
	if s := c.Server(id); s != nil {
		return s.Role
	}
	return zab.SoftState{}
}

func (c *Cluster) logf(format string, args ...any) {
	const keep = 400
	if len(c.trace) >= keep {
		c.trace = append(c.trace[:0], c.trace[len(c.trace)-keep/2:]...)
	}
	var now int64
	if c.W != nil { // nil while sim.New boots the servers
		now = c.W.Now()
	}
	c.trace = append(c.trace, fmt.Sprintf("[t=%d] ", now)+fmt.Sprintf(format, args...))
}

// fail records a broken runtime contract (a Peer error, a bad Ready).
func (c *Cluster) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.logf("VIOLATION: %s", msg)
	if len(c.errs) < 20 {
		c.errs = append(c.errs, msg)
	}
}

// Err checks the run so far: the runtime's contract and the Zab paper's
// properties (zabcheck). nil if nothing is wrong.
func (c *Cluster) Err() error {
	errs := slices.Clone(c.errs)
	errs = append(errs, c.check.Check()...)
	if len(errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(errs, "\n"))
}

// Trace is the recent event log (for failure messages).
func (c *Cluster) Trace() string { return strings.Join(c.trace, "\n") }

// Report is what a failing test prints: the error, the world's seed, the
// fault schedule as it happened (sim's text form, which a test can
// replay with W.Play), and the recent events.
func (c *Cluster) Report(err error) string {
	return fmt.Sprintf("%v\n--- world seed %d, faults (sim.ParseSchedule) ---\n%s--- recent events ---\n%s",
		err, c.seed, c.W.Faults(), c.Trace())
}

// Write submits a new client write at server id: proposed there if it
// leads, forwarded (REQUEST) if it follows. It returns the write id, or 0
// if the server is down or does not serve now.
func (c *Cluster) Write(id sim.NodeID) int64 {
	c.nextWrite++
	w := c.nextWrite
	ok := false
	c.W.Do(id, func(s *Server, e env) { ok = s.write(e, w) })
	if !ok {
		return 0
	}
	return w
}

// Compact has server id snapshot its state machine and forget the log up
// to its last applied write.
func (c *Cluster) Compact(id sim.NodeID) {
	if s := c.Server(id); s != nil {
		s.compact()
	}
}

// Flush has server id carry out any Ready a lazy disk left behind.
func (c *Cluster) Flush(id sim.NodeID) {
	c.W.Do(id, func(s *Server, e env) { s.Pump(e) })
}

// Settle delivers everything in flight, with timers frozen, until no
// packet is on the wire and no server has a Ready left (sim's Stabilize).
func (c *Cluster) Settle() error {
	for range 1000 {
		for _, id := range c.IDs {
			c.Flush(id)
		}
		if err := c.W.Stabilize(10000); err != nil {
			return err
		}
		if !c.busy() {
			return nil
		}
	}
	return fmt.Errorf("zabsim: the ensemble does not settle")
}

func (c *Cluster) busy() bool {
	for _, id := range c.IDs {
		if s := c.Server(id); s != nil && s.Peer.HasReady() {
			return true
		}
	}
	return c.W.InFlight() > 0
}

// RunTicks runs n rounds of: settle, then one Peer tick of world time.
func (c *Cluster) RunTicks(n int) error {
	for range n {
		if err := c.Settle(); err != nil {
			return err
		}
		if err := c.W.RunFor(c.opts.TickEvery); err != nil {
			return err
		}
	}
	return c.Settle()
}

// Leader returns the established, serving leader with the highest epoch
// (0 if none).
func (c *Cluster) Leader() sim.NodeID {
	var best sim.NodeID
	var epoch int64
	for _, id := range c.IDs {
		if s := c.Server(id); s != nil {
			st := s.Peer.Status().SoftState
			if st.State == quorum.Leading && st.Serving && st.Epoch > epoch {
				best, epoch = id, st.Epoch
			}
		}
	}
	return best
}

// Committed is every write any server has applied so far, in zxid order:
// the committed sequence (zabcheck checks that it is one sequence).
func (c *Cluster) Committed() []Write { return slices.Clone(c.committed) }

// logged notes that server id fsynced w; cut that it dropped every
// entry above zxid.
func (c *Cluster) logged(id sim.NodeID, w Write) {
	c.cut(id, w.Zxid-1)
	c.durable[id] = append(c.durable[id], w)
}

func (c *Cluster) cut(id sim.NodeID, zxid int64) {
	d := c.durable[id]
	i := len(d)
	for i > 0 && d[i-1].Zxid > zxid {
		i--
	}
	c.durable[id] = d[:i]
}

// checkRecovered: a restarted server's disk gives back every entry its
// runtime fsynced after the snapshot (zab's contract: ACKs promise it).
func (c *Cluster) checkRecovered(id sim.NodeID, snapZxid int64, got []zab.Entry) {
	i := 0
	for _, w := range c.durable[id] {
		if w.Zxid <= snapZxid {
			continue
		}
		for i < len(got) && got[i].Zxid < w.Zxid {
			i++
		}
		if i == len(got) || got[i].Zxid != w.Zxid || got[i].Txn.Header.ClientID != w.ID {
			c.fail("durability: server %d fsynced %v, but after the crash its log does not hold it", id, w)
			return
		}
	}
}

func (c *Cluster) applied(w Write) {
	if n := len(c.committed); n == 0 || w.Zxid > c.committed[n-1].Zxid {
		c.committed = append(c.committed, w)
	}
}

// PacketKind names a packet's type for the world's drop and delay
// actions ("NEWLEADER", "COMMIT").
func PacketKind(m zab.Packet) string { return m.Type.String() }

// PhaseKinds are the packet types the nemesis aims at: each marks a phase
// of the protocol whose loss or lateness the bugs of issue-style reviews
// hinge on (discovery, synchronization, broadcast).
var PhaseKinds = []string{"LEADERINFO", "ACKEPOCH", "NEWLEADER", "UPTODATE", "PROPOSAL", "ACK", "COMMIT", "DIFF", "TRUNC", "SNAP"}

// NemesisConfig is the fault mix of the ZAB suites (TestNemesis, zksim's
// TestClientNemesis): every sim.Nemesis fault, with the ones aimed at a
// protocol phase (PhaseKinds) drawn twice as often as the others — a
// partition or crash at a random tick seldom lands inside the few ticks
// a phase lasts, and the data-loss bugs of issue 9 live in those ticks.
// Among the phases, broadcast's ACK and COMMIT (where the commit rule
// lives: a lost ACK next to a late one, a leader dying right after it
// counted a quorum) and NEWLEADER (where currentEpoch meets the log) are
// drawn more often.
func NemesisConfig(nodes int, duration, gap int64) sim.NemesisConfig {
	kinds := append(slices.Clone(PhaseKinds), "ACK", "ACK", "COMMIT", "NEWLEADER")
	return sim.NemesisConfig{
		Nodes: nodes, Duration: duration, Gap: gap, MessageKinds: kinds,
		Kinds: []sim.ActionKind{
			sim.ActPartition, sim.ActCut, sim.ActIsolate, sim.ActHeal, sim.ActBreak, sim.ActCrash, sim.ActRestart,
			sim.ActArm, sim.ActArm, sim.ActDrop, sim.ActDrop, sim.ActDelay, sim.ActDelay,
		},
	}
}
