package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/zkafka/zkafka/kafka/broker"
	"github.com/zkafka/zkafka/kafka/client"
	"github.com/zkafka/zkafka/kafka/partition"
	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

func startBroker(t *testing.T) *broker.Broker {
	t.Helper()
	b, err := broker.Start(broker.Config{LogDirs: []string{"/data"}, FS: vfs.NewMem(), Logger: sim.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

func newClient(t *testing.T, b *broker.Broker) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{Brokers: []string{b.Addr()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func createTopic(t *testing.T, c *client.Client, name string, partitions int32) {
	t.Helper()
	if err := c.CreateTopics(testCtx(t), client.TopicSpec{Name: name, Partitions: partitions, ReplicationFactor: 1}); err != nil {
		t.Fatal(err)
	}
}

// consumeAll reads every partition of topic from the beginning until
// each is caught up with its high watermark.
func consumeAll(t *testing.T, c *client.Client, topic string, partitions int32) []client.Record {
	t.Helper()
	ctx := testCtx(t)
	co := client.NewConsumer(c, client.ConsumerConfig{MaxWait: 50 * time.Millisecond})
	for p := int32(0); p < partitions; p++ {
		if err := co.Assign(ctx, topic, p, client.Beginning()); err != nil {
			t.Fatal(err)
		}
	}
	var out []client.Record
	for {
		recs, err := co.Poll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, recs...)
		done := true
		for p := int32(0); p < partitions; p++ {
			pos, _ := co.Position(topic, p)
			if hw := co.HighWatermark(topic, p); hw < 0 || pos < hw {
				done = false
			}
		}
		if done {
			return out
		}
	}
}

// TestProduceConsumeRoundTrip produces keyed and null-keyed records with
// each acks setting and codec, and reads them back over the wire: same
// keys, values, headers and timestamps, at the offsets the producer
// reported, keyed records on murmur2's partition.
//
// Reference: docs/reference/kafka.md §1.3 (produce and consume scenarios), §2, §6.
func TestProduceConsumeRoundTrip(t *testing.T) {
	b := startBroker(t)
	c := newClient(t, b)
	ctx := testCtx(t)
	const parts = 4
	for _, acks := range []client.Acks{client.AcksAll, client.AcksLeader, client.AcksNone} {
		for _, codec := range []record.Codec{record.None, record.Gzip, record.Snappy, record.LZ4, record.Zstd} {
			topic := fmt.Sprintf("rt-%d-%s", acks+1, codec)
			createTopic(t, c, topic, parts)
			cfg := client.DefaultProducerConfig()
			cfg.Acks, cfg.Codec = acks, codec
			p := client.NewProducer(c, cfg)
			t0 := time.UnixMilli(1_700_000_000_000)
			for i := 0; i < 30; i++ {
				rec := client.Record{Topic: topic, Value: []byte(fmt.Sprintf("v%d", i)), Timestamp: t0.Add(time.Duration(i) * time.Millisecond)}
				if i%2 == 0 {
					rec.Key = []byte(fmt.Sprintf("k%d", i))
				}
				if i%5 == 0 {
					rec.Headers = []record.RecordHeader{{Key: "n", Value: []byte{byte(i)}}}
				}
				p.Buffer(rec)
			}
			res, err := p.Flush(ctx)
			if err != nil {
				t.Fatalf("%s: %v", topic, err)
			}
			// acks=0 has no response, so no offsets: wait until the data is there.
			got := consumeAll(t, c, topic, parts)
			for len(got) < len(res) && acks == client.AcksNone {
				got = consumeAll(t, c, topic, parts)
			}
			if len(got) != len(res) {
				t.Fatalf("%s: consumed %d records, produced %d", topic, len(got), len(res))
			}
			byValue := map[string]client.Record{}
			for _, r := range got {
				byValue[string(r.Value)] = r
			}
			for _, r := range res {
				g, ok := byValue[string(r.Record.Value)]
				if !ok {
					t.Fatalf("%s: %q not consumed", topic, r.Record.Value)
				}
				if g.Partition != r.Record.Partition || !bytes.Equal(g.Key, r.Record.Key) ||
					!g.Timestamp.Equal(r.Record.Timestamp) || len(g.Headers) != len(r.Record.Headers) {
					t.Fatalf("%s: consumed %+v, produced %+v", topic, g, r.Record)
				}
				if acks != client.AcksNone && g.Offset != r.Record.Offset {
					t.Fatalf("%s: %q at offset %d, producer said %d", topic, g.Value, g.Offset, r.Record.Offset)
				}
				if r.Record.Key != nil && r.Record.Partition != partition.ForKey(r.Record.Key, parts) {
					t.Fatalf("%s: key %q on partition %d, murmur2 says %d", topic, r.Record.Key, r.Record.Partition, partition.ForKey(r.Record.Key, parts))
				}
			}
		}
	}
}

// TestSamePartitionsAsKgo checks that our producer and franz-go's
// (whose murmur2 matches the Java client) put each key on the same partition.
//
// Reference: docs/reference/kafka.md §6.
func TestSamePartitionsAsKgo(t *testing.T) {
	b := startBroker(t)
	c := newClient(t, b)
	ctx := testCtx(t)
	createTopic(t, c, "ours", 10)
	createTopic(t, c, "kgo", 10)
	kc, err := kgo.NewClient(kgo.SeedBrokers(b.Addr()), kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	p := client.NewProducer(c, client.DefaultProducerConfig())
	for i := 0; i < 50; i++ {
		key := []byte(fmt.Sprintf("user-%d", i))
		ours, err := p.Send(ctx, client.Record{Topic: "ours", Key: key, Value: key})
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := kc.ProduceSync(ctx, &kgo.Record{Topic: "kgo", Key: key, Value: key}).First()
		if err != nil {
			t.Fatal(err)
		}
		if ours.Partition != theirs.Partition {
			t.Fatalf("key %s: our partition %d, kgo's %d", key, ours.Partition, theirs.Partition)
		}
	}
}

// TestConsumeWhatKgoProduced checks our consumer against batches built
// by another client (kgo: its own batching and compression).
//
// Reference: docs/reference/kafka.md §2.
func TestConsumeWhatKgoProduced(t *testing.T) {
	b := startBroker(t)
	c := newClient(t, b)
	ctx := testCtx(t)
	createTopic(t, c, "from-kgo", 1)
	kc, err := kgo.NewClient(kgo.SeedBrokers(b.Addr()), kgo.ProducerBatchCompression(kgo.ZstdCompression()))
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	var recs []*kgo.Record
	for i := 0; i < 100; i++ {
		recs = append(recs, &kgo.Record{Topic: "from-kgo", Value: []byte(fmt.Sprint(i))})
	}
	if err := kc.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	got := consumeAll(t, c, "from-kgo", 1)
	if len(got) != 100 {
		t.Fatalf("consumed %d, want 100", len(got))
	}
	for i, r := range got {
		if r.Offset != int64(i) || string(r.Value) != fmt.Sprint(i) {
			t.Fatalf("record %d: offset %d value %q", i, r.Offset, r.Value)
		}
	}
}

// TestOffsets checks where each starting offset resolves (kcat -o's
// beginning, end, -N and s@ts) and that an out-of-range position is an
// OFFSET_OUT_OF_RANGE error, or a reset when the consumer has a policy.
//
// Reference: docs/reference/kafka.md §1.3 (ListOffsets -2 earliest, -1 latest), §3.
func TestOffsets(t *testing.T) {
	b := startBroker(t)
	c := newClient(t, b)
	ctx := testCtx(t)
	createTopic(t, c, "o", 1)
	cfg := client.DefaultProducerConfig()
	cfg.ManualPartition = true
	p := client.NewProducer(c, cfg)
	t0 := time.UnixMilli(1_700_000_000_000)
	for i := 0; i < 10; i++ {
		if _, err := p.Send(ctx, client.Record{Topic: "o", Value: []byte{byte(i)}, Timestamp: t0.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c2 := range []struct {
		at   client.Offset
		want int64
	}{
		{client.Beginning(), 0}, {client.End(), 10}, {client.Tail(3), 7}, {client.Tail(30), 0},
		{client.At(4), 4}, {client.AtTime(t0.Add(5500 * time.Millisecond).UnixMilli()), 6},
		{client.AtTime(t0.Add(time.Hour).UnixMilli()), 10},
	} {
		co := client.NewConsumer(c, client.ConsumerConfig{})
		if err := co.Assign(ctx, "o", 0, c2.at); err != nil {
			t.Fatal(err)
		}
		if pos, _ := co.Position("o", 0); pos != c2.want {
			t.Errorf("offset %v resolved to %d, want %d", c2.at, pos, c2.want)
		}
	}

	co := client.NewConsumer(c, client.ConsumerConfig{MaxWait: 10 * time.Millisecond})
	if err := co.Assign(ctx, "o", 0, client.At(99)); err != nil {
		t.Fatal(err)
	}
	if _, err := co.Poll(ctx); !errors.Is(err, kerr.OffsetOutOfRange) {
		t.Fatalf("fetch at 99 of 10: err = %v, want OFFSET_OUT_OF_RANGE", err)
	}
	var cerr *client.Error
	if _, err := co.Poll(ctx); !errors.As(err, &cerr) || cerr.Topic != "o" || cerr.Partition != 0 {
		t.Fatalf("error does not name the partition: %v", err)
	}
	reset := client.Beginning()
	co = client.NewConsumer(c, client.ConsumerConfig{MaxWait: 10 * time.Millisecond, Reset: &reset})
	if err := co.Assign(ctx, "o", 0, client.At(99)); err != nil {
		t.Fatal(err)
	}
	var got []client.Record
	for len(got) < 10 {
		recs, err := co.Poll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, recs...)
	}
	if got[0].Offset != 0 {
		t.Fatalf("after reset to beginning, first offset %d", got[0].Offset)
	}
}

// TestErrors checks that Kafka error codes surface as errors.Is-able
// kerr sentinels.
//
// Reference: docs/reference/kafka.md §1.3 "Error codes".
func TestErrors(t *testing.T) {
	b := startBroker(t)
	c := newClient(t, b)
	ctx := testCtx(t)
	createTopic(t, c, "dup", 1)
	if err := c.CreateTopics(ctx, client.TopicSpec{Name: "dup", Partitions: 1, ReplicationFactor: 1}); !errors.Is(err, kerr.TopicAlreadyExists) {
		t.Errorf("create twice: %v, want TOPIC_ALREADY_EXISTS", err)
	}
	if err := c.CreateTopics(ctx, client.TopicSpec{Name: "rf3", Partitions: 1, ReplicationFactor: 3}); !errors.Is(err, kerr.InvalidReplicationFactor) {
		t.Errorf("rf 3 on one broker: %v, want INVALID_REPLICATION_FACTOR", err)
	}
	md, err := c.Metadata(ctx, "nope")
	if err != nil {
		t.Fatal(err)
	}
	if len(md.Topics) != 1 || !errors.Is(md.Topics[0].Err, kerr.UnknownTopicOrPartition) {
		t.Errorf("metadata of a missing topic: %+v", md.Topics)
	}
	cfg := client.DefaultProducerConfig()
	cfg.Retries = 0
	if _, err := client.NewProducer(c, cfg).Send(ctx, client.Record{Topic: "nope", Value: []byte("x")}); !errors.Is(err, kerr.UnknownTopicOrPartition) {
		t.Errorf("produce to a missing topic: %v, want UNKNOWN_TOPIC_OR_PARTITION", err)
	}
	cfg.ManualPartition = true
	if _, err := client.NewProducer(c, cfg).Send(ctx, client.Record{Topic: "dup", Partition: 7, Value: []byte("x")}); !errors.Is(err, client.ErrUnknownPartition) {
		t.Errorf("produce to partition 7 of 1: %v, want ErrUnknownPartition", err)
	}
	c.Close()
	if _, err := c.Metadata(ctx); !errors.Is(err, client.ErrClosed) {
		t.Errorf("after Close: %v, want ErrClosed", err)
	}
}
