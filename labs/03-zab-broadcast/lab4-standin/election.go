package zab

import (
	"slices"

	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// Lab 3's stand-in for lab 4's election. Lab 3's ensembles need some
// leader election, and lab 4 is where you write ZooKeeper's. Until you
// have, the grader (and `make run-chapter 3`) runs lab 3 with this file in
// place of zk/zab/election.go, whenever lab 4's reference is not in the
// tree (a learner edition with lab 4 open). It is deliberately not fast
// leader election: nobody votes for the best candidate, there is no vote
// order, no finalize wait and no checkLeader; the candidate of each round
// is fixed in advance.
//
// A rotating candidate, as in Viewstamped Replication (the primary of view
// v is replica v mod n): the candidate of round r is voters[(r-1) mod n].
// Every notification carries the round and its sender's credentials (its
// currentEpoch and last zxid). The candidate leads once it has heard, in
// its round, from a majority of voters none of whom is ahead of it; a
// peer that is ahead of its round's candidate moves on to the next round
// at once; a round that produces no leader within a few ticks gives way
// to the next; a newer round heard from anyone is joined; and a peer
// follows whoever tells it, in its own name, that it is LEADING.
//
// "Ahead" is discovery's test, not lab 4's vote order: a newer
// currentEpoch, or the same one and a longer log (leader.go's ackEpoch:
// "Follower is ahead of the leader"). Safety does not rest on the
// election at all: even a leader that is behind cannot establish an
// epoch, because a follower ahead of it in its epoch quorum makes it step
// down, so an epoch is established only by a majority none of whom is
// ahead of its leader, and any majority holds every committed txn. The
// rotation and the ahead rule are for liveness: within n rounds the
// candidate is a server no one live is ahead of.
//
// TotalOrder is lab 4's; this stand-in does not use it.
type Election struct {
	self     int64
	voters   []int64
	patience int // ticks a round may take before the next one starts
	resend   int // ticks between notification rounds

	looking    bool
	clock      int64
	mine       quorum.Vote           // this peer's credentials: its last zxid and currentEpoch
	heard      map[int64]quorum.Vote // this round: each voter's credentials, this peer's included
	left       int                   // ticks left in this round
	resendLeft int
}

// TotalOrder is lab 4's vote order; the stand-in election does not
// compare votes, and nothing else in lab 3's code calls it.
func TotalOrder(a, b quorum.Vote) bool { return false }

// NewElection returns an idle election for server self among voters.
func NewElection(self int64, voters []int64, finalizeWaitTicks, resendTicks int) *Election {
	r := max(resendTicks, 1)
	return &Election{self: self, voters: slices.Clone(voters), resend: r, patience: 2*r + max(finalizeWaitTicks, 0) + 1}
}

// candidate is the round's candidate.
func (e *Election) candidate() int64 {
	n := int64(len(e.voters))
	return e.voters[((e.clock-1)%n+n)%n]
}

// Start begins a new round and tells every other voter.
func (e *Election) Start(lastZxid, currentEpoch int64) []quorum.Packet {
	e.looking = true
	e.mine = quorum.Vote{Leader: e.self, Zxid: lastZxid, PeerEpoch: currentEpoch}
	e.enter(e.clock + 1)
	return e.sendAll()
}

// enter makes r the current round.
func (e *Election) enter(r int64) {
	e.clock = r
	e.heard = map[int64]quorum.Vote{e.self: e.mine}
	e.left = e.patience
	e.resendLeft = e.resend
}

// ahead: credentials a are ahead of b (a newer currentEpoch, or the same
// and a longer log): discovery's test.
func ahead(a, b quorum.Vote) bool {
	return a.PeerEpoch > b.PeerEpoch || a.PeerEpoch == b.PeerEpoch && a.Zxid > b.Zxid
}

// Receive handles a notification from another voter.
func (e *Election) Receive(from int64, n quorum.Note) ([]quorum.Packet, *quorum.Vote) {
	if !e.looking || from == e.self || !slices.Contains(e.voters, from) {
		return nil, nil
	}
	switch n.State {
	case quorum.Leading:
		if n.Vote.Leader == from {
			e.clock = max(e.clock, n.Vote.ElectionEpoch)
			return nil, e.decide(from)
		}
		return nil, nil
	case quorum.Looking:
	default:
		return nil, nil
	}
	var out []quorum.Packet
	switch r := n.Vote.ElectionEpoch; {
	case r < e.clock:
		return []quorum.Packet{e.sendTo(from)}, nil
	case r > e.clock:
		e.enter(r)
		out = e.sendAll()
	}
	e.heard[from] = n.Vote
	return e.check(out)
}

// check moves on from a round whose candidate this peer is ahead of, and
// makes the candidate lead once a majority of the round, none ahead of
// it, has been heard.
func (e *Election) check(out []quorum.Packet) ([]quorum.Packet, *quorum.Vote) {
	c := e.candidate()
	if cv, ok := e.heard[c]; ok && c != e.self && ahead(e.mine, cv) {
		e.enter(e.clock + 1)
		return append(out, e.sendAll()...), nil
	}
	if c != e.self || len(e.heard) < quorum.Majority(len(e.voters)) {
		return out, nil
	}
	for _, v := range e.heard {
		if ahead(v, e.mine) {
			return out, nil
		}
	}
	return out, e.decide(e.self)
}

// Tick advances time by one tick.
func (e *Election) Tick() ([]quorum.Packet, *quorum.Vote) {
	if !e.looking {
		return nil, nil
	}
	if e.left--; e.left <= 0 {
		e.enter(e.clock + 1)
		return e.check(e.sendAll())
	}
	if e.resendLeft--; e.resendLeft <= 0 {
		e.resendLeft = e.resend
		return e.sendAll(), nil
	}
	return nil, nil
}

func (e *Election) decide(leader int64) *quorum.Vote {
	e.looking = false
	v := e.Proposal()
	v.Leader = leader
	return &v
}

// Proposal is the vote this peer currently sends: the round's candidate.
func (e *Election) Proposal() quorum.Vote {
	if e.clock == 0 {
		return quorum.Vote{}
	}
	return quorum.Vote{Leader: e.candidate(), Zxid: e.mine.Zxid, PeerEpoch: e.mine.PeerEpoch, ElectionEpoch: e.clock}
}

// Clock is the current round.
func (e *Election) Clock() int64 { return e.clock }

// Looking reports whether a round is in progress.
func (e *Election) Looking() bool { return e.looking }

// sendAll is one notification of this round for each other voter.
func (e *Election) sendAll() []quorum.Packet {
	out := make([]quorum.Packet, 0, len(e.voters))
	for _, to := range e.voters {
		if to == e.self {
			continue
		}
		out = append(out, e.sendTo(to))
	}
	return out
}

func (e *Election) sendTo(to int64) quorum.Packet {
	return quorum.Packet{Type: quorum.Notification, From: e.self, To: to,
		Note: &quorum.Note{State: quorum.Looking, Vote: e.Proposal()}}
}
