package quorum

import "fmt"

// State is a peer's role (QuorumPeer.ServerState), which it also
// advertises in every election notification.
type State int32

const (
	Looking   State = 0
	Following State = 1
	Leading   State = 2
)

func (s State) String() string {
	switch s {
	case Looking:
		return "LOOKING"
	case Following:
		return "FOLLOWING"
	case Leading:
		return "LEADING"
	}
	return fmt.Sprintf("State(%d)", int32(s))
}

// Vote is who a peer thinks should lead, and why (FastLeaderElection's
// Vote: id, zxid, electionEpoch, peerEpoch).
type Vote struct {
	Leader        int64 // the proposed leader's server id
	Zxid          int64 // the proposed leader's last logged zxid
	ElectionEpoch int64 // the logical clock of the round this vote belongs to
	PeerEpoch     int64 // the proposed leader's currentEpoch
}

func (v Vote) String() string {
	return fmt.Sprintf("(leader=%d zxid=%s round=%d peerEpoch=%d)", v.Leader, FormatZxid(v.Zxid), v.ElectionEpoch, v.PeerEpoch)
}

// Note is a notification: the sender's state and its current vote
// (FastLeaderElection.Notification: state, leader, zxid, electionEpoch,
// peerEpoch).
type Note struct {
	State State
	Vote  Vote
}

func (n Note) String() string { return n.State.String() + " " + n.Vote.String() }
