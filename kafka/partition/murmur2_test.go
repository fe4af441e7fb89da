package partition

import (
	"math"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/zkafka/zkafka/labs/sim"
)

// TestMurmur2Vectors checks the hash against Kafka's own vectors. The test
// was added to UtilsTest in 2.4.0 (commit 55707ad, #5926); Utils.murmur2
// is the same function in 2.3.1 and 2.4.0.
//
// Reference: docs/reference/kafka.md §6; AK 2.4.0 UtilsTest.testMurmur2.
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
		if got := Murmur2([]byte(c.key)); got != c.want {
			t.Errorf("Murmur2(%q) = %d, want %d", c.key, got, c.want)
		}
	}
	// nil and empty are the same zero-length input.
	if Murmur2(nil) != Murmur2([]byte{}) {
		t.Errorf("Murmur2(nil) = %d, Murmur2([]byte{}) = %d", Murmur2(nil), Murmur2([]byte{}))
	}
}

// TestForKeyVectors: toPositive, then modulo all partitions.
//
// Reference: docs/reference/kafka.md §6 ("foobar" is partition 6 of 10,
// "abc" 7 of 10); AK 2.3.1 Utils.toPositive, DefaultPartitioner.partition.
func TestForKeyVectors(t *testing.T) {
	if got := ForKey([]byte("foobar"), 10); got != 6 {
		t.Errorf("ForKey(foobar, 10) = %d, want 6", got)
	}
	if got := ForKey([]byte("abc"), 10); got != 7 {
		t.Errorf("ForKey(abc, 10) = %d, want 7", got)
	}
	// toPositive is not abs: -790332482 & 0x7fffffff = 1357151166, while
	// |-790332482| % 10 would be 2.
	for _, c := range []struct{ in, want int32 }{
		{-790332482, 1357151166}, {math.MinInt32, 0}, {-1, math.MaxInt32}, {0, 0}, {42, 42},
	} {
		if got := ToPositive(c.in); got != c.want {
			t.Errorf("ToPositive(%d) = %d, want %d", c.in, got, c.want)
		}
	}
}

// TestMatchesFranzGo checks random keys (every tail length) against
// franz-go's independent murmur2 partitioner, which matches Java.
//
// Reference: docs/reference/kafka.md §6 (identical in FG pkg/kgo/partitioner.go).
func TestMatchesFranzGo(t *testing.T) {
	r := sim.Rand(t)
	p := kgo.StickyKeyPartitioner(nil).ForTopic("t")
	for i := 0; i < 2000; i++ {
		key := make([]byte, r.IntN(40))
		for j := range key {
			key[j] = byte(r.UintN(256))
		}
		n := 1 + r.IntN(64)
		want := p.Partition(&kgo.Record{Key: key}, n)
		if got := ForKey(key, int32(n)); int(got) != want {
			t.Fatalf("key %x, %d partitions: got %d, franz-go %d", key, n, got, want)
		}
	}
}
