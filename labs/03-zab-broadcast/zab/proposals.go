package zab

import (
	"github.com/zkafka/zkafka/labs/stub"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// Lab 3, part 1: the leader's side of broadcast — outstanding proposals,
// quorum counting and in-order commit (Leader.propose, processAck,
// tryToCommit). This file replaces zk/zab/proposals.go. Read the handout
// (../README.md) first; its hints say how, in three levels.
//
// Each stub calls stub.NotImplemented, so that a failing test names the
// first one it hit. Delete those calls (and the import) as you go.

// Proposals is the leader's table of outstanding proposals: every zxid it
// has proposed in its epoch and not yet committed, with the voters that
// have acknowledged (logged and fsynced) it.
//
// Invariants:
//   - LastCommitted() <= LastProposed(); the outstanding zxids are exactly
//     those in (LastCommitted, LastProposed], in increasing order.
//   - A zxid is committed only when a majority of voters have acked it AND
//     every earlier zxid is committed (tryToCommit: "in order to commit,
//     the previous proposal must be committed").
type Proposals struct {
	// Your fields here (lab 3).
}

// NewProposals returns an empty table for a leader whose history is
// committed up to lastCommitted (the end of its initial history).
// voters are the ids whose acks count.
//
// Contract: nothing is outstanding; LastProposed and LastCommitted are
// lastCommitted. Changing the voters slice afterwards does not change
// the table.
func NewProposals(voters []int64, lastCommitted int64) *Proposals {
	// Your code here (lab 3).
	return &Proposals{}
}

// Propose records a new outstanding proposal.
//
// Contract: a zxid larger than LastProposed becomes outstanding, acked by
// no one yet, and the new LastProposed. Any other zxid is an error, and
// the table does not change.
func (p *Proposals) Propose(zxid int64) error {
	// Your code here (lab 3).
	return stub.NotImplemented(3, "Proposals.Propose")
}

// Ack records that voter sid has logged zxid and returns the zxids that
// became committed because of it.
//
// Contract: a voter's ack of an outstanding zxid counts once. An
// outstanding zxid commits when a majority of voters (IsQuorum) acked it
// and every outstanding zxid below it has committed; Ack returns the
// zxids it committed, in increasing order (none, one, or several when an
// ack completes a quorum that later proposals were waiting behind), and
// they are no longer outstanding. An ack from a non-voter, or for a zxid
// at or below LastCommitted, above LastProposed or never proposed,
// changes nothing and returns nothing.
func (p *Proposals) Ack(sid, zxid int64) []int64 {
	// Your code here (lab 3).
	stub.NotImplemented(3, "Proposals.Ack")
	return nil
}

// LastProposed is the largest zxid proposed (or the initial commit point).
//
// Contract: the last zxid Propose accepted; before any, NewProposals'
// lastCommitted.
func (p *Proposals) LastProposed() int64 {
	// Your code here (lab 3).
	stub.NotImplemented(3, "Proposals.LastProposed")
	return 0
}

// LastCommitted is the largest committed zxid.
//
// Contract: the last zxid Ack returned; before any, NewProposals'
// lastCommitted.
func (p *Proposals) LastCommitted() int64 {
	// Your code here (lab 3).
	stub.NotImplemented(3, "Proposals.LastCommitted")
	return 0
}

// Outstanding is the number of proposals not yet committed.
//
// Contract: how many zxids Propose accepted that Ack has not returned.
func (p *Proposals) Outstanding() int {
	// Your code here (lab 3).
	stub.NotImplemented(3, "Proposals.Outstanding")
	return 0
}

// IsQuorum reports whether the voters marked true in acked form a
// majority of voters (QuorumMaj.containsQuorum).
//
// Contract: true exactly when at least quorum.Majority(len(voters)) of the
// voters are marked true in acked. Ids that are not voters, and voters
// marked false, do not count.
func IsQuorum(voters []int64, acked map[int64]bool) bool {
	// Your code here (lab 3).
	stub.NotImplemented(3, "IsQuorum")
	_ = quorum.Majority
	return false
}
