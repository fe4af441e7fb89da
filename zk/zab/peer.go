package zab

import (
	"fmt"
	"slices"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// Peer is one server of a ZooKeeper ensemble as a deterministic state
// machine: election, discovery, synchronization and broadcast. It does no
// I/O and keeps no clock; its runtime feeds it packets (Step), time
// (Tick), broken connections (Disconnected) and client writes (Propose,
// Forward, Sync, Touch), and carries out its Ready.
//
// Roles swap like etcd raft's becomeFollower: leader or follower state is
// a separate struct, present only in that role.
//
// Not safe for concurrent use.
type Peer struct {
	cfg    Config
	id     int64
	voters []int64

	state State
	vote  Vote // the decided vote (while not LOOKING)
	elect *Election
	lead  *leader   // non-nil while LEADING
	fol   *follower // non-nil while FOLLOWING

	acceptedEpoch int64
	currentEpoch  int64
	log           history
	committed     int64 // last zxid handed out to apply (in Ready.Committed or a snapshot)
	applied       int64 // last zxid the runtime applied (Advance)
	epochHint     int64 // the largest acceptedEpoch seen in a FOLLOWERINFO

	now  int64  // ticks since start
	term uint64 // bumped on every role change; tags Readys

	rd Ready // outputs gathered since the last Ready
	// After a SNAP is queued, commits wait for the next Ready: the
	// runtime fills the SNAP with its state, which must be exactly at the
	// SNAP's zxid when the packet is sent.
	snapQueued    bool
	snapAt        int64 // the zxid of the queued SNAP
	deferred      []Entry
	deferredSyncs []int64
	softDirt      bool
	epochsDirty   bool
}

// New returns a Peer that starts LOOKING, from the state on disk.
func New(cfg Config) (*Peer, error) {
	if cfg.ID <= 0 {
		return nil, fmt.Errorf("zab: server id %d must be positive", cfg.ID)
	}
	if !slices.Contains(cfg.Voters, cfg.ID) {
		return nil, fmt.Errorf("zab: server %d is not among the voters %v", cfg.ID, cfg.Voters)
	}
	defaults(&cfg)
	s := cfg.Storage
	p := &Peer{
		cfg: cfg, id: cfg.ID, voters: slices.Clone(cfg.Voters),
		acceptedEpoch: s.AcceptedEpoch, currentEpoch: s.CurrentEpoch,
		committed: s.SnapshotZxid, applied: s.SnapshotZxid,
		log: history{base: s.SnapshotZxid},
	}
	last := s.SnapshotZxid
	for _, e := range s.Entries {
		if e.Zxid <= last {
			return nil, fmt.Errorf("zab: stored entries out of order: %s after %s", quorum.FormatZxid(e.Zxid), quorum.FormatZxid(last))
		}
		last = e.Zxid
		p.log.append(e)
	}
	p.log.stable = len(p.log.entries)
	p.elect = NewElection(p.id, p.voters, cfg.FinalizeWait, cfg.ResendEvery)
	p.becomeLooking()
	return p, nil
}

func defaults(c *Config) {
	if c.InitLimit <= 0 {
		c.InitLimit = 10
	}
	if c.SyncLimit <= 0 {
		c.SyncLimit = 5
	}
	if c.FinalizeWait < 0 {
		c.FinalizeWait = 0
	} else if c.FinalizeWait == 0 {
		c.FinalizeWait = 1
	}
	if c.ResendEvery <= 0 {
		c.ResendEvery = 2
	}
	if c.CommitLogCount == 0 {
		c.CommitLogCount = 500
	} else if c.CommitLogCount < 0 {
		c.CommitLogCount = 0
	}
}

// ID is this server's id.
func (p *Peer) ID() int64 { return p.id }

// Status reports the peer's state.
func (p *Peer) Status() Status {
	v := p.vote
	if p.state == quorum.Looking {
		v = p.elect.Proposal()
	}
	return Status{
		ID: p.id, SoftState: p.soft(), Vote: v,
		AcceptedEpoch: p.acceptedEpoch, CurrentEpoch: p.currentEpoch,
		LastZxid: p.log.last(), Committed: p.committed, Clock: p.elect.Clock(),
	}
}

func (p *Peer) soft() SoftState {
	s := SoftState{State: p.state}
	switch {
	case p.lead != nil:
		s.Leader, s.Epoch, s.Serving = p.id, p.lead.epoch, p.lead.established
	case p.fol != nil:
		s.Leader, s.Epoch, s.Serving = p.fol.leader, p.fol.epoch, p.fol.stage == fServing
	}
	return s
}

// send queues a packet.
func (p *Peer) send(m Packet) {
	m.From = p.id
	p.rd.Messages = append(p.rd.Messages, m)
}

func (p *Peer) sendAll(ms []Packet) {
	for _, m := range ms {
		p.send(m)
	}
}

func (p *Peer) setEpochs(accepted, current int64) {
	p.acceptedEpoch, p.currentEpoch = accepted, current
	p.epochsDirty = true
}

// deliver hands committed zxids (in order) to the runtime.
func (p *Peer) deliver(zxids []int64) error {
	for _, z := range zxids {
		e, ok := p.log.get(z)
		if !ok {
			return fmt.Errorf("zab: committed %s is not in the log", quorum.FormatZxid(z))
		}
		if z <= p.committed {
			return fmt.Errorf("zab: commit of %s after %s: out of order", quorum.FormatZxid(z), quorum.FormatZxid(p.committed))
		}
		if p.snapQueued {
			p.deferred = append(p.deferred, e)
		} else {
			p.rd.Committed = append(p.rd.Committed, e)
		}
		p.committed = z
	}
	return nil
}

// changed records a role change.
func (p *Peer) changed() {
	p.term++
	p.softDirt = true
}

// becomeLooking starts an election (QuorumPeer.run's LOOKING case).
func (p *Peer) becomeLooking() {
	p.state = quorum.Looking
	p.lead, p.fol = nil, nil
	p.vote = Vote{}
	p.changed()
	p.sendAll(p.elect.Start(p.log.last(), p.currentEpoch))
}

// decided ends an election.
func (p *Peer) decided(v *Vote) {
	if v == nil {
		return
	}
	p.vote = *v
	if v.Leader == p.id {
		p.becomeLeader()
	} else {
		p.becomeFollower(v.Leader)
	}
}

// Step feeds the peer one packet from another server.
func (p *Peer) Step(m Packet) error {
	if m.To != p.id || m.From == p.id || !slices.Contains(p.voters, m.From) {
		return fmt.Errorf("%w: %v is not from a voter to %d", ErrBadPacket, m, p.id)
	}
	if m.Type == quorum.Notification {
		return p.stepNote(m)
	}
	switch {
	case p.lead != nil:
		return p.lead.step(p, m)
	case p.fol != nil:
		return p.fol.step(p, m)
	}
	return nil // LOOKING: quorum packets belong to a session that is gone
}

// #region step-note

func (p *Peer) stepNote(m Packet) error {
	if m.Note == nil {
		return fmt.Errorf("%w: notification without a vote", ErrBadPacket)
	}
	// FastLeaderElection.lookForLeader acts on a notification only if both
	// its sender and the server it votes for are voters (validVoter): a
	// vote for a stranger must never make us follow it.
	if !slices.Contains(p.voters, m.Note.Vote.Leader) {
		return fmt.Errorf("%w: notification from %d votes for %d, not a voter", ErrBadPacket, m.From, m.Note.Vote.Leader)
	}
	if p.state == quorum.Looking {
		out, v := p.elect.Receive(m.From, *m.Note)
		p.sendAll(out)
		p.decided(v)
		return nil
	}
	// WorkerReceiver: a peer that is not LOOKING answers a LOOKING one
	// with the vote it went with, so a restarted server learns the leader.
	if m.Note.State == quorum.Looking {
		v := p.vote
		if s := p.soft(); s.Serving {
			// Members of an established ensemble all advertise the epoch
			// they serve in, so a joining server sees a quorum agree on
			// (leader, peerEpoch), whichever round each of them decided in
			// (the FOLLOWING/LEADING comparison of Vote.equals; cf.
			// ZOOKEEPER-1732).
			v.PeerEpoch = s.Epoch
		}
		n := Note{State: p.state, Vote: v}
		p.send(Packet{Type: quorum.Notification, To: m.From, Note: &n})
	}
	return nil
}

// #endregion step-note

// Tick advances the peer's clock by one tick.
func (p *Peer) Tick() {
	p.now++
	switch {
	case p.lead != nil:
		p.lead.tick(p)
	case p.fol != nil:
		p.fol.tick(p)
	default:
		out, v := p.elect.Tick()
		p.sendAll(out)
		p.decided(v)
	}
}

// Disconnected tells the peer that its channel to server sid broke (the
// runtime's TCP connection closed; the simulator's link was cut). Every
// packet in flight on it is lost, so a session over it is over.
func (p *Peer) Disconnected(sid int64) {
	switch {
	case p.lead != nil:
		p.lead.drop(p, sid)
	case p.fol != nil && p.fol.leader == sid:
		p.becomeLooking()
	}
}

// NextZxid is the zxid the next Propose will take, for the runtime to put
// in the request it executes (Tree.Execute needs it).
func (p *Peer) NextZxid() (int64, error) {
	if p.lead == nil || !p.lead.serving {
		return 0, ErrNotLeader
	}
	last := p.lead.props.LastProposed()
	if quorum.EpochOf(last) < p.lead.epoch {
		return quorum.MakeZxid(p.lead.epoch, 1), nil
	}
	if quorum.CounterOf(last) == quorum.MaxCounter {
		return 0, ErrZxidRollover
	}
	return last + 1, nil
}

// Propose broadcasts a txn (leader only). Its Header.Zxid must be 0 (the
// peer fills it) or NextZxid(). Failed writes are proposed too: their
// ErrorTxn takes a zxid like any other (docs/reference/zookeeper.md §1.5).
func (p *Peer) Propose(txn proto.Txn) (int64, error) {
	z, err := p.NextZxid()
	if err == ErrZxidRollover {
		p.becomeLooking()
		return 0, err
	}
	if err != nil {
		return 0, err
	}
	if txn.Header.Zxid != 0 && txn.Header.Zxid != z {
		return 0, fmt.Errorf("zab: txn has zxid %s, the next zxid is %s", quorum.FormatZxid(txn.Header.Zxid), quorum.FormatZxid(z))
	}
	txn.Header.Zxid = z
	if err := p.lead.propose(p, Entry{Zxid: z, Txn: txn}); err != nil {
		return 0, err
	}
	return z, nil
}

// Forward sends a client write to the leader (REQUEST), or, on the leader,
// queues it in Ready.Requests like a forwarded one.
func (p *Peer) Forward(data []byte) error {
	switch {
	case p.lead != nil && p.lead.serving:
		p.rd.Requests = append(p.rd.Requests, Request{From: p.id, Data: data})
	case p.fol != nil && p.fol.stage == fServing:
		p.send(Packet{Type: quorum.Request, To: p.fol.leader, Epoch: p.fol.epoch, Data: data})
	default:
		return ErrNotServing
	}
	return nil
}

// Sync asks that every write committed before now be applied here before
// the sync completes (Ready.SyncsDone carries id). The sync travels
// through the leader (SYNC), which answers after its pending proposals
// commit — the answer then follows their COMMITs on the FIFO channel.
func (p *Peer) Sync(id int64) error {
	switch {
	case p.lead != nil && p.lead.serving:
		p.lead.sync(p, p.id, id)
	case p.fol != nil && p.fol.stage == fServing:
		p.send(Packet{Type: quorum.Sync, To: p.fol.leader, Epoch: p.fol.epoch, ID: id})
	default:
		return ErrNotServing
	}
	return nil
}

// Touch records that a client of this server kept its session alive. A
// follower reports touches to the leader on its next PING reply; on the
// leader they go straight to Ready.Touches.
func (p *Peer) Touch(session int64, timeoutMs int32) {
	t := Touch{Session: session, TimeoutMs: timeoutMs}
	switch {
	case p.lead != nil:
		p.rd.Touches = append(p.rd.Touches, t)
	case p.fol != nil:
		p.fol.touches = append(p.fol.touches, t)
	}
}

// Compact tells the peer that the runtime's snapshot covers zxid (which it
// has applied): log entries up to it can be forgotten, but for the last
// Config.CommitLogCount of them (ZooKeeper's committedLog), which let a
// follower a little behind be synced with a DIFF. A follower whose log
// ends before what the leader still holds is synced with SNAP.
//
// Divergence: ZooKeeper also reads older proposals back from its txn log
// files (ZKDatabase.getProposalsFromTxnLog) while they add up to less
// than zookeeper.snapshotSizeFactor (0.33) of the snapshot's size; we
// keep only the in-memory window, so a follower further behind gets a
// SNAP where ZooKeeper might still send a DIFF.
func (p *Peer) Compact(zxid int64) error {
	if zxid > p.committed || zxid < p.log.base {
		return fmt.Errorf("zab: cannot compact to %s: committed %s, log starts after %s",
			quorum.FormatZxid(zxid), quorum.FormatZxid(p.committed), quorum.FormatZxid(p.log.base))
	}
	if _, ok := p.log.get(zxid); !ok && zxid != p.log.base {
		return fmt.Errorf("zab: cannot compact to %s: not in the log", quorum.FormatZxid(zxid))
	}
	p.log.compact(zxid, p.cfg.CommitLogCount)
	return nil
}

// HasReady reports whether Ready would return anything.
func (p *Peer) HasReady() bool {
	return !p.rd.Empty() || len(p.deferred) > 0 || len(p.deferredSyncs) > 0 || p.softDirt || p.epochsDirty || p.log.truncate || p.log.stable < len(p.log.entries)
}

// Ready returns the outputs gathered since the last call. Handle them in
// field order (see Ready), then call Advance.
func (p *Peer) Ready() Ready {
	rd := p.rd
	p.rd = Ready{Committed: p.deferred, SyncsDone: p.deferredSyncs}
	p.deferred, p.deferredSyncs, p.snapQueued = nil, nil, false
	if p.softDirt {
		s := p.soft()
		rd.SoftState = &s
		p.softDirt = false
	}
	if rd.Snapshot != nil {
		// The snapshot replaces the log; the unstable tail follows it.
		p.log.truncate = false
	}
	p.log.takeUnstable(&rd)
	if p.epochsDirty {
		rd.Epochs = &Epochs{Accepted: p.acceptedEpoch, Current: p.currentEpoch}
		p.epochsDirty = false
	}
	rd.term = p.term
	return rd
}

// Advance tells the peer that rd was carried out: its entries and epochs
// are durable. A leader counts its own acknowledgments here.
func (p *Peer) Advance(rd Ready) {
	if rd.Snapshot != nil {
		p.applied = rd.Snapshot.Zxid
	}
	if n := len(rd.Committed); n > 0 {
		p.applied = rd.Committed[n-1].Zxid
	}
	if p.lead == nil || rd.term != p.term {
		return
	}
	p.lead.persisted(p, rd)
}
