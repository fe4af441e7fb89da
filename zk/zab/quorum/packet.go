package quorum

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
)

// Type is a quorum packet type, numbered as in Leader.java (docs/reference/zookeeper.md
// §3), plus Notification for fast leader election, which ZooKeeper sends on
// a separate connection (QuorumCnxManager) and which has no number there.
type Type int32

const (
	Request      Type = 1  // follower → leader: a client write to execute
	Proposal     Type = 2  // leader → follower: log this txn
	Ack          Type = 3  // follower → leader: logged (fsynced) up to Zxid
	Commit       Type = 4  // leader → follower: Zxid (and all before it) is committed
	Ping         Type = 5  // both ways: liveness; the reply carries session touches
	Sync         Type = 7  // follower → leader and back: flush pending commits
	NewLeader    Type = 10 // leader → follower: the initial history has been sent
	FollowerInfo Type = 11 // follower → leader: CEPOCH, Zxid = acceptedEpoch<<32
	UpToDate     Type = 12 // leader → follower: established; commit up to Zxid and serve
	Diff         Type = 13 // leader → follower: proposals follow
	Trunc        Type = 14 // leader → follower: truncate the log to Zxid, proposals follow
	Snap         Type = 15 // leader → follower: a snapshot at Zxid (Data), proposals follow
	LeaderInfo   Type = 17 // leader → follower: NEWEPOCH, Zxid = newEpoch<<32
	AckEpoch     Type = 18 // follower → leader: ACK-E, Zxid = last logged zxid, Epoch = currentEpoch (-1: already accepted)

	Notification Type = 100 // fast leader election (FastLeaderElection.Notification)
)

var typeNames = map[Type]string{
	Request: "REQUEST", Proposal: "PROPOSAL", Ack: "ACK", Commit: "COMMIT",
	Ping: "PING", Sync: "SYNC", NewLeader: "NEWLEADER", FollowerInfo: "FOLLOWERINFO",
	UpToDate: "UPTODATE", Diff: "DIFF", Trunc: "TRUNC", Snap: "SNAP",
	LeaderInfo: "LEADERINFO", AckEpoch: "ACKEPOCH", Notification: "NOTIFICATION",
}

func (t Type) String() string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("Type(%d)", int32(t))
}

// Touch is one session a follower's clients kept alive since its last PING
// reply (Learner.ping writes "long sid, int timeout" pairs).
type Touch struct {
	Session   int64
	TimeoutMs int32
}

// Packet is one message between two peers. Which fields matter depends on
// Type; the others are zero.
type Packet struct {
	Type Type
	From int64 // sender's server id
	To   int64 // receiver's server id

	// Zxid is QuorumPacket.zxid: the proposal's zxid, the acked or committed
	// zxid, the epoch (as epoch<<32) of FOLLOWERINFO/LEADERINFO/NEWLEADER,
	// the truncation point of TRUNC, the snapshot point of SNAP.
	Zxid int64
	// Epoch is, on every leader↔follower packet from LEADERINFO on, the
	// epoch being established or led: a receiver drops packets of another
	// epoch (over TCP a stale connection is closed instead).
	Epoch int64
	// CurrentEpoch is ACKEPOCH's data: the follower's currentEpoch, or -1
	// when it had already accepted this epoch.
	CurrentEpoch int64
	Txn          *proto.Txn // PROPOSAL
	Data         []byte     // REQUEST: the request; SNAP: the snapshot (filled by the runtime)
	ID           int64      // SYNC: the id the runtime gave the sync
	Touches      []Touch    // PING reply
	Note         *Note      // NOTIFICATION
}

func (p Packet) String() string {
	s := fmt.Sprintf("%d->%d %v", p.From, p.To, p.Type)
	switch p.Type {
	case Notification:
		if p.Note != nil {
			s += " " + p.Note.String()
		}
	case Ping, Request:
	case AckEpoch:
		s += fmt.Sprintf(" zxid=%s currentEpoch=%d", FormatZxid(p.Zxid), p.CurrentEpoch)
	default:
		s += " zxid=" + FormatZxid(p.Zxid)
	}
	return s
}
