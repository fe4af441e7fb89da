package zksim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/session"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/zabcheck"
	"github.com/zkafka/zkafka/zk/zab/zabsim"
	"github.com/zkafka/zkafka/zk/zab/zkcheck"
)

// Options shapes an ensemble and its clients.
type Options struct {
	N       int // servers (default 3)
	Clients int // client sessions (default 4)
	// Paths the clients write and read (default /a, /b, /c).
	Paths []string
	// OpEvery: an idle client issues an operation with probability
	// 1/OpEvery per world tick (default 8).
	OpEvery int
	// Timeout, in world ticks, after which a client gives up on an
	// operation (connection loss: its outcome is unknown) and reconnects
	// elsewhere (default 200, i.e. 20 Peer ticks).
	Timeout int64

	mutant mutant // a bug planted on purpose, to test the checkers
}

// mutant names a deliberate bug, for the suite's own tests: a checker that
// passes a broken server proves nothing.
type mutant int

const (
	mutantNone         mutant = iota
	mutantAckOnPropose        // the leader answers its clients' writes when it proposes, not when they commit
	mutantLocalSync           // sync answered at once from the local tree, without the leader
	mutantAnyConnect          // servers keep and accept clients whatever their state: not serving, or behind what the session saw
)

// Ensemble is a simulated ZooKeeper ensemble with client sessions, and
// the history they observed.
type Ensemble struct {
	W       *sim.World[zab.Packet, *Server]
	R       *rand.Rand
	IDs     []sim.NodeID
	Clients []*Client
	// History records every client operation, for zkcheck.
	History zkcheck.Recorder

	opts      Options
	seed      uint64
	voters    []int64
	zab       zabcheck.Recorder
	forwarded map[uint64]request // REQUEST payloads, by id
	nextReq   uint64
	nextSync  int64
	errs      []string
	acked     int // successful writes answered
	// owner: the client each session id was given to (session ids are
	// never handed out twice; see sessionCreated).
	owner    map[int64]*Client
	sessions int // sessions created
	// window is zab.Config.CommitLogCount, drawn per ensemble (as
	// zabsim.Options.CommitLogCount does) so followers behind a snapshot
	// are synced both with a SNAP and with a DIFF from the window.
	window int
}

// request is a client operation as a server sees it.
type request struct {
	Session int64
	Cxid    int32
	Op      proto.OpCode
	Path    string
	Record  proto.Record // writes: *proto.CreateRequest, *proto.SetDataRequest, *proto.DeleteRequest
}

// New builds an ensemble of fresh servers and idle clients. The world's
// seed is drawn from r; r then drives the clients.
func New(r *rand.Rand, opts Options) (*Ensemble, error) {
	if opts.N <= 0 {
		opts.N = 3
	}
	if opts.Clients <= 0 {
		opts.Clients = 4
	}
	if len(opts.Paths) == 0 {
		opts.Paths = []string{"/a", "/b", "/c"}
	}
	if opts.OpEvery <= 0 {
		opts.OpEvery = 8
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 200
	}
	e := &Ensemble{R: r, seed: r.Uint64(), opts: opts, forwarded: map[uint64]request{}, owner: map[int64]*Client{}}
	e.window = []int{-1, 2, 8, 500}[sim.NewRand(e.seed, 2).IntN(4)]
	e.zab.Voters = opts.N
	for i := 1; i <= opts.N; i++ {
		e.IDs = append(e.IDs, sim.NodeID(i))
		e.voters = append(e.voters, int64(i))
	}
	for i := range opts.Clients {
		e.Clients = append(e.Clients, &Client{e: e, n: i + 1})
	}
	w, err := sim.New(sim.Config[zab.Packet, *Server]{Nodes: opts.N, Seed: e.seed, Start: e.start, DelayMin: 1, DelayMax: 4, TickEvery: 10, Kind: zabsim.PacketKind})
	if err != nil {
		return nil, err
	}
	e.W = w
	return e, nil
}

func (e *Ensemble) fail(format string, args ...any) {
	if len(e.errs) < 20 {
		e.errs = append(e.errs, fmt.Sprintf("t=%d ", e.W.Now())+fmt.Sprintf(format, args...))
	}
}

// Step advances the world one tick, letting each client act first.
func (e *Ensemble) Step(active bool) error {
	for _, c := range e.Clients {
		c.step(active)
	}
	return e.W.RunFor(1)
}

// Run plays a nemesis schedule (sim.Nemesis over duration world ticks,
// a fault every ~gap ticks, ending healed with every server restarted)
// while the clients work, then lets the healed ensemble run quietly,
// waits for the clients' last operations, and checks the histories.
func (e *Ensemble) Run(duration, gap int64) (zkcheck.Report, error) {
	e.W.Play(sim.Nemesis(sim.NewRand(e.seed, 1), zabsim.NemesisConfig(len(e.IDs), duration, gap)))
	for range duration {
		if err := e.Step(true); err != nil {
			return zkcheck.Report{}, err
		}
	}
	// Healed: the ensemble must serve again (liveness), so clients keep
	// going until a write is acknowledged after the heal.
	before := e.acked
	for t := int64(0); e.acked == before; t++ {
		if t > 2000 {
			return zkcheck.Report{}, fmt.Errorf("liveness: no write acknowledged within 2000 ticks of healing")
		}
		if err := e.Step(true); err != nil {
			return zkcheck.Report{}, err
		}
	}
	for range e.opts.Timeout + 1 { // drain: answered or timed out
		if err := e.Step(false); err != nil {
			return zkcheck.Report{}, err
		}
	}
	return e.Check(), e.Err()
}

// Check checks the client histories with zkcheck.
func (e *Ensemble) Check() zkcheck.Report {
	return zkcheck.Check(e.History.Ops(), zkcheck.Options{Name: fmt.Sprintf("zksim-%d", e.seed), Faults: e.W.Faults()})
}

// Err reports runtime faults (a Peer error, trees that diverged) and the
// Zab paper's invariants (zabcheck).
func (e *Ensemble) Err() error {
	errs := slices.Clone(e.errs)
	errs = append(errs, e.zab.Check()...)
	if len(errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(errs, "\n"))
}

// Report formats a failure: the error, the world seed and the faults in
// sim's text form.
func (e *Ensemble) Report(what string) string {
	return fmt.Sprintf("%s\n--- world seed %d, faults (sim.ParseSchedule) ---\n%s", what, e.seed, e.W.Faults())
}

// sessionCreated: the createSession of id, which client w.c asked a
// server for, committed there. No two clients are ever given one id: a
// member's ids carry its server id in the top byte and its counter moves
// only past its own recovered ids (session.FirstID). Two clients holding
// one id share its password, its ephemerals and its expiry (issue 9).
func (e *Ensemble) sessionCreated(w call, id int64) {
	if o := e.owner[id]; o != nil && o != w.c {
		e.fail("session: id %#x given to client %d and to client %d (the counter of server %d)", id, o.n, w.c.n, session.ServerOf(id))
	}
	e.owner[id] = w.c
	c := w.c
	if !c.busy || c.seq != w.seq {
		return // it gave up waiting: the session is abandoned
	}
	c.busy, c.creating = false, false
	c.Session, c.cxid = id, 0
	e.sessions++
}

// reply delivers an answer to a client, if it is still waiting for it.
func (e *Ensemble) reply(w call, res zkcheck.Result) {
	c := w.c
	if !c.busy || c.seq != w.seq {
		return // the client gave up on it
	}
	if err := e.History.Return(c.op, e.W.Now(), res); err != nil {
		e.fail("%v", err)
	}
	if res.Err == nil && c.kind.isWrite() {
		e.acked++
	}
	if res.Err == nil && zkcheck.Kind(c.kind) == zkcheck.Create && c.ephemeral {
		// An ephemeral belongs to the session that created it, and the
		// session to this client alone.
		if s, up := e.W.Node(c.server); up {
			st, err := s.tree.Exists(c.path)
			if err == nil && st.Mzxid == res.Zxid && st.EphemeralOwner != c.Session {
				e.fail("session: client %d's ephemeral %s is owned by session %#x, not its own %#x", c.n, c.path, st.EphemeralOwner, c.Session)
			}
			if o := e.owner[c.Session]; o != c {
				e.fail("session: client %d created ephemeral %s in session %#x, which was given to another client", c.n, c.path, c.Session)
			}
		}
	}
	c.lastZxid = max(c.lastZxid, res.Zxid)
	c.busy = false
}
