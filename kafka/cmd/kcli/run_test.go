package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/zkafka/zkafka/kafka/broker"
	"github.com/zkafka/zkafka/kafka/partition"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

func startBroker(t *testing.T) string {
	t.Helper()
	b, err := broker.Start(broker.Config{LogDirs: []string{"/data"}, FS: vfs.NewMem(), Logger: sim.Logger(t), NumPartitions: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b.Addr()
}

// kcli runs the command with stdin and returns stdout, stderr and the
// exit code.
func kcli(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func mustKcli(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, errs, code := kcli(t, stdin, args...)
	if code != 0 {
		t.Fatalf("kcli %v: exit %d\n%s", args, code, errs)
	}
	return out
}

// TestList checks -L against kcat's layout (kcat.c metadata_print) on a
// one-broker cluster: broker 0 is the controller, each partition led by 0.
//
// Reference: docs/reference/kafka.md §1.3; kcat -L.
func TestList(t *testing.T) {
	addr := startBroker(t)
	host, port, _ := strings.Cut(addr, ":")
	mustKcli(t, "x\n", "-b", addr, "-t", "lines", "-P", "-q") // auto-created with num.partitions=3
	got := mustKcli(t, "", "-b", addr, "-L")
	want := fmt.Sprintf(`Metadata for all topics (from broker -1: %s/bootstrap):
 1 brokers:
  broker 0 at %s:%s (controller)
 1 topics:
  topic "lines" with 3 partitions:
    partition 0, leader 0, replicas: 0, isrs: 0
    partition 1, leader 0, replicas: 0, isrs: 0
    partition 2, leader 0, replicas: 0, isrs: 0
`, addr, host, port)
	if got != want {
		t.Fatalf("kcli -L:\n%s\nwant:\n%s", got, want)
	}
	got = mustKcli(t, "", "-b", addr, "-L", "-t", "missing")
	if !strings.Contains(got, `topic "missing" with 0 partitions: Broker: UNKNOWN_TOPIC_OR_PARTITION`) {
		t.Fatalf("kcli -L -t missing:\n%s", got)
	}
}

// TestProduceConsumeLines produces lines with -K keys and reads them back
// with -e and a -f format: keyed lines land on murmur2's partition, every
// line comes back once, and -e reports the end of each partition.
//
// Reference: docs/reference/kafka.md §6; kcat's -P, -K, -C, -e, -f.
func TestProduceConsumeLines(t *testing.T) {
	addr := startBroker(t)
	var in strings.Builder
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&in, "key%d:value%d\n", i, i)
	}
	in.WriteString("\n") // empty lines are skipped, like kcat
	mustKcli(t, in.String(), "-b", addr, "-t", "kv", "-P", "-K:", "-z", "lz4")
	out, errs, code := kcli(t, "", "-b", addr, "-t", "kv", "-C", "-e", "-f", `%p %o %k=%s\n`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 30 {
		t.Fatalf("consumed %d lines, want 30:\n%s", len(lines), out)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		var p, off int
		var kv string
		if _, err := fmt.Sscanf(l, "%d %d %s", &p, &off, &kv); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		k, v, _ := strings.Cut(kv, "=")
		if want := partition.ForKey([]byte(k), 3); int32(p) != want {
			t.Fatalf("%s on partition %d, murmur2 says %d", k, p, want)
		}
		if strings.TrimPrefix(k, "key") != strings.TrimPrefix(v, "value") || seen[k] {
			t.Fatalf("bad or repeated line %q", l)
		}
		seen[k] = true
	}
	if n := strings.Count(errs, "% Reached end of topic kv ["); n != 3 || !strings.Contains(errs, ": exiting\n") {
		t.Fatalf("stderr should report the end of 3 partitions and exit:\n%s", errs)
	}
}

// TestConsumeOffsets checks -o (N, -N, end), -c and -p on one partition,
// and the default output (the value and a newline).
//
// Reference: kcat -o: "beginning | end | stored | <value> | -<value>".
func TestConsumeOffsets(t *testing.T) {
	addr := startBroker(t)
	var in strings.Builder
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&in, "m%d\n", i)
	}
	mustKcli(t, in.String(), "-b", addr, "-t", "o", "-p", "1", "-P", "-q")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", "beginning", "-c", "3"}, "m0\nm1\nm2\n"},
		{[]string{"-o", "7", "-e"}, "m7\nm8\nm9\n"},
		{[]string{"-o", "-2", "-e"}, "m8\nm9\n"},
		{[]string{"-o", "end", "-e"}, ""},
		{[]string{"-o", "-2", "-e", "-f", `%o:%s %S %K\n`}, "8:m8 2 -1\n9:m9 2 -1\n"},
	} {
		args := append([]string{"-b", addr, "-t", "o", "-p", "1", "-C", "-q"}, c.args...)
		if got := mustKcli(t, "", args...); got != c.want {
			t.Errorf("kcli %v = %q, want %q", c.args, got, c.want)
		}
	}
	if _, errs, code := kcli(t, "", "-b", addr, "-t", "o", "-p", "9", "-C"); code != 1 || !strings.Contains(errs, "partition 9 does not exist") {
		t.Errorf("-p 9: exit %d, %s", code, errs)
	}
}

// TestUsageErrors checks that bad invocations exit 2 with a message,
// not a panic or a hang.
func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"-L", "-C"}, {"-P"}, {"-C"}} {
		if _, errs, code := kcli(t, "", args...); code != 2 || errs == "" {
			t.Errorf("kcli %v: exit %d, stderr %q", args, code, errs)
		}
	}
	addr := startBroker(t)
	if _, errs, code := kcli(t, "x\n", "-b", addr, "-t", "z", "-P", "-z", "brotli"); code != 1 || !strings.Contains(errs, "unknown codec") {
		t.Errorf("-z brotli: exit %d, %s", code, errs)
	}
}
