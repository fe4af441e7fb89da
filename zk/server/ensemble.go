package server

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/server/peernet"
	"github.com/zkafka/zkafka/zk/snapshot"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
	"github.com/zkafka/zkafka/zk/zab/quorumpeer"
)

// Ensemble makes a server one member of a ZooKeeper ensemble (zoo.cfg's
// server.N lines and the myid file). See ensemble_doc.go.
type Ensemble struct {
	ID      int64    // this server's id (myid)
	Members []Member // every voter, this one included

	InitLimit int // ticks a follower has to connect and sync (default 10)
	SyncLimit int // ticks of silence before a peer is dropped (default 5)

	// CommitLogCount: committed proposals kept in memory below the last
	// snapshot, so a follower that far behind gets a DIFF, not a SNAP
	// (ZooKeeper's zookeeper.commitLogCount; default 500; see zab.Config).
	CommitLogCount int

	// Observe, if set, is called from the server's core after each zab
	// Ready it carried out (the chapters' narration). It must not block.
	Observe func(Observation)
}

// Member is one server.N line.
type Member struct {
	ID         int64
	PeerAddr   string // host:electionPort: every server↔server packet goes here (see peernet)
	QuorumAddr string // host:quorumPort: reserved, reported by conf
	ClientAddr string // the member's client address, if known (for tools)
}

// Observation is one Ready a member carried out, and its state after it.
type Observation struct {
	ID     int64
	Status zab.Status
	Ready  zab.Ready
}

// Status is what a member reports about itself.
type Status struct {
	ID            int64
	Mode          string // "standalone", "leader", "follower", "looking"
	Serving       bool
	Leader        int64 // 0 while looking
	Epoch         int64 // the epoch being established or led
	AcceptedEpoch int64
	CurrentEpoch  int64
	Zxid          int64 // last txn applied to the tree
	LastLogged    int64
}

// statusReq asks the core for its Status.
type statusReq struct{ reply chan Status }

// heldOut is a leader's output waiting for every txn it may reveal to
// commit.
type heldOut struct {
	need int64
	o    output
}

type reqKey struct {
	session int64
	cxid    int32
}

// quorumPeer is the ensemble runtime: it pumps a zab.Peer per the Ready
// contract over the network (peernet), the txn log, snapshots and the
// epoch files, and serves clients through the shared core (tree,
// watches, sessions, connections).
type quorumPeer struct {
	s    *Server
	c    *core
	cfg  Ensemble
	rt   *quorumpeer.Runtime // carries out the zab.Peer's Readys (rt.Peer)
	tr   *peernet.Transport
	gens map[int64]uint64 // current connection generation per peer

	fs              vfs.FS
	snapDir, logDir string
	trigger         *snapshot.Trigger
	snapWanted      bool

	boot    *machine // what Boot restored, until the core is built on it
	role    zab.SoftState
	applied int64 // the last zxid applied to the tree (committed)
	spec    int64 // leader: the last zxid executed on the tree (>= applied)
	held    []heldOut

	waitW  map[reqKey]*conn // follower: forwarded writes
	waitS  map[int64]*conn  // follower: syncs in flight
	waitRV map[int64]*conn  // follower: reconnects waiting for their revalidation (by sync id)

	owners   map[int64]int64 // leader: session → the member holding it (sessionmoved.go)
	nextSync int64

	// For mntr on the leader.
	learners, synced map[int64]bool
	pendingSyncs     int
}

func peerTicks(limit int, def int) int {
	if limit <= 0 {
		limit = def
	}
	return 2 * limit // the peer ticks every tickTime/2 (ZooKeeper pings at that rate)
}

// startEnsemble recovers the member's disk and starts its zab peer, both
// through the runtime (quorumpeer.Boot). The state machine is the newest
// snapshot only: the logged txns after it are handed to the Peer, which
// gives them back in Ready.Committed once the ensemble has decided they
// are committed (zab.Storage).
func (s *Server) startEnsemble(snapDir, logDir string) (*quorumPeer, error) {
	e := *s.cfg.Ensemble
	var voters []int64
	peers := map[int64]string{}
	var self Member
	for _, mb := range e.Members {
		voters = append(voters, mb.ID)
		if mb.ID == e.ID {
			self = mb
		} else {
			peers[mb.ID] = mb.PeerAddr
		}
	}
	slices.Sort(voters)
	r := rand.New(rand.NewPCG(s.cfg.Seed, s.cfg.Seed^0x5eed))
	q := &quorumPeer{s: s, cfg: e, gens: map[int64]uint64{},
		snapDir: snapDir, logDir: logDir,
		trigger: snapshot.NewTrigger(s.cfg.SnapCount, r),
		waitW:   map[reqKey]*conn{}, waitS: map[int64]*conn{}, waitRV: map[int64]*conn{},
		learners: map[int64]bool{}, synced: map[int64]bool{}}
	rt, err := quorumpeer.Boot(quorumpeer.Config{
		Peer: zab.Config{ID: e.ID, Voters: voters,
			InitLimit: peerTicks(e.InitLimit, 10), SyncLimit: peerTicks(e.SyncLimit, 5),
			CommitLogCount: e.CommitLogCount},
		FS: s.cfg.FS, SnapDir: snapDir, LogDir: logDir,
		Send:       q.sendPacket,
		SnapRetain: s.cfg.SnapRetain,
		Logger:     s.log,
		Hooks:      quorumpeer.Hooks{Done: q.readyDone},
	}, treeMachine{q})
	if err != nil {
		return nil, fmt.Errorf("server: recovering the member: %w", err)
	}
	tr, err := peernet.Start(peernet.Config{ID: e.ID, Listen: self.PeerAddr, Peers: peers, Logger: s.log,
		MaxBackoff: min(2*time.Second, s.cfg.TickTime)})
	if err != nil {
		rt.Close()
		return nil, fmt.Errorf("server: peer port: %w", err)
	}
	q.rt, q.tr, q.fs = rt, tr, rt.FS()
	m := q.boot
	q.boot = nil
	q.applied, q.spec = m.Zxid, m.Zxid
	q.role = rt.Role
	st := rt.Peer.Status()
	s.log.Info("ensemble member recovered", "id", e.ID, "snapshot_zxid", hex(m.Zxid),
		"last_logged", hex(st.LastZxid), "acceptedEpoch", st.AcceptedEpoch, "currentEpoch", st.CurrentEpoch)
	snapState := &snapshot.State{Tree: m.Tree, Sessions: m.Sessions, Zxid: m.Zxid, SnapZxid: m.Zxid}
	q.c = newCore(s, snapState, q.trigger, snapDir)
	q.c.q, q.c.pipe = q, q
	q.c.cur = &batch{}
	return q, nil
}

// run is the ensemble's core loop: one goroutine owns the Peer, the tree,
// the watches and the sessions. Every event it takes (client request,
// peer packet, tick) may make the Peer ready; after a burst of events it
// carries out the Ready — one fsync for every entry the burst produced
// (group commit), which is also what pipelines proposals.
func (q *quorumPeer) run() {
	s := q.s
	defer close(s.coreDone)
	defer close(s.syncDone)
	defer q.tr.Close()
	// Every Ready's entries are committed before it is done, so closing
	// the log writes nothing new, killed or not.
	defer q.rt.Close()
	defer func() {
		// A zab core that breaks its own invariants panics. The member
		// stops (as ZooKeeper's QuorumPeer exits) instead of taking the
		// process down: the other members, and a test with a learner's
		// unfinished lab swapped in, carry on.
		if r := recover(); r != nil {
			err := fmt.Errorf("server: zab core panicked: %v", r)
			s.failErr.Store(err)
			s.log.Error("member stops", "err", err)
			for _, cn := range s.connList() {
				cn.kill()
			}
		}
	}()
	q.pump()
	for {
		select {
		case ev := <-s.coreIn:
			if !q.handle(ev) {
				return
			}
		case pe := <-q.tr.Events():
			q.peerEvent(pe)
		case <-s.quit:
			return
		}
		// Take whatever else is queued before the next fsync.
	drain:
		for n := 0; n < 4096; n++ {
			select {
			case ev := <-s.coreIn:
				if !q.handle(ev) {
					return
				}
			case pe := <-q.tr.Events():
				q.peerEvent(pe)
			default:
				break drain
			}
		}
		if !q.pump() {
			return
		}
	}
}

// handle takes one event from the connections or the ticker; false means
// stop.
func (q *quorumPeer) handle(ev event) bool {
	c := q.c
	switch ev := ev.(type) {
	case stop:
		q.flushOuts()
		return false
	case *connectReq:
		c.connect(ev.c, &ev.req)
	case *request:
		c.request(ev.c, ev.hdr, ev.body)
	case *connGone:
		c.dropConn(ev.c)
	case tick:
		q.rt.Peer.Tick()
		q.expire()
	case *fourLWReq:
		ev.reply <- c.fourLetter(ev.cmd)
	case *statusReq:
		ev.reply <- q.status()
	case *blockReq:
		if ev.block {
			q.tr.Block(ev.peer)
		} else {
			q.tr.Unblock(ev.peer)
		}
		close(ev.done)
	}
	q.flushOuts()
	return true
}

type blockReq struct {
	peer  int64
	block bool
	done  chan struct{}
}

func (q *quorumPeer) status() Status {
	st := q.rt.Peer.Status()
	mode := "looking"
	switch st.SoftState.State {
	case quorum.Leading:
		mode = "leader"
	case quorum.Following:
		mode = "follower"
	}
	return Status{ID: st.ID, Mode: mode, Serving: st.SoftState.Serving, Leader: st.SoftState.Leader,
		Epoch: st.SoftState.Epoch, AcceptedEpoch: st.AcceptedEpoch, CurrentEpoch: st.CurrentEpoch,
		Zxid: q.applied, LastLogged: st.LastZxid}
}

func (q *quorumPeer) serving() bool { return q.role.Serving }
func (q *quorumPeer) leading() bool { return q.role.State == quorum.Leading }

// peerEvent feeds the Peer what the network did.
func (q *quorumPeer) peerEvent(ev peernet.Event) {
	switch ev.Kind {
	case peernet.Connected:
		if _, ok := q.gens[ev.Peer]; ok {
			// The previous connection is replaced: whatever was in flight
			// on it is lost.
			q.disconnected(ev.Peer)
		}
		q.gens[ev.Peer] = ev.Gen
	case peernet.Disconnected:
		if g, ok := q.gens[ev.Peer]; ok && g == ev.Gen {
			delete(q.gens, ev.Peer)
			q.disconnected(ev.Peer)
		}
	case peernet.Received:
		if q.gens[ev.Peer] != ev.Gen {
			return // a packet of a connection already given up
		}
		p := ev.Packet
		if q.leading() {
			switch p.Type {
			case quorum.FollowerInfo:
				q.learners[p.From] = true
			case quorum.Sync:
				q.pendingSyncs++
			}
		}
		if err := q.rt.Peer.Step(p); err != nil {
			q.s.log.Warn("zab: packet refused", "packet", p.String(), "err", err)
		}
	}
}

func (q *quorumPeer) disconnected(sid int64) {
	delete(q.learners, sid)
	delete(q.synced, sid)
	q.rt.Peer.Disconnected(sid)
}

// expire: the leader closes the sessions whose time has run out, each by
// a closeSession txn (docs/reference/zookeeper.md §5, "Session expiry").
func (q *quorumPeer) expire() {
	if !q.leading() || !q.serving() {
		return
	}
	for _, id := range q.c.sessions.Expire(q.c.nowMs()) {
		q.s.log.Info("session expired", "session", hex(id))
		hdr := proto.TxnHeader{ClientID: id, Type: proto.OpCloseSession}
		if !q.execute(hdr, nil, nil) {
			return
		}
	}
}

// flushOuts releases what the core queued: at once on a follower (it
// shows only committed state), or, on the leader, once every txn executed
// before the output was queued has committed — the leader's tree runs
// ahead of commit, and no client may observe an uncommitted txn.
func (q *quorumPeer) flushOuts() {
	outs := q.c.cur.outs
	q.c.cur.outs = nil
	if q.leading() {
		for _, o := range outs {
			q.held = append(q.held, heldOut{need: q.spec, o: o})
		}
		q.release()
		return
	}
	for _, o := range outs {
		o.c.send(o.frame, o.closeAfter)
	}
}

func (q *quorumPeer) release() {
	i := 0
	for i < len(q.held) && q.held[i].need <= q.applied {
		o := q.held[i].o
		o.c.send(o.frame, o.closeAfter)
		i++
	}
	q.held = q.held[i:]
}

// closeClients closes every client connection (the server stopped
// serving: clients must find another server).
func (q *quorumPeer) closeClients() {
	for _, cn := range q.s.connList() {
		if cn.established || cn.session != 0 {
			q.c.dropConn(cn)
			cn.send(nil, true)
		}
	}
	q.held = nil
	q.waitW = map[reqKey]*conn{}
	q.waitS = map[int64]*conn{}
	q.waitRV = map[int64]*conn{}
}

// Block cuts (or restores) this member's link to another member, for the
// chapter stages' partitions. It is a no-op on a standalone server.
func (s *Server) Block(peer int64, block bool) {
	if s.cfg.Ensemble == nil {
		return
	}
	done := make(chan struct{})
	if s.toCore(&blockReq{peer: peer, block: block, done: done}) {
		select {
		case <-done:
		case <-s.quit:
		}
	}
}

// Status reports the member's role and position. ok is false when the
// server is stopped.
func (s *Server) Status() (Status, bool) {
	if s.cfg.Ensemble == nil {
		return Status{Mode: "standalone", Serving: true}, true
	}
	r := make(chan Status, 1)
	if !s.toCore(&statusReq{reply: r}) {
		return Status{}, false
	}
	select {
	case st := <-r:
		return st, true
	case <-s.quit:
		return Status{}, false
	case <-s.coreDone:
		return Status{}, false
	}
}
