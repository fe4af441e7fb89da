package broker

import (
	"github.com/twmb/franz-go/pkg/kmsg"
)

// listOffsets answers ListOffsets v1-5: for each partition the offset for
// a timestamp: -2 the log start offset (earliest), -1 the log end offset
// (latest; in standalone mode the high watermark and the last stable
// offset are both the log end, so read_committed changes nothing), else
// the first offset whose timestamp is at or after it, with that
// timestamp, or -1 when there is none.
// Reference: docs/reference/kafka.md §1.3; AK KafkaApis.handleListOffsetRequestV1AndAbove.
func (b *Broker) listOffsets(r *kmsg.ListOffsetsRequest) kmsg.Response {
	resp := kmsg.NewPtrListOffsetsResponse()
	resp.Version = r.Version
	for _, rt := range r.Topics {
		st := kmsg.NewListOffsetsResponseTopic()
		st.Topic = rt.Topic
		for _, rp := range rt.Partitions {
			sp := kmsg.NewListOffsetsResponseTopicPartition()
			sp.Partition = rp.Partition
			sp.Offset, sp.Timestamp, sp.LeaderEpoch = -1, -1, -1
			off, ts, err := b.offsetFor(rt.Topic, rp)
			if err != nil {
				sp.ErrorCode = codeOf(err)
			} else {
				sp.Offset, sp.Timestamp, sp.LeaderEpoch = off, ts, leaderEpoch
			}
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return resp
}

func (b *Broker) offsetFor(topic string, rp kmsg.ListOffsetsRequestTopicPartition) (int64, int64, error) {
	p, err := b.partitionFor(topic, rp.Partition)
	if err != nil {
		return 0, 0, err
	}
	if err := checkEpoch(rp.CurrentLeaderEpoch); err != nil {
		return 0, 0, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.OffsetForTimestamp(rp.Timestamp)
}
