package partition

import "fmt"

// Lab 6, part 1: the hash every client agrees on. Read the handout
// (../README.md) first; docs/reference/kafka.md §6 has the steps.

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
	lab6NotImplemented("not implemented: lab 6 (Murmur2)")
	return 0
}

// ToPositive maps a hash onto [0, 2^31).
//
// Contract: ToPositive returns x with its sign bit cleared (x &
// 0x7fffffff), as Java's Utils.toPositive: ToPositive(-1) is 2147483647
// and ToPositive(math.MinInt32) is 0. It is not an absolute value.
//
// Reference: AK 2.3.1 Utils.toPositive.
func ToPositive(x int32) int32 {
	lab6NotImplemented("not implemented: lab 6 (ToPositive)")
	return 0
}

// lab6Stub remembers the first stub called. Delete it, lab6NotImplemented
// and the calls to it once you have written every function, and make
// lab6Unimplemented return nil.
var lab6Stub string

func lab6NotImplemented(msg string) {
	if lab6Stub == "" {
		lab6Stub = msg
	}
}

// lab6Unimplemented reports the first stub of lab 6 that was called.
func lab6Unimplemented() error {
	if lab6Stub != "" {
		return fmt.Errorf("%s", lab6Stub)
	}
	return nil
}
