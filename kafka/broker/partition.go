package broker

import (
	"sync"

	"github.com/zkafka/zkafka/kafka/broker/purgatory"
	"github.com/zkafka/zkafka/kafka/log"
)

// partition is one partition this broker holds (AK kafka.cluster.Partition):
// the one owner of its log, its leader epoch and its high watermark.
// Every use of the log goes through the partition's lock — the produce
// and fetch handlers on connection goroutines, the log manager's jobs on
// the maintenance goroutine (withLog) — and nothing waits while holding
// it: a fetch that must wait is a delayed operation in the broker's
// purgatory, watched under this partition's key, and the partition wakes
// it after an append, with the lock released.
//
// Chapter 7 gives the partition followers: the high watermark becomes
// the minimum log end offset over the ISR, moved by follower fetches
// (which complete the delayed acks=all produces watched here), and the
// leader epoch comes from the controller. Its deterministic core
// (kafka/replica) will be owned by this type.
type partition struct {
	tp      log.TopicPartition
	delayed *purgatory.Purgatory[log.TopicPartition] // the broker's fetch purgatory

	mu  sync.Mutex
	log *log.Log
	// leaderEpoch is the epoch this broker leads the partition in
	// (KIP-101); stamped into every batch appended as leader.
	leaderEpoch int32
	// highWatermark is the offset below which every record is committed
	// and readable by consumers. Invariant: StartOffset <= highWatermark
	// <= log end offset. On a single replica (the ISR is this broker
	// alone) it is the log end offset after each append, as AK's
	// maybeIncrementLeaderHW computes it with no followers.
	highWatermark int64
}

func newPartition(tp log.TopicPartition, l *log.Log, delayed *purgatory.Purgatory[log.TopicPartition]) *partition {
	return &partition{tp: tp, delayed: delayed, log: l, leaderEpoch: standaloneEpoch, highWatermark: l.EndOffset()}
}

func (p *partition) name() string { return p.tp.String() }

// appendAsLeader appends a produce request's batch, stamping offsets and
// the leader epoch; then advances the high watermark (a single replica:
// to the log end) and, with the lock released, wakes the delayed
// operations watching this partition.
func (p *partition) appendAsLeader(records []byte, nowMs int64) (log.AppendInfo, error) {
	p.mu.Lock()
	info, err := p.log.Append(records, p.leaderEpoch, nowMs)
	if err == nil {
		p.highWatermark = p.log.EndOffset()
	}
	p.mu.Unlock()
	if err == nil {
		p.delayed.CheckAndComplete(p.tp)
	}
	return info, err
}

// readResult is one partition read for a fetch.
type readResult struct {
	sec              log.Section
	highWatermark    int64
	lastStableOffset int64
	logStartOffset   int64
	leaderEpoch      int32
}

// read reads whole batches from offset, up to the high watermark
// (consumers never see uncommitted records). With no transactions the
// last stable offset is the high watermark, so read_committed reads what
// read_uncommitted does.
func (p *partition) read(offset int64, maxBytes int64, minOneBatch bool) (readResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	sec, err := p.log.Read(offset, int(min(maxBytes, 1<<31-1)), p.highWatermark, minOneBatch)
	if err != nil {
		return readResult{}, err
	}
	return readResult{sec: sec, highWatermark: p.highWatermark, lastStableOffset: p.highWatermark,
		logStartOffset: p.log.StartOffset(), leaderEpoch: p.leaderEpoch}, nil
}

// offsetFor answers ListOffsets. Latest is the high watermark (what a
// consumer may read up to; AK fetchOffsetForTimestamp for the consumer).
func (p *partition) offsetFor(ts int64) (offset, timestamp int64, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ts == log.Latest {
		return p.highWatermark, -1, nil
	}
	return p.log.OffsetForTimestamp(ts)
}

// setConfig gives the log a topic's config (overrides read from
// ZooKeeper), if it differs.
func (p *partition) setConfig(cfg log.Config) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.log.Config() != cfg {
		p.log.SetConfig(cfg)
	}
}

// epoch is the current leader epoch.
func (p *partition) epoch() int32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.leaderEpoch
}

// withLog lends the log to the log manager's jobs (log.Access), under
// the partition's lock, with the high watermark that bounds retention.
func (p *partition) withLog(step func(*log.Log, int64) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return step(p.log, p.highWatermark)
}
