package zabsim

import (
	"fmt"
	"math/rand/v2"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/ready"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
	"github.com/zkafka/zkafka/zk/zab/quorumpeer"
	"github.com/zkafka/zkafka/zk/zab/zabcheck"
)

// StateMachine is what a Runtime replicates: the part of a server above
// zab. zabsim's is a list of writes; zksim's is the real znode tree.
type StateMachine interface {
	// Apply applies a committed txn (in zxid order) and reports the
	// delivery to the checker.
	Apply(en zab.Entry) error
	// Snapshot is the state's image at the zxid last applied: the payload
	// of a SNAP packet and of the snapshot file.
	Snapshot() ([]byte, error)
	// Restore replaces the state with an image at zxid (nil: the empty
	// state, zxid 0), at boot or when a SNAP arrives, and reports the new
	// state to the checker. On error the state is unchanged.
	Restore(zxid int64, image []byte) error
	// Execute carries out a REQUEST forwarded to this server (the leader).
	Execute(request []byte) error
}

// Hooks are what a Runtime tells its server beyond the StateMachine (all
// optional): what the suites count, trace and check on top of zabcheck.
type Hooks struct {
	Recovered func(st zab.Storage)             // at boot: what the disk gave back
	Role      func(prev, now zab.SoftState)    // the Peer's role changed
	Installed func(zxid int64)                 // a SNAP is installed, the log cut above zxid
	Truncated func(zxid int64)                 // TRUNC: the log cut above zxid
	Logged    func(en zab.Entry)               // an entry is fsynced
	SyncDone  func(id int64)                   // Peer.Sync(id) completed
	Defer     func() bool                      // a slow disk: leave this Ready for later
	Logf      func(format string, args ...any) // the suite's trace
	// Fail receives every runtime contract violation (a Peer error, a bad
	// Ready); the suite reports them. Required.
	Fail func(err error)
}

// RuntimeConfig builds a Runtime.
type RuntimeConfig struct {
	Peer  zab.Config         // everything but ID and Storage, which Boot fills in
	Check *zabcheck.Recorder // sees every role, fsync, truncation and SNAP
	Key   func(proto.Txn) string
	Hooks Hooks

	noFsync bool // mutantNoFsync: never fsync the log (zabsim's own tests)
}

// The simulated disk has ZooKeeper's layout (package quorumpeer).
const (
	snapDir = "/data/version-2"
	logDir  = "/datalog/version-2"
)

// Runtime is the shipped ensemble runtime (quorumpeer.Runtime, the same
// code zk/server runs over TCP) inside a sim.Node: the world's links are
// its sockets, the node's vfs.Mem its disk, and the world's crash points
// (sim.Env.Point) may kill it at any write, fsync or send of a Ready. A
// crash throws it away; Boot builds a new one from the disk.
type Runtime struct {
	*quorumpeer.Runtime

	id  sim.NodeID
	sm  StateMachine
	cfg RuntimeConfig
	env sim.Env[zab.Packet] // the world's handle during the current call
}

// Boot recovers server b.ID from its disk (epoch files, snapshot, log
// after the snapshot) into sm and a new Peer. Violations the Runtime meets
// later go to cfg.Hooks.Fail.
func Boot(b sim.Boot, sm StateMachine, cfg RuntimeConfig) (*Runtime, error) {
	r := &Runtime{id: b.ID, sm: sm, cfg: cfg}
	pc := cfg.Peer
	pc.ID = int64(b.ID)
	qcfg := quorumpeer.Config{
		Peer: pc, FS: b.Disk, SnapDir: snapDir, LogDir: logDir,
		Send: func(m zab.Packet) {
			if m.Type == quorum.Ack {
				// What an ACK promises, checked as it leaves.
				cfg.Check.Acked(b.ID, m.Zxid)
			}
			r.env.Send(sim.NodeID(m.To), m)
		},
		Faults: func(p ready.Point) bool {
			return r.env != nil && r.env.Point(string(p))
		},
		Hooks: quorumpeer.Hooks{
			Recovered: func(st zab.Storage) {
				zxids, txns := make([]int64, len(st.Entries)), make([]string, len(st.Entries))
				for i, en := range st.Entries {
					zxids[i], txns[i] = en.Zxid, cfg.Key(en.Txn)
				}
				cfg.Check.Recovered(b.ID, st.CurrentEpoch, st.SnapshotZxid, zxids, txns)
				if cfg.Hooks.Recovered != nil {
					cfg.Hooks.Recovered(st)
				}
			},
			Epochs: func(ep zab.Epochs) { cfg.Check.Epoch(b.ID, ep.Current) },
			Installed: func(z int64) {
				cfg.Check.Replaced(b.ID, z)
				if cfg.Hooks.Installed != nil {
					cfg.Hooks.Installed(z)
				}
			},
			Truncated: func(z int64) {
				cfg.Check.Truncated(b.ID, z)
				if cfg.Hooks.Truncated != nil {
					cfg.Hooks.Truncated(z)
				}
			},
			Logged: func(en zab.Entry) {
				cfg.Check.Logged(b.ID, en.Zxid, cfg.Key(en.Txn))
				if cfg.Hooks.Logged != nil {
					cfg.Hooks.Logged(en)
				}
			},
			Snapshot: func(z int64) { r.logf("server %d snapshots at %s", b.ID, quorum.FormatZxid(z)) },
		},
		UnsafeNoFsync: cfg.noFsync,
	}
	rt, err := quorumpeer.Boot(qcfg, machine{r})
	if err != nil {
		return nil, err
	}
	r.Runtime = rt
	return r, nil
}

func (r *Runtime) logf(format string, args ...any) {
	if r.cfg.Hooks.Logf != nil {
		r.cfg.Hooks.Logf(format, args...)
	}
}

func (r *Runtime) fail(err error) {
	r.cfg.Hooks.Fail(fmt.Errorf("server %d: %w", r.id, err))
}

// Receive feeds a packet to the Peer, then carries out its Readys (unless
// Hooks.Defer leaves them for later).
func (r *Runtime) Receive(e sim.Env[zab.Packet], from sim.NodeID, m zab.Packet) {
	r.env = e
	if m.Type != quorum.Ping && m.Type != quorum.Notification {
		r.logf("%v", m)
	}
	if err := r.Runtime.Receive(m); err != nil {
		r.fail(fmt.Errorf("Step(%v): %w", m, err))
	}
	if r.cfg.Hooks.Defer != nil && r.cfg.Hooks.Defer() {
		return
	}
	r.Pump(e)
}

// Tick advances the Peer's clock, and always carries out its Readys.
func (r *Runtime) Tick(e sim.Env[zab.Packet]) {
	r.env = e
	r.Peer.Tick()
	r.Pump(e)
}

// Disconnected: the connection to peer broke.
func (r *Runtime) Disconnected(e sim.Env[zab.Packet], peer sim.NodeID) {
	r.env = e
	r.Peer.Disconnected(int64(peer))
	r.Pump(e)
}

// Pump carries out Readys until the Peer asks for nothing more. A crash
// inside one (an armed crash point) is no failure: the node is gone.
func (r *Runtime) Pump(e sim.Env[zab.Packet]) {
	r.env = e
	if err := r.Runtime.Pump(); err != nil && !r.Crashed() {
		r.fail(err)
	}
}

// Compact snapshots the state machine (quorumpeer.Runtime.Compact).
func (r *Runtime) Compact() bool {
	ok, err := r.Runtime.Compact()
	if err != nil && !r.Crashed() {
		r.fail(fmt.Errorf("snapshot: %w", err))
	}
	return ok
}

// machine is a zabsim StateMachine as a quorumpeer.StateMachine, with the
// checker's and the suite's hooks.
type machine struct{ r *Runtime }

func (m machine) Restore(zxid int64, image []byte) error {
	if err := m.r.sm.Restore(zxid, image); err != nil {
		return err
	}
	if image != nil {
		m.r.logf("server %d restores its state at %s", m.r.id, quorum.FormatZxid(zxid))
	}
	return nil
}

func (m machine) Apply(en zab.Entry) error { return m.r.sm.Apply(en) }

func (m machine) Image(zxid int64) ([]byte, error) {
	if m.r.Zxid != zxid {
		return nil, fmt.Errorf("an image at %s but the state is at %s", quorum.FormatZxid(zxid), quorum.FormatZxid(m.r.Zxid))
	}
	return m.r.sm.Snapshot()
}

func (m machine) Role(prev, now zab.SoftState) error {
	r := m.r
	r.logf("server %d is %v", r.id, now)
	if now.State == quorum.Leading && now.Serving {
		r.cfg.Check.Established(r.id, now.Epoch)
	}
	if r.cfg.Hooks.Role != nil {
		r.cfg.Hooks.Role(prev, now)
	}
	return nil
}

func (m machine) Execute(q zab.Request) error {
	if !m.r.member(q.From) {
		return fmt.Errorf("a request from non-member %d", q.From)
	}
	return m.r.sm.Execute(q.Data)
}

func (m machine) Touched([]zab.Touch) {}

func (m machine) SyncDone(id int64) {
	if h := m.r.cfg.Hooks.SyncDone; h != nil {
		h(id)
	}
}

func (r *Runtime) member(id int64) bool {
	for _, v := range r.cfg.Peer.Voters {
		if v == id {
			return true
		}
	}
	return false
}

// lazy draws whether a server boots with a slow disk, and returns its
// Defer hook.
func lazy(on bool, r *rand.Rand) func() bool {
	if !on || r.IntN(2) != 0 {
		return nil
	}
	return func() bool { return r.IntN(2) == 0 }
}
