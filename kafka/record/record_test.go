package record

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/labs/sim"
)

// randRecords makes n records with random keys, values (including null
// and empty) and headers.
func randRecords(r *rand.Rand, n int) []Record {
	blob := func() []byte {
		switch r.IntN(4) {
		case 0:
			return nil
		case 1:
			return []byte{}
		}
		b := make([]byte, r.IntN(300))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return b
	}
	recs := make([]Record, n)
	for i := range recs {
		recs[i] = Record{TimestampDelta: int64(r.IntN(1 << 20)), OffsetDelta: int32(i), Key: blob(), Value: blob()}
		for j := r.IntN(3); j > 0; j-- {
			recs[i].Headers = append(recs[i].Headers, RecordHeader{Key: string(blob()) + "h", Value: blob()})
		}
	}
	return recs
}

// kmsgBatch encodes the same batch with franz-go's kmsg, an independent
// implementation, computing the CRC the way the spec says.
func kmsgBatch(opt BatchOptions, recs []Record) []byte {
	var raw []byte
	maxTS := opt.BaseTimestamp
	for i, rec := range recs {
		kr := kmsg.Record{TimestampDelta64: rec.TimestampDelta, OffsetDelta: rec.OffsetDelta, Key: rec.Key, Value: rec.Value}
		for _, h := range rec.Headers {
			kr.Headers = append(kr.Headers, kmsg.Header{Key: h.Key, Value: h.Value})
		}
		body := kr.AppendTo(nil)[1:] // Length 0 encodes as one byte
		kr.Length = int32(len(body))
		raw = kr.AppendTo(raw)
		if ts := opt.BaseTimestamp + rec.TimestampDelta; i == 0 || ts > maxTS {
			maxTS = ts
		}
	}
	kb := kmsg.RecordBatch{
		FirstOffset: opt.BaseOffset, PartitionLeaderEpoch: opt.PartitionLeaderEpoch, Magic: 2,
		Attributes: int16(opt.Codec), LastOffsetDelta: int32(len(recs) - 1),
		FirstTimestamp: opt.BaseTimestamp, MaxTimestamp: maxTS,
		ProducerID: opt.ProducerID, ProducerEpoch: opt.ProducerEpoch, FirstSequence: opt.BaseSequence,
		NumRecords: int32(len(recs)), Records: raw,
	}
	kb.Length = int32(len(kb.AppendTo(nil)) - 12)
	b := kb.AppendTo(nil)
	kb.CRC = int32(crc32.Checksum(b[21:], crc32.MakeTable(crc32.Castagnoli)))
	return kb.AppendTo(nil)
}

// TestBuildMatchesKmsg checks our encoder byte for byte against kmsg's,
// and our parser against kmsg's decoder, over random batches.
//
// Reference: docs/reference/kafka.md §2; DefaultRecordBatch.java, DefaultRecord.java
func TestBuildMatchesKmsg(t *testing.T) {
	r := sim.Rand(t)
	for iter := 0; iter < 200; iter++ {
		recs := randRecords(r, 1+r.IntN(20))
		opt := NoProducer(None, r.Int64N(1<<41))
		opt.BaseOffset = r.Int64N(1 << 40)
		opt.PartitionLeaderEpoch = r.Int32N(100) - 1
		ours, err := AppendBatch(nil, opt, recs)
		if err != nil {
			t.Fatal(err)
		}
		theirs := kmsgBatch(opt, recs)
		if !bytes.Equal(ours, theirs) {
			t.Fatalf("iteration %d: encodings differ\nours:   %x\ntheirs: %x", iter, ours, theirs)
		}

		var kb kmsg.RecordBatch
		if err := kb.ReadFrom(theirs); err != nil {
			t.Fatal(err)
		}
		h, err := Validate(theirs)
		if err != nil {
			t.Fatalf("iteration %d: Validate: %v", iter, err)
		}
		want := Header{
			BaseOffset: kb.FirstOffset, BatchLength: kb.Length, PartitionLeaderEpoch: kb.PartitionLeaderEpoch,
			Magic: kb.Magic, CRC: uint32(kb.CRC), Attributes: Attributes(kb.Attributes),
			LastOffsetDelta: kb.LastOffsetDelta, BaseTimestamp: kb.FirstTimestamp, MaxTimestamp: kb.MaxTimestamp,
			ProducerID: kb.ProducerID, ProducerEpoch: kb.ProducerEpoch, BaseSequence: kb.FirstSequence,
			NumRecords: kb.NumRecords,
		}
		if diff := cmp.Diff(want, h); diff != "" {
			t.Fatalf("header (-kmsg +ours):\n%s", diff)
		}
		_, got, err := ReadRecords(theirs)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(recs, got); diff != "" {
			t.Fatalf("records (-built +parsed):\n%s", diff)
		}
	}
}

// TestCodecsRoundTrip builds a batch with every codec, validates it, and
// reads back the records.
//
// Reference: docs/reference/kafka.md §2 (attributes bits 0-2)
func TestCodecsRoundTrip(t *testing.T) {
	r := sim.Rand(t)
	for _, c := range []Codec{None, Gzip, Snappy, LZ4, Zstd} {
		t.Run(c.String(), func(t *testing.T) {
			recs := randRecords(r, 50)
			b, err := AppendBatch(nil, NoProducer(c, 1000), recs)
			if err != nil {
				t.Fatal(err)
			}
			h, err := Validate(b)
			if err != nil {
				t.Fatal(err)
			}
			if h.Attributes.Codec() != c {
				t.Fatalf("codec %v, want %v", h.Attributes.Codec(), c)
			}
			_, got, err := ReadRecords(b)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(recs, got); diff != "" {
				t.Fatalf("records (-built +parsed):\n%s", diff)
			}
		})
	}
}

// TestSnappyXerial decodes snappy-java's framing, which the Java producer
// writes, as well as raw blocks.
//
// Reference: docs/reference/kafka.md §2; snappy-java SnappyOutputStream
func TestSnappyXerial(t *testing.T) {
	raw := bytes.Repeat([]byte("kafka "), 1000)
	block, _ := Compress(nil, Snappy, raw[:3000])
	block2, _ := Compress(nil, Snappy, raw[3000:])
	framed := append([]byte{}, xerialMagic...)
	framed = binary.BigEndian.AppendUint32(framed, 1)
	framed = binary.BigEndian.AppendUint32(framed, 1)
	for _, b := range [][]byte{block, block2} {
		framed = binary.BigEndian.AppendUint32(framed, uint32(len(b)))
		framed = append(framed, b...)
	}
	got, err := Decompress(nil, Snappy, framed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, raw) {
		t.Fatal("xerial decode differs")
	}
	if _, err := Decompress(nil, Snappy, framed[:len(framed)-3]); !errors.Is(err, kerr.CorruptMessage) {
		t.Fatalf("truncated xerial: %v, want CORRUPT_MESSAGE", err)
	}
}

// fixCRC recomputes the CRC so a test can reach the checks after it.
func fixCRC(b []byte) []byte {
	binary.BigEndian.PutUint32(b[offCRC:], ComputeCRC(b))
	return b
}

// TestValidateRejects checks each produce-path check fires with
// CORRUPT_MESSAGE.
//
// Reference: docs/reference/kafka.md §2; AK LogValidator.validateBatch, DefaultRecordBatch.ensureValid
func TestValidateRejects(t *testing.T) {
	good := func() []byte { return Simple(1000, []byte("a"), []byte("bb"), []byte("ccc")) }
	twoRecs := func() []byte {
		b, _ := AppendBatch(nil, NoProducer(None, 5), []Record{{OffsetDelta: 0, Value: []byte("x")}, {OffsetDelta: 2, Value: []byte("y")}})
		binary.BigEndian.PutUint32(b[offLastOffsetDelta:], 1)
		return fixCRC(b)
	}
	cases := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"short header", good()[:40]},
		{"bad crc", func() []byte { b := good(); b[len(b)-1] ^= 1; return b }()},
		{"crc field flipped", func() []byte { b := good(); b[offCRC] ^= 0x80; return b }()},
		{"magic 1", func() []byte { b := good(); b[offMagic] = 1; return b }()},
		{"length too long", func() []byte {
			b := good()
			binary.BigEndian.PutUint32(b[offBatchLength:], uint32(len(b)))
			return b
		}()},
		{"length too short", func() []byte {
			b := good()
			binary.BigEndian.PutUint32(b[offBatchLength:], uint32(len(b)-13))
			return b
		}()},
		{"trailing bytes", fixCRC(append(func() []byte {
			b := good()
			binary.BigEndian.PutUint32(b[offBatchLength:], uint32(len(b)+1-12))
			return b
		}(), 0))},
		{"lastOffsetDelta too big", func() []byte {
			b := good()
			binary.BigEndian.PutUint32(b[offLastOffsetDelta:], 3)
			return fixCRC(b)
		}()},
		{"count too big", func() []byte {
			b := good()
			binary.BigEndian.PutUint32(b[offRecordsCount:], 4)
			binary.BigEndian.PutUint32(b[offLastOffsetDelta:], 3)
			return fixCRC(b)
		}()},
		{"zero records", fixCRC(func() []byte { b, _ := AppendBatch(nil, NoProducer(None, 0), nil); return b }())},
		{"offset delta gap", twoRecs()},
		{"unknown codec", func() []byte {
			b := good()
			b[offAttributes+1] |= 7
			return fixCRC(b)
		}()},
		{"corrupt gzip", func() []byte {
			b := good()
			b[offAttributes+1] |= byte(Gzip)
			return fixCRC(b)
		}()},
		{"record length past end", func() []byte {
			b := good()
			b[HeaderSize] = 0x7e // zigzag 63: longer than the batch
			return fixCRC(b)
		}()},
		{"negative key length", func() []byte {
			b := Simple(0, []byte("v"))
			// length, attrs, tsDelta, offDelta, then key length -1 (0x01): make it -2 (0x03).
			if b[HeaderSize+4] != 0x01 {
				panic("layout changed")
			}
			b[HeaderSize+4] = 0x03
			return fixCRC(b)
		}()},
		{"overlong varint", func() []byte {
			b := Simple(0, []byte("v"))
			copy(b[HeaderSize+2:], []byte{0xff, 0xff, 0xff, 0xff, 0xff})
			return fixCRC(b)
		}()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Validate(c.b)
			if !errors.Is(err, kerr.CorruptMessage) {
				t.Fatalf("Validate = %v, want CORRUPT_MESSAGE", err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Code() != 2 {
				t.Fatalf("error %v is not a *record.Error with code 2", err)
			}
		})
	}
	if _, err := Validate(good()); err != nil {
		t.Fatalf("good batch: %v", err)
	}
}

// TestStampKeepsCRC checks that baseOffset and partitionLeaderEpoch lie
// outside the CRC, and that LogAppendTime recomputes it.
//
// Reference: docs/reference/kafka.md §2 "Broker rewrites"
func TestStampKeepsCRC(t *testing.T) {
	b := Simple(1000, []byte("x"), []byte("y"))
	SetBaseOffset(b, 1<<40)
	SetPartitionLeaderEpoch(b, 7)
	h, err := Validate(b)
	if err != nil {
		t.Fatal(err)
	}
	if h.BaseOffset != 1<<40 || h.PartitionLeaderEpoch != 7 || h.LastOffset() != 1<<40+1 {
		t.Fatalf("header %+v", h)
	}
	SetLogAppendTime(b, 5000)
	h, err = Validate(b)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Attributes.LogAppendTime() || h.MaxTimestamp != 5000 {
		t.Fatalf("after SetLogAppendTime: %+v", h)
	}
}

// TestSplit walks batches back to back, as in a produce request or a
// segment.
func TestSplit(t *testing.T) {
	a, b := Simple(1, []byte("a")), Simple(2, []byte("b"), []byte("c"))
	all := append(append([]byte{}, a...), b...)
	first, rest, h, err := Split(all)
	if err != nil || !bytes.Equal(first, a) || h.NumRecords != 1 {
		t.Fatalf("first: %v %d", err, h.NumRecords)
	}
	second, rest, h, err := Split(rest)
	if err != nil || !bytes.Equal(second, b) || len(rest) != 0 || h.NumRecords != 2 {
		t.Fatalf("second: %v", err)
	}
	if _, _, _, err := Split(all[:len(all)-1]); err != nil {
		t.Fatalf("first batch is whole: %v", err)
	}
	if _, _, _, err := Split(b[:len(b)-1]); !errors.Is(err, kerr.CorruptMessage) {
		t.Fatalf("torn batch: %v", err)
	}
	if n, ok := BatchSize(all); !ok || n != len(a) {
		t.Fatalf("BatchSize = %d %v", n, ok)
	}
}

// TestVarint checks zigzag varints against encoding/binary (the same
// encoding) and Kafka's 5/10-byte bounds.
//
// Reference: docs/reference/kafka.md §2; ByteUtils.readVarint
func TestVarint(t *testing.T) {
	r := sim.Rand(t)
	vals := []int64{0, -1, 1, 63, -64, 64, 1<<31 - 1, -1 << 31, 1<<63 - 1, -1 << 63}
	for i := 0; i < 1000; i++ {
		vals = append(vals, int64(r.Uint64())>>r.IntN(64))
	}
	for _, v := range vals {
		b := appendVarlong(nil, v)
		if !bytes.Equal(b, binary.AppendVarint(nil, v)) || len(b) != varlongSize(v) {
			t.Fatalf("%d encodes as %x", v, b)
		}
		got, n := readVarlong(b)
		if got != v || n != len(b) {
			t.Fatalf("%d decodes as %d (%d bytes)", v, got, n)
		}
		i32, n := readVarint(b)
		fits := v >= -1<<31 && v < 1<<31
		if fits != (n != 0) || (fits && int64(i32) != v) {
			t.Fatalf("readVarint(%d) = %d, %d", v, i32, n)
		}
	}
	if _, n := readVarlong(bytes.Repeat([]byte{0x80}, 10)); n != 0 {
		t.Fatal("11-byte varlong accepted")
	}
	if _, n := readVarlong([]byte{0x80}); n != 0 {
		t.Fatal("truncated varlong accepted")
	}
}
