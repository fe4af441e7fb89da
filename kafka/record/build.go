package record

import (
	"encoding/binary"
	"fmt"
)

// BatchOptions are the header fields a producer chooses. ProducerID,
// ProducerEpoch and BaseSequence are -1 for a non-idempotent producer;
// NoProducer sets them so.
type BatchOptions struct {
	Codec                Codec
	BaseOffset           int64 // 0 from a producer; the broker overwrites it
	PartitionLeaderEpoch int32 // -1 from a producer; the leader overwrites it
	BaseTimestamp        int64 // the first record's timestamp (ms)
	ProducerID           int64
	ProducerEpoch        int16
	BaseSequence         int32
	Transactional        bool
	Control              bool
	LogAppendTime        bool
}

// NoProducer returns options for a plain producer: no producer id, no
// sequence, leader epoch -1, timestamps from baseTimestamp.
func NoProducer(codec Codec, baseTimestamp int64) BatchOptions {
	return BatchOptions{
		Codec: codec, PartitionLeaderEpoch: -1, BaseTimestamp: baseTimestamp,
		ProducerID: -1, ProducerEpoch: -1, BaseSequence: -1,
	}
}

// AppendBatch encodes a batch of recs and appends it to dst. Records keep
// their OffsetDelta and TimestampDelta as given (a producer numbers them
// 0, 1, 2, ...); lastOffsetDelta is the last record's OffsetDelta and
// maxTimestamp the largest BaseTimestamp+TimestampDelta.
func AppendBatch(dst []byte, opt BatchOptions, recs []Record) ([]byte, error) {
	if opt.Codec < None || opt.Codec > Zstd {
		return dst, fmt.Errorf("record: unknown codec %d", opt.Codec)
	}
	start := len(dst)
	dst = append(dst, make([]byte, HeaderSize)...)
	b := dst[start:]
	attrs := Attributes(opt.Codec)
	if opt.LogAppendTime {
		attrs |= attrLogAppendTime
	}
	if opt.Transactional {
		attrs |= attrTransactional
	}
	if opt.Control {
		attrs |= attrControl
	}
	var lastDelta int32 = -1
	maxTS := opt.BaseTimestamp
	if len(recs) > 0 {
		lastDelta = recs[len(recs)-1].OffsetDelta
		maxTS = opt.BaseTimestamp + recs[0].TimestampDelta
	}
	for i := range recs {
		if ts := opt.BaseTimestamp + recs[i].TimestampDelta; ts > maxTS {
			maxTS = ts
		}
	}
	binary.BigEndian.PutUint64(b[offBaseOffset:], uint64(opt.BaseOffset))
	binary.BigEndian.PutUint32(b[offPartitionLeaderEpoch:], uint32(opt.PartitionLeaderEpoch))
	b[offMagic] = Magic
	binary.BigEndian.PutUint16(b[offAttributes:], uint16(attrs))
	binary.BigEndian.PutUint32(b[offLastOffsetDelta:], uint32(lastDelta))
	binary.BigEndian.PutUint64(b[offBaseTimestamp:], uint64(opt.BaseTimestamp))
	binary.BigEndian.PutUint64(b[offMaxTimestamp:], uint64(maxTS))
	binary.BigEndian.PutUint64(b[offProducerID:], uint64(opt.ProducerID))
	binary.BigEndian.PutUint16(b[offProducerEpoch:], uint16(opt.ProducerEpoch))
	binary.BigEndian.PutUint32(b[offBaseSequence:], uint32(opt.BaseSequence))
	binary.BigEndian.PutUint32(b[offRecordsCount:], uint32(len(recs)))

	if opt.Codec == None {
		for i := range recs {
			dst = appendRecord(dst, &recs[i])
		}
	} else {
		var raw []byte
		for i := range recs {
			raw = appendRecord(raw, &recs[i])
		}
		var err error
		if dst, err = Compress(dst, opt.Codec, raw); err != nil {
			return dst[:start], err
		}
	}
	b = dst[start:]
	binary.BigEndian.PutUint32(b[offBatchLength:], uint32(len(b)-LogOverhead))
	binary.BigEndian.PutUint32(b[offCRC:], ComputeCRC(b))
	return dst, nil
}

// Simple builds an uncompressed batch of values with null keys, all at
// timestamp ts, offset deltas 0..n-1: the batch tests reach for first.
func Simple(ts int64, values ...[]byte) []byte {
	recs := make([]Record, len(values))
	for i, v := range values {
		recs[i] = Record{OffsetDelta: int32(i), Value: v}
	}
	b, err := AppendBatch(nil, NoProducer(None, ts), recs)
	if err != nil {
		panic(err) // unreachable: codec None cannot fail
	}
	return b
}
