package broker

import (
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/record"
)

// Produce: v0-7 (Kafka 2.3's range).
//
// Behavior:
//   - v3+ carries exactly one RecordBatch v2 per partition. It is
//     validated (CRC, lengths, record framing) and stamped in place by
//     the log (offsets, leader epoch); nothing is re-encoded. A second
//     batch, or a magic other than 2, is CORRUPT_MESSAGE; zstd below v7
//     UNSUPPORTED_COMPRESSION_TYPE (AK 2.3 ProduceRequest.validateRecords,
//     called per partition by KafkaApis.handleProduceRequest).
//   - v0-2 carries magic 0/1 message sets (Kafka 0.8-0.10 clients). The
//     log stores only v2, as a 2.3 broker with the default
//     log.message.format.version does: the set is decoded (every CRC,
//     compressed wrappers opened) and up-converted to one v2 batch with
//     the same codec (kafka/record UpConvert; AK LogValidator). The cost:
//     a decompression and, for a compressed set, a recompression.
//   - Acks: 1 answers after the local append; -1 (all) waits for the
//     ISR, which is this broker alone, so it is the same as 1 (chapter 7
//     makes it a delayed operation completed by the high watermark); 0
//     gets no response at all, and an error then closes the connection —
//     the only way a fire-and-forget producer learns of it (AK
//     KafkaApis.handleProduceRequest).
//   - Transactions and idempotence are not implemented (no
//     InitProducerId): a batch's producer id is stored, not checked.
//
// Reference: docs/reference/kafka.md §1.1, §2, §4 "Acks", §11.
func init() { register(0, 0, 7, (*Broker).handleProduce) }

func (b *Broker) handleProduce(rc *request, r *kmsg.ProduceRequest) (*frame, error) {
	resp := kmsg.NewPtrProduceResponse()
	resp.Version = r.Version
	badAcks := r.Acks != 0 && r.Acks != 1 && r.Acks != -1
	var firstErr error
	now := b.nowMs()
	for _, rt := range r.Topics {
		st := kmsg.NewProduceResponseTopic()
		st.Topic = rt.Topic
		for _, rp := range rt.Partitions {
			sp := kmsg.NewProduceResponseTopicPartition()
			sp.Partition = rp.Partition
			sp.BaseOffset, sp.LogAppendTime, sp.LogStartOffset = -1, -1, -1
			var err error
			if badAcks {
				err = kerr.InvalidRequiredAcks
			} else {
				err = b.produceTo(r.Version, rt.Topic, rp.Partition, rp.Records, now, &sp)
			}
			if err != nil {
				sp.ErrorCode = codeOf(err)
				if firstErr == nil {
					firstErr = fmt.Errorf("produce to %s-%d: %w", rt.Topic, rp.Partition, err)
				}
				b.cfg.Logger.Debug("produce failed", "topic", rt.Topic, "partition", rp.Partition, "err", err)
			}
			st.Partitions = append(st.Partitions, sp)
		}
		resp.Topics = append(resp.Topics, st)
	}
	if r.Acks == 0 {
		return nil, firstErr
	}
	return rc.respond(resp)
}

// produceTo appends one partition's records and fills in the response.
func (b *Broker) produceTo(version int16, topic string, id int32, records []byte, now int64, sp *kmsg.ProduceResponseTopicPartition) error {
	p, err := b.partitionFor(topic, id)
	if err != nil {
		return err
	}
	batch, err := produceRecords(version, records)
	if err != nil {
		return err
	}
	info, err := p.appendAsLeader(batch, now)
	if err != nil {
		return err
	}
	sp.BaseOffset = info.FirstOffset
	sp.LogStartOffset = info.LogStartOffset
	return nil
}

// produceRecords checks a partition's records field for its request
// version and returns the v2 batch to append: as is for v3+, up-converted
// for a v0-2 message set. A v0-2 request may carry v2 batches too (AK
// does not check the magic below v3).
// Reference: AK 2.3 ProduceRequest.validateRecords, LogValidator.
func produceRecords(version int16, records []byte) ([]byte, error) {
	if version < 3 && record.IsLegacy(records) {
		ms, err := record.ReadMessageSet(records)
		if err != nil {
			return nil, err
		}
		return record.UpConvert(nil, ms)
	}
	if version < 3 {
		return records, nil
	}
	batch, rest, h, err := record.Split(records)
	if err != nil {
		return nil, err
	}
	if version < 7 && h.Attributes.Codec() == record.Zstd {
		return nil, &record.Error{Kafka: kerr.UnsupportedCompressionType,
			Reason: fmt.Sprintf("produce requests with version %d are not allowed to use ZStandard compression", version)}
	}
	if len(rest) > 0 {
		return nil, &record.Error{Kafka: kerr.CorruptMessage,
			Reason: fmt.Sprintf("produce requests with version %d are only allowed to contain exactly one record batch", version)}
	}
	return batch, nil
}
