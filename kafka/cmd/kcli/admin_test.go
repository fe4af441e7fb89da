package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/zkafka/zkafka/kafka/broker"
	"github.com/zkafka/zkafka/kafka/broker/metadata"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/server"
)

// startCluster starts our ZooKeeper (standalone) and n brokers on it,
// and waits until every broker sees all of them.
func startCluster(t *testing.T, n int) []*broker.Broker {
	t.Helper()
	zk, err := server.Start(server.Config{ClientAddr: "127.0.0.1:0", DataDir: "/data",
		TickTime: 100 * time.Millisecond, FS: vfs.NewMem(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { zk.Close() })
	var bs []*broker.Broker
	for id := int32(1); id <= int32(n); id++ {
		b, err := broker.Start(broker.Config{NodeID: id, LogDirs: []string{"/kafka"}, FS: vfs.NewMem(),
			ZooKeeperConnect: zk.Addr().String() + "/kafka", Rand: rand.New(rand.NewPCG(uint64(id), 10)), Logger: sim.Logger(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		bs = append(bs, b)
	}
	for _, b := range bs {
		waitFor(t, b, func(s *metadata.Snapshot) bool { return len(s.Brokers) == n })
	}
	return bs
}

func waitFor(t *testing.T, b *broker.Broker, cond func(*metadata.Snapshot) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := b.WaitCluster(ctx, cond); err != nil {
		t.Fatal(err)
	}
}

// TestTopicsAndConfigs runs what a kafka-topics.sh / kafka-configs.sh
// user types against two brokers on ZooKeeper: create with partitions,
// replication factor and a config, describe (kafka-topics.sh's layout),
// add partitions, and change configs through one broker while the
// other serves the describe.
//
// Reference: AK 2.3 TopicCommand, ConfigCommand.
func TestTopicsAndConfigs(t *testing.T) {
	bs := startCluster(t, 2)
	b1, b2 := bs[0].Addr(), bs[1].Addr()
	if got := mustKcli(t, "", "topics", "-b", b1, "--create", "--topic", "t", "--partitions", "2", "--replication-factor", "2", "--config", "retention.ms=60000"); got != "Created topic t.\n" {
		t.Fatalf("create: %q", got)
	}
	waitFor(t, bs[1], func(s *metadata.Snapshot) bool { return s.Topics["t"] != nil })
	snap := bs[1].Snapshot().Topics["t"]
	var want strings.Builder
	fmt.Fprintf(&want, "Topic:t\tPartitionCount:2\tReplicationFactor:2\tConfigs:retention.ms=60000\n")
	for _, p := range snap.Partitions {
		fmt.Fprintf(&want, "\tTopic: t\tPartition: %d\tLeader: %d\tReplicas: %s\tIsr: %s\n", p.ID, p.Leader, ints(p.Replicas), ints(p.ISR))
	}
	if got := mustKcli(t, "", "topics", "-b", b2, "--describe", "--topic", "t"); got != want.String() {
		t.Fatalf("describe:\n%s\nwant:\n%s", got, want.String())
	}
	if got := mustKcli(t, "", "topics", "-b", b2, "--alter", "--topic", "t", "--partitions", "4"); got != "Adding partitions succeeded!\n" {
		t.Fatalf("alter: %q", got)
	}
	waitFor(t, bs[0], func(s *metadata.Snapshot) bool { return s.Topics["t"] != nil && len(s.Topics["t"].Partitions) == 4 })
	if got := mustKcli(t, "", "topics", "-b", b1, "--describe"); strings.Count(got, "\tTopic: t\tPartition: ") != 4 || !strings.Contains(got, "PartitionCount:4") {
		t.Fatalf("describe after alter:\n%s", got)
	}
	if _, errs, code := kcli(t, "", "topics", "-b", b1, "--alter", "--topic", "t", "--partitions", "3"); code != 1 ||
		!strings.Contains(errs, "Topic currently has 4 partitions, which is higher than the requested 3.") {
		t.Errorf("shrink: exit %d %s", code, errs)
	}

	if got := mustKcli(t, "", "configs", "-b", b1, "--alter", "--entity-type", "topics", "--entity-name", "t",
		"--add-config", "segment.bytes=1048576", "--delete-config", "retention.ms"); got != "Completed Updating config for entity: topic 't'.\n" {
		t.Fatalf("configs alter: %q", got)
	}
	waitFor(t, bs[1], func(s *metadata.Snapshot) bool { return s.Topics["t"].Config["segment.bytes"] == "1048576" })
	if got := mustKcli(t, "", "configs", "-b", b2, "--describe", "--entity-type", "topics", "--entity-name", "t"); got != "Configs for topic 't' are segment.bytes=1048576\n" {
		t.Fatalf("configs describe: %q", got)
	}
	if _, errs, code := kcli(t, "", "configs", "-b", b1, "--alter", "--entity-name", "t", "--add-config", "retention.mss=1"); code != 1 ||
		!strings.Contains(errs, "Unknown topic config name: retention.mss") {
		t.Errorf("unknown config: exit %d %s", code, errs)
	}
	if _, errs, code := kcli(t, "", "configs", "-b", b1, "--describe", "--entity-name", "nope"); code != 1 || !strings.Contains(errs, "UNKNOWN_TOPIC_OR_PARTITION") {
		t.Errorf("unknown topic: exit %d %s", code, errs)
	}
	if _, errs, code := kcli(t, "", "topics", "--describe", "--create"); code != 2 || errs == "" {
		t.Errorf("two modes: exit %d %q", code, errs)
	}
}
