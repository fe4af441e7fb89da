package broker

import (
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/replica"
)

// OffsetForLeaderEpoch: v0-3 (Kafka 2.3's range).
//
// Behavior: for each partition, the largest leader epoch at or below the
// one asked for that wrote to this broker's log, and the offset where it
// ended (the log end for the latest epoch) — what a follower truncates
// to before fetching from a new leader (KIP-101, KIP-279), and what a
// KIP-320 consumer checks its position against. From v1 the answer
// carries that epoch; from v2 the request's current_leader_epoch is
// checked (older: FENCED_LEADER_EPOCH, newer: UNKNOWN_LEADER_EPOCH).
// Only the leader answers (NOT_LEADER_FOR_PARTITION elsewhere;
// UNKNOWN_TOPIC_OR_PARTITION for a partition the cluster does not
// have). An epoch this log knows nothing about is UNDEFINED_EPOCH /
// UNDEFINED_EPOCH_OFFSET (-1, -1) with no error.
//
// Reference: AK 2.3.1 KafkaApis.handleOffsetForLeaderEpochRequest,
// ReplicaManager.lastOffsetForLeaderEpoch, Partition.lastOffsetForLeaderEpoch,
// LeaderEpochFileCache.endOffsetFor; kafka/replica.EpochCache.
func init() { register(23, 0, 3, (*Broker).handleOffsetForLeaderEpoch) }

func (b *Broker) handleOffsetForLeaderEpoch(rc *request, r *kmsg.OffsetForLeaderEpochRequest) (*frame, error) {
	resp := kmsg.NewPtrOffsetForLeaderEpochResponse()
	resp.Version = r.Version
	for _, rt := range r.Topics {
		st := kmsg.NewOffsetForLeaderEpochResponseTopic()
		st.Topic = rt.Topic
		for _, rp := range rt.Partitions {
			sp := kmsg.NewOffsetForLeaderEpochResponseTopicPartition()
			sp.Partition = rp.Partition
			epoch, end, err := b.endOffsetForEpoch(rt.Topic, rp)
			if err != nil {
				sp.ErrorCode = codeOf(err)
			} else {
				sp.LeaderEpoch, sp.EndOffset = epoch, end
			}
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return rc.respond(resp)
}

func (b *Broker) endOffsetForEpoch(topic string, rp kmsg.OffsetForLeaderEpochRequestTopicPartition) (int32, int64, error) {
	p, err := b.partitionFor(topic, rp.Partition)
	if err != nil {
		return 0, 0, err
	}
	if err := checkEpoch(rp.CurrentLeaderEpoch, p.epoch()); err != nil {
		return 0, 0, err
	}
	epoch, end := p.endOffsetForEpoch(rp.LeaderEpoch)
	return epoch, end, nil
}

// endOffsetForEpoch reads the log's epoch history under the partition's
// lock: (UndefinedEpoch, UndefinedOffset) when it has no answer.
func (p *partition) endOffsetForEpoch(epoch int32) (int32, int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, end, ok := p.log.EndOffsetForEpoch(epoch)
	if !ok {
		return replica.UndefinedEpoch, replica.UndefinedOffset
	}
	return e, end
}
