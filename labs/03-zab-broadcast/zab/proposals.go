package zab

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// Lab 3, part 1: the leader's side of broadcast — outstanding proposals,
// quorum counting and in-order commit (Leader.propose, processAck,
// tryToCommit). Read the handout (../README.md) first.

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
func NewProposals(voters []int64, lastCommitted int64) *Proposals {
	return &Proposals{}
}

// Propose records a new outstanding proposal. zxid must be larger than
// every zxid proposed before (otherwise return an error).
func (p *Proposals) Propose(zxid int64) error {
	return lab3NotImplemented("Proposals.Propose")
}

// Ack records that voter sid has logged zxid and returns the zxids that
// became committed because of it, in increasing order (usually none or
// one; several when an ack completes a quorum behind which later
// proposals were already waiting). Acks from non-voters, for committed
// zxids or for zxids never proposed are ignored.
func (p *Proposals) Ack(sid, zxid int64) []int64 {
	lab3NotImplemented("Proposals.Ack")
	return nil
}

// LastProposed is the largest zxid proposed (or the initial commit point).
func (p *Proposals) LastProposed() int64 {
	lab3NotImplemented("Proposals.LastProposed")
	return 0
}

// LastCommitted is the largest committed zxid.
func (p *Proposals) LastCommitted() int64 {
	lab3NotImplemented("Proposals.LastCommitted")
	return 0
}

// Outstanding is the number of proposals not yet committed.
func (p *Proposals) Outstanding() int {
	lab3NotImplemented("Proposals.Outstanding")
	return 0
}

// IsQuorum reports whether the voters marked true in acked form a
// majority of voters (quorum.Majority). Ids that are not voters do not
// count.
func IsQuorum(voters []int64, acked map[int64]bool) bool {
	lab3NotImplemented("IsQuorum")
	_ = quorum.Majority
	return false
}

// lab3Stub remembers the first stub called. Delete it, lab3NotImplemented and
// the calls to it once you have written every function.
var lab3Stub string

func lab3NotImplemented(name string) error {
	if lab3Stub == "" {
		lab3Stub = name
	}
	return fmt.Errorf("not implemented: lab 3 (%s)", name)
}

// lab3Unimplemented reports the first stub of lab 3 that was called.
func lab3Unimplemented() error {
	if lab3Stub != "" {
		return fmt.Errorf("not implemented: lab 3 (%s)", lab3Stub)
	}
	return nil
}
