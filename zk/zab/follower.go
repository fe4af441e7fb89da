package zab

import (
	"errors"
	"fmt"
	"slices"

	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// follower is a peer's state while FOLLOWING (Follower.java, Learner.java):
// connect (FOLLOWERINFO), accept the epoch (ACKEPOCH), sync to the
// leader's history (DIFF/TRUNC/SNAP, NEWLEADER), then broadcast.
type follower struct {
	leader   int64
	epoch    int64 // from LEADERINFO
	stage    followerStage
	heard    int64 // tick of the last packet from the leader
	infoSent int64 // tick FOLLOWERINFO was last sent (discovery)
	touches  []Touch
	delivery *Delivery
	// unacked are the PROPOSALs logged while syncing: their ACKs wait for
	// NEWLEADER (see proposal).
	unacked []int64
}

type followerStage int

const (
	fDiscovery followerStage = iota // FOLLOWERINFO sent
	fSyncing                        // ACKEPOCH sent; receiving the sync
	fNewLeader                      // NEWLEADER acked; waiting for UPTODATE
	fServing                        // UPTODATE received
)

// errCommittedLost is returned (and the peer goes back to LOOKING) when a
// leader asks to truncate a committed txn: a broken protocol invariant,
// reported rather than obeyed.
var errCommittedLost = errors.New("zab: leader asked to truncate a committed txn")

func (p *Peer) becomeFollower(leader int64) {
	p.state = quorum.Following
	p.lead = nil
	f := &follower{leader: leader, heard: p.now, delivery: NewDelivery(p.committed)}
	for _, e := range p.log.between(p.committed, p.log.last()) {
		_ = f.delivery.Logged(e.Zxid) // increasing: the log's invariant
	}
	p.fol = f
	p.changed()
	f.sendInfo(p)
}

// sendInfo sends FOLLOWERINFO (CEPOCH) carrying our acceptedEpoch.
func (f *follower) sendInfo(p *Peer) {
	f.infoSent = p.now
	p.send(Packet{Type: quorum.FollowerInfo, To: f.leader, Zxid: quorum.MakeZxid(p.acceptedEpoch, 0)})
}

func (f *follower) step(p *Peer, m Packet) error {
	if m.From != f.leader {
		return nil // not our leader: a packet of a session that is over
	}
	if m.Type == quorum.LeaderInfo {
		if f.stage != fDiscovery {
			return nil
		}
		f.heard = p.now
		return f.leaderInfo(p, quorum.EpochOf(m.Zxid))
	}
	if f.stage == fDiscovery || m.Epoch != f.epoch {
		return nil
	}
	f.heard = p.now
	var err error
	switch m.Type {
	case quorum.Diff:
	case quorum.Trunc:
		err = f.trunc(p, m.Zxid)
	case quorum.Snap:
		f.snap(p, m)
	case quorum.Proposal:
		err = f.proposal(p, m)
	case quorum.Commit:
		err = f.commit(p, m.Zxid)
	case quorum.NewLeader:
		if f.stage != fSyncing {
			err = fmt.Errorf("%w: NEWLEADER out of turn", ErrBadPacket)
			break
		}
		f.newLeader(p, m.Zxid)
	case quorum.UpToDate:
		if f.stage != fNewLeader {
			err = fmt.Errorf("%w: UPTODATE out of turn", ErrBadPacket)
			break
		}
		if err = f.commit(p, m.Zxid); err == nil {
			f.stage = fServing
			p.softDirt = true
		}
	case quorum.Ping:
		p.send(Packet{Type: quorum.Ping, To: f.leader, Epoch: f.epoch, Touches: f.touches})
		f.touches = nil
	case quorum.Sync:
		p.rd.SyncsDone = append(p.rd.SyncsDone, m.ID)
	default:
		err = fmt.Errorf("%w: follower got %v", ErrBadPacket, m.Type)
	}
	if err != nil {
		p.becomeLooking()
	}
	return err
}

// #region accept-epoch

// leaderInfo: the leader proposes epoch e (NEWEPOCH). Accept it only if it
// is newer than any epoch accepted before (Zab paper, phase 1).
func (f *follower) leaderInfo(p *Peer, e int64) error {
	last := p.log.last()
	switch {
	case e > p.acceptedEpoch:
		p.setEpochs(e, p.currentEpoch) // durable before ACKEPOCH leaves
		p.send(Packet{Type: quorum.AckEpoch, To: f.leader, Zxid: last, Epoch: e, CurrentEpoch: p.currentEpoch})
	case e == p.acceptedEpoch:
		// Already accepted (a reconnect within the epoch): ZooKeeper says
		// so with currentEpoch -1.
		p.send(Packet{Type: quorum.AckEpoch, To: f.leader, Zxid: last, Epoch: e, CurrentEpoch: -1})
	default:
		p.becomeLooking()
		return nil
	}
	f.epoch = e
	f.stage = fSyncing
	p.softDirt = true
	// Later packets carry the epoch; this one set it.
	return nil
}

// #endregion accept-epoch

// #region follower-trunc

func (f *follower) trunc(p *Peer, z int64) error {
	if f.stage != fSyncing {
		return fmt.Errorf("%w: TRUNC out of turn", ErrBadPacket)
	}
	if z < p.committed {
		return fmt.Errorf("%w: to %s below committed %s", errCommittedLost, quorum.FormatZxid(z), quorum.FormatZxid(p.committed))
	}
	p.log.cut(z)
	f.delivery.Truncate(z)
	f.unacked = slices.DeleteFunc(f.unacked, func(u int64) bool { return u > z })
	return nil
}

// #endregion follower-trunc

func (f *follower) snap(p *Peer, m Packet) {
	p.log.reset(m.Zxid)
	p.committed = m.Zxid
	f.delivery = NewDelivery(m.Zxid)
	f.unacked = nil
	// Commits not yet handed out are part of the state being replaced.
	p.rd.Committed = nil
	p.rd.Snapshot = &Snapshot{Zxid: m.Zxid, Data: m.Data}
}

// #region follower-proposal

func (f *follower) proposal(p *Peer, m Packet) error {
	if m.Txn == nil || m.Txn.Header.Zxid != m.Zxid {
		return fmt.Errorf("%w: PROPOSAL %s without a matching txn", ErrBadPacket, quorum.FormatZxid(m.Zxid))
	}
	if quorum.EpochOf(m.Zxid) > f.epoch {
		return fmt.Errorf("%w: PROPOSAL %s from the future (epoch %d)", ErrBadPacket, quorum.FormatZxid(m.Zxid), f.epoch)
	}
	if m.Zxid <= p.log.last() {
		return fmt.Errorf("%w: PROPOSAL %s is not after the log's end %s", ErrBadPacket, quorum.FormatZxid(m.Zxid), quorum.FormatZxid(p.log.last()))
	}
	if err := f.delivery.Logged(m.Zxid); err != nil {
		return err
	}
	p.log.append(Entry{Zxid: m.Zxid, Txn: *m.Txn})
	if f.stage == fSyncing {
		// Not yet: an ACK says "this txn is in my log AND my vote will
		// carry it". Until NEWLEADER our currentEpoch is older than the
		// leader's, so a server of the new epoch with a shorter log beats
		// our vote and would TRUNC this txn away — after the leader
		// counted our ACK toward a commit. ZooKeeper's learner likewise
		// only logs what it is sent while syncing
		// (Learner.syncWithLeader, packetsNotLogged).
		f.unacked = append(f.unacked, m.Zxid)
		return nil
	}
	// The ACK leaves after the entry is fsynced (Ready.Entries before
	// Ready.Messages).
	p.send(Packet{Type: quorum.Ack, To: f.leader, Zxid: m.Zxid, Epoch: f.epoch})
	return nil
}

// #endregion follower-proposal

// #region follower-newleader

// newLeader: the leader's history is now in our log. The Ready carrying
// this step persists, in this order, the logged sync-phase txns (fsync),
// then currentEpoch, then sends the NEWLEADER ack and the ACKs of the
// PROPOSALs logged while syncing (ZOOKEEPER-4643, -4646: apache/zookeeper
// 3.9.3's Learner.syncWithLeader flushes the txns, then sets
// currentEpoch, then acks). A crash anywhere in between leaves either the
// old currentEpoch (our vote does not claim the new history) or the
// history on disk under the new one — never a currentEpoch vouching for
// txns that are not on disk.
//
// It also ACKs again the txns of this epoch it logged on an earlier
// connection to this leader and has not seen committed: their ACKs may
// have been lost with that connection, a DIFF sends only what we lack,
// and the leader commits in order — without these ACKs nothing it
// proposes commits until enough others acked them. (ZooKeeper's leader
// gets the same by TRUNCating a learner that is ahead of its committed
// log back to it and forwarding the outstanding proposals again:
// LearnerHandler.syncFollower, Leader.startForwarding.) A duplicate ACK,
// or one for a txn committed meanwhile, is ignored.
func (f *follower) newLeader(p *Peer, zxid int64) {
	p.setEpochs(p.acceptedEpoch, f.epoch)
	f.stage = fNewLeader
	p.send(Packet{Type: quorum.Ack, To: f.leader, Zxid: zxid, Epoch: f.epoch})
	for _, e := range p.log.between(p.committed, p.log.last()) {
		if quorum.EpochOf(e.Zxid) == f.epoch || slices.Contains(f.unacked, e.Zxid) {
			p.send(Packet{Type: quorum.Ack, To: f.leader, Zxid: e.Zxid, Epoch: f.epoch})
		}
	}
	f.unacked = nil
}

// #endregion follower-newleader

func (f *follower) commit(p *Peer, z int64) error {
	zs, err := f.delivery.Commit(z)
	if err != nil {
		return err
	}
	return p.deliver(zs)
}

// tick: a follower that has not heard from its leader within syncLimit
// ticks (initLimit while it is still syncing) goes back to LOOKING.
func (f *follower) tick(p *Peer) {
	limit := int64(p.cfg.SyncLimit)
	if f.stage != fServing {
		limit = int64(p.cfg.InitLimit)
	}
	if p.now-f.heard > limit {
		p.becomeLooking()
		return
	}
	// Until LEADERINFO comes, ask again now and then: the leader may have
	// dropped our FOLLOWERINFO because it had not decided yet that it
	// leads (it was still in its finalize wait). ZooKeeper's learner
	// likewise retries connecting to the leader (Learner.connectToLeader).
	// A duplicate is harmless: it reaches the leader before our ACKEPOCH
	// (FIFO), and a second LEADERINFO is ignored once we left discovery.
	if f.stage == fDiscovery && p.now-f.infoSent >= int64(p.cfg.ResendEvery) {
		f.sendInfo(p)
	}
}
