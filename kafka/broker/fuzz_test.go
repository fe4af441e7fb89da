package broker

import (
	"testing"
	"testing/synctest"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// FuzzRequest feeds arbitrary request frames (after the size prefix)
// through the whole decoding path — header, version check, kmsg decode —
// and the handlers, against a broker holding a topic "t" with data. It
// must never panic; errors close the connection. The seed corpus (a valid
// request of every API and version we serve, and damaged copies) runs
// under plain go test.
//
// Reference: docs/reference/kafka.md §1.1; the standard "bad input never panics".
func FuzzRequest(f *testing.F) {
	fmtr := kmsg.NewRequestFormatter(kmsg.FormatterClientID("fuzz"))
	add := func(req kmsg.Request) {
		frame := fmtr.AppendRequest(nil, req, 7)[4:]
		f.Add(frame)
		if len(frame) > 12 {
			f.Add(frame[:len(frame)-3])
			bad := append([]byte(nil), frame...)
			bad[len(bad)/2] ^= 0xff
			f.Add(bad)
		}
	}
	batch := record.Simple(1000, []byte("a"), []byte("b"), nil)
	for _, a := range apiTable() {
		for v := a.min; v <= a.max; v++ {
			var req kmsg.Request
			switch a.key {
			case 0:
				records := batch
				if v < 3 {
					records = record.AppendMessage(nil, record.Message{Magic: 1, Timestamp: 5, Key: []byte("k"), Value: []byte("v")})
				}
				req = produceReq(v, 1, "t", 0, records)
			case 1:
				req = fetchReq(v, 100, 1, 1<<20, fetchPart{"t", 0, 0, 1 << 20}, fetchPart{"u", 0, 0, 10})
			case 2:
				r := kmsg.NewPtrListOffsetsRequest()
				rt := kmsg.NewListOffsetsRequestTopic()
				rt.Topic = "t"
				rt.Partitions = []kmsg.ListOffsetsRequestTopicPartition{kmsg.NewListOffsetsRequestTopicPartition()}
				r.Topics = append(r.Topics, rt)
				req = r
			case 3:
				r := kmsg.NewPtrMetadataRequest()
				rt := kmsg.NewMetadataRequestTopic()
				rt.Topic = kmsg.StringPtr("new")
				r.Topics, r.AllowAutoTopicCreation = append(r.Topics, rt), true
				req = r
			case 18:
				req = kmsg.NewPtrApiVersionsRequest()
			case 19:
				r := kmsg.NewPtrCreateTopicsRequest()
				rt := kmsg.NewCreateTopicsRequestTopic()
				rt.Topic, rt.NumPartitions, rt.ReplicationFactor = "c", 2, 1
				r.Topics = append(r.Topics, rt)
				req = r
			case 32:
				r := kmsg.NewPtrDescribeConfigsRequest()
				rr := kmsg.NewDescribeConfigsRequestResource()
				rr.ResourceType, rr.ResourceName = kmsg.ConfigResourceTypeTopic, "t"
				r.Resources, r.IncludeSynonyms = append(r.Resources, rr), true
				req = r
			case 33:
				r := kmsg.NewPtrAlterConfigsRequest()
				rr := kmsg.NewAlterConfigsRequestResource()
				rr.ResourceType, rr.ResourceName = kmsg.ConfigResourceTypeTopic, "t"
				c := kmsg.NewAlterConfigsRequestResourceConfig()
				c.Name, c.Value = "retention.ms", kmsg.StringPtr("1000")
				rr.Configs = append(rr.Configs, c)
				r.Resources = append(r.Resources, rr)
				req = r
			case 23:
				r := kmsg.NewPtrOffsetForLeaderEpochRequest()
				rt := kmsg.NewOffsetForLeaderEpochRequestTopic()
				rp := kmsg.NewOffsetForLeaderEpochRequestTopicPartition()
				rt.Topic, rp.LeaderEpoch = "t", 0
				rt.Partitions = append(rt.Partitions, rp)
				r.Topics = append(r.Topics, rt)
				req = r
			case 37:
				r := kmsg.NewPtrCreatePartitionsRequest()
				rt := kmsg.NewCreatePartitionsRequestTopic()
				rt.Topic, rt.Count = "t", 2
				r.Topics = append(r.Topics, rt)
				req = r
			default:
				f.Fatalf("FuzzRequest has no seed request for API key %d: add one", a.key)
			}
			req.SetVersion(v)
			add(req)
		}
	}
	apiv := kmsg.NewPtrApiVersionsRequest()
	apiv.Version = 4
	add(apiv)
	f.Add([]byte{})
	f.Add([]byte{0, 1, 0, 4, 0, 0, 0, 1, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, frame []byte) {
		synctest.Test(t, func(t *testing.T) {
			b, err := New(Config{LogDirs: []string{"/k"}, FS: vfs.NewMem(), Logger: testLogger(t)})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			b.mu.Lock()
			_, err = b.createTopic(topicSpec{name: "t", partitions: 1, cfg: b.cfg.Log})
			b.mu.Unlock()
			if err != nil {
				t.Fatal(err)
			}
			p, _ := b.partitionFor("t", 0)
			p.appendAsLeader(append([]byte(nil), batch...), 0)
			fr, err := b.handle(frame, nil)
			if fr == nil && err == nil {
				// Only a successful acks=0 produce has no response.
				if len(frame) < 2 || frame[0] != 0 || frame[1] != 0 {
					t.Fatalf("no response and no error for api %x", frame[:min(2, len(frame))])
				}
			}
			if fr != nil && err != nil {
				t.Fatalf("both a response and an error: %v", err)
			}
		})
	})
}
