package zabsim

import (
	"fmt"
	"math/rand/v2"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/labs/sim/zabcheck"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/txnlog"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
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
	// state to the checker.
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

// Runtime is one ZooKeeper server's runtime around a zab.Peer: its disk
// (epoch files, snapshot, zk/txnlog over the node's vfs.FS) and its
// StateMachine. It feeds the Peer (Receive, Tick, Disconnected) and
// carries out each Ready in the order package zab prescribes; a sim.Node
// embeds it. A crash throws it away; Boot builds a new one from the disk.
type Runtime struct {
	Peer *zab.Peer
	// Role is the last SoftState the Peer reported.
	Role zab.SoftState
	// Zxid is the last txn the state machine applied (or its snapshot's).
	Zxid int64

	id       sim.NodeID
	sm       StateMachine
	cfg      RuntimeConfig
	fs       vfs.FS
	log      *txnlog.Log
	snapZxid int64 // the snapshot on disk
}

// Boot recovers server b.ID from its disk (epoch files, snapshot, log
// after the snapshot) into sm and a new Peer. Violations the Runtime meets
// later go to cfg.Hooks.Fail.
func Boot(b sim.Boot, sm StateMachine, cfg RuntimeConfig) (*Runtime, error) {
	st, err := recoverDisk(b.Disk)
	if err != nil {
		return nil, err
	}
	pc := cfg.Peer
	pc.ID, pc.Storage = int64(b.ID), st.storage
	p, err := zab.New(pc)
	if err != nil {
		return nil, err
	}
	if cfg.Hooks.Recovered != nil {
		cfg.Hooks.Recovered(st.storage)
	}
	z := st.storage.SnapshotZxid
	if err := sm.Restore(z, st.image); err != nil {
		return nil, fmt.Errorf("zabsim: %s: %w", snapFile, err)
	}
	return &Runtime{Peer: p, Zxid: z, id: b.ID, sm: sm, cfg: cfg, fs: b.Disk, log: st.log, snapZxid: z}, nil
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
	if m.Type != quorum.Ping && m.Type != quorum.Notification {
		r.logf("%v", m)
	}
	if err := r.Peer.Step(m); err != nil {
		r.fail(fmt.Errorf("Step(%v): %w", m, err))
	}
	if r.cfg.Hooks.Defer != nil && r.cfg.Hooks.Defer() {
		return
	}
	r.Pump(e)
}

// Tick advances the Peer's clock, and always carries out its Readys.
func (r *Runtime) Tick(e sim.Env[zab.Packet]) {
	r.Peer.Tick()
	r.Pump(e)
}

// Disconnected: the connection to peer broke.
func (r *Runtime) Disconnected(e sim.Env[zab.Packet], peer sim.NodeID) {
	r.Peer.Disconnected(int64(peer))
	r.Pump(e)
}

// Pump carries out Readys until the Peer asks for nothing more.
func (r *Runtime) Pump(e sim.Env[zab.Packet]) {
	for r.Peer.HasReady() {
		rd := r.Peer.Ready()
		if err := r.carryOut(e, rd); err != nil {
			r.fail(err)
			return
		}
		r.Peer.Advance(rd)
	}
}

// carryOut handles one Ready in field order: role, snapshot, truncation,
// epochs and entries (fsynced), commits, then messages, requests and
// syncs. So nothing is acked before it is durable, and a SNAP carries the
// state at its zxid.
func (r *Runtime) carryOut(e sim.Env[zab.Packet], rd zab.Ready) error {
	h, check := &r.cfg.Hooks, r.cfg.Check
	if ss := rd.SoftState; ss != nil {
		prev := r.Role
		r.Role = *ss
		r.logf("server %d is %v", r.id, r.Role)
		if ss.State == quorum.Leading && ss.Serving {
			check.Established(r.id, ss.Epoch)
		}
		if h.Role != nil {
			h.Role(prev, r.Role)
		}
	}
	if sn := rd.Snapshot; sn != nil {
		// The snapshot is durable before the log is cut (zk/server does
		// the same): a crash in between leaves a snapshot and a log that
		// is only read after it.
		if err := writeSnapshot(r.fs, sn.Zxid, sn.Data); err != nil {
			return err
		}
		check.Replaced(r.id, sn.Zxid)
		if h.Installed != nil {
			h.Installed(sn.Zxid)
		}
		if err := r.log.Truncate(sn.Zxid); err != nil {
			return err
		}
		if err := r.sm.Restore(sn.Zxid, sn.Data); err != nil {
			return fmt.Errorf("bad SNAP at %s: %w", quorum.FormatZxid(sn.Zxid), err)
		}
		r.Zxid, r.snapZxid = sn.Zxid, sn.Zxid
		r.logf("server %d installs SNAP at %s", r.id, quorum.FormatZxid(sn.Zxid))
	}
	if rd.Truncate {
		check.Truncated(r.id, rd.TruncateZxid)
		if h.Truncated != nil {
			h.Truncated(rd.TruncateZxid)
		}
		if err := r.log.Truncate(rd.TruncateZxid); err != nil {
			return err
		}
		r.logf("server %d truncates its log after %s", r.id, quorum.FormatZxid(rd.TruncateZxid))
	}
	if len(rd.Entries) > 0 {
		for i := range rd.Entries {
			if err := r.log.Append(&rd.Entries[i].Txn); err != nil {
				return err
			}
		}
		sync := r.log.Commit // one fsync for the batch, before any ACK leaves
		if r.cfg.noFsync {
			sync = r.log.Flush
		}
		if err := sync(); err != nil {
			return err
		}
		for _, en := range rd.Entries {
			check.Logged(r.id, en.Zxid, r.cfg.Key(en.Txn))
			if h.Logged != nil {
				h.Logged(en)
			}
		}
	}
	if ep := rd.Epochs; ep != nil {
		if err := writeEpoch(r.fs, "acceptedEpoch", ep.Accepted); err != nil {
			return err
		}
		if err := writeEpoch(r.fs, "currentEpoch", ep.Current); err != nil {
			return err
		}
	}
	for _, en := range rd.Committed {
		if err := r.sm.Apply(en); err != nil {
			return fmt.Errorf("apply %s: %w", quorum.FormatZxid(en.Zxid), err)
		}
		r.Zxid = en.Zxid
	}
	for _, m := range rd.Messages {
		if m.Type == quorum.Snap {
			if r.Zxid != m.Zxid {
				return fmt.Errorf("SNAP at %s but its state is at %s", quorum.FormatZxid(m.Zxid), quorum.FormatZxid(r.Zxid))
			}
			data, err := r.sm.Snapshot()
			if err != nil {
				return err
			}
			m.Data = data
		}
		if !r.member(m.To) {
			// A runtime would have no connection to it.
			return fmt.Errorf("sent %v to a non-member", m)
		}
		e.Send(sim.NodeID(m.To), m)
	}
	for _, q := range rd.Requests {
		if err := r.sm.Execute(q.Data); err != nil {
			return err
		}
	}
	for _, id := range rd.SyncsDone {
		if h.SyncDone != nil {
			h.SyncDone(id)
		}
	}
	return nil
}

func (r *Runtime) member(id int64) bool {
	for _, v := range r.cfg.Peer.Voters {
		if v == id {
			return true
		}
	}
	return false
}

// Compact snapshots the state machine and lets the Peer and the log forget
// what the snapshot covers (ZooKeeper's snapCount: a snapshot, a log roll,
// a purge). It returns false if there is nothing new to snapshot, or a
// Ready is pending (the state machine may be behind what the Peer handed
// out).
func (r *Runtime) Compact() bool {
	if r.Peer.HasReady() || r.Zxid <= r.snapZxid {
		return false
	}
	z := r.Zxid
	data, err := r.sm.Snapshot()
	if err == nil {
		err = writeSnapshot(r.fs, z, data)
	}
	if err != nil {
		r.fail(fmt.Errorf("snapshot: %w", err))
		return false
	}
	if err := r.Peer.Compact(z); err != nil {
		r.fail(fmt.Errorf("Compact(%s): %w", quorum.FormatZxid(z), err))
		return false
	}
	r.snapZxid = z
	if err := r.log.Roll(); err != nil {
		r.fail(fmt.Errorf("roll: %w", err))
		return false
	}
	if err := txnlog.Purge(r.fs, logDir, z); err != nil {
		r.fail(fmt.Errorf("purge: %w", err))
		return false
	}
	r.logf("server %d snapshots at %s", r.id, quorum.FormatZxid(z))
	return true
}

// lazy draws whether a server boots with a slow disk, and returns its
// Defer hook.
func lazy(on bool, r *rand.Rand) func() bool {
	if !on || r.IntN(2) != 0 {
		return nil
	}
	return func() bool { return r.IntN(2) == 0 }
}
