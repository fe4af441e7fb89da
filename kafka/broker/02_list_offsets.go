package broker

import (
	"github.com/twmb/franz-go/pkg/kmsg"
)

// ListOffsets: v0-5 (Kafka 2.3's range).
//
// Behavior:
//   - For each partition the offset for a timestamp: -2 the log start
//     offset (earliest), -1 the high watermark (latest: what a consumer
//     may read up to; with no transactions also the last stable offset,
//     so read_committed changes nothing), else the first offset whose
//     timestamp is at or after it, with that timestamp, or -1 when there
//     is none.
//   - v0 (clients before 0.10.1, e.g. kafka-python with api_version
//     (0,10,0)) asks for up to max_num_offsets offsets and gets a list
//     (old_style_offsets): for -1 and -2 the one offset; for a timestamp,
//     AK 2.3 answers from segment base offsets (legacyFetchOffsetsBefore)
//     — we answer the timestamp lookup's offset, the one a v1 client gets.
//   - v4+ current_leader_epoch is checked (KIP-320), and v4+ answers carry
//     the leader epoch.
//
// Reference: docs/reference/kafka.md §1.3; AK 2.3
// KafkaApis.handleListOffsetRequestV0, handleListOffsetRequestV1AndAbove.
func init() { register(2, 0, 5, (*Broker).handleListOffsets) }

func (b *Broker) handleListOffsets(rc *request, r *kmsg.ListOffsetsRequest) (*frame, error) {
	resp := kmsg.NewPtrListOffsetsResponse()
	resp.Version = r.Version
	for _, rt := range r.Topics {
		st := kmsg.NewListOffsetsResponseTopic()
		st.Topic = rt.Topic
		for _, rp := range rt.Partitions {
			sp := kmsg.NewListOffsetsResponseTopicPartition()
			sp.Partition = rp.Partition
			sp.Offset, sp.Timestamp, sp.LeaderEpoch = -1, -1, -1
			off, ts, epoch, err := b.offsetFor(rt.Topic, rp)
			switch {
			case err != nil:
				sp.ErrorCode = codeOf(err)
			case r.Version == 0:
				sp.OldStyleOffsets = []int64{}
				if off >= 0 && rp.MaxNumOffsets > 0 {
					sp.OldStyleOffsets = []int64{off}
				}
			default:
				sp.Offset, sp.Timestamp, sp.LeaderEpoch = off, ts, epoch
			}
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return rc.respond(resp)
}

func (b *Broker) offsetFor(topic string, rp kmsg.ListOffsetsRequestTopicPartition) (int64, int64, int32, error) {
	p, err := b.partitionFor(topic, rp.Partition)
	if err != nil {
		return 0, 0, 0, err
	}
	epoch := p.epoch()
	if err := checkEpoch(rp.CurrentLeaderEpoch, epoch); err != nil {
		return 0, 0, 0, err
	}
	off, ts, err := p.offsetFor(rp.Timestamp)
	return off, ts, epoch, err
}
