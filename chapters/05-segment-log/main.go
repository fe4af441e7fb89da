// Chapter 5 — the segment log.
//
//	go run ./chapters/05-segment-log          # the reference
//	make run-chapter 5                        # with your lab 5 swapped in
//
// Starts one Kafka broker on 127.0.0.1:9092 whose partitions are stored by
// kafka/log in Kafka's own on-disk format, produces with zkafka's client,
// and walks through the files: the partition directory, the 20-digit
// segment names, the first RecordBatch byte by byte, the sparse indexes, a
// roll, retention deleting old segments, and a power cut that tears the
// tail of the log. Then it stays up for kcat, franz-go or kafka-python.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/zkafka/zkafka/chapters/stage"
	"github.com/zkafka/zkafka/kafka/broker"
	"github.com/zkafka/zkafka/kafka/client"
)

const demo = "demo" // the walkthrough's topic

func main() {
	addr := flag.String("addr", "127.0.0.1:9092", "address to listen on")
	data := flag.String("data", "", "log.dir (default: a fresh temporary one)")
	quiet := flag.Bool("quiet", false, "skip the walkthrough")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	n := &stage.Narrator{W: os.Stdout}
	n.Title(5, "the segment log")
	cfg := broker.Config{Listen: *addr, RetentionCheckInterval: time.Second}
	if *data != "" {
		cfg.LogDirs = []string{*data}
	}
	k, err := stage.StartKafka(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer k.Close()
	n.Say("A Kafka broker is listening on %s; its log.dir is %s.", k.Addr(), k.LogDir())
	c, err := client.New(client.Config{Brokers: []string{k.Addr()}, ClientID: "chapter-5"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer c.Close()
	w := &walk{n: n, k: k, c: c}

	if !*quiet {
		if err := w.run(ctx); err != nil {
			n.Say("The walkthrough stopped: %v", err)
		}
	}

	n.Step("Your turn")
	n.Say("The broker stays up. Produce and consume with any Kafka client:")
	n.Out("go run ./kafka/cmd/kcli -b %s -L", k.Addr())
	n.Out("echo hello | kcat -b %s -t %s -P", k.Addr(), demo)
	n.Out("kcat -b %s -t %s -C -o beginning -e -f '%%p %%o %%k %%s\\n'", k.Addr(), demo)
	n.Out("ls -l %s", filepath.Join(k.LogDir(), demo+"-0"))
	stage.Prompt(ctx, os.Stdin, os.Stdout, map[string]stage.Experiment{
		"files": {Help: "files [topic-partition]: list a partition's files and decode its first batch and indexes", Run: func(args []string) error {
			part := demo + "-0"
			if len(args) > 0 {
				part = args[0]
			}
			return w.files(part, true)
		}},
		"produce": {Help: "produce [N] [topic]: produce N records (default 10) to topic (default demo)", Run: func(args []string) error {
			count, topic := 10, demo
			if len(args) > 0 {
				v, err := strconv.Atoi(args[0])
				if err != nil {
					return err
				}
				count = v
			}
			if len(args) > 1 {
				topic = args[1]
			}
			return w.produce(ctx, topic, count, time.Now())
		}},
		"roll": {Help: "produce to demo until its active segment rolls", Run: func([]string) error {
			return w.roll(ctx)
		}},
		"crash": {Help: "cut the power: unflushed bytes are lost, the .log tail is torn, recovery truncates it", Run: func([]string) error {
			return w.crash(ctx)
		}},
		"restart": {Help: "shut down cleanly (flush + .kafka_cleanshutdown) and start again: nothing is lost", Run: func([]string) error {
			if err := k.Restart(); err != nil {
				return err
			}
			n.Say("Restarted cleanly: the marker let the broker skip recovery.")
			return nil
		}},
		"offsets": {Help: "offsets [topic]: each partition's log start and end offsets (ListOffsets -2/-1)", Run: func(args []string) error {
			topic := demo
			if len(args) > 0 {
				topic = args[0]
			}
			return w.offsets(ctx, topic)
		}},
	})
}

type walk struct {
	n *stage.Narrator
	k *stage.Kafka
	c *client.Client
}

func (w *walk) partDir(part string) string { return filepath.Join(w.k.LogDir(), part) }

func (w *walk) run(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	n := w.n

	n.Step("A topic is partitions, a partition is a log")
	n.Say("We create topic %q with one partition and, for this demo, tiny segments (segment.bytes=1024) and an index entry every 200 bytes (index.interval.bytes=200). Kafka's defaults are 1 GiB and 4096.", demo)
	n.Shell("kafka-topics.sh --create --topic %s --partitions 1 --config segment.bytes=1024 --config index.interval.bytes=200", demo)
	err := w.c.CreateTopics(ctx, client.TopicSpec{Name: demo, Partitions: 1, ReplicationFactor: 1,
		Configs: map[string]string{"segment.bytes": "1024", "index.interval.bytes": "200"}})
	if err != nil {
		n.Err(err)
	}

	n.Step("Produce one batch")
	n.Say("A producer groups records into a RecordBatch v2 and sends it in a Produce request. The broker checks the CRC, assigns offsets from the log end and appends the bytes unchanged.")
	n.Shell("printf 'user-1:hello\\nuser-2:segment\\nuser-1:log\\n' | kcat -b %s -t %s -P -K:", w.k.Addr(), demo)
	p := client.NewProducer(w.c, client.DefaultProducerConfig())
	for _, kv := range [][2]string{{"user-1", "hello"}, {"user-2", "segment"}, {"user-1", "log"}} {
		p.Buffer(client.Record{Topic: demo, Key: []byte(kv[0]), Value: []byte(kv[1])})
	}
	res, err := p.Flush(ctx)
	if err != nil {
		return err
	}
	for _, r := range res {
		n.Out("%s=%s -> partition %d, offset %d", r.Record.Key, r.Record.Value, r.Record.Partition, r.Record.Offset)
	}

	n.Step("The partition's directory")
	n.Say("Partition 0 of %q is the directory %s-0. A segment is three files named by its base offset, the first offset it holds, in 20 digits: the .log holds the batches, .index and .timeindex are its sparse indexes.", demo, demo)
	n.Shell("ls -l %s", w.partDir(demo+"-0"))
	if err := listDir(n, w.partDir(demo+"-0")); err != nil {
		return err
	}

	n.Step("The first batch, byte by byte")
	n.Say("This is the .log file's first batch exactly as it is on disk (and as the producer sent it, but for baseOffset and partitionLeaderEpoch, which lie outside the CRC so the broker can stamp them without recomputing it).")
	segs := segments(w.partDir(demo + "-0"))
	if len(segs) == 0 {
		return fmt.Errorf("no segment in %s", w.partDir(demo+"-0"))
	}
	if err := annotateBatch(n, segs[0]); err != nil {
		return err
	}

	n.Step("Sparse indexes")
	n.Say("Every index.interval.bytes of appended data the broker adds an .index entry (the append's last offset, relative to the segment's base, and the byte position where that append starts) and a .timeindex entry. A fetch at offset X looks up the greatest entry <= X and scans batch headers from there. We produce four more batches, one record each:")
	for i := 0; i < 4; i++ {
		if _, err := p.Send(ctx, client.Record{Topic: demo, Key: []byte("user-3"), Value: []byte(fmt.Sprintf("record %d", i))}); err != nil {
			return err
		}
	}
	if err := showIndexes(n, segs[0]); err != nil {
		return err
	}

	n.Step("Roll")
	n.Say("When the next append would take the active segment past segment.bytes, the log rolls: it fsyncs the full segment (the recovery point moves past it) and starts a new one named by the next offset.")
	if err := w.roll(ctx); err != nil {
		return err
	}

	n.Step("Retention deletes whole segments")
	n.Say("Topic \"short\" keeps records for a minute (retention.ms=60000). We produce records stamped two minutes ago into several small segments, then one record stamped now. Every second (log.retention.check.interval.ms, 5 minutes by default) the broker deletes, oldest first, the segments whose newest record is too old — never the active one — and the log start offset moves up.")
	err = w.c.CreateTopics(ctx, client.TopicSpec{Name: "short", Partitions: 1, ReplicationFactor: 1,
		Configs: map[string]string{"segment.bytes": "1024", "retention.ms": "60000"}})
	if err != nil {
		n.Err(err)
	}
	if err := w.produce(ctx, "short", 30, time.Now().Add(-2*time.Minute)); err != nil {
		return err
	}
	if err := w.produce(ctx, "short", 1, time.Now()); err != nil {
		return err
	}
	n.Out("short-0 has %d segments", len(segments(w.partDir("short-0"))))
	first := filepath.Join(w.partDir("short-0"), "00000000000000000000")
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		_, e1 := os.Stat(first + ".log")
		_, e2 := os.Stat(first + ".timeindex")
		if e1 != nil && e2 != nil {
			break
		}
		time.Sleep(100 * time.Millisecond) // the broker's retention timer runs every second
	}
	n.Shell("ls -l %s", w.partDir("short-0"))
	listDir(n, w.partDir("short-0"))
	if err := w.offsets(ctx, "short"); err != nil {
		return err
	}

	n.Step("A power cut")
	return w.crash(ctx)
}

// produce sends count single-record batches stamped at ts to partition 0.
func (w *walk) produce(ctx context.Context, topic string, count int, ts time.Time) error {
	cfg := client.DefaultProducerConfig()
	cfg.ManualPartition = true
	p := client.NewProducer(w.c, cfg)
	var first, last int64 = -1, -1
	for i := 0; i < count; i++ {
		r, err := p.Send(ctx, client.Record{Topic: topic, Value: []byte(fmt.Sprintf("%s record %d", topic, i)), Timestamp: ts})
		if err != nil {
			return err
		}
		if first < 0 {
			first = r.Offset
		}
		last = r.Offset
	}
	w.n.Out("produced %d records to %s [0]: offsets %d..%d", count, topic, first, last)
	return nil
}

// roll produces to demo until a new segment appears.
func (w *walk) roll(ctx context.Context) error {
	dir := w.partDir(demo + "-0")
	before := len(segments(dir))
	cfg := client.DefaultProducerConfig()
	cfg.ManualPartition = true
	p := client.NewProducer(w.c, cfg)
	for i := 0; i < 100 && len(segments(dir)) == before; i++ {
		r, err := p.Send(ctx, client.Record{Topic: demo, Value: []byte(fmt.Sprintf("filling the segment, %d", i))})
		if err != nil {
			return err
		}
		if len(segments(dir)) != before {
			w.n.Out("offset %d did not fit: a new segment starts at %d", r.Offset, r.Offset)
		}
	}
	w.n.Shell("ls -l %s", dir)
	return listDir(w.n, dir)
}

func (w *walk) offsets(ctx context.Context, topic string) error {
	t, err := w.c.Topic(ctx, topic)
	if err != nil {
		return err
	}
	for _, p := range t.Partitions {
		start, _, err := w.c.ListOffsets(ctx, topic, p.Partition, -2)
		if err != nil {
			return err
		}
		end, _, err := w.c.ListOffsets(ctx, topic, p.Partition, -1)
		if err != nil {
			return err
		}
		w.n.Out("%s [%d]: log start offset %d, log end offset %d", topic, p.Partition, start, end)
	}
	return nil
}

// files lists a partition and decodes its segments' first batch and indexes.
func (w *walk) files(part string, decode bool) error {
	dir := w.partDir(part)
	if err := listDir(w.n, dir); err != nil {
		return err
	}
	if !decode {
		return nil
	}
	for _, seg := range segments(dir) {
		w.n.Out("── %s", filepath.Base(seg))
		if err := annotateBatch(w.n, seg); err != nil {
			w.n.Err(err)
		}
		if err := showIndexes(w.n, seg); err != nil {
			w.n.Err(err)
		}
	}
	return nil
}

// crash produces unflushed records, cuts the power and shows what
// recovery kept.
func (w *walk) crash(ctx context.Context) error {
	n := w.n
	n.Say("Kafka does not fsync on its own (flush.messages and flush.ms are infinite by default): an acknowledged record is safe because replicas have it (chapter 7), not because a disk does. This broker has no replicas. We produce 5 records with acks=all — all acknowledged — then cut the power: the disk keeps what was fsynced (everything up to the last roll) and a torn half of what was not.")
	if err := w.produce(ctx, demo, 5, time.Now()); err != nil {
		return err
	}
	end, _, err := w.c.ListOffsets(ctx, demo, 0, -1)
	if err != nil {
		return err
	}
	n.Out("log end offset before the power cut: %d", end)
	lost, err := w.k.PowerCut()
	if err != nil {
		return err
	}
	for f, b := range lost {
		n.Out("power cut: %s lost its last %d unsynced bytes", filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), b)
	}
	n.Say("The broker restarted without .kafka_cleanshutdown, so its log recovery re-read every segment from the recovery point: each batch must be whole, magic 2, CRC-valid, and follow the previous one's offsets. It truncated the .log at the first that was not — the torn batch — and rebuilt the indexes.")
	w.c.Close()
	c, err := client.New(client.Config{Brokers: []string{w.k.Addr()}, ClientID: "chapter-5"})
	if err != nil {
		return err
	}
	w.c = c
	after, _, err := c.ListOffsets(ctx, demo, 0, -1)
	if err != nil {
		return err
	}
	n.Out("log end offset after recovery: %d (was %d): offsets %d..%d are gone", after, end, after, end-1)
	if after == end {
		n.Out("(nothing was lost: every record had been fsynced by a roll)")
	}
	n.Shell("ls -l %s", w.partDir(demo+"-0"))
	listDir(n, w.partDir(demo+"-0"))
	n.Say("(Until chapter 6 keeps topic configs in ZooKeeper, this broker holds them in memory: after the restart %q has Kafka's defaults again — index.interval.bytes=4096, so the rebuilt indexes are empty.)", demo)
	n.Say("With replication factor 1 and Kafka's default flush policy, acks=all does not mean on disk. Set flush.messages=1 to fsync every append (slow), or — Kafka's answer — replicate.")
	return nil
}
