package broker

import (
	"errors"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/kafka/record"
)

// Fetch: v0-11 (Kafka 2.3's range).
//
// Behavior:
//   - What is read: for each partition, whole batches from the fetch
//     offset up to the high watermark; with no transactions the last
//     stable offset is the high watermark, so read_committed reads what
//     read_uncommitted does. Each partition gets at most
//     partition_max_bytes and the response at most max_bytes (v3+),
//     except that from v3 the first batch of the first partition with data
//     comes whole however large (KIP-74), so a consumer always makes
//     progress; v0-2 keep the hard limit (AK ReplicaManager
//     hardMaxBytesLimit), and a batch larger than it is not returned.
//   - When: at once if max_wait is 0, if min_bytes are available, or if a
//     partition has an error; otherwise the fetch is a delayed operation
//     in the broker's purgatory (kafka/broker/purgatory), watched under
//     each of its partitions, completed by an append that makes min_bytes
//     available or by max_wait (AK DelayedFetch). The connection's
//     goroutine waits for it holding no lock.
//   - v4-11: the batches are not copied into the response. It is encoded
//     by kmsg with empty record fields, their lengths patched in, and the
//     log's file sections sent after each one (fetchframe.go; sendfile on
//     Linux).
//   - v0-3 (clients older than 0.11): the response carries magic 0 (v0-1)
//     or magic 1 (v2-3) message sets, down-converted from the stored v2
//     batches (kafka/record DownConvert; AK 2.3 KafkaApis
//     maybeConvertFetchedData, RecordsUtil.downConvert). The bytes go
//     through the process — the price old clients pay: no zero-copy. A
//     zstd batch cannot be down-converted: UNSUPPORTED_COMPRESSION_TYPE.
//   - Fetch sessions (KIP-227) are not implemented: the answer's session
//     id is 0, which tells kgo to send full fetches, and librdkafka 2.0
//     never asks (docs/reference/kafka.md §1.3 gotcha 4). A client naming
//     a session gets FETCH_SESSION_ID_NOT_FOUND.
//   - v9+ current_leader_epoch is checked (KIP-320): older is
//     FENCED_LEADER_EPOCH, newer UNKNOWN_LEADER_EPOCH.
//
// Reference: docs/reference/kafka.md §1.3, §2 "Fetch truncation", §3 "sendfile".
func init() { register(1, 0, 11, (*Broker).handleFetch) }

func (b *Broker) handleFetch(rc *request, r *kmsg.FetchRequest) (*frame, error) {
	if r.Version >= 7 && r.SessionID != 0 {
		resp := kmsg.NewPtrFetchResponse()
		resp.Version = r.Version
		resp.ErrorCode = kerr.FetchSessionIDNotFound.Code
		return rc.respond(resp)
	}
	targets := b.fetchTargets(r)
	res := b.readFetch(r, targets, false)
	if !res.done(r) {
		op := &delayedFetch{b: b, r: r, targets: targets}
		var keys []log.TopicPartition
		for _, t := range targets {
			if t.p != nil {
				keys = append(keys, t.p.tp)
			}
		}
		d := b.fetches.TryCompleteElseWatch(op, time.Duration(r.MaxWaitMillis)*time.Millisecond, keys...)
		<-d.Done() // Broker.Close expires every waiting fetch (purgatory Shutdown)
	}
	res = b.readFetch(r, targets, true)
	return fetchFrame(rc.h.corr, res.resp, res.parts)
}

// delayedFetch is a long poll in the purgatory: it can complete once its
// partitions hold min_bytes (or one has an error).
type delayedFetch struct {
	b       *Broker
	r       *kmsg.FetchRequest
	targets []fetchTarget
}

func (f *delayedFetch) TryComplete() bool {
	res := f.b.readFetch(f.r, f.targets, false)
	return res.done(f.r)
}

// fetchTarget is one requested partition, resolved once per request.
type fetchTarget struct {
	topic string
	req   kmsg.FetchRequestTopicPartition
	p     *partition // nil when unknown or not led here
	err   error      // why p is nil
	ti    int        // index of the topic in the request
}

func (b *Broker) fetchTargets(r *kmsg.FetchRequest) []fetchTarget {
	var ts []fetchTarget
	for i, rt := range r.Topics {
		for _, rp := range rt.Partitions {
			p, err := b.partitionFor(rt.Topic, rp.Partition)
			ts = append(ts, fetchTarget{topic: rt.Topic, req: rp, p: p, err: err, ti: i})
		}
	}
	return ts
}

// fetchResult is one reading of a fetch's partitions.
type fetchResult struct {
	resp   *kmsg.FetchResponse
	parts  []recordsPart // one per partition, in response order
	bytes  int64         // bytes read from the log (before any conversion)
	failed bool          // some partition has an error: answer now
}

func (res *fetchResult) done(r *kmsg.FetchRequest) bool {
	return r.MaxWaitMillis <= 0 || res.failed || res.bytes >= int64(r.MinBytes) || len(res.parts) == 0
}

// readFetch reads every partition once; final says this reading is the
// answer (so v0-3 down-convert it).
// Reference: AK ReplicaManager.readFromLocalLog (limitBytes, minOneMessage).
func (b *Broker) readFetch(r *kmsg.FetchRequest, targets []fetchTarget, final bool) fetchResult {
	resp := kmsg.NewPtrFetchResponse()
	resp.Version = r.Version
	res := fetchResult{resp: resp, parts: make([]recordsPart, 0, len(targets))}
	limit := int64(r.MaxBytes)
	if r.Version < 3 {
		limit = 1<<31 - 1 // no response limit before v3 (KIP-74)
	}
	minOne := r.Version >= 3
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
		sp.RecordBatches = []byte{} // an empty record set, not a null one; filled in by fetchFrame
		part, err := b.readPartition(r.Version, t, min(int64(t.req.PartitionMaxBytes), max(limit, 0)), minOne, final, &sp)
		if err != nil {
			sp.ErrorCode = codeOf(err)
			sp.HighWatermark, sp.LastStableOffset, sp.LogStartOffset = -1, -1, -1
			part = recordsPart{}
			res.failed = true
		}
		if part.read > 0 {
			minOne = false
			limit -= part.read
			res.bytes += part.read
		}
		res.parts = append(res.parts, part)
		rt := &resp.Topics[len(resp.Topics)-1]
		rt.Partitions = append(rt.Partitions, sp)
	}
	return res
}

func (b *Broker) readPartition(version int16, t fetchTarget, maxBytes int64, minOne, final bool, sp *kmsg.FetchResponseTopicPartition) (recordsPart, error) {
	if t.p == nil {
		if t.err != nil {
			return recordsPart{}, t.err // UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_FOR_PARTITION
		}
		return recordsPart{}, kerr.UnknownTopicOrPartition
	}
	rr, err := t.p.read(t.req.FetchOffset, maxBytes, minOne)
	if err != nil {
		// AK answers OFFSET_OUT_OF_RANGE with -1 offsets; the client
		// resets with ListOffsets.
		return recordsPart{}, err
	}
	if err := checkEpoch(t.req.CurrentLeaderEpoch, rr.leaderEpoch); err != nil {
		return recordsPart{}, err
	}
	sp.HighWatermark, sp.LastStableOffset, sp.LogStartOffset = rr.highWatermark, rr.lastStableOffset, rr.logStartOffset
	part := recordsPart{sec: rr.sec, read: rr.sec.Size}
	if version > 3 || !final || rr.sec.Size == 0 {
		return part, nil
	}
	return downConvert(version, t.req.FetchOffset, part)
}

// downConvert turns a read of v2 batches into the message set a Fetch
// v0-3 client can parse: magic 0 for v0-1, magic 1 for v2-3.
func downConvert(version int16, fetchOffset int64, part recordsPart) (recordsPart, error) {
	magic := int8(1)
	if version <= 1 {
		magic = 0
	}
	raw, err := part.sec.Bytes()
	if err != nil {
		return recordsPart{}, err
	}
	set, err := record.DownConvert(make([]byte, 0, len(raw)), raw, record.LegacyOptions{Magic: magic, FirstOffset: fetchOffset})
	if err != nil {
		if errors.Is(err, kerr.UnsupportedCompressionType) {
			return recordsPart{}, err
		}
		return recordsPart{}, kerr.CorruptMessage
	}
	if set == nil {
		set = []byte{}
	}
	return recordsPart{data: set, inline: true, read: part.read}, nil
}
