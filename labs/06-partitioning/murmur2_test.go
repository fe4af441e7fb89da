//go:build grade

package lab06_test

import (
	"math"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/zkafka/zkafka/kafka/partition"
	"github.com/zkafka/zkafka/labs/sim"
)

// TestMurmur2Vectors checks Murmur2 against the vectors of Kafka's own
// test, as the int32 Java returns.
//
// Points: 10
// Reference: docs/reference/kafka.md §6; AK 2.4.0 UtilsTest.testMurmur2 (the test arrived in 2.4.0, for 2.3.1's unchanged Utils.murmur2)
func TestMurmur2Vectors(t *testing.T) {
	for _, c := range []struct {
		key  string
		want int32
	}{
		{"21", -973932308},
		{"foobar", -790332482},
		{"a-little-bit-long-string", -985981536},
		{"a-little-bit-longer-string", -1486304829},
		{"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971},
		{"abc", 479470107},
	} {
		if got := partition.Murmur2([]byte(c.key)); got != c.want {
			errorf(t, "Murmur2(%q) = %d, want %d", c.key, got, c.want)
		}
	}
}

// TestMurmur2EveryLength checks Murmur2 on seeded random keys of every
// length from 0 to 40 bytes (each tail length, bytes above 0x7f) against
// franz-go's independent murmur2, which agrees with Java.
//
// Points: 10
// Reference: docs/reference/kafka.md §6 (murmur2 is identical in FG pkg/kgo/partitioner.go); AK 2.3.1 Utils.murmur2
func TestMurmur2EveryLength(t *testing.T) {
	r := sim.Rand(t)
	p := kgo.StickyKeyPartitioner(nil).ForTopic("t")
	for n := 0; n <= 40; n++ {
		for range 50 {
			key := make([]byte, n)
			for j := range key {
				key[j] = byte(r.UintN(256))
			}
			// franz-go's choice among 2^31-1 partitions is murmur2 & 0x7fffffff
			// itself (below 2^31-1), which pins 31 of the hash's 32 bits.
			want := int32(p.Partition(&kgo.Record{Key: key}, math.MaxInt32))
			if got := partition.Murmur2(key) & 0x7fffffff; got != want && !(want == 0 && got == math.MaxInt32) {
				fatalf(t, "Murmur2(%x) & 0x7fffffff = %d, franz-go's murmur2 gives %d", key, got, want)
			}
		}
	}
}

// TestToPositive checks that ToPositive clears the sign bit, as Java's
// Utils.toPositive, and is not an absolute value.
//
// Points: 5
// Reference: docs/reference/kafka.md §6 ("It is not abs()"); AK 2.3.1 Utils.toPositive
func TestToPositive(t *testing.T) {
	for _, c := range []struct{ in, want int32 }{
		{-790332482, 1357151166}, // "foobar": abs would give 790332482
		{math.MinInt32, 0},       // abs(MinInt32) is still negative
		{-1, math.MaxInt32},
		{0, 0},
		{479470107, 479470107},
		{math.MaxInt32, math.MaxInt32},
	} {
		if got := partition.ToPositive(c.in); got != c.want {
			errorf(t, "ToPositive(%d) = %d, want %d", c.in, got, c.want)
		}
	}
}

// TestForKey checks the keyed partition: Kafka's "foobar" and "abc"
// examples, then seeded random keys and partition counts against
// franz-go's murmur2 partitioner (Java's choice).
//
// Points: 10
// Reference: docs/reference/kafka.md §6 ("foobar" → 6 of 10, "abc" → 7 of 10); AK 2.3.1 DefaultPartitioner.partition
func TestForKey(t *testing.T) {
	if got := partition.ForKey([]byte("foobar"), 10); got != 6 {
		errorf(t, "ForKey(\"foobar\", 10) = %d, want 6 (toPositive, then modulo; abs would give 2)", got)
	}
	if got := partition.ForKey([]byte("abc"), 10); got != 7 {
		errorf(t, "ForKey(\"abc\", 10) = %d, want 7", got)
	}
	r := sim.Rand(t)
	p := kgo.StickyKeyPartitioner(nil).ForTopic("t")
	for range 3000 {
		key := make([]byte, 1+r.IntN(30))
		for j := range key {
			key[j] = byte(r.UintN(256))
		}
		n := 2 + r.IntN(100)
		want := p.Partition(&kgo.Record{Key: key}, n)
		if got := partition.ForKey(key, int32(n)); int(got) != want {
			fatalf(t, "ForKey(%x, %d) = %d, Java (franz-go) picks %d", key, n, got, want)
		}
	}
}
