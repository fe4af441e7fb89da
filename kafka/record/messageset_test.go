package record

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestAppendMessageMatchesKmsg: our v0/v1 message encoding is byte for
// byte what franz-go's kmsg.MessageV0/MessageV1 write (an independent
// encoder of the same format), null and empty keys included.
//
// Reference: AK 2.3 LegacyRecord.java (layout, CRC-32 over magic..end).
func TestAppendMessageMatchesKmsg(t *testing.T) {
	for _, key := range [][]byte{nil, {}, []byte("k")} {
		for _, value := range [][]byte{nil, []byte("value")} {
			got0 := AppendMessage(nil, Message{Offset: 7, Magic: 0, Attributes: 1, Key: key, Value: value})
			w0 := kmsg.MessageV0{Offset: 7, Magic: 0, Attributes: 1, Key: key, Value: value}
			w0.MessageSize = int32(len(got0) - 12)
			w0.CRC = int32(crc32.ChecksumIEEE(got0[16:]))
			if want := w0.AppendTo(nil); !bytes.Equal(got0, want) {
				t.Errorf("v0 key=%q value=%q:\n got %x\nwant %x", key, value, got0, want)
			}
			got1 := AppendMessage(nil, Message{Offset: -3, Magic: 1, Attributes: 8, Timestamp: 1234, Key: key, Value: value})
			w1 := kmsg.MessageV1{Offset: -3, Magic: 1, Attributes: 8, Timestamp: 1234, Key: key, Value: value}
			w1.MessageSize = int32(len(got1) - 12)
			w1.CRC = int32(crc32.ChecksumIEEE(got1[16:]))
			if want := w1.AppendTo(nil); !bytes.Equal(got1, want) {
				t.Errorf("v1 key=%q value=%q:\n got %x\nwant %x", key, value, got1, want)
			}
		}
	}
}

// legacySet builds a producer's message set: uncompressed messages, or
// one wrapper of codec holding them (v1 relative inner offsets, the
// wrapper at the last; v0 absolute), the way old clients write them.
func legacySet(t *testing.T, magic int8, codec Codec, ts int64, vals ...string) []byte {
	t.Helper()
	var inner []byte
	for i, v := range vals {
		inner = AppendMessage(inner, Message{Offset: int64(i), Magic: magic, Timestamp: ts + int64(i), Key: []byte("k" + v), Value: []byte(v)})
	}
	if codec == None {
		return inner
	}
	value, err := Compress(nil, codec, inner)
	if err != nil {
		t.Fatal(err)
	}
	if codec == LZ4 && magic == 0 {
		value = fixLZ4HeaderChecksum(value, true)
	}
	return AppendMessage(nil, Message{Offset: int64(len(vals) - 1), Magic: magic, Attributes: int8(codec), Timestamp: ts + int64(len(vals)-1), Value: value})
}

// TestReadMessageSetUpConvert: message sets of both magics, uncompressed
// and in every legacy codec, decode to their records (inner v1 offsets
// made absolute from the wrapper) and up-convert to one RecordBatch v2
// with the same codec, keys, values and (v1) timestamps.
//
// Reference: AK 2.3 LogValidator.convertAndAssignOffsetsNonCompressed and
// buildRecordsAndAssignOffsets (one batch, codec kept with
// compression.type=producer); AbstractLegacyRecordBatch DeepRecordsIterator.
func TestReadMessageSetUpConvert(t *testing.T) {
	for _, magic := range []int8{0, 1} {
		for _, codec := range []Codec{None, Gzip, Snappy, LZ4} {
			t.Run(fmt.Sprintf("v%d-%s", magic, codec), func(t *testing.T) {
				set := legacySet(t, magic, codec, 1000, "a", "b", "c")
				// Two wrappers in one set, as a v1 producer may send: the
				// second's wrapper offset (2) again names its last record.
				set = append(set, legacySet(t, magic, codec, 2000, "d", "e", "f")...)
				ms, err := ReadMessageSet(set)
				if err != nil {
					t.Fatal(err)
				}
				if ms.Codec != codec || ms.Magic != magic || len(ms.Messages) != 6 {
					t.Fatalf("set: codec %v magic %d, %d messages", ms.Codec, ms.Magic, len(ms.Messages))
				}
				if codec != None && magic == 1 {
					// v1 inner offsets are relative: 0,1,2 of each wrapper,
					// made absolute against the wrapper's offset 2.
					if got := []int64{ms.Messages[0].Offset, ms.Messages[3].Offset}; got[0] != 0 || got[1] != 0 {
						t.Fatalf("absolute inner offsets %v", got)
					}
				}
				batch, err := UpConvert(nil, ms)
				if err != nil {
					t.Fatal(err)
				}
				h, recs, err := ReadRecords(batch)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := Validate(batch); err != nil {
					t.Fatalf("up-converted batch invalid: %v", err)
				}
				if h.Attributes.Codec() != codec || h.NumRecords != 6 || h.ProducerID != -1 {
					t.Fatalf("batch header %+v", h)
				}
				for i, r := range recs {
					want := string(rune('a' + i))
					if string(r.Value) != want || string(r.Key) != "k"+want || r.OffsetDelta != int32(i) {
						t.Fatalf("record %d: %+v", i, r)
					}
					wantTS := int64(-1)
					if magic == 1 {
						wantTS = []int64{1000, 1001, 1002, 2000, 2001, 2002}[i]
					}
					if ts := h.BaseTimestamp + r.TimestampDelta; ts != wantTS {
						t.Fatalf("record %d timestamp %d, want %d", i, ts, wantTS)
					}
				}
			})
		}
	}
}

// TestReadMessageSetRejects: what AK refuses with CORRUPT_MESSAGE (a bad
// CRC outside or inside a wrapper, a compressed inner message, mixed
// magics in a wrapper, bad lengths) and LogAppendTime from a producer
// (INVALID_TIMESTAMP); a partial trailing message is dropped.
//
// Reference: AK 2.3 LegacyRecord.ensureValid, LogValidator.validateRecord
// and validateTimestamp, Log.trimInvalidBytes.
func TestReadMessageSetRejects(t *testing.T) {
	good := legacySet(t, 1, None, 1000, "a", "b")
	badCRC := append([]byte(nil), good...)
	badCRC[len(badCRC)-1] ^= 1
	innerBad := func() []byte {
		inner := AppendMessage(nil, Message{Magic: 1, Value: []byte("x")})
		inner[len(inner)-1] ^= 1
		v, _ := Compress(nil, Gzip, inner)
		return AppendMessage(nil, Message{Magic: 1, Attributes: int8(Gzip), Value: v})
	}()
	nested := func() []byte {
		v, _ := Compress(nil, Gzip, legacySet(t, 1, Gzip, 0, "a"))
		return AppendMessage(nil, Message{Magic: 1, Attributes: int8(Gzip), Value: v})
	}()
	mixed := func() []byte {
		v, _ := Compress(nil, Gzip, legacySet(t, 0, None, 0, "a"))
		return AppendMessage(nil, Message{Magic: 1, Attributes: int8(Gzip), Value: v})
	}()
	badLen := append([]byte(nil), good...)
	badLen[11] = 2 // size below the minimum
	for name, tc := range map[string]struct {
		set  []byte
		want *kerr.Error
	}{
		"bad crc":          {badCRC, kerr.CorruptMessage},
		"bad inner crc":    {innerBad, kerr.CorruptMessage},
		"nested wrapper":   {nested, kerr.CorruptMessage},
		"mixed magic":      {mixed, kerr.CorruptMessage},
		"bad size":         {badLen, kerr.CorruptMessage},
		"nothing whole":    {good[:20], kerr.CorruptMessage},
		"magic 2 in a set": {append(good[:len(good):len(good)], Simple(0, []byte("x"))...), kerr.CorruptMessage},
	} {
		_, err := ReadMessageSet(tc.set)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %s", name, err, tc.want.Message)
		}
	}
	ms, err := ReadMessageSet(good[:len(good)-3])
	if err != nil || len(ms.Messages) != 1 {
		t.Fatalf("partial tail: %d messages, %v; want the whole first one", len(ms.Messages), err)
	}
	lat := AppendMessage(nil, Message{Magic: 1, Attributes: msgAttrLogAppendTime, Timestamp: 5, Value: []byte("x")})
	ms, err = ReadMessageSet(lat)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := UpConvert(nil, ms); !errors.Is(err, kerr.InvalidTimestamp) {
		t.Fatalf("LogAppendTime from a producer: %v", err)
	}
}

// TestDownConvert: v2 batches become message sets a v0/v1 reader takes:
// uncompressed batches one message per record from the fetch offset on,
// compressed ones one wrapper of the same codec holding every record (v1:
// relative inner offsets, the wrapper at the last offset with the max
// timestamp); control batches vanish; zstd cannot be down-converted.
// Reading the result back gives the records at their offsets.
//
// Reference: AK 2.3 RecordsUtil.downConvert, MemoryRecordsBuilder
// (toInnerOffset, writeLegacyCompressedWrapperHeader).
func TestDownConvert(t *testing.T) {
	mk := func(codec Codec, base int64, ts int64, vals ...string) []byte {
		recs := make([]Record, len(vals))
		for i, v := range vals {
			recs[i] = Record{OffsetDelta: int32(i), TimestampDelta: int64(i), Key: []byte("k" + v), Value: []byte(v),
				Headers: []RecordHeader{{Key: "h", Value: []byte("dropped")}}}
		}
		opt := NoProducer(codec, ts)
		opt.BaseOffset = base
		b, err := AppendBatch(nil, opt, recs)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	control := func() []byte {
		opt := NoProducer(None, 0)
		opt.BaseOffset, opt.Control = 5, true
		b, _ := AppendBatch(nil, opt, []Record{{Key: []byte{0, 0, 0, 0}}})
		return b
	}()
	for _, magic := range []int8{0, 1} {
		for _, codec := range []Codec{None, Gzip, Snappy, LZ4} {
			t.Run(fmt.Sprintf("v%d-%s", magic, codec), func(t *testing.T) {
				log := append(mk(codec, 0, 100, "a", "b", "c"), mk(None, 3, 200, "d", "e")...)
				log = append(log, control...)
				log = append(log, mk(codec, 6, 300, "f")...)
				log = append(log, mk(None, 7, 400, "g")[:20]...) // a read may end mid-batch
				set, err := DownConvert(nil, log, LegacyOptions{Magic: magic, FirstOffset: 4})
				if err != nil {
					t.Fatal(err)
				}
				ms, err := ReadMessageSet(set)
				if err != nil {
					t.Fatal(err)
				}
				type rec struct {
					Off int64
					TS  int64
					V   string
				}
				var got []rec
				for _, m := range ms.Messages {
					if m.Magic != magic || string(m.Key) != "k"+string(m.Value) {
						t.Fatalf("message %+v", m)
					}
					got = append(got, rec{m.Offset, m.Timestamp, string(m.Value)})
				}
				ts := func(t int64) int64 {
					if magic == 0 {
						return -1
					}
					return t
				}
				want := []rec{{4, ts(201), "e"}, {6, ts(300), "f"}}
				if codec != None {
					// A compressed batch goes whole: the consumer skips
					// what is below its fetch offset.
					want = append([]rec{{0, ts(100), "a"}, {1, ts(101), "b"}, {2, ts(102), "c"}}, want...)
				}
				if d := cmp.Diff(want, got); d != "" {
					t.Fatalf("down-converted records (-want +got):\n%s", d)
				}
				if codec != None && ms.Codec != codec {
					t.Fatalf("wrapper codec %v, want %v", ms.Codec, codec)
				}
			})
		}
	}
	if _, err := DownConvert(nil, mk(Zstd, 0, 0, "z"), LegacyOptions{Magic: 1}); !errors.Is(err, kerr.UnsupportedCompressionType) {
		t.Fatalf("zstd: %v, want UNSUPPORTED_COMPRESSION_TYPE", err)
	}
}

// TestLZ4HeaderChecksum: our XXH32 gives the header checksum a standard
// LZ4 writer (pierrec/lz4) computes, and a magic-0 frame with Kafka's
// broken checksum (KAFKA-3160) decodes once repaired.
func TestLZ4HeaderChecksum(t *testing.T) {
	frame, err := Compress(nil, LZ4, bytes.Repeat([]byte("kafka "), 100))
	if err != nil {
		t.Fatal(err)
	}
	fixed := fixLZ4HeaderChecksum(append([]byte(nil), frame...), false)
	if !bytes.Equal(fixed, frame) {
		t.Fatal("recomputing a correct header checksum changed it: xxh32 is wrong")
	}
	broken := fixLZ4HeaderChecksum(append([]byte(nil), frame...), true)
	if bytes.Equal(broken, frame) {
		t.Fatal("the broken checksum equals the correct one for this descriptor; pick another input")
	}
	if _, err := Decompress(nil, LZ4, broken); err == nil {
		t.Fatal("a standard decoder accepted Kafka's broken magic-0 checksum")
	}
	set := legacySet(t, 0, LZ4, 0, "x", "y")
	if ms, err := ReadMessageSet(set); err != nil || len(ms.Messages) != 2 {
		t.Fatalf("magic 0 lz4: %v", err)
	}
}
