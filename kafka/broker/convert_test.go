package broker

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/record"
)

// TestOldProduceUpConverts: Produce v0-2 carries magic 0/1 message sets;
// the log stores one RecordBatch v2 per request with the set's codec, and
// a v3+ fetch returns it; Fetch v0-3 get it back down-converted to magic
// 0 (v0-1) or 1 (v2-3), ListOffsets v0 answers old-style offsets.
//
// Reference: AK 2.3 LogValidator (up-conversion), KafkaApis
// maybeConvertFetchedData (down-conversion), handleListOffsetRequestV0;
// docs/reference/kafka.md §11.
func TestOldProduceUpConverts(t *testing.T) {
	testBroker(t, nil, func(t *testing.T, b *Broker) {
		c := dial(t, b)
		createTopic(t, c, "old", 1)
		var inner []byte
		for i := range 3 {
			inner = record.AppendMessage(inner, record.Message{Offset: int64(i), Magic: 1, Timestamp: 1000 + int64(i), Key: []byte{'k', byte('0' + i)}, Value: []byte{'v', byte('0' + i)}})
		}
		gz, err := record.Compress(nil, record.Gzip, inner)
		if err != nil {
			t.Fatal(err)
		}
		wrapper := record.AppendMessage(nil, record.Message{Offset: 2, Magic: 1, Attributes: int8(record.Gzip), Timestamp: 1002, Value: gz})
		plain0 := record.AppendMessage(nil, record.Message{Magic: 0, Value: []byte("v3")})
		for v, set := range map[int16][]byte{2: wrapper} {
			resp := do[*kmsg.ProduceResponse](c, produceReq(v, 1, "old", 0, set))
			if p := resp.Topics[0].Partitions[0]; p.ErrorCode != 0 || p.BaseOffset != 0 {
				t.Fatalf("produce v%d: %+v", v, p)
			}
		}
		if p := do[*kmsg.ProduceResponse](c, produceReq(0, 1, "old", 0, plain0)).Topics[0].Partitions[0]; p.ErrorCode != 0 || p.BaseOffset != 3 {
			t.Fatalf("produce v0: %+v", p)
		}
		// On the log: two v2 batches, the first gzip with 3 records.
		resp := do[*kmsg.FetchResponse](c, fetchReq(11, 0, 1, 1<<20, fetchPart{"old", 0, 0, 1 << 20}))
		hs := batchHeaders(t, resp.Topics[0].Partitions[0].RecordBatches)
		if len(hs) != 2 || hs[0].Attributes.Codec() != record.Gzip || hs[0].NumRecords != 3 || hs[1].Attributes.Codec() != record.None || hs[1].BaseOffset != 3 {
			t.Fatalf("stored batches %+v", hs)
		}
		for _, v := range []int16{0, 1, 2, 3} {
			resp := do[*kmsg.FetchResponse](c, fetchReq(v, 0, 1, 1<<20, fetchPart{"old", 0, 1, 1 << 20}))
			p := resp.Topics[0].Partitions[0]
			if p.ErrorCode != 0 || p.HighWatermark != 4 {
				t.Fatalf("fetch v%d: %+v", v, p)
			}
			ms, err := record.ReadMessageSet(p.RecordBatches)
			if err != nil {
				t.Fatalf("fetch v%d: %v", v, err)
			}
			wantMagic := int8(1)
			if v <= 1 {
				wantMagic = 0
			}
			// The gzip batch comes whole as one wrapper (offsets 0-2), the
			// consumer skipping offset 0; then offset 3.
			if ms.Magic != wantMagic || ms.Codec != record.Gzip || len(ms.Messages) != 4 || ms.Messages[3].Offset != 3 || string(ms.Messages[1].Value) != "v1" {
				t.Fatalf("fetch v%d: magic %d codec %v %+v", v, ms.Magic, ms.Codec, ms.Messages)
			}
		}
		lo := kmsg.NewPtrListOffsetsRequest()
		lo.Version = 0
		rt := kmsg.NewListOffsetsRequestTopic()
		rt.Topic = "old"
		rp := kmsg.NewListOffsetsRequestTopicPartition()
		rp.Timestamp, rp.MaxNumOffsets = -1, 1
		rt.Partitions = append(rt.Partitions, rp)
		lo.Topics = append(lo.Topics, rt)
		if got := do[*kmsg.ListOffsetsResponse](c, lo).Topics[0].Partitions[0].OldStyleOffsets; len(got) != 1 || got[0] != 4 {
			t.Fatalf("ListOffsets v0 latest: %v, want [4]", got)
		}
	})
}

// TestProduceV3Checks: from v3 a partition carries exactly one batch
// (two → CORRUPT_MESSAGE) and zstd needs v7 (below →
// UNSUPPORTED_COMPRESSION_TYPE); a zstd batch cannot be down-converted
// for Fetch v0-3. Nothing is appended by a refused request.
//
// Reference: AK 2.3 ProduceRequest.validateRecords (called per
// partition by KafkaApis.handleProduceRequest), RecordsUtil.downConvert.
func TestProduceV3Checks(t *testing.T) {
	testBroker(t, nil, func(t *testing.T, b *Broker) {
		c := dial(t, b)
		createTopic(t, c, "v3", 1)
		one := batchOf(t, 1000, 1, 10)
		two := append(append([]byte(nil), one...), one...)
		zstd, err := record.AppendBatch(nil, record.NoProducer(record.Zstd, 1000), []record.Record{{Value: []byte("z")}})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name    string
			version int16
			records []byte
			want    *kerr.Error
		}{
			{"two batches v3", 3, two, kerr.CorruptMessage},
			{"two batches v7", 7, two, kerr.CorruptMessage},
			{"zstd v6", 6, zstd, kerr.UnsupportedCompressionType},
			{"zstd v3", 3, zstd, kerr.UnsupportedCompressionType},
		} {
			p := do[*kmsg.ProduceResponse](c, produceReq(tc.version, 1, "v3", 0, tc.records)).Topics[0].Partitions[0]
			if p.ErrorCode != tc.want.Code {
				t.Errorf("%s: error %d, want %s", tc.name, p.ErrorCode, tc.want.Message)
			}
		}
		if off := produce(t, c, "v3", 0, zstd); off != 0 {
			t.Fatalf("a refused produce appended: zstd v7 at %d", off)
		}
		p := do[*kmsg.FetchResponse](c, fetchReq(2, 0, 1, 1<<20, fetchPart{"v3", 0, 0, 1 << 20})).Topics[0].Partitions[0]
		if p.ErrorCode != kerr.UnsupportedCompressionType.Code {
			t.Fatalf("fetch v2 of a zstd batch: error %d, want UNSUPPORTED_COMPRESSION_TYPE", p.ErrorCode)
		}
	})
}
