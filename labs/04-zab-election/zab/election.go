package zab

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// Lab 4, part 1: fast leader election (FastLeaderElection.lookForLeader).
// Read the handout (../README.md) first.

// TotalOrder reports whether vote a beats vote b (FastLeaderElection's
// totalOrderPredicate): a higher PeerEpoch wins; at equal epochs a higher
// Zxid; at equal zxids the larger server id (Leader).
func TotalOrder(a, b quorum.Vote) bool {
	lab4NotImplemented("TotalOrder")
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
func NewElection(self int64, voters []int64, finalizeWaitTicks, resendTicks int) *Election {
	return &Election{}
}

// Start begins a new round: the logical clock advances, the peer votes
// for itself (lastZxid is its last logged zxid, currentEpoch its current
// epoch) and tells every other voter (one NOTIFICATION packet each, with
// From, To and Note set).
func (e *Election) Start(lastZxid, currentEpoch int64) []quorum.Packet {
	lab4NotImplemented("Election.Start")
	return nil
}

// Receive handles a notification from another voter. It returns the
// notifications to send, and the decided vote once the election is over
// (then the Election is idle until the next Start).
func (e *Election) Receive(from int64, n quorum.Note) ([]quorum.Packet, *quorum.Vote) {
	lab4NotImplemented("Election.Receive")
	return nil, nil
}

// Tick advances time by one tick: the finalize wait runs down, and
// notifications are sent again every resendTicks while nothing is
// decided.
func (e *Election) Tick() ([]quorum.Packet, *quorum.Vote) {
	lab4NotImplemented("Election.Tick")
	return nil, nil
}

// Clock is the logical clock (the current round).
func (e *Election) Clock() int64 {
	lab4NotImplemented("Election.Clock")
	return 0
}

// Proposal is the vote this peer currently sends.
func (e *Election) Proposal() quorum.Vote {
	lab4NotImplemented("Election.Proposal")
	return quorum.Vote{}
}

// Looking reports whether a round is in progress.
func (e *Election) Looking() bool {
	lab4NotImplemented("Election.Looking")
	return false
}

// lab4Stub remembers the first stub called. Delete it, lab4NotImplemented
// and the calls to it once you have written every function.
var lab4Stub string

func lab4NotImplemented(name string) {
	if lab4Stub == "" {
		lab4Stub = name
	}
}

// lab4Unimplemented reports the first stub of lab 4 that was called.
func lab4Unimplemented() error {
	if lab4Stub != "" {
		return fmt.Errorf("not implemented: lab 4 (%s)", lab4Stub)
	}
	return nil
}
