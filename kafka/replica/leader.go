package replica

import (
	"errors"
	"fmt"
	"slices"
)

// Errors of the leader core, for the broker to answer with Kafka's codes.
var (
	// ErrNotAssigned: a fetch as a follower from a broker that is not one
	// of the partition's replicas.
	ErrNotAssigned = errors.New("replica: broker is not a replica of the partition")
	// ErrNotEnoughReplicas: acks=all with fewer ISR members than
	// min.insync.replicas, refused before appending (NOT_ENOUGH_REPLICAS).
	ErrNotEnoughReplicas = errors.New("replica: fewer in-sync replicas than min.insync.replicas")
	// ErrNotEnoughReplicasAfterAppend: the records were committed, but
	// the ISR shrank below min.insync.replicas while the produce waited
	// (NOT_ENOUGH_REPLICAS_AFTER_APPEND).
	ErrNotEnoughReplicasAfterAppend = errors.New("replica: the in-sync replicas shrank below min.insync.replicas after the append")
)

// LeaderConfig is the state a broker becomes a partition's leader with
// (Partition.makeLeader).
type LeaderConfig struct {
	Self     int32   // this broker
	Assigned []int32 // the partition's replicas, in assignment order
	ISR      []int32 // as the partition state znode says
	Epoch    int32   // the leader epoch it leads in
	LEO, HW  int64   // its log's end and its checkpointed high watermark
	LagMaxMs int64   // replica.lag.time.max.ms
	NowMs    int64
}

// Leader is the leader side of one partition's replication: what the
// leader knows of each follower, its ISR, its high watermark. It is a
// deterministic core, pumped by one owner: the owner tells it what
// happened — the leader's log grew, a follower fetched, time passed, an
// ISR write to ZooKeeper finished — and does what each answer (Update)
// asks.
//
// The ISR it uses is always the one ZooKeeper holds: a change is proposed
// (Update.WriteISR), written conditionally by the owner, and takes effect
// only once ISRWritten reports it done (Partition.updateIsr changes
// inSyncReplicas after the ZooKeeper write succeeded). One write is in
// flight at a time.
type Leader struct {
	self       int32
	assigned   []int32
	lagMaxMs   int64
	epoch      int32
	epochStart int64
	isr        []int32
	leo, hw    int64
	replicas   map[int32]*Progress
	writing    []int32 // the ISR being written, nil when none
}

// Update is what the owner must do after an input.
type Update struct {
	HWMoved bool  // the high watermark advanced to HW: complete the waiting acks=all produces and fetches
	HW      int64 // the high watermark now
	// WriteISR, if not nil, is an ISR to write to the partition's state
	// znode (conditionally on its version); report the outcome with
	// ISRWritten or ISRFailed.
	WriteISR []int32
}

// NewLeader makes this broker the leader (Partition.makeLeader): the new
// epoch starts at its log end; every follower's LEO is unknown until it
// fetches; ISR members count as caught up now, the others as never.
func NewLeader(c LeaderConfig) *Leader {
	l := &Leader{
		self: c.Self, assigned: slices.Clone(c.Assigned), lagMaxMs: c.LagMaxMs,
		epoch: c.Epoch, epochStart: c.LEO, isr: slices.Clone(c.ISR),
		leo: c.LEO, hw: min(c.HW, c.LEO), replicas: map[int32]*Progress{},
	}
	for _, id := range l.assigned {
		if id == l.self {
			continue
		}
		p := &Progress{LEO: UndefinedOffset}
		p.Reset(c.LEO, c.NowMs, slices.Contains(l.isr, id))
		l.replicas[id] = p
	}
	return l
}

// HW is the high watermark; ISR the in-sync replicas ZooKeeper holds;
// LEO the leader's log end; Epoch and EpochStart its leader epoch and the
// offset it started at.
func (l *Leader) HW() int64         { return l.hw }
func (l *Leader) ISR() []int32      { return slices.Clone(l.isr) }
func (l *Leader) LEO() int64        { return l.leo }
func (l *Leader) Epoch() int32      { return l.epoch }
func (l *Leader) EpochStart() int64 { return l.epochStart }

// Progress is what the leader knows of follower id (nil for none).
func (l *Leader) Progress(id int32) *Progress { return l.replicas[id] }

// Appended: the leader's log grew to leo (a produce). With the leader
// alone in the ISR the high watermark follows at once.
func (l *Leader) Appended(leo, nowMs int64) Update {
	l.leo = leo
	return l.advance(nowMs)
}

// Fetched: follower id fetched from fetchOffset at nowMs
// (ReplicaManager.updateFollowerFetchState → Partition.updateReplicaLogReadResult):
// its progress moves, it may join the ISR (maybeExpandIsr), the high
// watermark may move.
func (l *Leader) Fetched(id int32, fetchOffset, nowMs int64) (Update, error) {
	p := l.replicas[id]
	if p == nil {
		return Update{HW: l.hw}, fmt.Errorf("%w: broker %d", ErrNotAssigned, id)
	}
	p.Fetched(fetchOffset, l.leo, nowMs)
	u := l.advance(nowMs)
	if l.writing == nil && CanJoin(id, p, l.assigned, l.isr, l.hw, l.epochStart, fetchOffset) {
		l.writing = l.ordered(append(slices.Clone(l.isr), id))
		u.WriteISR = slices.Clone(l.writing)
	}
	return u, nil
}

// Tick: time passed; followers that have not caught up for
// replica.lag.time.max.ms leave the ISR (maybeShrinkIsr, which 2.3 runs
// every lag/2).
func (l *Leader) Tick(nowMs int64) Update {
	u := Update{HW: l.hw}
	if l.writing != nil {
		return u
	}
	if out := OutOfSync(l.self, l.leo, l.replicas, l.isr, nowMs, l.lagMaxMs); len(out) > 0 {
		l.writing = slices.DeleteFunc(slices.Clone(l.isr), func(id int32) bool { return slices.Contains(out, id) })
		u.WriteISR = slices.Clone(l.writing)
	}
	return u
}

// ISRWritten: the proposed ISR is in ZooKeeper; it is the ISR now, and
// the high watermark may move (an ISR down to the leader alone).
func (l *Leader) ISRWritten(nowMs int64) Update {
	if l.writing != nil {
		l.isr, l.writing = l.writing, nil
	}
	return l.advance(nowMs)
}

// ISRFailed: the write did not happen (a conflicting version: someone
// else changed the state znode). Nothing changes; the owner re-reads the
// znode and either retries or stops leading.
func (l *Leader) ISRFailed() { l.writing = nil }

// CanAppend checks an acks=all produce before appending
// (Partition.appendRecordsToLeader): with fewer ISR members than
// minISR it is refused.
func (l *Leader) CanAppend(acksAll bool, minISR int) error {
	if acksAll && len(l.isr) < minISR {
		return fmt.Errorf("%w: ISR %v, min.insync.replicas %d", ErrNotEnoughReplicas, l.isr, minISR)
	}
	return nil
}

// Reached reports whether an acks=all produce whose last offset is
// requiredOffset-1 is done (Partition.checkEnoughReplicasReachOffset):
// once the high watermark passed it — with ErrNotEnoughReplicasAfterAppend
// if the ISR has meanwhile shrunk below minISR.
func (l *Leader) Reached(requiredOffset int64, minISR int) (bool, error) {
	if l.hw < requiredOffset {
		return false, nil
	}
	if len(l.isr) < minISR {
		return true, fmt.Errorf("%w: ISR %v, min.insync.replicas %d", ErrNotEnoughReplicasAfterAppend, l.isr, minISR)
	}
	return true, nil
}

func (l *Leader) advance(nowMs int64) Update {
	hw := HighWatermark(l.hw, l.leo, l.replicas, l.isr, nowMs, l.lagMaxMs)
	moved := hw > l.hw
	l.hw = hw
	return Update{HWMoved: moved, HW: hw}
}

// ordered puts an ISR in assignment order (deterministic znodes).
func (l *Leader) ordered(isr []int32) []int32 {
	out := make([]int32, 0, len(isr))
	for _, id := range l.assigned {
		if slices.Contains(isr, id) {
			out = append(out, id)
		}
	}
	return out
}
