package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/broker"
	"github.com/zkafka/zkafka/kafka/broker/metadata"
	"github.com/zkafka/zkafka/zk/server/cluster"
)

// clusterBench is chapter 6's cluster: a 3-member ZooKeeper ensemble and
// 3 brokers on it (all in this process, on loopback, on dir's disk), a
// topic of 6 partitions (replication factor 1: nothing replicates before
// chapter 7, so each partition's bytes are written once, by its leader —
// two partitions per broker), and kgo producing size-byte records with
// acks=1 for d — to all three brokers at once — then consuming them all.
func clusterBench(dir string, size int, d time.Duration) (row, row, error) {
	zk, err := cluster.Start(cluster.Options{N: 3, Dir: filepath.Join(dir, "zk"), TickTime: 200 * time.Millisecond,
		Logger: func(int64) *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }})
	if err != nil {
		return row{}, row{}, err
	}
	defer zk.Close()
	if _, err := zk.WaitServing(30 * time.Second); err != nil {
		return row{}, row{}, err
	}
	var brokers []*broker.Broker
	defer func() {
		for _, b := range brokers {
			b.Close()
		}
	}()
	var seeds []string
	for id := int32(1); id <= 3; id++ {
		b, err := broker.Start(broker.Config{NodeID: id, LogDirs: []string{filepath.Join(dir, fmt.Sprintf("cluster-broker-%d", id))},
			ZooKeeperConnect: strings.Join(zk.Addrs(), ","), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			return row{}, row{}, err
		}
		brokers = append(brokers, b)
		seeds = append(seeds, b.Addr())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, b := range brokers {
		if err := b.WaitCluster(ctx, func(s *metadata.Snapshot) bool { return len(s.Brokers) == 3 }); err != nil {
			return row{}, row{}, err
		}
	}
	const topic, parts = "bench", 6
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.RequiredAcks(kgo.LeaderAck()),
		kgo.DisableIdempotentWrite(), kgo.DefaultProduceTopic(topic),
		kgo.ProducerBatchCompression(kgo.NoCompression()), // as the single broker's run
		kgo.ProducerLinger(5*time.Millisecond), kgo.MaxBufferedRecords(1<<20/size*64))
	if err != nil {
		return row{}, row{}, err
	}
	defer cl.Close()
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 10000
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic, rt.NumPartitions, rt.ReplicationFactor = topic, parts, 1
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return row{}, row{}, err
	}
	if e := resp.Topics[0].ErrorCode; e != 0 {
		return row{}, row{}, fmt.Errorf("CreateTopics %s: error code %d", topic, e)
	}
	// Warm a connection to every leader.
	for p := int32(0); p < parts; p++ {
		if err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte("warm-up"), Partition: p}).FirstErr(); err != nil {
			return row{}, row{}, err
		}
	}
	bg := context.Background()
	produced, elapsed, err := produceFor(bg, cl, size, d)
	if err != nil {
		return row{}, row{}, err
	}
	name := fmt.Sprintf("3 brokers × %d partitions: kgo produce %d B, acks=1", parts, size)
	p := row{name: name, bytes: produced * int64(size), records: produced, elapsed: elapsed}

	took, err := consumeAll(bg, seeds, topic, produced+int64(parts) /* the warm-up records */, 120*time.Second)
	if err != nil {
		return row{}, row{}, err
	}
	c := row{name: fmt.Sprintf("3 brokers × %d partitions: kgo consume %d B", parts, size), bytes: produced * int64(size), records: produced, elapsed: took}
	return p, c, nil
}

// printScaling prints the cluster's aggregate MB/s as a ratio to the
// single broker's, both from this run.
func printScaling(w io.Writer, single, multi [2]row) {
	fmt.Fprintln(w)
	for i, what := range []string{"produce", "consume"} {
		if single[i].elapsed == 0 || multi[i].elapsed == 0 {
			continue
		}
		fmt.Fprintf(w, "3 brokers / 1 broker, %s 1 KiB acks=1: %.1f / %.1f MB/s = %.2fx (same run, same disk, one process on %s)\n",
			what, multi[i].mbps(), single[i].mbps(), multi[i].mbps()/single[i].mbps(), cpus())
	}
}

func cpus() string { return fmt.Sprintf("%d CPUs", runtime.NumCPU()) }
