//go:build interop

package interop_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// These tests run real clients from Debian packages against our broker:
// kcat 1.7 (librdkafka 2.0; package kcat) and kafka-python 2.0 (package
// python3-kafka, run with /usr/bin/python3). Run them with
//
//	go test -tags interop ./kafka/interop/

func needKcat(t *testing.T) string {
	path, err := exec.LookPath("kcat")
	if err != nil {
		t.Skip("kcat not installed: apt-get install -y kcat")
	}
	return path
}

func needKafkaPython(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import kafka").Run(); err != nil {
		t.Skip("kafka-python not installed: apt-get install -y python3-kafka")
	}
}

// run runs a command with a deadline and returns its stdout.
func run(t *testing.T, stdin string, name string, args ...string) string {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(c, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// TestKcat: kcat produces keyed records with every codec to a chosen
// partition (auto-creating the topic), consumes them from the beginning
// to the end, and lists metadata.
//
// Reference: docs/reference/kafka.md §1.2 (librdkafka sends ApiVersions v3 and falls
// back), §1.3 (librdkafka's ranges and feature map).
func TestKcat(t *testing.T) {
	kcat := needKcat(t)
	b := startBroker(t, func(c *brokerConfig) { c.NumPartitions = 3 })
	for _, codec := range []string{"none", "gzip", "snappy", "lz4", "zstd"} {
		t.Run(codec, func(t *testing.T) {
			topic := "kcat-" + codec
			var in strings.Builder
			for i := range 20 {
				fmt.Fprintf(&in, "key%d:value-%d-%s\n", i, i, codec)
			}
			run(t, in.String(), kcat, "-b", b.Addr(), "-P", "-t", topic, "-p", "2", "-K:", "-X", "compression.codec="+codec)
			out := run(t, "", kcat, "-b", b.Addr(), "-C", "-t", topic, "-p", "2", "-o", "beginning", "-e", "-f", "%o %k=%s\n")
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 20 {
				t.Fatalf("consumed %d records, want 20:\n%s", len(lines), out)
			}
			for i, l := range lines {
				if want := fmt.Sprintf("%d key%d=value-%d-%s", i, i, i, codec); l != want {
					t.Fatalf("record %d: %q, want %q", i, l, want)
				}
			}
		})
	}
	var meta struct {
		Brokers []struct {
			ID   int32  `json:"id"`
			Name string `json:"name"`
		} `json:"brokers"`
		Topics []struct {
			Topic      string `json:"topic"`
			Partitions []struct {
				Partition int32 `json:"partition"`
				Leader    int32 `json:"leader"`
			} `json:"partitions"`
		} `json:"topics"`
	}
	out := run(t, "", kcat, "-b", b.Addr(), "-L", "-J")
	if err := json.Unmarshal([]byte(out), &meta); err != nil {
		t.Fatalf("kcat -L -J: %v\n%s", err, out)
	}
	if len(meta.Brokers) != 1 || meta.Brokers[0].Name != b.Addr() || len(meta.Topics) != 5 || len(meta.Topics[0].Partitions) != 3 {
		t.Fatalf("kcat -L: %s", out)
	}
}

// TestKafkaPython: kafka-python infers Kafka 2.3 from our ApiVersions v0
// answer, produces (keyed, gzip), and consumes with assign + seek and
// with a group-less subscription from the earliest offset.
//
// Reference: docs/reference/kafka.md §1.3 gotcha 2 (kafka-python's version inference).
func TestKafkaPython(t *testing.T) {
	needKafkaPython(t)
	b := startBroker(t, nil)
	script := `
import sys, json
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
addr = sys.argv[1]
p = KafkaProducer(bootstrap_servers=addr, compression_type='gzip')
for i in range(10):
    p.send('py', key=b'k%d' % i, value=b'v%d' % i, headers=[('h', b'%d' % i)])
p.flush()
version = p.config['api_version']
p.close()
c = KafkaConsumer(bootstrap_servers=addr, group_id=None, enable_auto_commit=False, consumer_timeout_ms=2000)
tp = TopicPartition('py', 0)
c.assign([tp])
c.seek(tp, 4)
seeked = [[m.offset, m.key.decode(), m.value.decode(), m.headers[0][1].decode()] for m in c]
c.close()
c = KafkaConsumer('py', bootstrap_servers=addr, group_id=None, auto_offset_reset='earliest', consumer_timeout_ms=2000)
plain = [m.offset for m in c]
c.close()
print(json.dumps({"version": list(version), "seeked": seeked, "plain": plain}))
`
	out := run(t, "", "/usr/bin/python3", "-c", script, b.Addr())
	var got struct {
		Version []int
		Seeked  [][]any
		Plain   []int
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if fmt.Sprint(got.Version) != "[2 3 0]" {
		t.Errorf("kafka-python inferred broker version %v, want [2 3 0]", got.Version)
	}
	if len(got.Seeked) != 6 || fmt.Sprint(got.Seeked[0]) != "[4 k4 v4 4]" {
		t.Errorf("assign+seek(4): %v", got.Seeked)
	}
	if len(got.Plain) != 10 || got.Plain[0] != 0 || got.Plain[9] != 9 {
		t.Errorf("subscribe-less consume: %v", got.Plain)
	}
}
