package client

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim"
)

func testRecords(n int, t0 time.Time) []Record {
	recs := make([]Record, n)
	for i := range recs {
		recs[i] = Record{
			Timestamp: t0.Add(time.Duration(i) * time.Millisecond),
			Value:     []byte(fmt.Sprintf("value-%d", i)),
		}
		if i%3 != 0 {
			recs[i].Key = []byte(fmt.Sprintf("key-%d", i))
		}
		if i%4 == 1 {
			recs[i].Headers = []record.RecordHeader{{Key: "h", Value: []byte{byte(i)}}}
		}
	}
	return recs
}

// TestBuildBatchAsKmsgReadsIt checks a produced batch field by field with
// franz-go's independent decoder: a producer's header (baseOffset 0,
// partitionLeaderEpoch -1, magic 2, producerId -1, offset deltas 0..n-1,
// timestamps as deltas from the first) and the records as given.
//
// Reference: docs/reference/kafka.md §2 (RecordBatch v2); DefaultRecordBatch.java.
func TestBuildBatchAsKmsgReadsIt(t *testing.T) {
	t0 := time.UnixMilli(1_700_000_000_000)
	recs := testRecords(7, t0)
	b, err := BuildBatch(nil, record.None, recs)
	if err != nil {
		t.Fatal(err)
	}
	var kb kmsg.RecordBatch
	if err := kb.ReadFrom(b); err != nil {
		t.Fatal(err)
	}
	if kb.FirstOffset != 0 || kb.PartitionLeaderEpoch != -1 || kb.Magic != 2 || kb.ProducerID != -1 ||
		kb.ProducerEpoch != -1 || kb.FirstSequence != -1 || kb.LastOffsetDelta != 6 || kb.NumRecords != 7 {
		t.Fatalf("header: %+v", kb)
	}
	if kb.FirstTimestamp != t0.UnixMilli() || kb.MaxTimestamp != t0.UnixMilli()+6 {
		t.Fatalf("timestamps: first %d max %d", kb.FirstTimestamp, kb.MaxTimestamp)
	}
	if int(kb.Length)+12 != len(b) {
		t.Fatalf("batchLength %d for %d bytes", kb.Length, len(b))
	}
	raw := kb.Records
	for i := 0; i < 7; i++ {
		var kr kmsg.Record
		n, _ := varintLen(raw)
		if err := kr.ReadFrom(raw[:n]); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		raw = raw[n:]
		if kr.OffsetDelta != int32(i) || kr.TimestampDelta64 != int64(i) ||
			!bytes.Equal(kr.Value, recs[i].Value) || !bytes.Equal(kr.Key, recs[i].Key) || (kr.Key == nil) != (recs[i].Key == nil) {
			t.Fatalf("record %d: %+v", i, kr)
		}
		if len(kr.Headers) != len(recs[i].Headers) {
			t.Fatalf("record %d: %d headers", i, len(kr.Headers))
		}
	}
	if _, err := record.Validate(b); err != nil {
		t.Fatalf("a broker would refuse our batch: %v", err)
	}
}

// varintLen returns the size of a varint-length-prefixed record.
func varintLen(b []byte) (int, error) {
	var ux uint64
	var s uint
	for i, c := range b {
		ux |= uint64(c&0x7f) << s
		if c < 0x80 {
			v := int64(ux >> 1)
			if ux&1 != 0 {
				v = ^v
			}
			return i + 1 + int(v), nil
		}
		s += 7
	}
	return 0, errors.New("bad varint")
}

// stamp sets a batch's baseOffset as a broker does.
func stamp(b []byte, base int64) []byte {
	record.SetBaseOffset(b, base)
	return b
}

// TestDecodeBatchesRoundTrip builds batches with every codec, lays them
// out as a fetch response would (offsets stamped, back to back, the last
// batch cut short at max bytes), and checks what a consumer at a given
// position gets: the records from that position on, the partial batch
// dropped, and the next fetch offset just past the last whole batch.
//
// Reference: docs/reference/kafka.md §2 "Fetch truncation"; KIP-74.
func TestDecodeBatchesRoundTrip(t *testing.T) {
	r := sim.Rand(t)
	t0 := time.UnixMilli(1_700_000_000_000)
	for _, codec := range []record.Codec{record.None, record.Gzip, record.Snappy, record.LZ4, record.Zstd} {
		t.Run(codec.String(), func(t *testing.T) {
			var all []Record
			var wire []byte
			var base int64
			for i := 0; i < 4; i++ {
				recs := testRecords(1+r.IntN(5), t0)
				b, err := BuildBatch(nil, codec, recs)
				if err != nil {
					t.Fatal(err)
				}
				wire = append(wire, stamp(b, base)...)
				for j := range recs {
					recs[j].Offset = base + int64(j)
					all = append(all, recs[j])
				}
				base += int64(len(recs))
			}
			last, _ := BuildBatch(nil, codec, testRecords(3, t0))
			cut := wire[:len(wire):len(wire)]
			cut = append(cut, stamp(last, base)[:1+r.IntN(len(last)-1)]...)

			from := int64(r.IntN(int(base)))
			got, next, err := DecodeBatches("t", 0, cut, from)
			if err != nil {
				t.Fatal(err)
			}
			if next != base {
				t.Fatalf("next = %d, want %d (past the last whole batch)", next, base)
			}
			want := all[from:]
			if len(got) != len(want) {
				t.Fatalf("from %d: %d records, want %d", from, len(got), len(want))
			}
			for i := range got {
				if got[i].Offset != want[i].Offset || !bytes.Equal(got[i].Value, want[i].Value) ||
					!bytes.Equal(got[i].Key, want[i].Key) || !got[i].Timestamp.Equal(want[i].Timestamp) ||
					len(got[i].Headers) != len(want[i].Headers) {
					t.Fatalf("record %d: got %+v, want %+v", i, got[i], want[i])
				}
			}
		})
	}
}

// TestDecodeBatchesRejectsBadCRC checks that a corrupted batch is an
// error (check.crcs), not silently returned data.
//
// Reference: docs/reference/kafka.md §2 (CRC-32C over [21, end)).
func TestDecodeBatchesRejectsBadCRC(t *testing.T) {
	b, _ := BuildBatch(nil, record.None, testRecords(3, time.UnixMilli(0)))
	b[len(b)-1] ^= 0xff
	_, _, err := DecodeBatches("t", 0, b, 0)
	if !errors.Is(err, kerr.CorruptMessage) {
		t.Fatalf("err = %v, want CORRUPT_MESSAGE", err)
	}
}

// TestDecodeBatchesSkipsControl checks that a control batch (a
// transaction marker) yields no records but moves the position past it.
//
// Reference: docs/reference/kafka.md §2 (attributes bit 5).
func TestDecodeBatchesSkipsControl(t *testing.T) {
	opt := record.NoProducer(record.None, 0)
	opt.Control = true
	ctl, err := record.AppendBatch(nil, opt, []record.Record{{Key: []byte{0, 0, 0, 0}, Value: []byte{0, 0, 0, 0, 0, 0}}})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := BuildBatch(nil, record.None, testRecords(2, time.UnixMilli(0)))
	wire := append(stamp(ctl, 0), stamp(data, 1)...)
	got, next, err := DecodeBatches("t", 0, wire, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Offset != 1 || next != 3 {
		t.Fatalf("got %d records (first offset %d), next %d; want 2 from offset 1, next 3", len(got), got[0].Offset, next)
	}
}
