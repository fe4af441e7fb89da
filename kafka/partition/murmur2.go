package partition

import "encoding/binary"

// #region murmur2

// Murmur2 is Kafka's murmur2 hash of data, the int32 Java returns.
//
// Contract: Murmur2 returns the same int32 as Java's Utils.murmur2 for
// every byte slice (nil and empty included): seed 0x9747b28c, m
// 0x5bd1e995, r 24, h = seed ^ len; each 4-byte little-endian word k
// mixed as k *= m; k ^= k >>> r; k *= m; h *= m; h ^= k; the 1-3 tail
// bytes xored in falling through (3: b[2]<<16, 2: b[1]<<8, 1: b[0], then
// h *= m); then h ^= h >>> 13; h *= m; h ^= h >>> 15 — all in 32-bit
// wrapping arithmetic with unsigned shifts. It is a pure function.
//
// Reference: docs/reference/kafka.md §6; AK 2.3.1 Utils.murmur2 (its
// vectors: UtilsTest.testMurmur2, added in 2.4.0 for the same function).
func Murmur2(data []byte) int32 {
	const (
		seed = 0x9747b28c
		m    = 0x5bd1e995
		r    = 24
	)
	// uint32 arithmetic wraps as Java's int does, and its >> is Java's >>>.
	h := uint32(seed) ^ uint32(len(data))
	for len(data) >= 4 {
		k := binary.LittleEndian.Uint32(data)
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
		data = data[4:]
	}
	// The tail: Java's switch falls through from case 3 to case 1.
	switch len(data) {
	case 3:
		h ^= uint32(data[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(data[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(data[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

// #endregion murmur2

// #region to-positive

// ToPositive maps a hash onto [0, 2^31).
//
// Contract: ToPositive returns x with its sign bit cleared (x &
// 0x7fffffff), as Java's Utils.toPositive: ToPositive(-1) is 2147483647
// and ToPositive(math.MinInt32) is 0. It is not an absolute value.
//
// Reference: AK 2.3.1 Utils.toPositive.
func ToPositive(x int32) int32 { return x & 0x7fffffff }

// #endregion to-positive

// lab6Unimplemented is nil in the reference; the lab 6 skeleton reports
// the first stub a test called.
func lab6Unimplemented() error { return nil }
