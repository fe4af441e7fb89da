package partitioner

import "encoding/binary"

// Murmur2 is Kafka's murmur2 hash of b (AK Utils.murmur2), as the int32 Java
// returns. The arithmetic is uint32 so overflow wraps as Java's int does;
// the shifts are unsigned (Java's >>>).
func Murmur2(b []byte) int32 {
	const (
		seed = 0x9747b28c
		m    = 0x5bd1e995
		r    = 24
	)
	h := uint32(seed) ^ uint32(len(b))
	for len(b) >= 4 {
		k := binary.LittleEndian.Uint32(b)
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
		b = b[4:]
	}
	// The tail: Java's switch falls through from case 3 to case 1.
	switch len(b) {
	case 3:
		h ^= uint32(b[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(b[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(b[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return int32(h)
}

// ToPositive clears the sign bit (AK Utils.toPositive). It is not abs:
// abs(MinInt32) is still negative, and abs(-x) and x would collide.
func ToPositive(x int32) int32 { return x & 0x7fffffff }

// ForKey is the partition of a non-null key among n partitions, the Java
// client's choice. n must be positive.
func ForKey(key []byte, n int32) int32 {
	if n <= 0 {
		panic("partitioner: partition count must be positive") // a caller's broken invariant
	}
	return ToPositive(Murmur2(key)) % n
}
