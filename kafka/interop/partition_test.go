//go:build interop

package interop_test

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/zkafka/zkafka/kafka/client"
	"github.com/zkafka/zkafka/kafka/partition"
	"github.com/zkafka/zkafka/labs/sim"
)

// partitionScript reads "hexkey n" lines and prints, for each, the
// partition kafka-python's DefaultPartitioner picks and the one
// librdkafka's murmur2_random partitioner picks (its exported
// rd_kafka_msg_partitioner_murmur2_random, called through ctypes: for a
// non-null key it touches no topic handle), or -1 without librdkafka.
const partitionScript = `
import sys, ctypes
from kafka.partitioner.default import DefaultPartitioner
try:
    lib = ctypes.CDLL("librdkafka.so.1")
    rdk = lib.rd_kafka_msg_partitioner_murmur2_random
    rdk.restype = ctypes.c_int32
    rdk.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p]
except OSError:
    rdk = None
kp = DefaultPartitioner()
for line in sys.stdin:
    k, n = line.split()
    key, n = bytes.fromhex(k), int(n)
    parts = list(range(n))
    r = rdk(None, key, len(key), n, None, None) if rdk else -1
    print(kp(key, parts, parts), r)
`

// TestPartitionersAgree: for thousands of seeded random keys (every tail
// length, empty keys for kafka-python) and partition counts, our ForKey,
// kafka-python 2.0's DefaultPartitioner and librdkafka 2.0's
// murmur2_random pick the same partition.
//
// Reference: docs/reference/kafka.md §6 (murmur2 identical in KP
// kafka/partitioner/default.py and RDK rdmurmur2.c; librdkafka needs
// partitioner=murmur2_random); AK 2.3.1 DefaultPartitioner.partition.
func TestPartitionersAgree(t *testing.T) {
	needKafkaPython(t)
	r := sim.Rand(t)
	type tc struct {
		key []byte
		n   int32
	}
	var cases []tc
	var in strings.Builder
	for i := 0; i < 5000; i++ {
		key := make([]byte, 1+r.IntN(40))
		for j := range key {
			key[j] = byte(r.UintN(256))
		}
		if i%10 == 0 { // printable keys too, as a learner would type them
			key = []byte(fmt.Sprintf("user-%d", r.IntN(1_000_000)))
		}
		c := tc{key, int32(1 + r.IntN(100))}
		cases = append(cases, c)
		fmt.Fprintf(&in, "%s %d\n", hex.EncodeToString(c.key), c.n)
	}
	out := strings.Split(strings.TrimSpace(run(t, in.String(), "/usr/bin/python3", "-c", partitionScript)), "\n")
	if len(out) != len(cases) {
		t.Fatalf("python printed %d lines for %d keys", len(out), len(cases))
	}
	noRdk := false
	for i, c := range cases {
		var kp, rdk int32
		if _, err := fmt.Sscan(out[i], &kp, &rdk); err != nil {
			t.Fatalf("line %d %q: %v", i, out[i], err)
		}
		ours := partition.ForKey(c.key, c.n)
		if kp != ours {
			t.Fatalf("key %x, %d partitions: ForKey %d, kafka-python %d", c.key, c.n, ours, kp)
		}
		if rdk == -1 {
			noRdk = true
		} else if rdk != ours {
			t.Fatalf("key %x, %d partitions: ForKey %d, librdkafka murmur2_random %d", c.key, c.n, ours, rdk)
		}
	}
	if noRdk {
		t.Log("librdkafka.so.1 not found (apt-get install -y librdkafka1): checked kafka-python only")
	}
}

// TestKcatMurmur2Random: kcat with -X partitioner=murmur2_random produces
// keyed records to a 6-partition topic on our broker; every record is on
// the partition ForKey names, and our producer puts the same keys there.
//
// Reference: docs/reference/kafka.md §6 (librdkafka's default is
// consistent_random, CRC32; murmur2_random matches Java).
func TestKcatMurmur2Random(t *testing.T) {
	kcat := needKcat(t)
	b := startBroker(t, func(c *brokerConfig) { c.NumPartitions = 6 })
	var in strings.Builder
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&in, "user-%d:v%d\n", i, i)
	}
	run(t, in.String(), kcat, "-b", b.Addr(), "-P", "-t", "keyed", "-K:", "-X", "partitioner=murmur2_random")
	seen := 0
	for p := int32(0); p < 6; p++ {
		out := run(t, "", kcat, "-b", b.Addr(), "-C", "-t", "keyed", "-p", fmt.Sprint(p), "-o", "beginning", "-e", "-f", "%k\n")
		for _, k := range strings.Fields(out) {
			if want := partition.ForKey([]byte(k), 6); want != p {
				t.Errorf("kcat put %q on partition %d, ForKey says %d", k, p, want)
			}
			seen++
		}
	}
	if seen != 200 {
		t.Fatalf("consumed %d of 200 records", seen)
	}

	c, err := client.New(client.Config{Brokers: []string{b.Addr()}})
	check(t, err)
	defer c.Close()
	pr := client.NewProducer(c, client.DefaultProducerConfig())
	for i := 0; i < 50; i++ {
		pr.Buffer(client.Record{Topic: "keyed", Key: []byte(fmt.Sprintf("user-%d", i)), Value: []byte("ours")})
	}
	res, err := pr.Flush(ctx(t))
	check(t, err)
	for _, r := range res {
		if want := partition.ForKey(r.Record.Key, 6); r.Record.Partition != want {
			t.Errorf("our producer put %q on partition %d, ForKey (and kcat) %d", r.Record.Key, r.Record.Partition, want)
		}
	}
}
