package broker

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"
	"testing/synctest"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// testBroker runs fn against a broker on an in-memory disk inside a
// synctest bubble: time is fake (timers fire as soon as every goroutine
// is blocked) and connections are net.Pipe.
func testBroker(t *testing.T, mod func(*Config), fn func(t *testing.T, b *Broker)) {
	synctest.Test(t, func(t *testing.T) {
		cfg := Config{LogDirs: []string{"/kafka"}, FS: vfs.NewMem(), Logger: testLogger(t)}
		if mod != nil {
			mod(&cfg)
		}
		b, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := b.Close(); err != nil {
				t.Error(err)
			}
		}()
		fn(t, b)
	})
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(logWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type logWriter struct{ t testing.TB }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// client is a raw Kafka connection speaking through kmsg.
type client struct {
	t    testing.TB
	nc   net.Conn
	corr int32
	fmt  *kmsg.RequestFormatter
}

func dial(t testing.TB, b *Broker) *client {
	cn, sn := net.Pipe()
	b.ServeConn(sn)
	t.Cleanup(func() { cn.Close() })
	return &client{t: t, nc: cn, fmt: kmsg.NewRequestFormatter(kmsg.FormatterClientID("test"))}
}

// send writes req and returns its correlation id.
func (c *client) send(req kmsg.Request) int32 {
	c.t.Helper()
	c.corr++
	if _, err := c.nc.Write(c.fmt.AppendRequest(nil, req, c.corr)); err != nil {
		c.t.Fatalf("send %T: %v", req, err)
	}
	return c.corr
}

// writeRaw writes bytes as they are.
func (c *client) writeRaw(b []byte) error {
	_, err := c.nc.Write(b)
	return err
}

// readFrame reads one response frame: the correlation id and the body.
func (c *client) readFrame() (int32, []byte, error) {
	var size [4]byte
	if _, err := io.ReadFull(c.nc, size[:]); err != nil {
		return 0, nil, err
	}
	buf := make([]byte, binary.BigEndian.Uint32(size[:]))
	if _, err := io.ReadFull(c.nc, buf); err != nil {
		return 0, nil, err
	}
	if len(buf) < 4 {
		return 0, nil, errors.New("short response")
	}
	return int32(binary.BigEndian.Uint32(buf)), buf[4:], nil
}

// recv reads the response to the request with correlation id corr into resp.
func (c *client) recv(corr int32, resp kmsg.Response) {
	c.t.Helper()
	got, body, err := c.readFrame()
	if err != nil {
		c.t.Fatalf("reading %T: %v", resp, err)
	}
	if got != corr {
		c.t.Fatalf("correlation id %d, want %d", got, corr)
	}
	if err := resp.ReadFrom(body); err != nil {
		c.t.Fatalf("decoding %T v%d: %v", resp, resp.GetVersion(), err)
	}
}

// do sends req and decodes its response at the same version.
func do[R kmsg.Response](c *client, req kmsg.Request) R {
	c.t.Helper()
	corr := c.send(req)
	resp := req.ResponseKind().(R)
	c.recv(corr, resp)
	return resp
}

// expectClosed checks that the broker closed the connection.
func (c *client) expectClosed() {
	c.t.Helper()
	if _, _, err := c.readFrame(); err == nil {
		c.t.Fatal("connection still open: got a response")
	}
}

func createTopic(t testing.TB, c *client, name string, partitions int32) {
	t.Helper()
	req := kmsg.NewPtrCreateTopicsRequest()
	req.Version = 3
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic, rt.NumPartitions, rt.ReplicationFactor = name, partitions, 1
	req.Topics = append(req.Topics, rt)
	resp := do[*kmsg.CreateTopicsResponse](c, req)
	if code := resp.Topics[0].ErrorCode; code != 0 {
		t.Fatalf("create %s: error %d", name, code)
	}
}

func produceReq(version int16, acks int16, topic string, partition int32, batches []byte) *kmsg.ProduceRequest {
	req := kmsg.NewPtrProduceRequest()
	req.Version, req.Acks, req.TimeoutMillis = version, acks, 5000
	rt := kmsg.NewProduceRequestTopic()
	rt.Topic = topic
	rp := kmsg.NewProduceRequestTopicPartition()
	rp.Partition, rp.Records = partition, batches
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	return req
}

// produce appends batches and returns the base offset.
func produce(t testing.TB, c *client, topic string, partition int32, batches []byte) int64 {
	t.Helper()
	resp := do[*kmsg.ProduceResponse](c, produceReq(7, -1, topic, partition, batches))
	p := resp.Topics[0].Partitions[0]
	if p.ErrorCode != 0 {
		t.Fatalf("produce to %s-%d: error %d", topic, partition, p.ErrorCode)
	}
	return p.BaseOffset
}

type fetchPart struct {
	topic     string
	partition int32
	offset    int64
	maxBytes  int32
}

func fetchReq(version int16, maxWait, minBytes, maxBytes int32, parts ...fetchPart) *kmsg.FetchRequest {
	req := kmsg.NewPtrFetchRequest()
	req.Version, req.ReplicaID = version, -1
	req.MaxWaitMillis, req.MinBytes, req.MaxBytes = maxWait, minBytes, maxBytes
	for _, p := range parts {
		if len(req.Topics) == 0 || req.Topics[len(req.Topics)-1].Topic != p.topic {
			rt := kmsg.NewFetchRequestTopic()
			rt.Topic = p.topic
			req.Topics = append(req.Topics, rt)
		}
		rp := kmsg.NewFetchRequestTopicPartition()
		rp.Partition, rp.FetchOffset, rp.PartitionMaxBytes = p.partition, p.offset, p.maxBytes
		rt := &req.Topics[len(req.Topics)-1]
		rt.Partitions = append(rt.Partitions, rp)
	}
	return req
}

// batchOf builds a batch of n records of size bytes each, at timestamp ts.
func batchOf(t testing.TB, ts int64, n, size int) []byte {
	t.Helper()
	vals := make([][]byte, n)
	for i := range vals {
		vals[i] = bytes.Repeat([]byte{byte('a' + i%26)}, size)
	}
	return record.Simple(ts, vals...)
}

// batchHeaders splits fetched record bytes into batch headers.
func batchHeaders(t testing.TB, b []byte) []record.Header {
	t.Helper()
	var hs []record.Header
	for len(b) > 0 {
		_, rest, h, err := record.Split(b)
		if err != nil {
			t.Fatalf("fetched bytes are not whole batches: %v", err)
		}
		hs = append(hs, h)
		b = rest
	}
	return hs
}
