package record

// Kafka's record fields are zigzag varints: (n << 1) ^ (n >> 63), then
// base-128 little-endian groups with a continuation bit. This is exactly
// encoding/binary's Varint, but Kafka bounds them: a varint (int32 field)
// has at most 5 bytes, a varlong (int64 field) at most 10. We decode by
// hand to enforce those bounds and to say which field was bad.
// Reference: docs/reference/kafka.md §2; ByteUtils.readVarint / readVarlong.

// readVarlong decodes a zigzag varlong from b. n is the bytes used; n == 0
// means b ended too early or the varint is longer than 10 bytes.
func readVarlong(b []byte) (v int64, n int) {
	var u uint64
	var shift uint
	for i := 0; i < len(b) && i < 10; i++ {
		c := b[i]
		if i == 9 && c > 1 {
			return 0, 0 // overflows 64 bits
		}
		u |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return int64(u>>1) ^ -int64(u&1), i + 1
		}
		shift += 7
	}
	return 0, 0
}

// readVarint decodes a zigzag varint that must fit an int32 (at most 5
// bytes). n == 0 means truncated, too long or out of range.
func readVarint(b []byte) (v int32, n int) {
	if len(b) > 5 {
		b = b[:5]
	}
	x, n := readVarlong(b)
	if n == 0 || x < -1<<31 || x > 1<<31-1 {
		return 0, 0
	}
	return int32(x), n
}

// appendVarlong appends the zigzag varint encoding of v.
func appendVarlong(b []byte, v int64) []byte {
	u := uint64(v<<1) ^ uint64(v>>63)
	for u >= 0x80 {
		b = append(b, byte(u)|0x80)
		u >>= 7
	}
	return append(b, byte(u))
}

// varlongSize is len(appendVarlong(nil, v)) without appending.
func varlongSize(v int64) int {
	u := uint64(v<<1) ^ uint64(v>>63)
	n := 1
	for u >= 0x80 {
		u >>= 7
		n++
	}
	return n
}
