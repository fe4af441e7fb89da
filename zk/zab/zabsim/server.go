package zabsim

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/txnlog"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// Server is one ensemble member in the simulated world: a sim.Node that
// wraps a zab.Peer, its disk and its state machine, and carries out the
// Peer's Readys in the order package zab prescribes. A crash throws the
// whole Server away; Restart builds a new one from the disk.
type Server struct {
	c    *Cluster
	ID   sim.NodeID
	Peer *zab.Peer
	// Applied is the state machine: every write applied, in order.
	Applied []Write
	// Role is the last SoftState the Peer reported.
	Role zab.SoftState

	fs       vfs.FS
	log      *txnlog.Log
	snapZxid int64 // the snapshot on disk
	rand     *rand.Rand
	// lazy servers sometimes leave a Ready for later (a slow disk): the
	// next packets pile up into one Ready, fsynced together (group commit).
	lazy bool
}

type env = sim.Env[zab.Packet]

// start boots server b.ID from its disk: at New, and at every Restart.
func (c *Cluster) start(b sim.Boot) (*Server, error) {
	st, err := recoverDisk(b.Disk)
	if err != nil {
		return nil, err
	}
	p, err := zab.New(zab.Config{
		ID: int64(b.ID), Voters: c.voters,
		InitLimit: c.opts.InitLimit, SyncLimit: c.opts.SyncLimit, FinalizeWait: c.opts.FinalizeWait,
		Storage: st.storage,
	})
	if err != nil {
		return nil, err
	}
	s := &Server{
		c: c, ID: b.ID, Peer: p, Applied: st.snapshot,
		fs: b.Disk, log: st.log, snapZxid: st.storage.SnapshotZxid,
		rand: b.Rand, lazy: c.opts.Lazy && b.Rand.IntN(2) == 0,
	}
	c.checkRecovered(b.ID, st.storage.SnapshotZxid, st.storage.Entries)
	// The state machine starts from the snapshot: replay it to the checker
	// as a new delivered sequence, so its content is checked too.
	c.check.Start(b.ID, 0)
	for _, w := range s.Applied {
		c.check.Deliver(b.ID, w.Zxid, fmt.Sprint(w.ID))
	}
	c.logf("boot %d #%d: snapshot at %s, %d logged after it, epochs %d/%d", b.ID, b.Incarnation,
		quorum.FormatZxid(s.snapZxid), len(st.storage.Entries), st.storage.AcceptedEpoch, st.storage.CurrentEpoch)
	return s, nil
}

// Receive feeds a packet to the Peer. A lazy server may leave the Ready
// for its next call.
func (s *Server) Receive(e env, from sim.NodeID, m zab.Packet) {
	if m.Type != quorum.Ping && m.Type != quorum.Notification {
		s.c.logf("%v", m)
	}
	if err := s.Peer.Step(m); err != nil {
		s.c.fail("server %d: Step(%v): %v", s.ID, m, err)
	}
	if s.lazy && s.rand.IntN(2) == 0 {
		return
	}
	s.pump(e)
}

// Tick advances the Peer's clock, and always carries out its Ready.
func (s *Server) Tick(e env) {
	s.Peer.Tick()
	s.pump(e)
}

// Disconnected: the connection to peer broke.
func (s *Server) Disconnected(e env, peer sim.NodeID) {
	s.Peer.Disconnected(int64(peer))
	s.pump(e)
}

// pump carries out Readys until the Peer asks for nothing more.
func (s *Server) pump(e env) {
	for s.Peer.HasReady() {
		rd := s.Peer.Ready()
		if err := s.carryOut(e, rd); err != nil {
			s.c.fail("server %d: %v", s.ID, err)
			return
		}
		s.Peer.Advance(rd)
	}
}

// carryOut handles one Ready in field order: role, snapshot, truncation,
// epochs and entries (fsynced), commits, then messages and requests. So
// nothing is acked before it is durable, and a SNAP carries the state at
// its zxid.
func (s *Server) carryOut(e env, rd zab.Ready) error {
	c := s.c
	if rd.SoftState != nil {
		s.Role = *rd.SoftState
		c.logf("server %d is %v", s.ID, s.Role)
		if s.Role.State == quorum.Leading && s.Role.Serving {
			c.check.Established(s.ID, s.Role.Epoch)
			c.Stats["established"]++
		}
	}
	if sn := rd.Snapshot; sn != nil {
		z, ws, err := decodeSnapshot(sn.Data)
		if err != nil || z != sn.Zxid {
			return fmt.Errorf("bad SNAP at %s: %v (snapshot at %s)", quorum.FormatZxid(sn.Zxid), err, quorum.FormatZxid(z))
		}
		// The snapshot is durable before the log is cut (zk/server does
		// the same): a crash in between leaves a snapshot and a log that
		// is only read after it.
		if err := writeSnapshot(s.fs, z, ws); err != nil {
			return err
		}
		c.check.Replaced(s.ID, z)
		c.cut(s.ID, z)
		if err := s.log.Truncate(z); err != nil {
			return err
		}
		s.snapZxid, s.Applied = z, ws
		c.check.Start(s.ID, 0)
		for _, w := range ws {
			c.check.Deliver(s.ID, w.Zxid, fmt.Sprint(w.ID))
		}
		c.Stats["snap"]++
		c.logf("server %d installs SNAP at %s (%d writes)", s.ID, quorum.FormatZxid(z), len(ws))
	}
	if rd.Truncate {
		c.check.Truncated(s.ID, rd.TruncateZxid)
		c.cut(s.ID, rd.TruncateZxid)
		if err := s.log.Truncate(rd.TruncateZxid); err != nil {
			return err
		}
		c.Stats["trunc"]++
		c.logf("server %d truncates its log after %s", s.ID, quorum.FormatZxid(rd.TruncateZxid))
	}
	if ep := rd.Epochs; ep != nil {
		if err := writeEpoch(s.fs, "acceptedEpoch", ep.Accepted); err != nil {
			return err
		}
		if err := writeEpoch(s.fs, "currentEpoch", ep.Current); err != nil {
			return err
		}
	}
	if len(rd.Entries) > 0 {
		for i := range rd.Entries {
			if err := s.log.Append(&rd.Entries[i].Txn); err != nil {
				return err
			}
		}
		sync := s.log.Commit // one fsync for the batch
		if c.opts.mutant == mutantNoFsync {
			sync = s.log.Flush
		}
		if err := sync(); err != nil {
			return err
		}
		for _, en := range rd.Entries {
			c.check.Logged(s.ID, en.Zxid, key(en.Txn))
			c.logged(s.ID, Write{Zxid: en.Zxid, ID: en.Txn.Header.ClientID})
		}
	}
	for _, en := range rd.Committed {
		w := Write{Zxid: en.Zxid, ID: en.Txn.Header.ClientID}
		s.Applied = append(s.Applied, w)
		c.applied(w)
		c.check.Deliver(s.ID, en.Zxid, key(en.Txn))
	}
	for _, m := range rd.Messages {
		if m.Type == quorum.Snap {
			if last := s.lastApplied(); last != m.Zxid {
				c.fail("server %d: SNAP at %s but its state is at %s", s.ID, quorum.FormatZxid(m.Zxid), quorum.FormatZxid(last))
			}
			m.Data = encodeSnapshot(m.Zxid, s.Applied)
		}
		if m.To < 1 || m.To > int64(len(c.IDs)) {
			// Not a member: a runtime would have no connection to it.
			c.fail("server %d sent %v to a non-member", s.ID, m)
			continue
		}
		e.Send(sim.NodeID(m.To), m)
	}
	for _, r := range rd.Requests {
		if len(r.Data) != 8 {
			return fmt.Errorf("a forwarded request of %d bytes", len(r.Data))
		}
		s.propose(int64(binary.BigEndian.Uint64(r.Data)))
	}
	return nil
}

func (s *Server) lastApplied() int64 {
	if n := len(s.Applied); n > 0 {
		return s.Applied[n-1].Zxid
	}
	return s.snapZxid
}

// propose broadcasts write w (leader only); false if it cannot now.
func (s *Server) propose(w int64) bool {
	c := s.c
	z, err := s.Peer.NextZxid()
	if err != nil {
		return false
	}
	txn := Txn(w)
	got, err := s.Peer.Propose(txn)
	if err != nil {
		return false
	}
	if got != z {
		c.fail("server %d: NextZxid said %s, Propose took %s", s.ID, quorum.FormatZxid(z), quorum.FormatZxid(got))
	}
	c.check.Broadcast(s.ID, got, key(txn))
	c.Proposed[w] = got
	c.logf("server %d proposes w%d at %s", s.ID, w, quorum.FormatZxid(got))
	return true
}

// write submits client write w here: proposed if this server leads,
// forwarded (REQUEST) if it follows.
func (s *Server) write(e env, w int64) bool {
	ok := false
	if s.Role.State == quorum.Leading {
		ok = s.propose(w)
	} else {
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], uint64(w))
		ok = s.Peer.Forward(buf[:]) == nil
		if ok {
			s.c.logf("server %d forwards w%d", s.ID, w)
		}
	}
	s.pump(e)
	return ok
}

// compact snapshots the state machine and lets the Peer and the log forget
// what the snapshot covers (ZooKeeper's snapCount: a snapshot, a log roll,
// a purge).
func (s *Server) compact() {
	if s.Peer.HasReady() {
		return // the state machine may be behind what the Peer handed out
	}
	z := s.lastApplied()
	if z <= s.snapZxid {
		return
	}
	if err := writeSnapshot(s.fs, z, s.Applied); err != nil {
		s.c.fail("server %d: snapshot: %v", s.ID, err)
		return
	}
	if err := s.Peer.Compact(z); err != nil {
		s.c.fail("server %d: Compact(%s): %v", s.ID, quorum.FormatZxid(z), err)
		return
	}
	s.snapZxid = z
	if err := s.log.Roll(); err != nil {
		s.c.fail("server %d: roll: %v", s.ID, err)
		return
	}
	if err := txnlog.Purge(s.fs, logDir, z); err != nil {
		s.c.fail("server %d: purge: %v", s.ID, err)
		return
	}
	s.c.Stats["snapshot"]++
	s.c.logf("server %d snapshots at %s", s.ID, quorum.FormatZxid(z))
}
