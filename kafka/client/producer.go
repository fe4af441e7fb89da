package client

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/partition"
	"github.com/zkafka/zkafka/kafka/record"
)

// Acks is the produce request's acks: how many replicas must have a batch
// before the leader answers (docs/reference/kafka.md §4 "Acks").
type Acks int16

const (
	AcksNone   Acks = 0  // no response at all: fire and forget
	AcksLeader Acks = 1  // the leader appended it (to its page cache)
	AcksAll    Acks = -1 // every replica in the ISR has it
)

// ProducerConfig configures a Producer. Start from DefaultProducerConfig:
// the zero Acks is AcksNone.
type ProducerConfig struct {
	Acks  Acks
	Codec record.Codec // compression of each batch
	// ManualPartition: use each Record's Partition as given. Otherwise a
	// keyed record goes to murmur2(key) mod partitions like the Java
	// client (partition.ForKey), and null-keyed records stick to one
	// partition until its batch is complete — full (MaxBatchBytes of
	// null-keyed records) or sent by a Flush — then move to another
	// partition with a leader, chosen at random (partition.Sticky:
	// KIP-480, the Java client's behaviour from 2.4; 2.3's
	// DefaultPartitioner round-robins null keys record by record).
	ManualPartition bool
	// MaxBatchBytes caps the record bytes of one batch (batch.size); a
	// partition with more buffered records sends several batches.
	MaxBatchBytes int
	// Timeout is the produce request's timeout (request.timeout.ms for
	// acks=all). Default 30 s.
	Timeout time.Duration
	// Retries for retriable errors (leader moved, topic being created),
	// with a fresh metadata lookup before each. Records may be duplicated
	// by a retry: this producer is not idempotent.
	Retries int
	// Now gives record timestamps for records without one. Default time.Now.
	Now func() time.Time
	// Rand drives the sticky partitioner's choices (seed it to replay a
	// test). Default: a randomly seeded source.
	Rand *rand.Rand
}

// DefaultProducerConfig: acks=all (Kafka 3.0's default), no compression,
// 1 MiB batches, 30 s timeout, 3 retries.
func DefaultProducerConfig() ProducerConfig {
	return ProducerConfig{Acks: AcksAll, MaxBatchBytes: 1 << 20, Timeout: 30 * time.Second, Retries: 3}
}

// Producer buffers records and sends them as RecordBatch v2 batches, one
// Produce request per leader, all pipelined. Safe for concurrent use.
type Producer struct {
	c   *Client
	cfg ProducerConfig

	mu     sync.Mutex
	buf    []*pending
	sticky *partition.Sticky // null keys (KIP-480)
}

type pending struct {
	rec  Record
	err  error
	done chan struct{} // closed when rec and err are final
	// stuck: a null-keyed record was given its partition, which a retry
	// keeps (Java retries a batch on its partition).
	stuck bool
}

// Result is the fate of one produced record: Record has its partition and
// offset set (offset -1 with acks=0), or Err says why it was not written.
type Result struct {
	Record Record
	Err    error
}

// NewProducer returns a producer sending through c.
func NewProducer(c *Client, cfg ProducerConfig) *Producer {
	if cfg.MaxBatchBytes <= 0 {
		cfg.MaxBatchBytes = 1 << 20
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return &Producer{c: c, cfg: cfg, sticky: partition.NewSticky(cfg.Rand)}
}

// Buffer adds a record to the next Flush.
func (p *Producer) Buffer(rec Record) {
	if rec.Timestamp.IsZero() {
		rec.Timestamp = p.cfg.Now()
	}
	p.mu.Lock()
	p.buf = append(p.buf, &pending{rec: rec, done: make(chan struct{})})
	p.mu.Unlock()
}

// Send produces one record (and anything buffered) and returns it with
// its partition and offset.
func (p *Producer) Send(ctx context.Context, rec Record) (Record, error) {
	if rec.Timestamp.IsZero() {
		rec.Timestamp = p.cfg.Now()
	}
	p.mu.Lock()
	mine := &pending{rec: rec, done: make(chan struct{})}
	p.buf = append(p.buf, mine)
	p.mu.Unlock()
	p.Flush(ctx)
	// A concurrent Flush may have taken our record: wait for its answer.
	select {
	case <-mine.done:
		return mine.rec, mine.err
	case <-ctx.Done():
		return rec, ctx.Err()
	}
}

// Flush sends every buffered record and waits for the answers. It returns
// one Result per record, in Buffer order, and the distinct errors joined.
func (p *Producer) Flush(ctx context.Context) ([]Result, error) {
	p.mu.Lock()
	recs := p.buf
	p.buf = nil
	p.mu.Unlock()

	todo := recs
	for attempt := 0; len(todo) > 0; attempt++ {
		var failed []*pending
		p.send(ctx, todo)
		for _, pr := range todo {
			if pr.err != nil && retriable(pr.err) && attempt < p.cfg.Retries && ctx.Err() == nil {
				p.c.forget(pr.rec.Topic)
				failed = append(failed, pr)
			}
		}
		if len(failed) > 0 {
			if err := sleepCtx(ctx, backoff(attempt)); err != nil {
				break
			}
		}
		todo = failed
	}
	out := make([]Result, len(recs))
	var errs []error
	seen := map[string]bool{} // one line per distinct error, not per record
	for i, pr := range recs {
		close(pr.done)
		out[i] = Result{Record: pr.rec, Err: pr.err}
		if pr.err != nil && !seen[pr.err.Error()] {
			seen[pr.err.Error()] = true
			errs = append(errs, pr.err)
		}
	}
	return out, errors.Join(errs...)
}

// tp names a topic-partition.
type tp struct {
	topic     string
	partition int32
}

// send makes one attempt at recs, setting each one's partition, offset
// and err.
func (p *Producer) send(ctx context.Context, recs []*pending) {
	// 1. Partition.
	byTP := map[tp][]*pending{}
	var order []tp
	// The null-keyed batch being filled per topic in this attempt: its
	// partition and bytes. The previous attempt's batches were sent, so
	// the first null-keyed record of a topic starts a new one.
	type stickyBatch struct {
		part  int32
		bytes int
	}
	filling := map[string]*stickyBatch{}
	for _, pr := range recs {
		pr.err = nil
		if !p.cfg.ManualPartition {
			t, err := p.c.Topic(ctx, pr.rec.Topic)
			if err != nil {
				pr.err = err
				continue
			}
			n := int32(len(t.Partitions))
			if n == 0 {
				pr.err = &Error{Op: "produce", Topic: pr.rec.Topic, Partition: -1, Err: kerrLeaderNotAvailable}
				continue
			}
			switch {
			case pr.rec.Key != nil:
				pr.rec.Partition = partition.ForKey(pr.rec.Key, n)
			case pr.stuck && pr.rec.Partition < n: // a retry keeps its partition
			default:
				avail := available(t)
				size := recordSize(pr)
				b := filling[pr.rec.Topic]
				switch {
				case b == nil:
					cur := p.sticky.Partition(pr.rec.Topic, n, avail)
					b = &stickyBatch{part: p.sticky.NewBatch(pr.rec.Topic, n, avail, cur)}
					filling[pr.rec.Topic] = b
				case b.bytes > 0 && b.bytes+size > p.cfg.MaxBatchBytes: // full
					b.part, b.bytes = p.sticky.NewBatch(pr.rec.Topic, n, avail, b.part), 0
				}
				b.bytes += size
				pr.rec.Partition, pr.stuck = b.part, true
			}
		}
		k := tp{pr.rec.Topic, pr.rec.Partition}
		if _, ok := byTP[k]; !ok {
			order = append(order, k)
		}
		byTP[k] = append(byTP[k], pr)
	}

	// 2. Build batches and group partitions by leader.
	byLeader := map[int32][]*part{}
	var leaders []int32
	rounds := 0
	for _, k := range order {
		prs := byTP[k]
		leader, err := p.c.leader(ctx, k.topic, k.partition)
		if err != nil {
			setErr(prs, err)
			continue
		}
		pt := &part{tp: k}
		for len(prs) > 0 {
			n := batchLen(prs, p.cfg.MaxBatchBytes)
			b, err := BuildBatch(nil, p.cfg.Codec, recordsOf(prs[:n]))
			if err != nil {
				setErr(prs, err)
				break
			}
			pt.batches = append(pt.batches, b)
			pt.recs = append(pt.recs, prs[:n])
			prs = prs[n:]
		}
		if len(pt.recs) == 0 {
			continue
		}
		if _, ok := byLeader[leader]; !ok {
			leaders = append(leaders, leader)
		}
		byLeader[leader] = append(byLeader[leader], pt)
		rounds = max(rounds, len(pt.batches))
	}

	// 3. One Produce per leader, all in flight at once, carrying at most
	// one batch per partition: from Produce v3 a broker refuses a
	// partition with more than one (CORRUPT_MESSAGE, as AK 2.3's
	// validateRecords does), so a partition with more records than one
	// batch holds sends its next batch in the next round, after the
	// previous one was answered (the Java producer's rule: one batch per
	// partition per request). A failed batch fails the rest of its
	// partition for this attempt, so a retry never reorders them.
	for round := 0; round < rounds; round++ {
		var wg sync.WaitGroup
		for _, leader := range leaders {
			var parts []*part
			for _, pt := range byLeader[leader] {
				if round < len(pt.batches) && (round == 0 || pt.recs[round-1][0].err == nil) {
					parts = append(parts, pt)
				} else if round < len(pt.batches) {
					setErr(pt.recs[round], pt.recs[round-1][0].err)
				}
			}
			if len(parts) == 0 {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				p.produceRound(ctx, leader, parts, round)
			}()
		}
		wg.Wait()
	}
}

// part is one partition's share of an attempt: its batches, in order.
type part struct {
	tp      tp
	batches [][]byte     // one RecordBatch each
	recs    [][]*pending // per batch, its records
}

// produceRound sends batch number round of each of parts to their leader
// in one Produce request and numbers its records from the answer.
func (p *Producer) produceRound(ctx context.Context, leader int32, parts []*part, round int) {
	req := kmsg.NewPtrProduceRequest()
	req.Acks = int16(p.cfg.Acks)
	req.TimeoutMillis = int32(p.cfg.Timeout.Milliseconds())
	topicIdx := map[string]int{}
	for _, pt := range parts {
		i, ok := topicIdx[pt.tp.topic]
		if !ok {
			i = len(req.Topics)
			topicIdx[pt.tp.topic] = i
			rt := kmsg.NewProduceRequestTopic()
			rt.Topic = pt.tp.topic
			req.Topics = append(req.Topics, rt)
		}
		rp := kmsg.NewProduceRequestTopicPartition()
		rp.Partition, rp.Records = pt.tp.partition, pt.batches[round]
		req.Topics[i].Partitions = append(req.Topics[i].Partitions, rp)
	}
	r, err := p.c.Request(ctx, leader, req)
	if err != nil {
		for _, pt := range parts {
			setErr(pt.recs[round], err)
		}
		return
	}
	if r == nil { // acks=0: no response, no offsets
		for _, pt := range parts {
			setOffsets(pt.recs[round], -1)
		}
		return
	}
	answered := map[tp]kmsg.ProduceResponseTopicPartition{}
	for _, t := range r.(*kmsg.ProduceResponse).Topics {
		for _, rp := range t.Partitions {
			answered[tp{t.Topic, rp.Partition}] = rp
		}
	}
	for _, pt := range parts {
		rp, ok := answered[pt.tp]
		switch {
		case !ok:
			setErr(pt.recs[round], fmt.Errorf("client: produce response lacks %s [%d]", pt.tp.topic, pt.tp.partition))
		case rp.ErrorCode != 0:
			setErr(pt.recs[round], codeErr("produce", pt.tp.topic, pt.tp.partition, rp.ErrorCode, rp.ErrorMessage))
		default:
			setOffsets(pt.recs[round], rp.BaseOffset)
		}
	}
}

func setErr(prs []*pending, err error) {
	for _, pr := range prs {
		pr.err = err
	}
}

// setOffsets numbers a batch's records from base (-1: unknown).
func setOffsets(prs []*pending, base int64) {
	for i, pr := range prs {
		if base < 0 {
			pr.rec.Offset = -1
		} else {
			pr.rec.Offset = base + int64(i)
		}
	}
}

// batchLen is how many of prs fit in one batch of maxBytes record bytes
// (at least one, however large).
func batchLen(prs []*pending, maxBytes int) int {
	size := 0
	for i, pr := range prs {
		size += recordSize(pr)
		if size > maxBytes && i > 0 {
			return i
		}
	}
	return len(prs)
}

// recordSize estimates a record's bytes in a batch.
func recordSize(pr *pending) int {
	size := len(pr.rec.Key) + len(pr.rec.Value) + 16
	for _, h := range pr.rec.Headers {
		size += len(h.Key) + len(h.Value) + 8
	}
	return size
}

// available lists the partitions of t that have a leader.
func available(t TopicInfo) []int32 {
	var out []int32
	for _, pi := range t.Partitions {
		if pi.Leader >= 0 {
			out = append(out, pi.Partition)
		}
	}
	return out
}

func recordsOf(prs []*pending) []Record {
	out := make([]Record, len(prs))
	for i, pr := range prs {
		out[i] = pr.rec
	}
	return out
}

// BuildBatch encodes recs as one RecordBatch v2, as a producer sends it:
// baseOffset 0, partitionLeaderEpoch -1, no producer id, offset deltas
// 0..n-1, the first record's timestamp as baseTimestamp and the others as
// deltas from it (docs/reference/kafka.md §2). It appends the batch to dst.
func BuildBatch(dst []byte, codec record.Codec, recs []Record) ([]byte, error) {
	if len(recs) == 0 {
		return dst, errors.New("client: a batch needs at least one record")
	}
	base := recs[0].Timestamp.UnixMilli()
	rs := make([]record.Record, len(recs))
	for i, r := range recs {
		rs[i] = record.Record{
			OffsetDelta:    int32(i),
			TimestampDelta: r.Timestamp.UnixMilli() - base,
			Key:            r.Key,
			Value:          r.Value,
			Headers:        r.Headers,
		}
	}
	return record.AppendBatch(dst, record.NoProducer(codec, base), rs)
}
