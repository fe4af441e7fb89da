package client

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/record"
)

// Offset says where a consumer starts reading a partition, like kcat's -o.
type Offset struct {
	kind offsetKind
	n    int64
}

type offsetKind uint8

const (
	offsetAt offsetKind = iota
	offsetBeginning
	offsetEnd
	offsetTail
	offsetTime
)

// At is an absolute offset.
func At(n int64) Offset { return Offset{kind: offsetAt, n: n} }

// Beginning is the log start offset (ListOffsets -2).
func Beginning() Offset { return Offset{kind: offsetBeginning} }

// End is the log end offset (ListOffsets -1): only records produced from now on.
func End() Offset { return Offset{kind: offsetEnd} }

// Tail is n records before the end (kcat -o -n), never before the start.
func Tail(n int64) Offset { return Offset{kind: offsetTail, n: n} }

// AtTime is the first record with a timestamp >= ms (kcat -o s@ms); the
// end if there is none.
func AtTime(ms int64) Offset { return Offset{kind: offsetTime, n: ms} }

func (o Offset) String() string {
	switch o.kind {
	case offsetBeginning:
		return "beginning"
	case offsetEnd:
		return "end"
	case offsetTail:
		return fmt.Sprintf("-%d", o.n)
	case offsetTime:
		return fmt.Sprintf("s@%d", o.n)
	}
	return fmt.Sprint(o.n)
}

// ConsumerConfig configures a Consumer's fetches.
type ConsumerConfig struct {
	// MaxWait is how long the broker may hold a fetch waiting for MinBytes
	// (fetch.max.wait.ms). Default 500 ms.
	MaxWait time.Duration
	// MinBytes the broker waits for (fetch.min.bytes). Default 1.
	MinBytes int32
	// MaxBytes per fetch response (fetch.max.bytes). Default 50 MiB.
	MaxBytes int32
	// PartitionMaxBytes per partition (max.partition.fetch.bytes). Default
	// 1 MiB. The first batch comes whole even when larger (KIP-74).
	PartitionMaxBytes int32
	// Reset is where to go when a fetch offset is out of range
	// (auto.offset.reset): nil returns the OFFSET_OUT_OF_RANGE error.
	Reset *Offset
}

// Consumer reads assigned partitions with Fetch. There are no groups
// here (chapter 9): the caller assigns partitions and offsets. Poll is
// not safe for concurrent use; Assign/Seek may be called between Polls.
type Consumer struct {
	c   *Client
	cfg ConsumerConfig

	mu    sync.Mutex
	parts map[tp]*partState
}

type partState struct {
	offset    int64 // the next offset to return
	hw        int64 // the high watermark from the last fetch (-1: unknown)
	logStart  int64
	leaderErr error
}

// NewConsumer returns a consumer reading through c.
func NewConsumer(c *Client, cfg ConsumerConfig) *Consumer {
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 500 * time.Millisecond
	}
	if cfg.MinBytes <= 0 {
		cfg.MinBytes = 1
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 50 << 20
	}
	if cfg.PartitionMaxBytes <= 0 {
		cfg.PartitionMaxBytes = 1 << 20
	}
	return &Consumer{c: c, cfg: cfg, parts: map[tp]*partState{}}
}

// Assign starts consuming a partition at (a resolved) offset. Assigning
// an assigned partition seeks it.
func (co *Consumer) Assign(ctx context.Context, topic string, partition int32, at Offset) error {
	off, err := co.resolve(ctx, topic, partition, at)
	if err != nil {
		return err
	}
	co.mu.Lock()
	co.parts[tp{topic, partition}] = &partState{offset: off, hw: -1, logStart: -1}
	co.mu.Unlock()
	return nil
}

// Seek moves an assigned partition to at.
func (co *Consumer) Seek(ctx context.Context, topic string, partition int32, at Offset) error {
	co.mu.Lock()
	_, ok := co.parts[tp{topic, partition}]
	co.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w: %s [%d]", ErrNotAssigned, topic, partition)
	}
	return co.Assign(ctx, topic, partition, at)
}

// Unassign stops consuming a partition.
func (co *Consumer) Unassign(topic string, partition int32) {
	co.mu.Lock()
	delete(co.parts, tp{topic, partition})
	co.mu.Unlock()
}

// Position is the next offset Poll will return for a partition.
func (co *Consumer) Position(topic string, partition int32) (int64, error) {
	co.mu.Lock()
	defer co.mu.Unlock()
	ps, ok := co.parts[tp{topic, partition}]
	if !ok {
		return -1, fmt.Errorf("%w: %s [%d]", ErrNotAssigned, topic, partition)
	}
	return ps.offset, nil
}

// HighWatermark is the partition's high watermark as of the last fetch
// (-1 before the first): Position == HighWatermark means caught up, what
// kcat calls "Reached end of topic".
func (co *Consumer) HighWatermark(topic string, partition int32) int64 {
	co.mu.Lock()
	defer co.mu.Unlock()
	if ps, ok := co.parts[tp{topic, partition}]; ok {
		return ps.hw
	}
	return -1
}

// resolve turns at into an absolute offset with ListOffsets.
func (co *Consumer) resolve(ctx context.Context, topic string, partition int32, at Offset) (int64, error) {
	switch at.kind {
	case offsetAt:
		return at.n, nil
	case offsetBeginning:
		off, _, err := co.c.ListOffsets(ctx, topic, partition, -2)
		return off, err
	case offsetEnd:
		off, _, err := co.c.ListOffsets(ctx, topic, partition, -1)
		return off, err
	case offsetTail:
		end, _, err := co.c.ListOffsets(ctx, topic, partition, -1)
		if err != nil {
			return -1, err
		}
		start, _, err := co.c.ListOffsets(ctx, topic, partition, -2)
		if err != nil {
			return -1, err
		}
		return max(end-at.n, start), nil
	case offsetTime:
		off, _, err := co.c.ListOffsets(ctx, topic, partition, at.n)
		if err != nil {
			return -1, err
		}
		if off < 0 { // no record that late: start at the end
			off, _, err = co.c.ListOffsets(ctx, topic, partition, -1)
		}
		return off, err
	}
	return -1, fmt.Errorf("client: bad offset %v", at)
}

// Poll sends one Fetch to the leader of every assigned partition (all in
// flight at once) and returns the records that came back, partition by
// partition in offset order. It may return no records: the broker waited
// MaxWait without MinBytes arriving. Records below a partition's position
// (a fetch returns whole batches, which may start earlier) and control
// batches are skipped.
func (co *Consumer) Poll(ctx context.Context) ([]Record, error) {
	co.mu.Lock()
	byLeader := map[int32][]tp{}
	var leaders []int32
	var errs []error
	keys := make([]tp, 0, len(co.parts))
	for k := range co.parts {
		keys = append(keys, k)
	}
	co.mu.Unlock()
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].topic != keys[j].topic {
			return keys[i].topic < keys[j].topic
		}
		return keys[i].partition < keys[j].partition
	})
	if len(keys) == 0 {
		return nil, nil
	}
	for _, k := range keys {
		leader, err := co.c.leader(ctx, k.topic, k.partition)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if _, ok := byLeader[leader]; !ok {
			leaders = append(leaders, leader)
		}
		byLeader[leader] = append(byLeader[leader], k)
	}
	type answer struct {
		recs []Record
		err  error
	}
	answers := make([]answer, len(leaders))
	var wg sync.WaitGroup
	for i, leader := range leaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i].recs, answers[i].err = co.fetch(ctx, leader, byLeader[leader])
		}()
	}
	wg.Wait()
	var out []Record
	for _, a := range answers {
		out = append(out, a.recs...)
		if a.err != nil {
			errs = append(errs, a.err)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out, errors.Join(errs...)
}

// fetch sends one Fetch for parts to leader and decodes the answer.
func (co *Consumer) fetch(ctx context.Context, leader int32, parts []tp) ([]Record, error) {
	req := kmsg.NewPtrFetchRequest()
	req.ReplicaID = -1
	req.MaxWaitMillis = int32(co.cfg.MaxWait.Milliseconds())
	req.MinBytes = co.cfg.MinBytes
	req.MaxBytes = co.cfg.MaxBytes
	req.SessionID, req.SessionEpoch = 0, -1 // no fetch session: a full fetch every time (KIP-227)
	offsets := map[tp]int64{}
	topicIdx := map[string]int{}
	co.mu.Lock()
	for _, k := range parts {
		ps, ok := co.parts[k]
		if !ok {
			continue
		}
		offsets[k] = ps.offset
		i, ok := topicIdx[k.topic]
		if !ok {
			i = len(req.Topics)
			topicIdx[k.topic] = i
			rt := kmsg.NewFetchRequestTopic()
			rt.Topic = k.topic
			req.Topics = append(req.Topics, rt)
		}
		rp := kmsg.NewFetchRequestTopicPartition()
		rp.Partition, rp.FetchOffset, rp.PartitionMaxBytes = k.partition, ps.offset, co.cfg.PartitionMaxBytes
		rp.CurrentLeaderEpoch, rp.LogStartOffset, rp.LastFetchedEpoch = -1, -1, -1
		req.Topics[i].Partitions = append(req.Topics[i].Partitions, rp)
	}
	co.mu.Unlock()
	if len(req.Topics) == 0 {
		return nil, nil
	}
	r, err := co.c.Request(ctx, leader, req)
	if err != nil {
		return nil, err
	}
	resp := r.(*kmsg.FetchResponse)
	if err := codeErr("fetch", "", -1, resp.ErrorCode, nil); err != nil {
		return nil, err
	}
	var out []Record
	var errs []error
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			k := tp{t.Topic, p.Partition}
			from, asked := offsets[k]
			if !asked {
				continue
			}
			if err := codeErr("fetch", t.Topic, p.Partition, p.ErrorCode, nil); err != nil {
				if errors.Is(err, kerr.OffsetOutOfRange) && co.cfg.Reset != nil {
					if rerr := co.reset(ctx, k, from); rerr == nil {
						continue
					}
				}
				if retriable(err) {
					co.c.forget(t.Topic)
				}
				errs = append(errs, err)
				continue
			}
			recs, next, err := DecodeBatches(t.Topic, p.Partition, p.RecordBatches, from)
			out = append(out, recs...)
			if err != nil {
				errs = append(errs, err)
			}
			co.mu.Lock()
			if ps, ok := co.parts[k]; ok && ps.offset == from { // not re-seeked meanwhile
				ps.offset = next
				ps.hw = p.HighWatermark
				ps.logStart = p.LogStartOffset
			}
			co.mu.Unlock()
		}
	}
	return out, errors.Join(errs...)
}

// reset moves a partition whose offset fell out of range to cfg.Reset.
func (co *Consumer) reset(ctx context.Context, k tp, from int64) error {
	off, err := co.resolve(ctx, k.topic, k.partition, *co.cfg.Reset)
	if err != nil {
		return err
	}
	co.mu.Lock()
	defer co.mu.Unlock()
	if ps, ok := co.parts[k]; ok && ps.offset == from {
		ps.offset = off
	}
	return nil
}

// DecodeBatches decodes a fetch response's record bytes for one
// partition: whole RecordBatch v2 batches back to back, possibly ending
// in a partial batch the broker cut at max bytes (which is dropped,
// docs/reference/kafka.md §2 "Fetch truncation"). Records below from are skipped, as are
// control batches; each batch's CRC is checked (check.crcs). It returns
// the records and the offset to fetch next.
func DecodeBatches(topic string, partition int32, b []byte, from int64) ([]Record, int64, error) {
	var out []Record
	next := from
	var scratch []byte
	for len(b) > 0 {
		size, ok := record.BatchSize(b)
		if !ok || size > len(b) {
			break // a partial batch at the end
		}
		batch := b[:size]
		b = b[size:]
		h, err := record.ParseHeader(batch)
		if err != nil {
			return out, next, fmt.Errorf("fetch %s [%d]: %w", topic, partition, err)
		}
		if h.Magic != record.Magic {
			return out, next, fmt.Errorf("fetch %s [%d]: message format v%d is not supported (only RecordBatch v2)", topic, partition, h.Magic)
		}
		if err := record.CheckCRC(batch); err != nil {
			return out, next, fmt.Errorf("fetch %s [%d] batch at %d: %w", topic, partition, h.BaseOffset, err)
		}
		if h.NextOffset() <= next {
			continue // entirely below the position
		}
		if h.Attributes.Control() {
			next = h.NextOffset()
			continue
		}
		data, err := record.RecordsSection(scratch[:0], batch, h)
		if err != nil {
			return out, next, fmt.Errorf("fetch %s [%d] batch at %d: %w", topic, partition, h.BaseOffset, err)
		}
		if h.Attributes.Codec() != record.None {
			scratch = data
			data = append([]byte(nil), data...) // records alias data: keep it
		}
		rs := record.NewRecords(data, h.NumRecords)
		var rec record.Record
		for rs.Next(&rec) {
			off := h.BaseOffset + int64(rec.OffsetDelta)
			if off < next {
				continue
			}
			ts := h.BaseTimestamp + rec.TimestampDelta
			if h.Attributes.LogAppendTime() {
				ts = h.MaxTimestamp
			}
			out = append(out, Record{
				Topic: topic, Partition: partition, Offset: off,
				Timestamp: time.UnixMilli(ts), Key: rec.Key, Value: rec.Value,
				Headers: append([]record.RecordHeader(nil), rec.Headers...), LeaderEpoch: h.PartitionLeaderEpoch,
			})
		}
		if err := rs.Err(); err != nil {
			return out, next, fmt.Errorf("fetch %s [%d] batch at %d: %w", topic, partition, h.BaseOffset, err)
		}
		next = h.NextOffset()
	}
	return out, next, nil
}
