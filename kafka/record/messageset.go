package record

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"

	"github.com/twmb/franz-go/pkg/kerr"
)

// The message formats before RecordBatch v2: magic 0 (Kafka 0.8-0.9) and
// magic 1 (0.10, KIP-32 timestamps). A message set is messages back to
// back, with no count:
//
//	offset      int64   the message's offset (see "compressed wrappers")
//	size        int32   bytes after this field
//	crc         uint32  CRC-32 (IEEE, not Castagnoli) of magic..end
//	magic       int8    0 or 1
//	attributes  int8    bits 0-2 codec (0 none, 1 gzip, 2 snappy, 3 lz4);
//	                    bit 3 (v1) timestamp type: 1 = LogAppendTime
//	timestamp   int64   v1 only
//	key         bytes   int32 length, -1 = null
//	value       bytes   int32 length, -1 = null
//
// Compressed wrappers. There are no batches: a compressed message set is
// one "wrapper" message whose value is the compressed bytes of an inner
// message set. In v0 the inner messages carry absolute offsets and the
// broker rewrites them all (so it recompresses); in v1 (KIP-31) they carry
// relative offsets 0..n-1 and the wrapper carries the absolute offset of
// the last one, so a broker can assign offsets by rewriting the wrapper
// alone. Wrappers do not nest: an inner message may not be compressed.
//
// Reference: docs/reference/kafka.md §2 "MessageSet v0/v1"; AK 2.3
// LegacyRecord.java, AbstractLegacyRecordBatch.java (DeepRecordsIterator).

// Legacy message layout.
const (
	msgOffCRC        = 12 // after offset, size
	msgOffMagic      = 16
	msgOffAttributes = 17
	msgHeaderV0      = 18 // offset, size, crc, magic, attributes
	msgHeaderV1      = 26 // + timestamp
	// MinMessageSize is the smallest message: a v0 header and two null
	// lengths (AK LegacyRecord.RECORD_OVERHEAD_V0 + LOG_OVERHEAD).
	MinMessageSize = msgHeaderV0 + 8

	msgAttrCodecMask     = 0x07
	msgAttrLogAppendTime = 0x08
)

// Message is one v0/v1 message. Key and Value alias the bytes it was read
// from (or a decompression buffer); nil is Kafka's null.
type Message struct {
	Offset     int64
	Magic      int8
	Attributes int8
	Timestamp  int64 // -1 (NO_TIMESTAMP) for magic 0
	Key        []byte
	Value      []byte
}

// Codec is the message's compression codec: not None only for a wrapper.
func (m *Message) Codec() Codec { return Codec(m.Attributes & msgAttrCodecMask) }

// LogAppendTime reports timestamp type 1 (v1 only).
func (m *Message) LogAppendTime() bool { return m.Magic >= 1 && m.Attributes&msgAttrLogAppendTime != 0 }

// IsLegacy reports whether b starts with a magic 0/1 message rather than a
// RecordBatch v2: byte 16 is the magic in both layouts.
func IsLegacy(b []byte) bool { return len(b) > msgOffMagic && b[msgOffMagic] < Magic }

// MessageSet is a decoded magic 0/1 message set: its messages with the
// wrappers opened, in order.
type MessageSet struct {
	Magic int8 // the magic of the last message (AK requires one magic per request in practice)
	// Codec is the codec of the last compressed wrapper, None if there
	// was none: the codec an up-converted batch keeps
	// (AK Log.analyzeAndValidateRecords sourceCodec).
	Codec    Codec
	Messages []Message // the records, wrappers opened; inner offsets made absolute
	Shallow  int       // messages at the top level (wrappers count one)
}

func legacyErr(format string, args ...any) error { return corrupt("message set: "+format, args...) }

// ReadMessageSet decodes a message set of magic 0/1 messages, checking
// every CRC (the wrappers' and, as AK does for compressed sets, the inner
// messages'), opening compressed wrappers, and making inner v1 offsets
// absolute. A partial message at the end is dropped, as Kafka drops it
// (a fetch may cut the last message; AK Log.trimInvalidBytes on produce);
// a set with no whole message is an error. Errors are CORRUPT_MESSAGE,
// except LZ4 in magic 0, which Kafka itself framed incorrectly before 0.10
// (KAFKA-3160) and which we decode only after repairing its header
// checksum.
func ReadMessageSet(b []byte) (MessageSet, error) {
	var ms MessageSet
	var buf []byte
	for len(b) > 0 {
		m, n, err := readMessage(b)
		if err != nil {
			return ms, err
		}
		if n == 0 {
			break // a partial trailing message
		}
		b = b[n:]
		ms.Shallow++
		ms.Magic = m.Magic
		if m.Codec() == None {
			ms.Messages = append(ms.Messages, m)
			continue
		}
		ms.Codec = m.Codec()
		inner, err := decompressLegacy(buf[:0], m)
		if err != nil {
			return ms, err
		}
		if ms.Messages, err = appendInner(ms.Messages, m, inner); err != nil {
			return ms, err
		}
	}
	if ms.Shallow == 0 {
		return ms, legacyErr("no whole message in %d bytes", len(b))
	}
	return ms, nil
}

// appendInner appends a wrapper's inner messages with absolute offsets.
func appendInner(out []Message, w Message, inner []byte) ([]Message, error) {
	start := len(out)
	for len(inner) > 0 {
		m, n, err := readMessage(inner)
		if err != nil {
			return out, err
		}
		if n == 0 {
			return out, legacyErr("compressed wrapper at offset %d holds a partial message", w.Offset)
		}
		inner = inner[n:]
		if m.Codec() != None {
			return out, legacyErr("compressed wrapper at offset %d holds a compressed message", w.Offset)
		}
		if m.Magic != w.Magic {
			return out, legacyErr("inner message magic %d inside a magic %d wrapper", m.Magic, w.Magic)
		}
		if w.LogAppendTime() {
			m.Timestamp, m.Attributes = w.Timestamp, m.Attributes|msgAttrLogAppendTime
		}
		out = append(out, m)
	}
	if len(out) == start {
		return out, legacyErr("compressed wrapper at offset %d is empty", w.Offset)
	}
	if w.Magic >= 1 {
		// Relative offsets: the wrapper holds the last one's absolute
		// offset (AK AbstractLegacyRecordBatch.DeepRecordsIterator).
		base := w.Offset - out[len(out)-1].Offset
		for i := start; i < len(out); i++ {
			out[i].Offset += base
		}
	}
	return out, nil
}

// readMessage decodes the message at the start of b. n is its size, 0
// (with no error) when b holds only part of it.
func readMessage(b []byte) (m Message, n int, err error) {
	if len(b) < 12 {
		return m, 0, nil
	}
	size := int32(binary.BigEndian.Uint32(b[8:]))
	if size < MinMessageSize-12 {
		return m, 0, legacyErr("message size %d is below the minimum %d", size, MinMessageSize-12)
	}
	if int64(size)+12 > int64(len(b)) {
		return m, 0, nil
	}
	n = int(size) + 12
	msg := b[:n]
	m.Offset = int64(binary.BigEndian.Uint64(msg))
	m.Magic = int8(msg[msgOffMagic])
	m.Attributes = int8(msg[msgOffAttributes])
	if m.Magic != 0 && m.Magic != 1 {
		return m, 0, legacyErr("magic %d in a message set (want 0 or 1)", m.Magic)
	}
	want := binary.BigEndian.Uint32(msg[msgOffCRC:])
	if got := crc32.ChecksumIEEE(msg[msgOffMagic:]); got != want {
		return m, 0, legacyErr("crc 0x%08x, computed 0x%08x", want, got)
	}
	rest := msg[msgHeaderV0:]
	m.Timestamp = -1
	if m.Magic == 1 {
		if len(rest) < 8+8 {
			return m, 0, legacyErr("v1 message of %d bytes is too short", n)
		}
		m.Timestamp = int64(binary.BigEndian.Uint64(rest))
		rest = rest[8:]
	}
	if m.Key, rest, err = readLegacyBytes(rest, "key"); err != nil {
		return m, 0, err
	}
	if m.Value, rest, err = readLegacyBytes(rest, "value"); err != nil {
		return m, 0, err
	}
	if len(rest) != 0 {
		return m, 0, legacyErr("%d bytes after the value", len(rest))
	}
	if c := m.Codec(); c > LZ4 {
		return m, 0, legacyErr("codec %d is not valid before magic 2", c)
	}
	return m, n, nil
}

func readLegacyBytes(b []byte, what string) (v, rest []byte, err error) {
	if len(b) < 4 {
		return nil, b, legacyErr("%s length truncated", what)
	}
	l := int32(binary.BigEndian.Uint32(b))
	b = b[4:]
	switch {
	case l == -1:
		return nil, b, nil
	case l < -1 || int64(l) > int64(len(b)):
		return nil, b, legacyErr("%s length %d with %d bytes left", what, l, len(b))
	}
	return b[:l:l], b[l:], nil
}

// decompressLegacy inflates a wrapper's value.
func decompressLegacy(dst []byte, w Message) ([]byte, error) {
	if w.Value == nil {
		return dst, legacyErr("compressed wrapper at offset %d has a null value", w.Offset)
	}
	src := w.Value
	if w.Codec() == LZ4 && w.Magic == 0 {
		src = fixLZ4HeaderChecksum(append([]byte(nil), src...), false)
	}
	return Decompress(dst, w.Codec(), src)
}

// LegacyOptions describe the message set DownConvert writes.
type LegacyOptions struct {
	Magic int8 // 0 (Fetch v0-1) or 1 (Fetch v2-3)
	// FirstOffset is the fetch offset: records below it are dropped from
	// uncompressed batches (librdkafka relies on it; AK
	// RecordsUtil.downConvert). Compressed batches go whole.
	FirstOffset int64
}

// ErrDownConvertZstd is why a zstd batch cannot be down-converted: magic
// 0/1 has no zstd codec (AK RecordsUtil.downConvert).
var ErrDownConvertZstd = &Error{Kafka: kerr.UnsupportedCompressionType, Reason: "down-conversion of zstandard-compressed batches is not supported"}

// DownConvert appends to dst the magic 0/1 message set holding the
// records of batches (whole RecordBatch v2, back to back: what a log read
// returns), as Kafka 2.3 does for a Fetch v0-3 (AK RecordsUtil.downConvert,
// MemoryRecordsBuilder): control batches are dropped; an uncompressed
// batch becomes one message per record; a compressed batch becomes one
// wrapper with the same codec, holding every record (v1: relative inner
// offsets, the wrapper at the last offset and the max timestamp). Headers
// are dropped (v0/v1 have none); magic 0 drops timestamps. A trailing
// partial batch is ignored.
func DownConvert(dst []byte, batches []byte, opt LegacyOptions) ([]byte, error) {
	if opt.Magic != 0 && opt.Magic != 1 {
		return dst, fmt.Errorf("record: cannot down-convert to magic %d", opt.Magic)
	}
	var buf []byte
	for len(batches) > 0 {
		batch, rest, h, err := Split(batches)
		if err != nil {
			if len(batches) < HeaderSize || h.Magic == Magic {
				break // a partial batch at the end of a read
			}
			return dst, err
		}
		batches = rest
		if h.Attributes.Control() {
			continue
		}
		codec := h.Attributes.Codec()
		if codec == Zstd {
			return dst, ErrDownConvertZstd
		}
		data, err := RecordsSection(buf[:0], batch, h)
		if err != nil {
			return dst, err
		}
		if codec != None {
			buf = data[:0]
		}
		ts := func(r *Record) int64 { return h.BaseTimestamp + r.TimestampDelta }
		attrs := int8(0)
		if h.Attributes.LogAppendTime() && opt.Magic >= 1 {
			attrs |= msgAttrLogAppendTime
			ts = func(*Record) int64 { return h.MaxTimestamp }
		}
		rs := NewRecords(data, h.NumRecords)
		var rec Record
		if codec == None {
			for rs.Next(&rec) {
				off := h.BaseOffset + int64(rec.OffsetDelta)
				if off < opt.FirstOffset {
					continue
				}
				dst = AppendMessage(dst, Message{Offset: off, Magic: opt.Magic, Attributes: attrs, Timestamp: ts(&rec), Key: rec.Key, Value: rec.Value})
			}
			if err := rs.Err(); err != nil {
				return dst, err
			}
			continue
		}
		var inner []byte
		var last, maxTS int64 = h.BaseOffset, -1
		for rs.Next(&rec) {
			last = h.BaseOffset + int64(rec.OffsetDelta)
			off := last
			if opt.Magic >= 1 {
				off = int64(rec.OffsetDelta) // relative to the first record
			}
			t := ts(&rec)
			maxTS = max(maxTS, t)
			inner = AppendMessage(inner, Message{Offset: off, Magic: opt.Magic, Attributes: attrs, Timestamp: t, Key: rec.Key, Value: rec.Value})
		}
		if err := rs.Err(); err != nil {
			return dst, err
		}
		if len(inner) == 0 {
			continue
		}
		value, err := Compress(nil, codec, inner)
		if err != nil {
			return dst, err
		}
		if codec == LZ4 && opt.Magic == 0 {
			value = fixLZ4HeaderChecksum(value, true)
		}
		dst = AppendMessage(dst, Message{Offset: last, Magic: opt.Magic, Attributes: attrs | int8(codec), Timestamp: maxTS, Value: value})
	}
	return dst, nil
}

// AppendMessage encodes one v0/v1 message (its CRC computed) onto dst.
func AppendMessage(dst []byte, m Message) []byte {
	start := len(dst)
	dst = binary.BigEndian.AppendUint64(dst, uint64(m.Offset))
	dst = append(dst, 0, 0, 0, 0, 0, 0, 0, 0) // size, crc
	dst = append(dst, byte(m.Magic), byte(m.Attributes))
	if m.Magic >= 1 {
		dst = binary.BigEndian.AppendUint64(dst, uint64(m.Timestamp))
	}
	dst = appendLegacyBytes(dst, m.Key)
	dst = appendLegacyBytes(dst, m.Value)
	msg := dst[start:]
	binary.BigEndian.PutUint32(msg[8:], uint32(len(msg)-12))
	binary.BigEndian.PutUint32(msg[msgOffCRC:], crc32.ChecksumIEEE(msg[msgOffMagic:]))
	return dst
}

func appendLegacyBytes(dst, b []byte) []byte {
	if b == nil {
		return binary.BigEndian.AppendUint32(dst, 0xffffffff)
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(b)))
	return append(dst, b...)
}

// UpConvert turns a decoded magic 0/1 message set into the one
// RecordBatch v2 Kafka 2.3 appends for it (AK LogValidator
// convertAndAssignOffsetsNonCompressed, buildRecordsAndAssignOffsets with
// compression.type=producer): every record in one batch, compressed with
// the set's codec, offsets 0..n-1 (the log assigns the real ones), no
// producer id, timestamps kept (-1 for magic 0, which has none). A
// producer may not set LogAppendTime (INVALID_TIMESTAMP).
func UpConvert(dst []byte, ms MessageSet) ([]byte, error) {
	if len(ms.Messages) == 0 {
		return dst, legacyErr("no records")
	}
	recs := make([]Record, len(ms.Messages))
	base := ms.Messages[0].Timestamp
	for i := range ms.Messages {
		m := &ms.Messages[i]
		if m.LogAppendTime() {
			return dst, &Error{Kafka: kerr.InvalidTimestamp, Reason: fmt.Sprintf("message at offset %d: a producer may not set timestamp type LogAppendTime", m.Offset)}
		}
		recs[i] = Record{OffsetDelta: int32(i), TimestampDelta: m.Timestamp - base, Key: m.Key, Value: m.Value}
	}
	return AppendBatch(dst, NoProducer(ms.Codec, base), recs)
}
