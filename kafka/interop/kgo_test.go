package interop_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/broker"
	"github.com/zkafka/zkafka/labs/sim"
)

// startBroker runs a broker on the loopback with its log dir in t.TempDir.
func startBroker(t *testing.T, mod func(*brokerConfig)) *broker.Broker {
	t.Helper()
	cfg := broker.Config{
		LogDirs: []string{t.TempDir()},
		Logger:  slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if mod != nil {
		mod(&cfg)
	}
	b, err := broker.Start(cfg)
	check(t, err)
	t.Cleanup(func() { check(t, b.Close()) })
	return b
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

func newClient(t *testing.T, b *broker.Broker, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(b.Addr())}, opts...)...)
	check(t, err)
	t.Cleanup(cl.Close)
	return cl
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// consumeN reads n records from topic's partitions from the start.
func consumeN(t *testing.T, b *broker.Broker, topic string, n int, opts ...kgo.Opt) []*kgo.Record {
	t.Helper()
	cl := newClient(t, b, append([]kgo.Opt{kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())}, opts...)...)
	var got []*kgo.Record
	c := ctx(t)
	for len(got) < n {
		fs := cl.PollFetches(c)
		if c.Err() != nil {
			t.Fatalf("timed out with %d of %d records", len(got), n)
		}
		fs.EachError(func(topic string, p int32, err error) { t.Fatalf("fetch %s-%d: %v", topic, p, err) })
		got = append(got, fs.Records()...)
	}
	return got
}

// TestKgoProduceConsume: kgo produces keyed and unkeyed records with
// headers under every codec and reads them back, with its default
// idempotent producer falling back to no producer id because the broker
// does not advertise InitProducerId.
//
// Reference: docs/reference/kafka.md §1.3 gotcha 3 (kgo idempotence), §2 (RecordBatch v2,
// codecs).
func TestKgoProduceConsume(t *testing.T) {
	b := startBroker(t, nil)
	codecs := map[string]kgo.CompressionCodec{
		"none": kgo.NoCompression(), "gzip": kgo.GzipCompression(), "snappy": kgo.SnappyCompression(),
		"lz4": kgo.Lz4Compression(), "zstd": kgo.ZstdCompression(),
	}
	for name, codec := range codecs {
		t.Run(name, func(t *testing.T) {
			topic := "kgo-" + name
			cl := newClient(t, b, kgo.ProducerBatchCompression(codec), kgo.AllowAutoTopicCreation())
			var want []*kgo.Record
			for i := range 50 {
				r := &kgo.Record{Topic: topic, Value: []byte(fmt.Sprintf("value-%d-%s", i, name))}
				if i%2 == 0 {
					r.Key = []byte(fmt.Sprintf("key-%d", i))
					r.Headers = []kgo.RecordHeader{{Key: "h", Value: []byte{byte(i)}}, {Key: "empty"}}
				}
				want = append(want, r)
			}
			check(t, cl.ProduceSync(ctx(t), want...).FirstErr())
			got := consumeN(t, b, topic, len(want))
			equal(t, len(got), len(want))
			for i, r := range got {
				equal(t, int64(i), r.Offset)
				equal(t, want[i].Key, r.Key)
				equal(t, want[i].Value, r.Value)
				equal(t, len(want[i].Headers), len(r.Headers))
				for j, h := range want[i].Headers {
					equal(t, h.Key, r.Headers[j].Key)
					equal(t, string(h.Value), string(r.Headers[j].Value))
				}
			}
		})
	}
}

// TestKgoLargeBatches: multi-MB produce requests and fetches that need
// several responses (KIP-74: whole batches, the first even if larger than
// the fetch limit).
//
// Reference: docs/reference/kafka.md §2 "Fetch truncation".
func TestKgoLargeBatches(t *testing.T) {
	b := startBroker(t, nil)
	r := sim.Rand(t)
	const topic = "large"
	cl := newClient(t, b, kgo.ProducerBatchMaxBytes(1<<20), kgo.MaxBufferedBytes(64<<20), kgo.AllowAutoTopicCreation(),
		kgo.ProducerLinger(50*time.Millisecond))
	var want [][]byte
	for range 64 {
		v := make([]byte, 64<<10+r.IntN(1000))
		for j := range v {
			v[j] = byte(r.Uint32())
		}
		want = append(want, v)
	}
	var rs []*kgo.Record
	for _, v := range want {
		rs = append(rs, &kgo.Record{Topic: topic, Value: v})
	}
	check(t, cl.ProduceSync(ctx(t), rs...).FirstErr())
	// A partition limit smaller than a batch: every fetch still returns one whole batch.
	got := consumeN(t, b, topic, len(want), kgo.FetchMaxPartitionBytes(1000), kgo.FetchMaxBytes(2000))
	for i, rec := range got {
		if !bytes.Equal(want[i], rec.Value) {
			t.Fatalf("record %d differs", i)
		}
	}
}

// TestKgoListOffsetsAndSeek: ListOffsets earliest/latest/by time through
// kgo's admin path, then a consumer starting at a given offset.
//
// Reference: docs/reference/kafka.md §1.3 (ListOffsets); AK Log.fetchOffsetByTimestamp.
func TestKgoListOffsetsAndSeek(t *testing.T) {
	b := startBroker(t, nil)
	const topic = "offsets"
	cl := newClient(t, b, kgo.AllowAutoTopicCreation(), kgo.DefaultProduceTopic(topic), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	base := time.UnixMilli(1_700_000_000_000)
	for i := range 10 {
		rec := &kgo.Record{Value: []byte{byte(i)}, Timestamp: base.Add(time.Duration(i) * time.Second)}
		check(t, cl.ProduceSync(ctx(t), rec).FirstErr())
	}
	list := func(ts int64) (int64, int64) {
		req := kmsg.NewPtrListOffsetsRequest()
		rt := kmsg.NewListOffsetsRequestTopic()
		rt.Topic = topic
		rp := kmsg.NewListOffsetsRequestTopicPartition()
		rp.Timestamp = ts
		rt.Partitions = append(rt.Partitions, rp)
		req.Topics = append(req.Topics, rt)
		resp, err := req.RequestWith(ctx(t), cl)
		check(t, err)
		p := resp.Topics[0].Partitions[0]
		equal(t, p.ErrorCode, int16(0))
		return p.Offset, p.Timestamp
	}
	off, _ := list(-2)
	equal(t, int64(0), off)
	off, _ = list(-1)
	equal(t, int64(10), off)
	off, ts := list(base.Add(3500 * time.Millisecond).UnixMilli())
	equal(t, int64(4), off)
	equal(t, base.Add(4*time.Second).UnixMilli(), ts)
	off, _ = list(base.Add(time.Hour).UnixMilli())
	equal(t, int64(-1), off)

	consumer := newClient(t, b, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {0: kgo.NewOffset().At(7)}}))
	var got []*kgo.Record
	c := ctx(t)
	for len(got) < 3 {
		fs := consumer.PollFetches(c)
		check(t, c.Err())
		got = append(got, fs.Records()...)
	}
	equal(t, int64(7), got[0].Offset)
	equal(t, []byte{7}, got[0].Value)
}

// TestKgoAutoCreate: a produce to an unknown topic creates it with
// num.partitions; with auto-creation disabled the produce fails with
// UNKNOWN_TOPIC_OR_PARTITION.
//
// Reference: docs/reference/kafka.md §1.3 scenario (d).
func TestKgoAutoCreate(t *testing.T) {
	b := startBroker(t, func(c *broker.Config) { c.NumPartitions = 3 })
	cl := newClient(t, b, kgo.AllowAutoTopicCreation())
	check(t, cl.ProduceSync(ctx(t), &kgo.Record{Topic: "auto", Value: []byte("x")}).FirstErr())
	req := kmsg.NewPtrMetadataRequest()
	rt := kmsg.NewMetadataRequestTopic()
	rt.Topic = kmsg.StringPtr("auto")
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx(t), cl)
	check(t, err)
	equal(t, len(resp.Topics[0].Partitions), 3)

	off := startBroker(t, func(c *broker.Config) { c.DisableAutoCreateTopics = true })
	cl2 := newClient(t, off, kgo.AllowAutoTopicCreation(), kgo.RecordDeliveryTimeout(2*time.Second))
	err = cl2.ProduceSync(ctx(t), &kgo.Record{Topic: "nope", Value: []byte("x")}).FirstErr()
	if err == nil {
		t.Fatal("produce to an unknown topic succeeded with auto-creation off")
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// equal fails unless got equals want (reflect.DeepEqual); msg says what.
func equal[T any](t *testing.T, got, want T, msg ...any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: got %v, want %v", fmt.Sprint(msg...), got, want)
	}
}

type brokerConfig = broker.Config
