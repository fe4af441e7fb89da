package broker

import (
	"net"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// benchBroker starts a broker on the loopback with its log dir on the real
// disk (b.TempDir), and a raw kmsg connection to it.
func benchBroker(b *testing.B) (*Broker, *client) {
	br, err := Start(Config{LogDirs: []string{b.TempDir()}, Logger: testLogger(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { br.Close() })
	nc, err := net.Dial("tcp", br.Addr())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { nc.Close() })
	return br, &client{t: b, nc: nc, fmt: kmsg.NewRequestFormatter()}
}

// BenchmarkProduce: acks=1 produce requests of one 1 MiB batch (1 KiB
// records) over TCP, pipelined 8 deep: the broker's produce path
// end to end (framing, kmsg decode, batch validation, append; no fsync,
// Kafka's default).
func BenchmarkProduce(b *testing.B) {
	_, c := benchBroker(b)
	createTopic(b, c, "bench", 1)
	batch := batchOf(b, 1000, 1024, 1000)
	b.SetBytes(int64(len(batch)))
	const depth = 8
	var corrs []int32
	b.ResetTimer()
	for range b.N {
		corrs = append(corrs, c.send(produceReq(7, 1, "bench", 0, batch)))
		if len(corrs) == depth {
			c.recv(corrs[0], kmsg.NewPtrProduceResponse())
			corrs = corrs[1:]
		}
	}
	for _, corr := range corrs {
		resp := kmsg.NewPtrProduceResponse()
		resp.Version = 7
		c.recv(corr, resp)
		if code := resp.Topics[0].Partitions[0].ErrorCode; code != 0 {
			b.Fatalf("produce: error %d", code)
		}
	}
}

// BenchmarkFetch: 1 MiB fetches over TCP from a log on disk (page cache):
// the sendfile path.
func BenchmarkFetch(b *testing.B) {
	_, c := benchBroker(b)
	createTopic(b, c, "bench", 1)
	batch := batchOf(b, 1000, 64, 1000)
	var offsets []int64
	for range 256 { // 16 MiB
		offsets = append(offsets, produce(b, c, "bench", 0, batch))
	}
	b.SetBytes(16 * int64(len(batch)))
	b.ResetTimer()
	for i := range b.N {
		off := offsets[(i*16)%len(offsets)]
		resp := kmsg.NewPtrFetchResponse()
		resp.Version = 11
		c.recv(c.send(fetchReq(11, 0, 1, 16*int32(len(batch)), fetchPart{"bench", 0, off, 16 * int32(len(batch))})), resp)
		if n := len(resp.Topics[0].Partitions[0].RecordBatches); n != 16*len(batch) {
			b.Fatalf("fetched %d bytes", n)
		}
	}
}
