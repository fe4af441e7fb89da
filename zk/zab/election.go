package zab

import (
	"slices"

	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// Lab 4, part 1: fast leader election (FastLeaderElection.lookForLeader).
// Read the handout (labs/04-zab-election/README.md).

// #region total-order

// TotalOrder reports whether vote a beats vote b (FastLeaderElection's
// totalOrderPredicate):
//
//	"We return true if one of the following three cases hold:
//	 1- New epoch is higher
//	 2- New epoch is the same as current epoch, but new zxid is higher
//	 3- New epoch is the same as current epoch, new zxid is the same as
//	    current zxid, but server id is higher."
//
// Contract: true exactly when a.PeerEpoch > b.PeerEpoch; or the epochs
// are equal and a.Zxid > b.Zxid; or both are equal and a.Leader >
// b.Leader (ties go to the larger server id). ElectionEpoch is not
// compared.
//
// Epochs are the candidates' currentEpoch (PeerEpoch): a peer that
// accepted a newer leader's history wins over one with a longer but older
// log.
func TotalOrder(a, b quorum.Vote) bool {
	return a.PeerEpoch > b.PeerEpoch ||
		a.PeerEpoch == b.PeerEpoch && (a.Zxid > b.Zxid || a.Zxid == b.Zxid && a.Leader > b.Leader)
}

// #endregion total-order

// Election is one peer's fast leader election: it runs while the peer is
// LOOKING and ends with the vote it decided on. Deterministic: time comes
// in as Tick calls.
//
// Invariants:
//   - The logical clock never decreases; every vote this peer sends
//     carries it as ElectionEpoch.
//   - It decides on v only when a majority of voters' latest votes of the
//     current round equal v (termPredicate), after FinalizeWait ticks
//     without a better vote; or when a majority of peers that already
//     finished say they follow v.Leader and v.Leader itself says it leads
//     (checkLeader).
type Election struct {
	self         int64
	voters       []int64
	finalizeWait int // ticks
	resendEvery  int // ticks

	looking  bool
	clock    int64                 // logicalclock
	mine     quorum.Vote           // this peer as a candidate
	proposal quorum.Vote           // the vote it currently sends
	recv     map[int64]quorum.Note // recvset: latest notes of this round
	out      map[int64]quorum.Note // outofelection: notes of peers that finished

	finalizeLeft int // ticks left before deciding; -1: not finalizing
	resendLeft   int
}

// NewElection returns an idle election for server self among voters.
// finalizeWaitTicks (>= 0) is how long a quorum must stand before it is
// final; resendTicks (>= 1) how often notifications are sent again while
// nothing is decided.
//
// Contract: the election is idle (Looking is false) and Clock is 0 until
// the first Start.
func NewElection(self int64, voters []int64, finalizeWaitTicks, resendTicks int) *Election {
	return &Election{self: self, voters: slices.Clone(voters), finalizeWait: finalizeWaitTicks, resendEvery: max(resendTicks, 1), finalizeLeft: -1}
}

// Start begins a new round; lastZxid is the peer's last logged zxid,
// currentEpoch its current epoch.
//
// Contract: Clock goes up by one and Looking becomes true; the notes of
// earlier rounds are forgotten. Proposal becomes this peer's own
// candidacy, {Leader: self, Zxid: lastZxid, PeerEpoch: currentEpoch,
// ElectionEpoch: Clock}, and Start returns one NOTIFICATION packet for
// every other voter (From self, To that voter, Note LOOKING with
// Proposal).
func (e *Election) Start(lastZxid, currentEpoch int64) []quorum.Packet {
	e.looking = true
	e.clock++
	e.mine = quorum.Vote{Leader: e.self, Zxid: lastZxid, PeerEpoch: currentEpoch}
	e.recv = map[int64]quorum.Note{}
	e.out = map[int64]quorum.Note{}
	e.finalizeLeft = -1
	e.propose(e.mine)
	e.checkQuorum()
	return e.sendAll()
}

// propose makes v (in the current round) this peer's vote.
func (e *Election) propose(v quorum.Vote) {
	v.ElectionEpoch = e.clock
	e.proposal = v
	e.recv[e.self] = quorum.Note{State: quorum.Looking, Vote: v}
	e.resendLeft = e.resendEvery
}

func (e *Election) note() quorum.Note { return quorum.Note{State: quorum.Looking, Vote: e.proposal} }

func (e *Election) sendAll() []quorum.Packet {
	var out []quorum.Packet
	for _, v := range e.voters {
		if v != e.self {
			out = append(out, e.sendTo(v))
		}
	}
	return out
}

func (e *Election) sendTo(to int64) quorum.Packet {
	n := e.note()
	return quorum.Packet{Type: quorum.Notification, From: e.self, To: to, Note: &n}
}

// Receive handles a notification from another voter. It returns the
// notifications to send, and the decided vote once the election is over.
//
// Contract: while idle, and for a note from self or from a non-voter, it
// does nothing. A LOOKING note:
//
//   - of a newer round (ElectionEpoch > Clock): Clock becomes that round,
//     the notes of the old round are forgotten, Proposal becomes the
//     better (TotalOrder) of the note's vote and this peer's own
//     candidacy, and every other voter is notified;
//   - of an older round: it is answered with Proposal, to the sender
//     only, and not recorded;
//   - of this round, with a vote that beats Proposal: the vote becomes
//     Proposal (in this round) and every other voter is notified.
//
// A note of this round is recorded as the sender's latest. The election
// decides on Proposal once the latest notes of this round of a majority
// of voters, its own included, carry exactly Proposal (all four fields),
// and FinalizeWait ticks have passed since without a better vote (at once
// with no wait). A FOLLOWING or LEADING note comes from a peer that
// finished, and is recorded too: the election decides on its vote when a
// majority of voters agree with it, either among the notes of this round
// (a LOOKING one agrees on all four fields, a finished one on Leader and
// PeerEpoch) or among the latest notes of finished peers of any round
// (on Leader and PeerEpoch; Clock then becomes the vote's round), and in
// that same set the Leader's own note says LEADING (or the Leader is this
// peer, and the vote is of this round). Deciding makes the election idle
// and returns the vote decided.
func (e *Election) Receive(from int64, n quorum.Note) ([]quorum.Packet, *quorum.Vote) {
	if !e.looking || from == e.self || !slices.Contains(e.voters, from) {
		return nil, nil
	}
	var out []quorum.Packet
	switch n.State {
	case quorum.Looking:
		switch {
		case n.Vote.ElectionEpoch > e.clock:
			// A newer round: join it, forgetting this round's votes, and
			// vote for the better of the sender's choice and ourselves.
			e.clock = n.Vote.ElectionEpoch
			e.recv = map[int64]quorum.Note{}
			e.finalizeLeft = -1
			if TotalOrder(n.Vote, e.mine) {
				e.propose(n.Vote)
			} else {
				e.propose(e.mine)
			}
			out = e.sendAll()
		case n.Vote.ElectionEpoch < e.clock:
			// An older round: tell the sender where we are
			// (WorkerReceiver answers a lagging LOOKING peer).
			return []quorum.Packet{e.sendTo(from)}, nil
		case TotalOrder(n.Vote, e.proposal):
			e.propose(n.Vote)
			e.finalizeLeft = -1
			out = e.sendAll()
		}
		e.recv[from] = n
		if d := e.checkQuorum(); d != nil {
			return out, d
		}
		return out, nil
	case quorum.Following, quorum.Leading:
		// The sender already finished an election. If it was this round,
		// its vote counts with ours; either way, a majority that finished
		// on the same leader, which says it leads, is an established
		// ensemble to join.
		if n.Vote.ElectionEpoch == e.clock {
			e.recv[from] = n
			if e.termPredicate(e.recv, n) && e.checkLeader(e.recv, n.Vote) {
				return out, e.decide(n.Vote)
			}
		}
		e.out[from] = n
		if e.termPredicate(e.out, n) && e.checkLeader(e.out, n.Vote) {
			e.clock = n.Vote.ElectionEpoch
			return out, e.decide(n.Vote)
		}
	}
	return out, nil
}

// #region finalize-wait

// checkQuorum starts (or keeps) the finalize wait while a majority agree
// with our proposal, and decides at once when there is no wait.
func (e *Election) checkQuorum() *quorum.Vote {
	if !e.termPredicate(e.recv, e.note()) {
		e.finalizeLeft = -1
		return nil
	}
	if e.finalizeLeft < 0 {
		e.finalizeLeft = e.finalizeWait
	}
	if e.finalizeLeft == 0 {
		return e.decide(e.proposal)
	}
	return nil
}

// Tick advances time by one tick.
//
// Contract: while idle it does nothing. While looking, a running finalize
// wait runs down, and the election decides on Proposal when it runs out
// with the majority still standing; while nothing is decided, after
// resendTicks ticks without a new Proposal every other voter is notified
// again, and again every resendTicks ticks.
func (e *Election) Tick() ([]quorum.Packet, *quorum.Vote) {
	if !e.looking {
		return nil, nil
	}
	if e.finalizeLeft > 0 {
		e.finalizeLeft--
		if e.finalizeLeft == 0 {
			if d := e.checkQuorum(); d != nil {
				return nil, d
			}
		}
	}
	e.resendLeft--
	if e.resendLeft <= 0 {
		e.resendLeft = e.resendEvery
		return e.sendAll(), nil
	}
	return nil, nil
}

// #endregion finalize-wait

func (e *Election) decide(v quorum.Vote) *quorum.Vote {
	e.looking = false
	e.finalizeLeft = -1
	return &v
}

// termPredicate: do a majority of voters' notes equal n?
func (e *Election) termPredicate(votes map[int64]quorum.Note, n quorum.Note) bool {
	agree := 0
	for _, v := range e.voters {
		if m, ok := votes[v]; ok && sameVote(m, n) {
			agree++
		}
	}
	return agree >= quorum.Majority(len(e.voters))
}

// checkLeader: a peer follows another only once that peer itself says it
// is LEADING; it takes the lead itself only in the round it is in.
func (e *Election) checkLeader(votes map[int64]quorum.Note, v quorum.Vote) bool {
	if v.Leader == e.self {
		return v.ElectionEpoch == e.clock
	}
	l, ok := votes[v.Leader]
	return ok && l.State == quorum.Leading
}

// sameVote is Vote.equals: notes of two peers that finished compare only
// leader and peer epoch (their rounds may differ); otherwise all four
// fields must match.
func sameVote(a, b quorum.Note) bool {
	if a.State == quorum.Looking || b.State == quorum.Looking {
		return a.Vote == b.Vote
	}
	return a.Vote.Leader == b.Vote.Leader && a.Vote.PeerEpoch == b.Vote.PeerEpoch
}

// Clock is the logical clock (the current round).
//
// Contract: the round of the last Start, or the newer round the peer
// joined since; it never decreases.
func (e *Election) Clock() int64 { return e.clock }

// Proposal is the vote this peer currently sends.
//
// Contract: the vote of the notifications this peer sends now, with
// ElectionEpoch its round.
func (e *Election) Proposal() quorum.Vote { return e.proposal }

// Looking reports whether a round is in progress.
//
// Contract: true from Start until the election decides.
func (e *Election) Looking() bool { return e.looking }
