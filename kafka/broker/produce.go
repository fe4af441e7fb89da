package broker

import (
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// produce appends each partition's record batches to its log.
//
// Acks: 1 answers after the local append; -1 (all) waits for the ISR,
// which in standalone mode is this broker alone, so it is the same as 1
// (chapter 7 makes it wait for the high watermark); 0 gets no response at
// all, and an error then closes the connection — the only way a
// fire-and-forget producer learns of it (AK KafkaApis.handleProduceRequest).
// It returns (nil, nil) for a successful acks=0 request.
//
// The batches are validated (CRC, lengths, record framing) and stamped in
// place by the log; nothing is decoded into records or re-encoded.
// Reference: docs/reference/kafka.md §1.1, §2, §4 "Acks".
func (b *Broker) produce(r *kmsg.ProduceRequest) (kmsg.Response, error) {
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
				err = b.appendTo(rt.Topic, rp.Partition, rp.Records, now, &sp)
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
	return resp, nil
}

// appendTo appends one partition's batches and fills in the response.
func (b *Broker) appendTo(topic string, id int32, records []byte, now int64, sp *kmsg.ProduceResponseTopicPartition) error {
	p, err := b.partitionFor(topic, id)
	if err != nil {
		return err
	}
	p.mu.Lock()
	info, err := p.log.Append(records, leaderEpoch, now)
	start := p.log.StartOffset()
	if err == nil {
		p.notifyLocked()
	}
	p.mu.Unlock()
	if err != nil {
		return err
	}
	sp.BaseOffset = info.FirstOffset
	sp.LogStartOffset = start
	return nil
}
