package zab

import (
	"errors"
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// Packet, Vote and friends are the vocabulary of package quorum, under
// the names a reader of package zab expects.
type (
	Packet = quorum.Packet
	Vote   = quorum.Vote
	Note   = quorum.Note
	State  = quorum.State
	Touch  = quorum.Touch
)

// Errors returned by Peer's methods.
var (
	// ErrNotLeader: the call needs an established leader (Propose,
	// NextZxid).
	ErrNotLeader = errors.New("zab: not an established leader")
	// ErrNotServing: the peer is electing, discovering or synchronizing;
	// it serves clients again once it is an established leader or an
	// up-to-date follower.
	ErrNotServing = errors.New("zab: not serving")
	// ErrZxidRollover: the epoch's 32-bit counter is used up; the leader
	// steps down so that a new election starts a new epoch (Leader.propose).
	ErrZxidRollover = errors.New("zab: zxid counter rolled over, forcing re-election")
	// ErrBadPacket: a packet is malformed or not meant for this peer.
	ErrBadPacket = errors.New("zab: bad packet")
)

// Config configures a Peer. Times are in ticks (ZooKeeper's tickTime).
type Config struct {
	ID     int64   // this server's id (myid), > 0
	Voters []int64 // every voting server's id, this one included

	InitLimit    int // ticks a leader has to establish, and a follower to sync (default 10)
	SyncLimit    int // ticks of silence after which a peer is dropped (default 5)
	FinalizeWait int // election: ticks a quorum must stand before it is final (default 1)
	ResendEvery  int // election: ticks between notification rounds (default 2)

	// CommitLogCount is how many committed proposals the Peer keeps in
	// memory below a snapshot point when the runtime compacts (ZooKeeper's
	// zookeeper.commitLogCount, default 500): a follower at most that far
	// behind is brought back with a DIFF instead of a SNAP. Negative keeps
	// none (every follower behind the snapshot gets a SNAP).
	CommitLogCount int

	// Storage is what this server found on disk at start.
	Storage Storage
}

// Storage is the durable state a Peer starts from.
//
// The runtime restores its state machine from the snapshot at
// SnapshotZxid and must NOT replay the logged Entries into it: whether
// they are committed is for the ensemble to decide. The Peer hands them
// out in Ready.Committed once they are.
type Storage struct {
	AcceptedEpoch int64   // the last epoch this server sent ACKEPOCH for (or led)
	CurrentEpoch  int64   // the last epoch whose NEWLEADER it acked (or led)
	SnapshotZxid  int64   // the state machine holds every txn up to here
	Entries       []Entry // logged txns after SnapshotZxid, increasing zxid
}

// Entry is one logged proposal.
type Entry struct {
	Zxid int64
	Txn  proto.Txn // Txn.Header.Zxid == Zxid
}

// Snapshot is a state-machine image at Zxid, as sent with SNAP.
type Snapshot struct {
	Zxid int64
	Data []byte
}

// Epochs are the two persisted epochs (QuorumPeer's acceptedEpoch and
// currentEpoch files).
type Epochs struct {
	Accepted int64
	Current  int64
}

// SoftState is the role a Peer plays. It is not persisted.
type SoftState struct {
	State   State
	Leader  int64 // the leader followed or being (0 while LOOKING)
	Epoch   int64 // the epoch being established or led (0 before LEADERINFO)
	Serving bool  // an established leader, or a follower after UPTODATE
}

func (s SoftState) String() string {
	return fmt.Sprintf("%v leader=%d epoch=%d serving=%v", s.State, s.Leader, s.Epoch, s.Serving)
}

// Request is a client write forwarded by a follower (REQUEST), for the
// leader's runtime to execute (Tree.Execute) and Propose.
type Request struct {
	From int64
	Data []byte
}

// #region ready

// Ready is everything a Peer asks of its runtime since the last Ready.
// The runtime handles the fields in the order they are declared, then
// calls Advance. Each field says what must be done before what.
type Ready struct {
	// SoftState is non-nil when the role changed. When a peer stops
	// serving, the runtime fails its outstanding syncs and forwarded
	// requests (clients reconnect elsewhere); a leader that stops leading
	// throws away any speculative state built by executing requests ahead
	// of commit.
	SoftState *SoftState

	// Snapshot, when non-nil, replaces the state machine AND the whole
	// log (SNAP): install it before anything below.
	Snapshot *Snapshot

	// Truncate, when true, cuts the durable log after TruncateZxid (TRUNC),
	// before appending Entries. Nothing at or below the last committed
	// zxid is ever truncated.
	Truncate     bool
	TruncateZxid int64

	// Entries are appended to the log and fsynced BEFORE Messages are sent
	// and before Advance: a follower's ACK promises they are durable
	// (paper §5.1: "transactions are logged to non-volatile store before
	// sending acknowledgments").
	Entries []Entry

	// Epochs, when non-nil, are persisted (written atomically and
	// fsynced) AFTER Entries are durable and BEFORE Messages are sent:
	// acceptedEpoch before ACKEPOCH, currentEpoch before the NEWLEADER ack
	// (docs/reference/zookeeper.md §3, Zab paper §4 phases 1-2). The order against
	// Entries matters: currentEpoch is what a vote claims, so it must
	// never be on disk before the history it vouches for — a crash
	// between the two would leave a server that can win an election with
	// a short log and TRUNC committed txns elsewhere (ZOOKEEPER-4643,
	// fixed in ZooKeeper 3.9.3).
	Epochs *Epochs

	// Committed are applied to the state machine in this order (increasing
	// zxid, never twice), after Entries are durable and BEFORE Messages
	// are sent: a SNAP packet among Messages is the state at its Zxid.
	Committed []Entry

	// Messages are sent last, in order, each over the FIFO channel to its
	// To. For a SNAP packet the runtime fills Data with its state machine
	// (which has applied exactly up to the packet's Zxid at this point).
	Messages []Packet

	// Requests (leader only) are forwarded client writes to execute and
	// Propose, in order.
	Requests []Request
	// Touches (leader only) are sessions followers' clients kept alive:
	// feed them to the session tracker. Expiry is the leader's call, made
	// into closeSession txns it Proposes.
	Touches []Touch
	// SyncsDone are the ids of Sync calls now complete: every write
	// committed before the sync reached the leader is in Committed of
	// this or an earlier Ready.
	SyncsDone []int64

	term uint64 // the role incarnation this Ready belongs to
}

// #endregion ready

// Empty reports whether rd asks nothing of the runtime.
func (rd *Ready) Empty() bool {
	return rd.SoftState == nil && rd.Snapshot == nil && !rd.Truncate && rd.Epochs == nil &&
		len(rd.Entries) == 0 && len(rd.Committed) == 0 && len(rd.Messages) == 0 &&
		len(rd.Requests) == 0 && len(rd.Touches) == 0 && len(rd.SyncsDone) == 0
}

// Status is a snapshot of a Peer's state, for tests, mntr and logs.
type Status struct {
	ID            int64
	SoftState     SoftState
	Vote          Vote // the current vote (the election's proposal while LOOKING)
	AcceptedEpoch int64
	CurrentEpoch  int64
	LastZxid      int64 // last logged
	Committed     int64 // last handed out in Ready.Committed (or snapshot)
	Clock         int64 // election logical clock
}
