package zab

import (
	"github.com/zkafka/zkafka/labs/stub"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// Lab 4, part 1: fast leader election (FastLeaderElection.lookForLeader).
// This file replaces zk/zab/election.go. Read the handout (../README.md)
// first; its hints say how, in three levels.
//
// Each stub calls stub.NotImplemented, so that a failing test names the
// first one it hit. Delete those calls (and the import) as you go.

// TotalOrder reports whether vote a beats vote b (FastLeaderElection's
// totalOrderPredicate).
//
// Contract: true exactly when a.PeerEpoch > b.PeerEpoch; or the epochs
// are equal and a.Zxid > b.Zxid; or both are equal and a.Leader >
// b.Leader (ties go to the larger server id). ElectionEpoch is not
// compared.
func TotalOrder(a, b quorum.Vote) bool {
	// Your code here (lab 4).
	stub.NotImplemented(4, "TotalOrder")
	return false
}

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
	// Your fields here (lab 4).
}

// NewElection returns an idle election for server self among voters.
// finalizeWaitTicks (>= 0) is how long a quorum must stand before it is
// final; resendTicks (>= 1) how often notifications are sent again while
// nothing is decided.
//
// Contract: the election is idle (Looking is false) and Clock is 0 until
// the first Start.
func NewElection(self int64, voters []int64, finalizeWaitTicks, resendTicks int) *Election {
	// Your code here (lab 4).
	return &Election{}
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
	// Your code here (lab 4).
	stub.NotImplemented(4, "Election.Start")
	return nil
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
	// Your code here (lab 4).
	stub.NotImplemented(4, "Election.Receive")
	return nil, nil
}

// Tick advances time by one tick.
//
// Contract: while idle it does nothing. While looking, a running finalize
// wait runs down, and the election decides on Proposal when it runs out
// with the majority still standing; while nothing is decided, after
// resendTicks ticks without a new Proposal every other voter is notified
// again, and again every resendTicks ticks.
func (e *Election) Tick() ([]quorum.Packet, *quorum.Vote) {
	// Your code here (lab 4).
	stub.NotImplemented(4, "Election.Tick")
	return nil, nil
}

// Clock is the logical clock (the current round).
//
// Contract: the round of the last Start, or the newer round the peer
// joined since; it never decreases.
func (e *Election) Clock() int64 {
	// Your code here (lab 4).
	stub.NotImplemented(4, "Election.Clock")
	return 0
}

// Proposal is the vote this peer currently sends.
//
// Contract: the vote of the notifications this peer sends now, with
// ElectionEpoch its round.
func (e *Election) Proposal() quorum.Vote {
	// Your code here (lab 4).
	stub.NotImplemented(4, "Election.Proposal")
	return quorum.Vote{}
}

// Looking reports whether a round is in progress.
//
// Contract: true from Start until the election decides.
func (e *Election) Looking() bool {
	// Your code here (lab 4).
	stub.NotImplemented(4, "Election.Looking")
	return false
}
