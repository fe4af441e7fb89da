package zab

import (
	"fmt"
	"sort"

	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// leader is a peer's state while LEADING: discovery (gather a quorum's
// FOLLOWERINFO, pick the new epoch), synchronization (bring each
// follower's log in line, NEWLEADER, UPTODATE) and broadcast (Leader.java,
// LearnerHandler.java).
type leader struct {
	epoch        int64 // the epoch being established; 0 until decided
	epochDecided bool
	connecting   map[int64]int64 // FOLLOWERINFO: sid → acceptedEpoch (self included)

	learners map[int64]*learner

	epochAcks  map[int64]bool // ACKEPOCH received (self included)
	epochAcked bool           // a quorum acked: currentEpoch set, syncing
	summary    [2]int64       // (currentEpoch, lastZxid) when elected

	initial       int64          // last zxid of the initial history
	newLeaderAcks map[int64]bool // NEWLEADER acks (self once currentEpoch is durable)
	established   bool
	serving       bool // established, and the runtime has applied the initial history
	props         *Proposals
	pendingSyncs  map[int64][]syncWaiter // by the lastProposed they wait for
	since         int64                  // tick leadership began
}

type learnerStage int

const (
	lInfo       learnerStage = iota // FOLLOWERINFO received
	lEpoch                          // LEADERINFO sent
	lAckedEpoch                     // ACKEPOCH received, waiting for the epoch quorum
	lSyncing                        // sync sent; it is forwarded proposals and commits
	lSynced                         // acked NEWLEADER
	lUpToDate                       // sent UPTODATE
)

type learner struct {
	sid           int64
	stage         learnerStage
	acceptedEpoch int64
	currentEpoch  int64
	lastZxid      int64
	heard         int64 // tick of the last packet from it
}

type syncWaiter struct{ from, id int64 }

func (p *Peer) becomeLeader() {
	p.state = quorum.Leading
	p.fol = nil
	p.lead = &leader{
		connecting:    map[int64]int64{p.id: p.acceptedEpoch},
		learners:      map[int64]*learner{},
		epochAcks:     map[int64]bool{p.id: true},
		newLeaderAcks: map[int64]bool{},
		summary:       [2]int64{p.currentEpoch, p.log.last()},
		pendingSyncs:  map[int64][]syncWaiter{},
		since:         p.now,
	}
	p.changed()
	p.lead.tryDecideEpoch(p)
}

// #region decide-epoch

// tryDecideEpoch: once a quorum (self included) sent FOLLOWERINFO, the new
// epoch is one more than every acceptedEpoch among them
// (Leader.getEpochToPropose), so no two leaders ever get the same epoch.
func (l *leader) tryDecideEpoch(p *Peer) {
	if l.epochDecided || !IsQuorum(p.voters, keys(l.connecting)) {
		return
	}
	e := p.epochHint
	for _, ae := range l.connecting {
		e = max(e, ae)
	}
	l.epoch, l.epochDecided = e+1, true
	// The leader accepts its own epoch before anyone hears of it.
	p.setEpochs(l.epoch, p.currentEpoch)
	p.softDirt = true
	for _, sid := range sortedIDs(l.learners) {
		l.sendLeaderInfo(p, l.learners[sid])
	}
	l.tryEpochQuorum(p)
}

// #endregion decide-epoch

func (l *leader) sendLeaderInfo(p *Peer, ln *learner) {
	ln.stage = lEpoch
	p.send(Packet{Type: quorum.LeaderInfo, To: ln.sid, Zxid: quorum.MakeZxid(l.epoch, 0), Epoch: l.epoch})
}

func (l *leader) step(p *Peer, m Packet) error {
	if m.Type == quorum.FollowerInfo {
		return l.followerInfo(p, m)
	}
	ln := l.learners[m.From]
	if ln == nil || m.Epoch != l.epoch {
		return nil // not a learner of this leadership: a stale packet
	}
	ln.heard = p.now
	switch m.Type {
	case quorum.AckEpoch:
		return l.ackEpoch(p, ln, m)
	case quorum.Ack:
		return l.ack(p, ln, m.Zxid)
	case quorum.Ping:
		p.rd.Touches = append(p.rd.Touches, m.Touches...)
	case quorum.Request:
		if ln.stage >= lSyncing && l.established {
			p.rd.Requests = append(p.rd.Requests, Request{From: m.From, Data: m.Data})
		}
	case quorum.Sync:
		if ln.stage >= lSyncing && l.established {
			l.sync(p, m.From, m.ID)
		}
	default:
		return fmt.Errorf("%w: leader got %v", ErrBadPacket, m.Type)
	}
	return nil
}

// followerInfo: a follower connects (CEPOCH). Its session starts over.
func (l *leader) followerInfo(p *Peer, m Packet) error {
	ae := quorum.EpochOf(m.Zxid)
	p.epochHint = max(p.epochHint, ae)
	ln := &learner{sid: m.From, stage: lInfo, acceptedEpoch: ae, heard: p.now}
	l.learners[m.From] = ln
	if !l.epochDecided {
		l.connecting[m.From] = ae
		l.tryDecideEpoch(p)
		return nil
	}
	if ae > l.epoch {
		// The follower accepted a newer epoch from a leader that never
		// established: it would refuse our LEADERINFO. Step down; the next
		// election proposes past it (epochHint).
		p.becomeLooking()
		return nil
	}
	// ae == l.epoch is a follower rejoining this epoch (a reset connection,
	// a restart): it answers with ACKEPOCH(-1), which never counts toward
	// establishing the epoch (ackEpoch), and is synchronized in place, as
	// LearnerHandler does — no election.
	l.sendLeaderInfo(p, ln)
	return nil
}

func (l *leader) ackEpoch(p *Peer, ln *learner, m Packet) error {
	if ln.stage != lEpoch {
		return fmt.Errorf("%w: ACKEPOCH from %d out of turn", ErrBadPacket, ln.sid)
	}
	ln.lastZxid = m.Zxid
	ln.currentEpoch = m.CurrentEpoch
	if !l.epochAcked && m.CurrentEpoch != -1 {
		// Leader.waitForEpochAck: "Follower is ahead of the leader".
		if m.CurrentEpoch > l.summary[0] || m.CurrentEpoch == l.summary[0] && m.Zxid > l.summary[1] {
			p.becomeLooking()
			return nil
		}
	}
	ln.stage = lAckedEpoch
	if m.CurrentEpoch != -1 {
		// Leader.waitForEpochAck: only a follower that accepted the epoch
		// from us (not one that had already accepted it, answering -1)
		// counts toward the quorum that establishes it. So two would-be
		// leaders proposing the same epoch cannot both establish it.
		l.epochAcks[ln.sid] = true
	}
	if l.epochAcked {
		l.syncLearner(p, ln)
		return nil
	}
	l.tryEpochQuorum(p)
	return nil
}

// #region epoch-quorum

// tryEpochQuorum: a quorum accepted the epoch. The leader's whole log is
// now the initial history of the epoch; it becomes current, and every
// acked follower is synchronized to it.
func (l *leader) tryEpochQuorum(p *Peer) {
	if l.epochAcked || !l.epochDecided || !IsQuorum(p.voters, l.epochAcks) {
		return
	}
	l.epochAcked = true
	l.initial = p.log.last()
	p.setEpochs(p.acceptedEpoch, l.epoch)
	for _, sid := range sortedIDs(l.learners) {
		if ln := l.learners[sid]; ln.stage == lAckedEpoch {
			l.syncLearner(p, ln)
		}
	}
}

// #endregion epoch-quorum

// #region sync-learner

// syncLearner sends DIFF, TRUNC or SNAP, the proposals the follower lacks,
// and NEWLEADER. From now on it also gets every new PROPOSAL and COMMIT.
func (l *leader) syncLearner(p *Peer, ln *learner) {
	// A snapshot is of the state the runtime will have when it sends this
	// Ready: everything committed so far, or, if a SNAP is already queued
	// (later commits then wait for the next Ready), that SNAP's point.
	at := p.committed
	if p.snapQueued {
		at = p.snapAt
	}
	plan := DecideSync(ln.lastZxid, p.log.base, p.log.zxids(), at)
	switch plan.Mode {
	case SyncTrunc:
		p.send(Packet{Type: quorum.Trunc, To: ln.sid, Zxid: plan.TruncTo, Epoch: l.epoch})
	case SyncSnap:
		p.send(Packet{Type: quorum.Snap, To: ln.sid, Zxid: at, Epoch: l.epoch})
		p.snapQueued, p.snapAt = true, at
		plan.From = at
	default:
		plan.Mode = SyncDiff
		p.send(Packet{Type: quorum.Diff, To: ln.sid, Zxid: p.log.last(), Epoch: l.epoch})
	}
	for _, e := range p.log.between(plan.From, p.log.last()) {
		txn := e.Txn
		p.send(Packet{Type: quorum.Proposal, To: ln.sid, Zxid: e.Zxid, Epoch: l.epoch, Txn: &txn})
	}
	p.send(Packet{Type: quorum.NewLeader, To: ln.sid, Zxid: quorum.MakeZxid(l.epoch, 0), Epoch: l.epoch})
	ln.stage = lSyncing
}

// #endregion sync-learner

// #region leader-ack

// ack: learner ln acked zxid. The ack of NEWLEADER (zxid epoch<<32) makes
// it synced: its currentEpoch is now ours, durably, with our history
// under it. Any other ACK counts toward a commit only if it comes from a
// synced learner of an established leader.
func (l *leader) ack(p *Peer, ln *learner, zxid int64) error {
	if ln.stage < lSyncing {
		return fmt.Errorf("%w: ACK from %d before sync", ErrBadPacket, ln.sid)
	}
	if ln.stage == lSyncing && zxid == quorum.MakeZxid(l.epoch, 0) {
		ln.stage = lSynced
		l.newLeaderAcks[ln.sid] = true
		if l.established {
			l.upToDate(p, ln)
		} else {
			l.tryEstablish(p)
		}
		return nil
	}
	if l.established && ln.stage >= lSynced {
		// Only a learner that acked NEWLEADER has our epoch as its
		// currentEpoch, so only its ACKs promise a vote that carries the
		// txn (LearnerHandler counts ACKs once the learner is synced).
		// Our followers hold their sync-phase ACKs until NEWLEADER, so on
		// the FIFO channel they arrive after it; an earlier one is not
		// counted.
		return l.committed(p, l.props.Ack(ln.sid, zxid))
	}
	return nil
}

// #endregion leader-ack

// #region own-ack

// persisted: the leader's own disk caught up. Its currentEpoch being
// durable is its own NEWLEADER ack; its logged proposals are its own ACKs.
func (l *leader) persisted(p *Peer, rd Ready) {
	defer func() {
		// The runtime has now seen the leader serving and applied the
		// initial history: new proposals may be executed on top of it.
		if l.established && !p.softDirt && p.applied >= l.initial {
			l.serving = true
		}
	}()
	if rd.Epochs != nil && l.epochAcked && rd.Epochs.Current == l.epoch && !l.newLeaderAcks[p.id] {
		l.newLeaderAcks[p.id] = true
		l.tryEstablish(p)
	}
	if !l.established {
		return
	}
	for _, e := range rd.Entries {
		if quorum.EpochOf(e.Zxid) == l.epoch {
			if err := l.committed(p, l.props.Ack(p.id, e.Zxid)); err != nil {
				panic(err) // the leader's own log lost an entry: a broken invariant
			}
		}
	}
}

// #endregion own-ack

// #region establish

// tryEstablish: a quorum (self included) acked NEWLEADER, so a quorum has
// the initial history durably under the new epoch. It is committed, and
// the leader starts serving (COMMIT-LD / UPTODATE).
func (l *leader) tryEstablish(p *Peer) {
	if l.established || !l.newLeaderAcks[p.id] || !IsQuorum(p.voters, l.newLeaderAcks) {
		return
	}
	l.established = true
	l.props = NewProposals(p.voters, l.initial)
	p.softDirt = true
	if err := p.deliver(zxidsOf(p.log.between(p.committed, l.initial))); err != nil {
		panic(err) // cannot happen: the range comes from the log itself
	}
	for _, sid := range sortedIDs(l.learners) {
		if ln := l.learners[sid]; ln.stage == lSynced {
			l.upToDate(p, ln)
		}
	}
}

// #endregion establish

func (l *leader) upToDate(p *Peer, ln *learner) {
	ln.stage = lUpToDate
	p.send(Packet{Type: quorum.UpToDate, To: ln.sid, Zxid: l.props.LastCommitted(), Epoch: l.epoch})
}

// #region leader-propose

// propose logs an entry and sends it to every learner being forwarded to.
func (l *leader) propose(p *Peer, e Entry) error {
	if err := l.props.Propose(e.Zxid); err != nil {
		return err
	}
	p.log.append(e)
	for _, sid := range sortedIDs(l.learners) {
		if ln := l.learners[sid]; ln.stage >= lSyncing {
			txn := e.Txn
			p.send(Packet{Type: quorum.Proposal, To: sid, Zxid: e.Zxid, Epoch: l.epoch, Txn: &txn})
		}
	}
	return nil
}

// #endregion leader-propose

// committed delivers newly committed zxids, tells the learners, and
// answers the syncs that were waiting for them.
func (l *leader) committed(p *Peer, zxids []int64) error {
	if err := p.deliver(zxids); err != nil {
		return err
	}
	for _, z := range zxids {
		for _, sid := range sortedIDs(l.learners) {
			if ln := l.learners[sid]; ln.stage >= lSyncing {
				p.send(Packet{Type: quorum.Commit, To: sid, Zxid: z, Epoch: l.epoch})
			}
		}
		for _, w := range l.pendingSyncs[z] {
			l.syncDone(p, w)
		}
		delete(l.pendingSyncs, z)
	}
	return nil
}

// #region leader-sync

// sync answers a SYNC once every proposal outstanding now has committed
// (Leader.processSync).
func (l *leader) sync(p *Peer, from, id int64) {
	w := syncWaiter{from: from, id: id}
	if l.props.Outstanding() == 0 {
		l.syncDone(p, w)
		return
	}
	z := l.props.LastProposed()
	l.pendingSyncs[z] = append(l.pendingSyncs[z], w)
}

// #endregion leader-sync

func (l *leader) syncDone(p *Peer, w syncWaiter) {
	if w.from == p.id {
		if p.snapQueued {
			p.deferredSyncs = append(p.deferredSyncs, w.id)
		} else {
			p.rd.SyncsDone = append(p.rd.SyncsDone, w.id)
		}
		return
	}
	if ln := l.learners[w.from]; ln != nil && ln.stage >= lSyncing {
		p.send(Packet{Type: quorum.Sync, To: w.from, Epoch: l.epoch, ID: w.id})
	}
}

// #region leader-tick

// tick pings every learner, drops the silent ones, and abdicates without
// a quorum: not established within initLimit, or, once established,
// fewer than a quorum of synced followers heard from within syncLimit.
func (l *leader) tick(p *Peer) {
	for _, sid := range sortedIDs(l.learners) {
		ln := l.learners[sid]
		limit := int64(p.cfg.SyncLimit)
		if ln.stage < lUpToDate {
			limit = int64(p.cfg.InitLimit)
		}
		if p.now-ln.heard > limit {
			l.drop(p, sid)
			continue
		}
		p.send(Packet{Type: quorum.Ping, To: sid, Epoch: l.epoch, Zxid: p.committed})
	}
	if !l.established {
		if p.now-l.since > int64(p.cfg.InitLimit) {
			p.becomeLooking()
		}
		return
	}
	synced := map[int64]bool{p.id: true}
	for sid, ln := range l.learners {
		synced[sid] = ln.stage >= lSynced
	}
	if !IsQuorum(p.voters, synced) {
		p.becomeLooking()
	}
}

// #endregion leader-tick

// drop forgets a learner whose connection broke or went silent.
func (l *leader) drop(p *Peer, sid int64) {
	delete(l.learners, sid)
	if !l.epochDecided {
		delete(l.connecting, sid)
	}
}

func keys(m map[int64]int64) map[int64]bool {
	out := make(map[int64]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

func sortedIDs(m map[int64]*learner) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func zxidsOf(es []Entry) []int64 {
	out := make([]int64, len(es))
	for i, e := range es {
		out[i] = e.Zxid
	}
	return out
}
