package broker

import (
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/log"
)

// fetch answers Fetch v4-11 (docs/reference/kafka.md §1.3, §2 "Fetch truncation").
//
// What is read: for each partition, whole batches from the fetch offset
// up to the high watermark — in standalone mode the log end offset, and
// the last stable offset is the same (no transactions, so read_committed
// reads what read_uncommitted does). Each partition gets at most
// partition_max_bytes and the response at most max_bytes, except that the
// first batch of the first partition with data is returned whole however
// large (KIP-74), so a consumer always makes progress.
//
// When: at once if max_wait is 0, if min_bytes are available, or if a
// partition has an error; otherwise the fetch waits — a long poll — until
// appends make min_bytes available or max_wait passes (AK DelayedFetch).
// An append wakes the fetches waiting on its partition.
//
// Fetch sessions (KIP-227) are not implemented: the answer's session id is
// 0, which tells kgo to send full fetches, and librdkafka 2.0 never asks
// (docs/reference/kafka.md §1.3 gotcha 4). A client naming a session gets
// FETCH_SESSION_ID_NOT_FOUND.
//
// The batches are not copied into the response: the response is encoded
// with empty record fields, their lengths patched in, and the log sections
// sent after each one (frame.go; sendfile on Linux).
func (b *Broker) fetch(ctx *request, r *kmsg.FetchRequest) (*frame, error) {
	if r.Version >= 7 && r.SessionID != 0 {
		resp := kmsg.NewPtrFetchResponse()
		resp.Version = r.Version
		resp.ErrorCode = kerr.FetchSessionIDNotFound.Code
		return responseFrame(ctx.h.corr, resp), nil
	}
	targets := b.fetchTargets(r)
	res := b.readFetch(r, targets)
	if !res.done(r) {
		res = b.waitFetch(r, targets, res)
	}
	return fetchFrame(ctx.h.corr, res.resp, res.secs)
}

// fetchTarget is one requested partition, resolved once per request.
type fetchTarget struct {
	topic string
	req   kmsg.FetchRequestTopicPartition
	p     *partition // nil when unknown
	ti    int        // index of the topic in the request
}

func (b *Broker) fetchTargets(r *kmsg.FetchRequest) []fetchTarget {
	var ts []fetchTarget
	for i, rt := range r.Topics {
		for _, rp := range rt.Partitions {
			p, _ := b.partitionFor(rt.Topic, rp.Partition)
			ts = append(ts, fetchTarget{topic: rt.Topic, req: rp, p: p, ti: i})
		}
	}
	return ts
}

// fetchResult is one reading of a fetch's partitions.
type fetchResult struct {
	resp   *kmsg.FetchResponse
	secs   []log.Section // one per partition, in response order
	bytes  int64
	failed bool // some partition has an error: answer now
}

func (res *fetchResult) done(r *kmsg.FetchRequest) bool {
	return r.MaxWaitMillis <= 0 || res.failed || res.bytes >= int64(r.MinBytes) || len(res.secs) == 0
}

// readFetch reads every partition once.
// Reference: AK ReplicaManager.readFromLocalLog (limitBytes, minOneMessage).
func (b *Broker) readFetch(r *kmsg.FetchRequest, targets []fetchTarget) fetchResult {
	resp := kmsg.NewPtrFetchResponse()
	resp.Version = r.Version
	res := fetchResult{resp: resp, secs: make([]log.Section, 0, len(targets))}
	limit := int64(r.MaxBytes)
	minOne := true
	lastTopic := -1
	for _, t := range targets {
		if t.ti != lastTopic {
			rt := kmsg.NewFetchResponseTopic()
			rt.Topic = t.topic
			resp.Topics = append(resp.Topics, rt)
			lastTopic = t.ti
		}
		sp := kmsg.NewFetchResponseTopicPartition()
		sp.Partition = t.req.Partition
		sp.HighWatermark, sp.LastStableOffset, sp.LogStartOffset = -1, -1, -1
		sp.PreferredReadReplica = -1
		sp.RecordBatches = []byte{} // an empty record set, not a null one; patched in fetchFrame
		sec, err := b.readPartition(t, min(int64(t.req.PartitionMaxBytes), max(limit, 0)), minOne, &sp)
		if err != nil {
			sp.ErrorCode = codeOf(err)
			res.failed = true
		}
		if sec.Size > 0 {
			minOne = false
			limit -= sec.Size
			res.bytes += sec.Size
		}
		res.secs = append(res.secs, sec)
		rt := &resp.Topics[len(resp.Topics)-1]
		rt.Partitions = append(rt.Partitions, sp)
	}
	return res
}

func (b *Broker) readPartition(t fetchTarget, maxBytes int64, minOne bool, sp *kmsg.FetchResponseTopicPartition) (log.Section, error) {
	if t.p == nil {
		return log.Section{}, kerr.UnknownTopicOrPartition
	}
	if err := checkEpoch(t.req.CurrentLeaderEpoch); err != nil {
		return log.Section{}, err
	}
	t.p.mu.Lock()
	defer t.p.mu.Unlock()
	l := t.p.log
	hw := l.EndOffset()
	sec, err := l.Read(t.req.FetchOffset, int(min(maxBytes, 1<<31-1)), hw, minOne)
	if err != nil {
		// AK answers OFFSET_OUT_OF_RANGE with -1 offsets; the client
		// resets with ListOffsets.
		return log.Section{}, err
	}
	sp.HighWatermark, sp.LastStableOffset, sp.LogStartOffset = hw, hw, l.StartOffset()
	return sec, nil
}

// waiter is a long-polling fetch, registered with every partition it
// reads; an append to any of them signals ch.
type waiter struct{ ch chan struct{} }

// notifyLocked wakes the fetches waiting on p. Callers hold p.mu.
func (p *partition) notifyLocked() {
	for w := range p.waiters {
		select {
		case w.ch <- struct{}{}:
		default: // already signalled
		}
	}
}

// waitFetch is the long poll: re-read after every append to one of the
// fetch's partitions until min_bytes are there or max_wait has passed.
// The waiter is registered before the re-read, so an append between a
// read and the wait is not missed.
func (b *Broker) waitFetch(r *kmsg.FetchRequest, targets []fetchTarget, res fetchResult) fetchResult {
	w := &waiter{ch: make(chan struct{}, 1)}
	for _, t := range targets {
		if t.p != nil {
			t.p.mu.Lock()
			if t.p.waiters == nil {
				t.p.waiters = map[*waiter]struct{}{}
			}
			t.p.waiters[w] = struct{}{}
			t.p.mu.Unlock()
		}
	}
	defer func() {
		for _, t := range targets {
			if t.p != nil {
				t.p.mu.Lock()
				delete(t.p.waiters, w)
				t.p.mu.Unlock()
			}
		}
	}()
	timer := time.NewTimer(time.Duration(r.MaxWaitMillis) * time.Millisecond)
	defer timer.Stop()
	for {
		res = b.readFetch(r, targets)
		if res.done(r) {
			return res
		}
		select {
		case <-w.ch:
		case <-timer.C:
			return b.readFetch(r, targets)
		case <-b.done:
			return res
		}
	}
}
