package record

import (
	"encoding/binary"
	"hash/crc32"
)

// Field offsets in a RecordBatch v2 (docs/reference/kafka.md §2).
const (
	offBaseOffset           = 0
	offBatchLength          = 8
	offPartitionLeaderEpoch = 12
	offMagic                = 16
	offCRC                  = 17
	offAttributes           = 21 // the CRC covers [offAttributes, end)
	offLastOffsetDelta      = 23
	offBaseTimestamp        = 27
	offMaxTimestamp         = 35
	offProducerID           = 43
	offProducerEpoch        = 51
	offBaseSequence         = 53
	offRecordsCount         = 57

	// HeaderSize is the fixed part of a batch: everything before the
	// records. The smallest valid batchLength is HeaderSize-LogOverhead.
	HeaderSize = 61
	// LogOverhead is the bytes not counted by batchLength: baseOffset and
	// batchLength itself. A batch occupies batchLength+LogOverhead bytes.
	LogOverhead = 12
	// Magic is the only batch format this package speaks.
	Magic = 2
)

// castagnoli is CRC-32C, the checksum of magic v2 (v0/v1 used IEEE).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// #region header

// Header is a batch's fixed 61-byte part, decoded.
type Header struct {
	BaseOffset           int64
	BatchLength          int32
	PartitionLeaderEpoch int32
	Magic                int8
	CRC                  uint32
	Attributes           Attributes
	LastOffsetDelta      int32
	BaseTimestamp        int64
	MaxTimestamp         int64
	ProducerID           int64
	ProducerEpoch        int16
	BaseSequence         int32
	NumRecords           int32
}

// #endregion header

// Size is the number of bytes the batch occupies, header included.
func (h Header) Size() int { return int(h.BatchLength) + LogOverhead }

// LastOffset is the offset of the batch's last record.
func (h Header) LastOffset() int64 { return h.BaseOffset + int64(h.LastOffsetDelta) }

// NextOffset is the offset after the batch: the log end offset once the
// batch is appended.
func (h Header) NextOffset() int64 { return h.LastOffset() + 1 }

// ParseHeader decodes the fixed part of the batch at the start of b and
// checks what can be checked without the records: magic 2 and a
// batchLength no smaller than the header. It does not check the CRC or
// that b holds the whole batch (see Split and Validate).
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderSize {
		return Header{}, corrupt("batch header needs %d bytes, have %d", HeaderSize, len(b))
	}
	h := Header{
		BaseOffset:           int64(binary.BigEndian.Uint64(b[offBaseOffset:])),
		BatchLength:          int32(binary.BigEndian.Uint32(b[offBatchLength:])),
		PartitionLeaderEpoch: int32(binary.BigEndian.Uint32(b[offPartitionLeaderEpoch:])),
		Magic:                int8(b[offMagic]),
		CRC:                  binary.BigEndian.Uint32(b[offCRC:]),
		Attributes:           Attributes(binary.BigEndian.Uint16(b[offAttributes:])),
		LastOffsetDelta:      int32(binary.BigEndian.Uint32(b[offLastOffsetDelta:])),
		BaseTimestamp:        int64(binary.BigEndian.Uint64(b[offBaseTimestamp:])),
		MaxTimestamp:         int64(binary.BigEndian.Uint64(b[offMaxTimestamp:])),
		ProducerID:           int64(binary.BigEndian.Uint64(b[offProducerID:])),
		ProducerEpoch:        int16(binary.BigEndian.Uint16(b[offProducerEpoch:])),
		BaseSequence:         int32(binary.BigEndian.Uint32(b[offBaseSequence:])),
		NumRecords:           int32(binary.BigEndian.Uint32(b[offRecordsCount:])),
	}
	if h.Magic != Magic {
		return h, corrupt("magic %d, want %d (produce v3+ carries only RecordBatch v2)", h.Magic, Magic)
	}
	if h.BatchLength < HeaderSize-LogOverhead {
		return h, corrupt("batchLength %d is smaller than the batch header", h.BatchLength)
	}
	return h, nil
}

// BatchSize reads the size of the batch starting at b from its first 12
// bytes (baseOffset, batchLength), as a log scanner does before reading
// the rest. ok is false if b is shorter than 12 bytes or the length is
// too small to be a batch.
func BatchSize(b []byte) (size int, ok bool) {
	if len(b) < LogOverhead {
		return 0, false
	}
	n := int32(binary.BigEndian.Uint32(b[offBatchLength:]))
	if n < HeaderSize-LogOverhead {
		return 0, false
	}
	return int(n) + LogOverhead, true
}

// Split returns the first batch in b and the bytes after it. A produce
// request's records field (and a log segment) is batches back to back.
// Split checks only the framing (header and size); use Validate on the
// batch for the rest.
func Split(b []byte) (batch, rest []byte, h Header, err error) {
	h, err = ParseHeader(b)
	if err != nil {
		return nil, b, h, err
	}
	if h.Size() > len(b) {
		return nil, b, h, corrupt("batchLength %d needs %d bytes, only %d left", h.BatchLength, h.Size(), len(b))
	}
	return b[:h.Size()], b[h.Size():], h, nil
}

// ComputeCRC is the CRC-32C of batch[21:], what the crc field must hold.
func ComputeCRC(batch []byte) uint32 {
	return crc32.Checksum(batch[offAttributes:], castagnoli)
}

// CheckCRC reports whether the batch's crc field matches its bytes. batch
// must be one whole batch (at least HeaderSize bytes).
func CheckCRC(batch []byte) error {
	if len(batch) < HeaderSize {
		return corrupt("batch of %d bytes is shorter than its header", len(batch))
	}
	want := binary.BigEndian.Uint32(batch[offCRC:])
	if got := ComputeCRC(batch); got != want {
		return corrupt("crc 0x%08x, computed 0x%08x", want, got)
	}
	return nil
}

// SetBaseOffset stamps the broker-assigned offset into the batch in place.
// The field lies before the CRC's range, so the CRC stays valid.
func SetBaseOffset(batch []byte, off int64) {
	binary.BigEndian.PutUint64(batch[offBaseOffset:], uint64(off))
}

// SetPartitionLeaderEpoch stamps the leader's epoch (KIP-101) in place,
// also outside the CRC.
func SetPartitionLeaderEpoch(batch []byte, epoch int32) {
	binary.BigEndian.PutUint32(batch[offPartitionLeaderEpoch:], uint32(epoch))
}

// SetLogAppendTime turns batch into a LogAppendTime batch stamped with ts:
// timestampType bit set, maxTimestamp = ts. Both fields are inside the
// CRC, so the CRC is recomputed — the one rewrite that costs a pass over
// the batch (docs/reference/kafka.md §2, "Broker rewrites").
func SetLogAppendTime(batch []byte, ts int64) {
	a := binary.BigEndian.Uint16(batch[offAttributes:]) | uint16(attrLogAppendTime)
	binary.BigEndian.PutUint16(batch[offAttributes:], a)
	binary.BigEndian.PutUint64(batch[offMaxTimestamp:], uint64(ts))
	binary.BigEndian.PutUint32(batch[offCRC:], ComputeCRC(batch))
}

// Attributes is the batch's attribute bits.
type Attributes int16

const (
	attrCodecMask     Attributes = 0x07
	attrLogAppendTime Attributes = 1 << 3
	attrTransactional Attributes = 1 << 4
	attrControl       Attributes = 1 << 5
	attrDeleteHorizon Attributes = 1 << 6
)

// Codec is the compression codec in bits 0-2.
func (a Attributes) Codec() Codec { return Codec(a & attrCodecMask) }

// LogAppendTime reports timestampType = 1: the broker's clock, not the
// producer's, stamped the batch.
func (a Attributes) LogAppendTime() bool { return a&attrLogAppendTime != 0 }

// Transactional reports whether the batch is part of a transaction.
func (a Attributes) Transactional() bool { return a&attrTransactional != 0 }

// Control reports a control batch (transaction markers); clients may not
// produce them.
func (a Attributes) Control() bool { return a&attrControl != 0 }

// DeleteHorizon reports that baseTimestamp is a compaction delete horizon.
func (a Attributes) DeleteHorizon() bool { return a&attrDeleteHorizon != 0 }
