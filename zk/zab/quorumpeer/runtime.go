package quorumpeer

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/ready"
	"github.com/zkafka/zkafka/zk/txnlog"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// StateMachine is what a Runtime replicates: the part of a server above
// zab. Methods that return an error stop the Runtime (a broken invariant
// or a failed disk, like ZooKeeper's QuorumPeer exiting).
type StateMachine interface {
	// Restore replaces the state with an image at zxid (nil: the empty
	// state at zxid 0): at boot, and when a SNAP is installed. On error
	// the state must be unchanged (boot then tries an older snapshot).
	Restore(zxid int64, image []byte) error
	// Apply applies one committed txn, in zxid order.
	Apply(en zab.Entry) error
	// Image is the state's image at zxid, a zxid it has applied: the
	// payload of a SNAP packet and of a snapshot file.
	Image(zxid int64) ([]byte, error)
	// Role reports a role change, before anything else of its Ready.
	Role(prev, now zab.SoftState) error
	// Execute carries out a client write forwarded to the leader.
	Execute(r zab.Request) error
	// Touched reports sessions that followers' clients kept alive.
	Touched(ts []zab.Touch)
	// SyncDone reports that Peer.Sync(id) completed.
	SyncDone(id int64)
}

// Hooks are what a Runtime tells its owner beyond the StateMachine: what
// the simulator's checkers record. All optional.
type Hooks struct {
	Recovered func(st zab.Storage) // at boot: what the disk gave back
	Installed func(zxid int64)     // a SNAP is durable; the log is about to be cut above zxid
	Truncated func(zxid int64)     // TRUNC: the log is about to be cut above zxid
	Logged    func(en zab.Entry)   // an entry is fsynced
	Epochs    func(ep zab.Epochs)  // both epoch files now hold ep (durably)
	Done      func(rd zab.Ready)   // a Ready was carried out and Advanced
	Snapshot  func(zxid int64)     // Compact wrote a snapshot at zxid
}

// Config builds a Runtime.
type Config struct {
	Peer zab.Config // everything but Storage, which Boot fills in

	FS      vfs.FS
	SnapDir string // acceptedEpoch, currentEpoch, snapshot.<zxid>
	LogDir  string // log.<zxid>

	// Send puts a packet on the FIFO channel to its To.
	Send func(zab.Packet)
	// Faults, in the simulator, may kill the process at any write, fsync
	// or send (zk/ready). nil over TCP.
	Faults ready.Faults
	// SnapRetain is how many snapshots (and the logs they need) to keep
	// (ZooKeeper's autopurge.snapRetainCount; default 3).
	SnapRetain int
	Logger     *slog.Logger
	Hooks      Hooks

	// UnsafeNoFsync skips the log's fsync: a deliberately broken runtime,
	// for the checkers' own tests. Never set it anywhere else.
	UnsafeNoFsync bool
}

// Runtime is one ensemble member's runtime around a zab.Peer.
type Runtime struct {
	Peer *zab.Peer
	// Role is the last SoftState the Peer reported.
	Role zab.SoftState
	// Zxid is the last txn the state machine applied (or its snapshot's).
	Zxid int64

	cfg      Config
	sm       StateMachine
	fs       vfs.FS // cfg.FS behind crash points
	log      *txnlog.Log
	send     func(zab.Packet) error
	snapZxid int64 // the newest snapshot on disk
	crashed  bool
	failed   error
}

// ErrStopped is returned once a Runtime has failed or crashed.
var ErrStopped = errors.New("quorumpeer: the runtime has stopped")

// Boot recovers the member from its disk (epochs, the newest valid
// snapshot, the log after it) into sm and a new Peer.
func Boot(cfg Config, sm StateMachine) (*Runtime, error) {
	if cfg.SnapRetain <= 0 {
		cfg.SnapRetain = 3
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Runtime{cfg: cfg, sm: sm}
	faults := cfg.Faults
	if faults != nil {
		faults = func(p ready.Point) bool {
			if r.crashed || cfg.Faults(p) {
				r.crashed = true
			}
			return r.crashed
		}
	}
	r.fs = ready.FS(cfg.FS, faults)
	r.send = ready.Sender(cfg.Send, faults)
	st, log, err := recoverDisk(r.fs, cfg, sm)
	if err != nil {
		return nil, err
	}
	pc := cfg.Peer
	pc.Storage = st
	p, err := zab.New(pc)
	if err != nil {
		log.Close()
		return nil, err
	}
	if cfg.Hooks.Recovered != nil {
		cfg.Hooks.Recovered(st)
	}
	r.Peer, r.log = p, log
	r.Zxid, r.snapZxid = st.SnapshotZxid, st.SnapshotZxid
	r.Role = p.Status().SoftState
	return r, nil
}

// Log is the member's txn log (read it; the Runtime writes it).
func (r *Runtime) Log() *txnlog.Log { return r.log }

// FS is the member's file system, behind the crash points.
func (r *Runtime) FS() vfs.FS { return r.fs }

// Crashed reports whether a crash point killed the process.
func (r *Runtime) Crashed() bool { return r.crashed }

// Err is the failure that stopped the Runtime, if any (nil after a crash).
func (r *Runtime) Err() error { return r.failed }

// Close closes the log. Every Ready's entries were fsynced before it was
// done, so closing writes nothing new.
func (r *Runtime) Close() error { return r.log.Close() }

// Receive feeds a packet to the Peer. A packet the Peer refuses is
// returned as an error (for the owner to log); the Runtime goes on.
func (r *Runtime) Receive(m zab.Packet) error {
	if r.stopped() {
		return nil
	}
	return r.Peer.Step(m)
}

// Pump carries out the Peer's Readys until it asks for nothing more. It
// returns ErrStopped (wrapping the cause) once the Runtime has failed or
// crashed; the owner then stops the member.
func (r *Runtime) Pump() error {
	if r.stopped() {
		return ErrStopped
	}
	err := ready.Pump[zab.Ready](peerCore{r}, r.carryOut)
	if err == nil {
		return nil
	}
	if r.crashed {
		return fmt.Errorf("%w: crashed", ErrStopped)
	}
	r.failed = err
	return fmt.Errorf("%w: %w", ErrStopped, err)
}

func (r *Runtime) stopped() bool { return r.crashed || r.failed != nil }

// peerCore is the Peer as a ready.Core, calling Hooks.Done after Advance.
type peerCore struct{ r *Runtime }

func (c peerCore) HasReady() bool   { return c.r.Peer.HasReady() }
func (c peerCore) Ready() zab.Ready { return c.r.Peer.Ready() }
func (c peerCore) Advance(rd zab.Ready) {
	c.r.Peer.Advance(rd)
	if c.r.cfg.Hooks.Done != nil {
		c.r.cfg.Hooks.Done(rd)
	}
}

// #region carry-out

// carryOut handles one Ready in the order the package comment lists.
func (r *Runtime) carryOut(rd zab.Ready) error {
	h := &r.cfg.Hooks
	if ss := rd.SoftState; ss != nil {
		prev := r.Role
		r.Role = *ss
		if err := r.sm.Role(prev, r.Role); err != nil {
			return err
		}
	}
	if sn := rd.Snapshot; sn != nil {
		if err := r.install(sn); err != nil {
			return fmt.Errorf("quorumpeer: installing SNAP at %s: %w", quorum.FormatZxid(sn.Zxid), err)
		}
	}
	if rd.Truncate {
		if h.Truncated != nil {
			h.Truncated(rd.TruncateZxid)
		}
		r.cfg.Logger.Info("truncating the log (TRUNC)", "after", quorum.FormatZxid(rd.TruncateZxid))
		if err := r.log.Truncate(rd.TruncateZxid); err != nil {
			return fmt.Errorf("quorumpeer: TRUNC to %s: %w", quorum.FormatZxid(rd.TruncateZxid), err)
		}
	}
	// A serving leader sends before its own fsync (Leader.propose hands a
	// proposal to the followers and to its SyncRequestProcessor at once);
	// its own ACK is counted at Advance. Anything about epochs, a SNAP or
	// a truncation keeps the strict order.
	early := r.Role.State == quorum.Leading && r.Role.Serving && rd.Epochs == nil &&
		rd.Snapshot == nil && !rd.Truncate && !hasSnap(rd.Messages)
	if early {
		if err := r.sendAll(rd.Messages); err != nil {
			return err
		}
	}
	if err := r.persist(rd.Entries); err != nil {
		return err
	}
	if ep := rd.Epochs; ep != nil {
		if err := WriteEpoch(r.fs, r.cfg.SnapDir, AcceptedEpochFile, ep.Accepted); err != nil {
			return err
		}
		if err := WriteEpoch(r.fs, r.cfg.SnapDir, CurrentEpochFile, ep.Current); err != nil {
			return err
		}
		if h.Epochs != nil {
			h.Epochs(*ep)
		}
	}
	for _, en := range rd.Committed {
		if err := r.sm.Apply(en); err != nil {
			return fmt.Errorf("quorumpeer: apply %s: %w", quorum.FormatZxid(en.Zxid), err)
		}
		r.Zxid = en.Zxid
	}
	if !early {
		if err := r.sendAll(rd.Messages); err != nil {
			return err
		}
	}
	for _, q := range rd.Requests {
		if err := r.sm.Execute(q); err != nil {
			return err
		}
	}
	if len(rd.Touches) > 0 {
		r.sm.Touched(rd.Touches)
	}
	for _, id := range rd.SyncsDone {
		r.sm.SyncDone(id)
	}
	return nil
}

// #endregion carry-out

// persist appends entries to the log with one fsync for the batch (group
// commit): every ACK for them leaves after it.
func (r *Runtime) persist(entries []zab.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	for i := range entries {
		txn := entries[i].Txn
		if err := r.log.Append(&txn); err != nil {
			return err
		}
	}
	sync := r.log.Commit
	if r.cfg.UnsafeNoFsync {
		sync = r.log.Flush
	}
	if err := sync(); err != nil {
		return err
	}
	if h := r.cfg.Hooks.Logged; h != nil {
		for _, en := range entries {
			h(en)
		}
	}
	return nil
}

// install: SNAP replaces the state machine and the whole log. The
// snapshot file is durable first, then the log is cut: a crash in between
// leaves a valid snapshot and a log that is read only after it.
func (r *Runtime) install(sn *zab.Snapshot) error {
	if err := writeSnapshot(r.fs, r.cfg.SnapDir, sn.Zxid, sn.Data); err != nil {
		return err
	}
	if h := r.cfg.Hooks.Installed; h != nil {
		h(sn.Zxid)
	}
	if err := r.log.Truncate(sn.Zxid); err != nil {
		return err
	}
	if err := r.sm.Restore(sn.Zxid, sn.Data); err != nil {
		return err
	}
	r.Zxid, r.snapZxid = sn.Zxid, sn.Zxid
	r.cfg.Logger.Info("installed SNAP", "zxid", quorum.FormatZxid(sn.Zxid))
	return nil
}

func (r *Runtime) sendAll(ms []zab.Packet) error {
	for _, m := range ms {
		if m.Type == quorum.Snap {
			// The state machine is exactly at the SNAP's zxid now
			// (zab.Ready.Committed), or can rebuild it.
			data, err := r.sm.Image(m.Zxid)
			if err != nil {
				return fmt.Errorf("quorumpeer: SNAP for %d: %w", m.To, err)
			}
			m.Data = data
		}
		if err := r.send(m); err != nil {
			return err
		}
	}
	return nil
}

func hasSnap(ms []zab.Packet) bool {
	for _, m := range ms {
		if m.Type == quorum.Snap {
			return true
		}
	}
	return false
}

// Compact snapshots the state machine at the last applied zxid and lets
// the Peer and the log forget what the snapshot covers (ZooKeeper's
// snapCount: a snapshot, a log roll, a purge keeping SnapRetain
// snapshots). It returns false if there is nothing new to snapshot or a
// Ready is pending (the state machine may be behind the Peer), and an
// error if the disk failed.
func (r *Runtime) Compact() (bool, error) {
	if r.stopped() {
		return false, ErrStopped
	}
	if r.Peer.HasReady() || r.Zxid <= r.snapZxid {
		return false, nil
	}
	z := r.Zxid
	data, err := r.sm.Image(z)
	if err != nil {
		return false, r.fail(fmt.Errorf("quorumpeer: snapshot at %s: %w", quorum.FormatZxid(z), err))
	}
	if err := writeSnapshot(r.fs, r.cfg.SnapDir, z, data); err != nil {
		return false, r.fail(err)
	}
	if err := r.Peer.Compact(z); err != nil {
		return false, r.fail(err)
	}
	r.snapZxid = z
	if err := r.log.Roll(); err != nil {
		return false, r.fail(err)
	}
	if err := purge(r.fs, r.cfg.SnapDir, r.cfg.LogDir, r.cfg.SnapRetain); err != nil {
		return false, r.fail(err)
	}
	if h := r.cfg.Hooks.Snapshot; h != nil {
		h(z)
	}
	return true, nil
}

func (r *Runtime) fail(err error) error {
	if r.crashed {
		return ErrStopped
	}
	r.failed = err
	return err
}
