package broker

import (
	"bytes"
	"testing"
	"testing/synctest"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/record"
)

// TestProduceFetchRoundTrip: the broker assigns offsets, keeps the batch
// bytes as produced (only baseOffset and the leader epoch change, outside
// the CRC), and a fetch returns exactly those bytes with the high
// watermark, last stable offset and log start offset.
//
// Reference: docs/reference/kafka.md §2 "Broker rewrites"; AK Log.append.
func TestProduceFetchRoundTrip(t *testing.T) {
	testBroker(t, nil, func(t *testing.T, b *Broker) {
		c := dial(t, b)
		createTopic(t, c, "rt", 2)
		b1, b2 := batchOf(t, 1000, 3, 20), batchOf(t, 2000, 2, 20)
		if off := produce(t, c, "rt", 1, b1); off != 0 {
			t.Fatalf("first base offset %d", off)
		}
		if off := produce(t, c, "rt", 1, b2); off != 3 {
			t.Fatalf("second base offset %d, want 3", off)
		}
		for _, v := range []int16{4, 5, 7, 11} {
			resp := do[*kmsg.FetchResponse](c, fetchReq(v, 0, 1, 1<<20, fetchPart{"rt", 1, 0, 1 << 20}, fetchPart{"rt", 0, 0, 1 << 20}))
			p := resp.Topics[0].Partitions[0]
			if p.ErrorCode != 0 || p.HighWatermark != 5 || p.LastStableOffset != 5 {
				t.Fatalf("v%d: %+v", v, p)
			}
			if v >= 5 && p.LogStartOffset != 0 {
				t.Fatalf("v%d: log start %d", v, p.LogStartOffset)
			}
			want := append(append([]byte(nil), b1...), b2...)
			record.SetBaseOffset(want[len(b1):], 3)
			record.SetPartitionLeaderEpoch(want, 0)
			record.SetPartitionLeaderEpoch(want[len(b1):], 0)
			if !bytes.Equal(p.RecordBatches, want) {
				t.Fatalf("v%d: fetched bytes differ from the produced batches", v)
			}
			if empty := resp.Topics[0].Partitions[1]; empty.ErrorCode != 0 || len(empty.RecordBatches) != 0 || empty.HighWatermark != 0 {
				t.Fatalf("v%d: empty partition %+v", v, empty)
			}
			if v >= 7 && resp.SessionID != 0 {
				t.Fatalf("v%d: session id %d, want 0 (no fetch sessions)", v, resp.SessionID)
			}
		}
	})
}

// TestProduceErrors: a corrupt batch is CORRUPT_MESSAGE and appends
// nothing; an unknown partition UNKNOWN_TOPIC_OR_PARTITION; bad acks
// INVALID_REQUIRED_ACKS.
//
// Reference: docs/reference/kafka.md §1.3 error codes; AK LogValidator.
func TestProduceErrors(t *testing.T) {
	testBroker(t, nil, func(t *testing.T, b *Broker) {
		c := dial(t, b)
		createTopic(t, c, "e", 1)
		good := batchOf(t, 1000, 2, 10)
		badCRC := append([]byte(nil), good...)
		badCRC[len(badCRC)-1] ^= 1
		badLen := append([]byte(nil), good...)
		badLen[11]++ // batchLength
		cases := []struct {
			name    string
			req     *kmsg.ProduceRequest
			wantErr *kerr.Error
		}{
			{"bad crc", produceReq(7, 1, "e", 0, badCRC), kerr.CorruptMessage},
			{"bad length", produceReq(7, 1, "e", 0, badLen), kerr.CorruptMessage},
			{"truncated", produceReq(7, 1, "e", 0, good[:30]), kerr.CorruptMessage},
			{"good then bad", produceReq(7, 1, "e", 0, append(append([]byte(nil), good...), badCRC...)), kerr.CorruptMessage},
			{"unknown topic", produceReq(7, 1, "nope", 0, good), kerr.UnknownTopicOrPartition},
			{"unknown partition", produceReq(7, 1, "e", 1, good), kerr.UnknownTopicOrPartition},
			{"bad acks", produceReq(7, 2, "e", 0, good), kerr.InvalidRequiredAcks},
		}
		for _, tc := range cases {
			resp := do[*kmsg.ProduceResponse](c, tc.req)
			if code := resp.Topics[0].Partitions[0].ErrorCode; code != tc.wantErr.Code {
				t.Errorf("%s: error %d, want %s", tc.name, code, tc.wantErr.Message)
			}
		}
		if off := produce(t, c, "e", 0, good); off != 0 {
			t.Fatalf("a rejected produce appended: next offset %d", off)
		}
	})
}

// TestFetchWholeBatches: fetches return whole batches only; the first
// batch of the response comes whole even when larger than the partition
// or response limit (KIP-74), later ones only if they fit; the response
// limit is shared across partitions.
//
// Reference: docs/reference/kafka.md §2 "Fetch truncation"; AK ReplicaManager.readFromLocalLog.
func TestFetchWholeBatches(t *testing.T) {
	testBroker(t, nil, func(t *testing.T, b *Broker) {
		c := dial(t, b)
		createTopic(t, c, "w", 2)
		small, big := batchOf(t, 1000, 1, 100), batchOf(t, 1000, 4, 1000)
		produce(t, c, "w", 0, big)   // offsets 0-3
		produce(t, c, "w", 0, small) // offset 4
		produce(t, c, "w", 1, small)
		fetch := func(maxBytes int32, parts ...fetchPart) [][]record.Header {
			resp := do[*kmsg.FetchResponse](c, fetchReq(11, 0, 1, maxBytes, parts...))
			var out [][]record.Header
			for _, p := range resp.Topics[0].Partitions {
				if p.ErrorCode != 0 {
					t.Fatalf("partition %d: error %d", p.Partition, p.ErrorCode)
				}
				out = append(out, batchHeaders(t, p.RecordBatches))
			}
			return out
		}
		// Partition limit below the first batch: it comes whole, alone.
		got := fetch(1<<20, fetchPart{"w", 0, 0, 10})
		if len(got[0]) != 1 || got[0][0].Size() != len(big) {
			t.Fatalf("partition limit 10: %+v", got[0])
		}
		// Fetching from offset 2 returns the batch holding it (0-3).
		got = fetch(1<<20, fetchPart{"w", 0, 2, 1 << 20})
		if len(got[0]) != 2 || got[0][0].BaseOffset != 0 || got[0][1].BaseOffset != 4 {
			t.Fatalf("from offset 2: %+v", got[0])
		}
		// Response limit: partition 0's big batch uses it up, so partition
		// 1's batch (not the first of the response) does not fit.
		got = fetch(int32(len(big)+10), fetchPart{"w", 0, 0, 1 << 20}, fetchPart{"w", 1, 0, 1 << 20})
		if len(got[0]) != 1 || len(got[1]) != 0 {
			t.Fatalf("response limit: %d and %d batches", len(got[0]), len(got[1]))
		}
		// A partition limit that ends inside the second batch: one batch.
		got = fetch(1<<20, fetchPart{"w", 0, 0, int32(len(big) + len(small) - 1)})
		if len(got[0]) != 1 {
			t.Fatalf("partial second batch returned: %+v", got[0])
		}
	})
}

// TestFetchErrors: out-of-range offsets, unknown partitions and stale or
// future leader epochs are per-partition errors.
//
// Reference: docs/reference/kafka.md §1.3 error codes, §4 KIP-320.
func TestFetchErrors(t *testing.T) {
	testBroker(t, nil, func(t *testing.T, b *Broker) {
		c := dial(t, b)
		createTopic(t, c, "f", 1)
		produce(t, c, "f", 0, batchOf(t, 1000, 2, 10))
		for _, tc := range []struct {
			name  string
			part  fetchPart
			epoch int32
			want  *kerr.Error
		}{
			{"past the end", fetchPart{"f", 0, 3, 1000}, -1, kerr.OffsetOutOfRange},
			{"negative", fetchPart{"f", 0, -1, 1000}, -1, kerr.OffsetOutOfRange},
			{"unknown topic", fetchPart{"g", 0, 0, 1000}, -1, kerr.UnknownTopicOrPartition},
			{"future epoch", fetchPart{"f", 0, 0, 1000}, 1, kerr.UnknownLeaderEpoch},
		} {
			req := fetchReq(11, 5000, 1, 1<<20, tc.part)
			req.Topics[0].Partitions[0].CurrentLeaderEpoch = tc.epoch
			start := time.Now()
			resp := do[*kmsg.FetchResponse](c, req)
			if code := resp.Topics[0].Partitions[0].ErrorCode; code != tc.want.Code {
				t.Errorf("%s: error %d, want %s", tc.name, code, tc.want.Message)
			}
			if time.Since(start) != 0 {
				t.Errorf("%s: an error waited %v instead of answering at once", tc.name, time.Since(start))
			}
		}
		// At the log end: no error, nothing to read.
		resp := do[*kmsg.FetchResponse](c, fetchReq(11, 0, 1, 1<<20, fetchPart{"f", 0, 2, 1000}))
		if p := resp.Topics[0].Partitions[0]; p.ErrorCode != 0 || len(p.RecordBatches) != 0 {
			t.Fatalf("at the end: %+v", p)
		}
		// A session id we never handed out.
		req := fetchReq(11, 0, 1, 1<<20, fetchPart{"f", 0, 0, 1000})
		req.SessionID = 5
		if code := do[*kmsg.FetchResponse](c, req).ErrorCode; code != kerr.FetchSessionIDNotFound.Code {
			t.Fatalf("unknown session: error %d", code)
		}
	})
}

// TestLongPoll: a fetch finding less than min_bytes waits; a produce to
// one of its partitions wakes it at once (no fake time passes), and
// without one it answers empty after exactly max_wait.
//
// Reference: docs/reference/kafka.md §1.3; AK DelayedFetch.tryComplete.
func TestLongPoll(t *testing.T) {
	testBroker(t, nil, func(t *testing.T, b *Broker) {
		consumer, producer := dial(t, b), dial(t, b)
		createTopic(t, producer, "lp", 2)
		type result struct {
			resp    *kmsg.FetchResponse
			elapsed time.Duration
		}
		fetchAsync := func(req *kmsg.FetchRequest) chan result {
			ch := make(chan result, 1)
			start := time.Now()
			corr := consumer.send(req)
			go func() {
				resp := kmsg.NewPtrFetchResponse()
				resp.Version = req.Version
				consumer.recv(corr, resp)
				ch <- result{resp, time.Since(start)}
			}()
			return ch
		}
		// Woken by a produce to the second partition it waits on.
		ch := fetchAsync(fetchReq(11, 10_000, 1, 1<<20, fetchPart{"lp", 0, 0, 1 << 20}, fetchPart{"lp", 1, 0, 1 << 20}))
		synctest.Wait()
		select {
		case <-ch:
			t.Fatal("fetch answered before any data")
		default:
		}
		produce(t, producer, "lp", 1, batchOf(t, 1000, 1, 10))
		r := <-ch
		if r.elapsed != 0 || len(r.resp.Topics[0].Partitions[1].RecordBatches) == 0 {
			t.Fatalf("woken fetch: after %v, %d bytes", r.elapsed, len(r.resp.Topics[0].Partitions[1].RecordBatches))
		}
		// min_bytes larger than one produce: the first produce does not
		// satisfy it, the second does.
		n := int32(len(batchOf(t, 1000, 1, 10)))
		ch = fetchAsync(fetchReq(11, 10_000, n+1, 1<<20, fetchPart{"lp", 0, 0, 1 << 20}))
		produce(t, producer, "lp", 0, batchOf(t, 1000, 1, 10))
		synctest.Wait()
		select {
		case <-ch:
			t.Fatal("fetch answered below min_bytes")
		default:
		}
		produce(t, producer, "lp", 0, batchOf(t, 1000, 1, 10))
		if r := <-ch; r.elapsed != 0 || len(batchHeaders(t, r.resp.Topics[0].Partitions[0].RecordBatches)) != 2 {
			t.Fatalf("min_bytes fetch: after %v", r.elapsed)
		}
		// Nothing arrives: empty after max_wait.
		ch = fetchAsync(fetchReq(11, 500, 1, 1<<20, fetchPart{"lp", 0, 2, 1 << 20}))
		if r := <-ch; r.elapsed != 500*time.Millisecond || len(r.resp.Topics[0].Partitions[0].RecordBatches) != 0 {
			t.Fatalf("timed-out fetch: after %v", r.elapsed)
		}
	})
}

// TestListOffsets: earliest, latest, by timestamp (the first record at or
// after it, with its timestamp; -1 past the end), per-partition errors.
//
// Reference: docs/reference/kafka.md §1.3; AK Log.fetchOffsetByTimestamp; franz-go#706.
func TestListOffsets(t *testing.T) {
	testBroker(t, nil, func(t *testing.T, b *Broker) {
		c := dial(t, b)
		createTopic(t, c, "lo", 1)
		produce(t, c, "lo", 0, batchOf(t, 1000, 2, 10)) // offsets 0-1 at ts 1000
		produce(t, c, "lo", 0, batchOf(t, 5000, 3, 10)) // offsets 2-4 at ts 5000
		list := func(v int16, topic string, ts int64, epoch int32) kmsg.ListOffsetsResponseTopicPartition {
			req := kmsg.NewPtrListOffsetsRequest()
			req.Version, req.ReplicaID = v, -1
			rt := kmsg.NewListOffsetsRequestTopic()
			rt.Topic = topic
			rp := kmsg.NewListOffsetsRequestTopicPartition()
			rp.Timestamp, rp.CurrentLeaderEpoch = ts, epoch
			rt.Partitions = append(rt.Partitions, rp)
			req.Topics = append(req.Topics, rt)
			return do[*kmsg.ListOffsetsResponse](c, req).Topics[0].Partitions[0]
		}
		for _, v := range []int16{1, 2, 4, 5} {
			for _, tc := range []struct {
				ts, off, rts int64
			}{{-2, 0, -1}, {-1, 5, -1}, {0, 0, 1000}, {1000, 0, 1000}, {1001, 2, 5000}, {5000, 2, 5000}, {5001, -1, -1}} {
				p := list(v, "lo", tc.ts, -1)
				if p.ErrorCode != 0 || p.Offset != tc.off || p.Timestamp != tc.rts {
					t.Errorf("v%d ts %d: offset %d timestamp %d error %d, want %d %d", v, tc.ts, p.Offset, p.Timestamp, p.ErrorCode, tc.off, tc.rts)
				}
			}
		}
		if p := list(5, "missing", -1, -1); p.ErrorCode != kerr.UnknownTopicOrPartition.Code {
			t.Errorf("unknown topic: error %d", p.ErrorCode)
		}
		if p := list(4, "lo", -1, 3); p.ErrorCode != kerr.UnknownLeaderEpoch.Code {
			t.Errorf("future epoch: error %d", p.ErrorCode)
		}
		if p := list(4, "lo", -1, 0); p.ErrorCode != 0 || p.LeaderEpoch != 0 {
			t.Errorf("current epoch: %+v", p)
		}
	})
}
