package record

import (
	"bytes"
	"testing"
)

// FuzzValidate feeds arbitrary bytes to the produce-path checks: they must
// never panic, and a batch they accept must decode to the records it
// counts and re-encode to the same bytes.
//
// Reference: docs/reference/kafka.md §2
func FuzzValidate(f *testing.F) {
	f.Add(Simple(1, []byte("hello"), nil, []byte{}))
	for _, c := range []Codec{Gzip, Snappy, LZ4, Zstd} {
		b, _ := AppendBatch(nil, NoProducer(c, 9), []Record{{Key: []byte("k"), Value: []byte("v"),
			Headers: []RecordHeader{{Key: "h", Value: []byte("x")}}}})
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add(make([]byte, HeaderSize))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := Validate(b)
		if err != nil {
			return
		}
		_, recs, err := ReadRecords(b)
		if err != nil {
			t.Fatalf("valid batch does not read: %v", err)
		}
		if len(recs) != int(h.NumRecords) {
			t.Fatalf("%d records, header says %d", len(recs), h.NumRecords)
		}
		if h.Attributes.Codec() != None || h.Attributes&^attrCodecMask != 0 {
			return // compressed bytes need not re-encode identically
		}
		opt := BatchOptions{BaseOffset: h.BaseOffset, PartitionLeaderEpoch: h.PartitionLeaderEpoch,
			BaseTimestamp: h.BaseTimestamp, ProducerID: h.ProducerID, ProducerEpoch: h.ProducerEpoch,
			BaseSequence: h.BaseSequence}
		again, err := AppendBatch(nil, opt, recs)
		if err != nil {
			t.Fatal(err)
		}
		// maxTimestamp is the producer's claim, not derived; compare the rest.
		copy(again[offMaxTimestamp:offMaxTimestamp+8], b[offMaxTimestamp:offMaxTimestamp+8])
		again = fixCRC(again)
		if !bytes.Equal(again, b) {
			// Varints have one canonical encoding only if minimal; a
			// non-minimal varint (e.g. 0x80 0x00) decodes fine but
			// re-encodes shorter. Kafka accepts those too.
			if len(again) >= len(b) {
				t.Fatalf("re-encoding differs:\n%x\n%x", b, again)
			}
		}
	})
}

// FuzzReadRecords checks the record iterator on arbitrary record sections.
func FuzzReadRecords(f *testing.F) {
	b := Simple(1, []byte("a"), []byte("b"))
	f.Add(b[HeaderSize:], int32(2))
	f.Add([]byte{0x01}, int32(1))
	f.Fuzz(func(t *testing.T, data []byte, n int32) {
		rs := NewRecords(data, n)
		var rec Record
		for rs.Next(&rec) {
		}
		_ = rs.Err()
	})
}

// FuzzMessageSet: decoding any bytes as a magic 0/1 message set, and
// up-converting what decodes, never panics; what up-converts is a valid
// RecordBatch v2; down-converting any bytes never panics either.
//
// Reference: the standard "bad input never panics" (docs/reference/kafka.md §2
// "MessageSet v0/v1").
func FuzzMessageSet(f *testing.F) {
	for _, magic := range []int8{0, 1} {
		for _, c := range []Codec{None, Gzip, Snappy, LZ4} {
			var inner []byte
			for i := range 3 {
				inner = AppendMessage(inner, Message{Offset: int64(i), Magic: magic, Timestamp: 5, Key: []byte("k"), Value: []byte("v")})
			}
			if c == None {
				f.Add(inner)
				continue
			}
			v, _ := Compress(nil, c, inner)
			f.Add(AppendMessage(nil, Message{Offset: 2, Magic: magic, Attributes: int8(c), Timestamp: 5, Value: v}))
		}
	}
	f.Add(Simple(1000, []byte("a"), nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		if ms, err := ReadMessageSet(b); err == nil {
			batch, err := UpConvert(nil, ms)
			if err == nil {
				if _, err := Validate(batch); err != nil {
					t.Fatalf("up-converted batch is invalid: %v", err)
				}
			}
		}
		DownConvert(nil, b, LegacyOptions{Magic: 1, FirstOffset: 1})
		DownConvert(nil, b, LegacyOptions{Magic: 0})
	})
}
