package broker

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func epochReq(version int16, topic string, partition, current, epoch int32) *kmsg.OffsetForLeaderEpochRequest {
	r := kmsg.NewPtrOffsetForLeaderEpochRequest()
	r.Version, r.ReplicaID = version, -1
	rt := kmsg.NewOffsetForLeaderEpochRequestTopic()
	rp := kmsg.NewOffsetForLeaderEpochRequestTopicPartition()
	rt.Topic, rp.Partition, rp.CurrentLeaderEpoch, rp.LeaderEpoch = topic, partition, current, epoch
	rt.Partitions = append(rt.Partitions, rp)
	r.Topics = append(r.Topics, rt)
	return r
}

// OffsetForLeaderEpoch answers from the log's epoch history: the latest
// epoch ends at the log end, an epoch above any the log has is unknown
// (-1, -1, no error), v2's current_leader_epoch fences older and newer
// callers, an unknown partition is UNKNOWN_TOPIC_OR_PARTITION.
// Reference: AK 2.3.1 Partition.lastOffsetForLeaderEpoch,
// LeaderEpochFileCache.endOffsetFor; KIP-101, KIP-320.
func TestOffsetForLeaderEpoch(t *testing.T) {
	testBroker(t, nil, func(t *testing.T, b *Broker) {
		c := dial(t, b)
		createTopic(t, c, "e", 1)
		produce(t, c, "e", 0, batchOf(t, 1000, 3, 10))
		produce(t, c, "e", 0, batchOf(t, 1000, 2, 10))
		part := func(version int16, topic string, partition, current, epoch int32) kmsg.OffsetForLeaderEpochResponseTopicPartition {
			t.Helper()
			resp := do[*kmsg.OffsetForLeaderEpochResponse](c, epochReq(version, topic, partition, current, epoch))
			if len(resp.Topics) != 1 || len(resp.Topics[0].Partitions) != 1 {
				t.Fatalf("response %+v", resp)
			}
			return resp.Topics[0].Partitions[0]
		}
		for v := int16(0); v <= 3; v++ {
			p := part(v, "e", 0, -1, standaloneEpoch)
			if p.ErrorCode != 0 || p.EndOffset != 5 || (v >= 1 && p.LeaderEpoch != standaloneEpoch) {
				t.Errorf("v%d, the latest epoch: %+v, want epoch %d ending at the log end 5", v, p, standaloneEpoch)
			}
		}
		if p := part(2, "e", 0, -1, standaloneEpoch+3); p.ErrorCode != 0 || p.LeaderEpoch != -1 || p.EndOffset != -1 {
			t.Errorf("an epoch above any in the log: %+v, want -1/-1 and no error", p)
		}
		if p := part(2, "e", 0, standaloneEpoch+1, standaloneEpoch); p.ErrorCode != kerr.UnknownLeaderEpoch.Code {
			t.Errorf("a caller ahead of our epoch: error %d, want UNKNOWN_LEADER_EPOCH", p.ErrorCode)
		}
		if p := part(2, "nope", 0, -1, 0); p.ErrorCode != kerr.UnknownTopicOrPartition.Code {
			t.Errorf("unknown partition: error %d, want UNKNOWN_TOPIC_OR_PARTITION", p.ErrorCode)
		}
	})
}
