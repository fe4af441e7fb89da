package broker

import (
	"encoding/binary"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestApiVersions: v0-2 get the Kafka 2.3 table, built from the handler
// registry; v3 (librdkafka) and v4 (kgo) get a v0 body with
// UNSUPPORTED_VERSION and the ApiVersions entry, in response header v0.
//
// Reference: docs/reference/kafka.md §1.2, §11 "API versions Kafka 2.3
// advertised"; AK ApiVersionsRequest.getErrorResponse.
func TestApiVersions(t *testing.T) {
	testBroker(t, nil, func(t *testing.T, b *Broker) {
		c := dial(t, b)
		for v := int16(0); v <= 2; v++ {
			req := kmsg.NewPtrApiVersionsRequest()
			req.Version = v
			resp := do[*kmsg.ApiVersionsResponse](c, req)
			if resp.ErrorCode != 0 {
				t.Fatalf("v%d: error %d", v, resp.ErrorCode)
			}
			// Kafka 2.3's ranges for every key we implement (§11), and no other key.
			want := map[int16][2]int16{0: {0, 7}, 1: {0, 11}, 2: {0, 5}, 3: {0, 8}, 18: {0, 2}, 19: {0, 3}, 23: {0, 3}, 32: {0, 2}, 33: {0, 1}, 37: {0, 1}}
			if len(resp.ApiKeys) != len(want) {
				t.Fatalf("v%d: %d keys, want %d", v, len(resp.ApiKeys), len(want))
			}
			for _, k := range resp.ApiKeys {
				if w, ok := want[k.ApiKey]; !ok || w != [2]int16{k.MinVersion, k.MaxVersion} {
					t.Errorf("v%d: key %d advertised %d-%d, want %v", v, k.ApiKey, k.MinVersion, k.MaxVersion, w)
				}
			}
		}
		for _, v := range []int16{3, 4} {
			req := kmsg.NewPtrApiVersionsRequest()
			req.Version = v
			req.ClientSoftwareName, req.ClientSoftwareVersion = "librdkafka", "2.0.2"
			corr := c.send(req)
			resp := kmsg.NewPtrApiVersionsResponse() // decoded as v0
			c.recv(corr, resp)
			if resp.ErrorCode != kerr.UnsupportedVersion.Code {
				t.Fatalf("v%d: error %d, want UNSUPPORTED_VERSION", v, resp.ErrorCode)
			}
			if len(resp.ApiKeys) != 1 || resp.ApiKeys[0].ApiKey != 18 || resp.ApiKeys[0].MinVersion != 0 || resp.ApiKeys[0].MaxVersion != 2 {
				t.Fatalf("v%d: keys %+v, want only ApiVersions 0-2", v, resp.ApiKeys)
			}
		}
	})
}

// TestMetadataVersions: v0 empty = all topics, v1+ null = all, empty =
// none; unknown topics are created when allowed (always before v4, with
// allow_auto_topic_creation from v4), else UNKNOWN_TOPIC_OR_PARTITION;
// invalid names are INVALID_TOPIC_EXCEPTION; the broker is its own
// controller and reports the cluster id.
//
// Reference: docs/reference/kafka.md §1.3 gotcha 5; AK KafkaApis.handleTopicMetadataRequest.
func TestMetadataVersions(t *testing.T) {
	testBroker(t, func(c *Config) {
		c.NumPartitions = 2
		c.NodeID = 7
		c.AdvertisedHost = "kafka.test"
		c.AdvertisedPort = 9092
	},
		func(t *testing.T, b *Broker) {
			c := dial(t, b)
			createTopic(t, c, "a", 1)
			createTopic(t, c, "b", 3)
			meta := func(v int16, topics []string, null, allow bool) *kmsg.MetadataResponse {
				req := kmsg.NewPtrMetadataRequest()
				req.Version, req.AllowAutoTopicCreation = v, allow
				if !null {
					req.Topics = []kmsg.MetadataRequestTopic{}
					for _, name := range topics {
						rt := kmsg.NewMetadataRequestTopic()
						rt.Topic = kmsg.StringPtr(name)
						req.Topics = append(req.Topics, rt)
					}
				}
				return do[*kmsg.MetadataResponse](c, req)
			}
			names := func(r *kmsg.MetadataResponse) (out []string) {
				for _, t := range r.Topics {
					out = append(out, *t.Topic)
				}
				return out
			}
			if got := names(meta(0, nil, false, false)); len(got) != 2 {
				t.Fatalf("v0 empty list: topics %v, want all", got)
			}
			if got := names(meta(1, nil, true, false)); len(got) != 2 {
				t.Fatalf("v1 null list: topics %v, want all", got)
			}
			if got := names(meta(1, nil, false, false)); len(got) != 0 {
				t.Fatalf("v1 empty list: topics %v, want none", got)
			}
			r := meta(8, []string{"b"}, false, false)
			if r.ControllerID != 7 || *r.ClusterID != b.ClusterID() || len(r.Brokers) != 1 ||
				r.Brokers[0].Host != "kafka.test" || r.Brokers[0].Port != 9092 || r.Brokers[0].NodeID != 7 {
				t.Fatalf("v8 cluster: %+v", r)
			}
			if ps := r.Topics[0].Partitions; len(ps) != 3 || ps[2].Leader != 7 || ps[2].ISR[0] != 7 || ps[2].Partition != 2 {
				t.Fatalf("v8 partitions: %+v", ps)
			}
			// v4+ without allow_auto_topic_creation (librdkafka consumers).
			if code := meta(4, []string{"new1"}, false, false).Topics[0].ErrorCode; code != kerr.UnknownTopicOrPartition.Code {
				t.Fatalf("v4 no auto-create: error %d", code)
			}
			if r := meta(4, []string{"new1"}, false, true); r.Topics[0].ErrorCode != 0 || len(r.Topics[0].Partitions) != 2 {
				t.Fatalf("v4 auto-create: %+v", r.Topics[0])
			}
			if r := meta(1, []string{"new2"}, false, false); r.Topics[0].ErrorCode != 0 {
				t.Fatalf("v1 auto-creates: error %d", r.Topics[0].ErrorCode)
			}
			if code := meta(4, []string{"bad/name"}, false, true).Topics[0].ErrorCode; code != kerr.InvalidTopicException.Code {
				t.Fatalf("invalid name: error %d", code)
			}
		})
	testBroker(t, func(c *Config) { c.DisableAutoCreateTopics = true }, func(t *testing.T, b *Broker) {
		c := dial(t, b)
		req := kmsg.NewPtrMetadataRequest()
		req.Version = 1
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = kmsg.StringPtr("x")
		req.Topics = append(req.Topics, rt)
		if code := do[*kmsg.MetadataResponse](c, req).Topics[0].ErrorCode; code != kerr.UnknownTopicOrPartition.Code {
			t.Fatalf("auto.create.topics.enable=false: error %d", code)
		}
	})
}

// TestFramingErrorsCloseOnlyThatConnection: what Kafka cannot read it
// does not answer: it closes the connection. Other connections go on.
//
// Reference: AK 2.8 SocketServer (InvalidReceiveException), RequestContext.parseRequest.
func TestFramingErrorsCloseOnlyThatConnection(t *testing.T) {
	frame := func(body []byte) []byte {
		return binary.BigEndian.AppendUint32(nil, uint32(len(body))) // then body
	}
	header := func(key, version int16) []byte {
		h := binary.BigEndian.AppendUint16(nil, uint16(key))
		h = binary.BigEndian.AppendUint16(h, uint16(version))
		h = binary.BigEndian.AppendUint32(h, 1)
		return binary.BigEndian.AppendUint16(h, 0xffff) // null client id
	}
	cases := map[string][]byte{
		"negative size":       {0xff, 0xff, 0xff, 0xfe},
		"oversized frame":     binary.BigEndian.AppendUint32(nil, 1<<20+1),
		"truncated header":    append(frame(make([]byte, 5)), make([]byte, 5)...),
		"client id too long":  append(frame(make([]byte, 10)), 0, 3, 0, 0, 0, 0, 0, 1, 0, 50),
		"unknown api key":     append(frame(header(9999, 0)), header(9999, 0)...),
		"unadvertised api":    append(frame(header(10, 0)), header(10, 0)...), // FindCoordinator: chapter 9
		"produce v8":          append(frame(header(0, 8)), header(0, 8)...),
		"fetch v12":           append(frame(header(1, 12)), header(1, 12)...),
		"truncated body":      append(frame(append(header(3, 1), 0, 0)), append(header(3, 1), 0, 0)...),
		"array past the body": append(frame(append(header(3, 1), 0x7f, 0, 0, 0)), append(header(3, 1), 0x7f, 0, 0, 0)...),
	}
	testBroker(t, func(c *Config) { c.MaxRequestBytes = 1 << 20 }, func(t *testing.T, b *Broker) {
		good := dial(t, b)
		for name, raw := range cases {
			bad := dial(t, b)
			go bad.writeRaw(raw) // net.Pipe: the broker may close before reading all
			bad.expectClosed()
			req := kmsg.NewPtrMetadataRequest()
			req.Version = 1
			if r := do[*kmsg.MetadataResponse](good, req); len(r.Brokers) != 1 {
				t.Fatalf("after %s: other connection not served", name)
			}
		}
	})
}

// TestPipelinedResponsesInOrder: requests sent back to back are answered
// in order, whatever their kind.
//
// Reference: docs/reference/kafka.md §1.1 "Response order".
func TestPipelinedResponsesInOrder(t *testing.T) {
	testBroker(t, nil, func(t *testing.T, b *Broker) {
		c := dial(t, b)
		createTopic(t, c, "p", 1)
		reqs := []kmsg.Request{
			func() kmsg.Request { r := kmsg.NewPtrApiVersionsRequest(); return r }(),
			produceReq(7, 1, "p", 0, batchOf(t, 1000, 3, 10)),
			func() kmsg.Request { r := kmsg.NewPtrMetadataRequest(); r.Version = 8; return r }(),
			fetchReq(11, 0, 0, 1<<20, fetchPart{"p", 0, 0, 1 << 20}),
			produceReq(7, 1, "p", 0, batchOf(t, 1000, 1, 10)),
		}
		var corrs []int32
		for _, r := range reqs {
			corrs = append(corrs, c.send(r))
		}
		for i, r := range reqs {
			c.recv(corrs[i], r.ResponseKind())
		}
	})
}

// TestAcksZero: acks=0 gets no response; an error closes the connection.
//
// Reference: docs/reference/kafka.md §1.1 "acks=0"; AK KafkaApis.handleProduceRequest.
func TestAcksZero(t *testing.T) {
	testBroker(t, nil, func(t *testing.T, b *Broker) {
		c := dial(t, b)
		createTopic(t, c, "z", 1)
		c.send(produceReq(7, 0, "z", 0, batchOf(t, 1000, 2, 10)))
		req := kmsg.NewPtrListOffsetsRequest()
		req.Version = 1
		rt := kmsg.NewListOffsetsRequestTopic()
		rt.Topic = "z"
		rp := kmsg.NewListOffsetsRequestTopicPartition()
		rp.Timestamp = -1
		rt.Partitions = append(rt.Partitions, rp)
		req.Topics = append(req.Topics, rt)
		// The next frame is the ListOffsets answer: the produce had none.
		resp := do[*kmsg.ListOffsetsResponse](c, req)
		if off := resp.Topics[0].Partitions[0].Offset; off != 2 {
			t.Fatalf("log end %d after an acks=0 produce of 2 records", off)
		}
		c.send(produceReq(7, 0, "nope", 0, batchOf(t, 1000, 1, 10)))
		c.expectClosed()
	})
}
