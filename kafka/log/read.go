package log

import (
	"errors"
	"fmt"
	"io"

	"github.com/zkafka/zkafka/kafka/record"
)

// errTornBatch says the bytes at a position are not a whole batch header
// (end of data, a torn write, garbage).
var errTornBatch = errors.New("log: no whole batch header here")

// readHeaderAt reads and parses the batch header at pos of the segment's
// .log, which must lie inside the first size bytes.
func (s *segment) readHeaderAt(pos int64, buf *[record.HeaderSize]byte) (record.Header, error) {
	if pos+record.HeaderSize > s.size {
		return record.Header{}, errTornBatch
	}
	if _, err := s.log.ReadAt(buf[:], pos); err != nil {
		return record.Header{}, err
	}
	h, err := record.ParseHeader(buf[:])
	if err != nil {
		return h, fmt.Errorf("log: batch at position %d: %w", pos, err)
	}
	if pos+int64(h.Size()) > s.size {
		return h, fmt.Errorf("log: batch at position %d ends past the segment (%w)", pos, errTornBatch)
	}
	return h, nil
}

// translateOffset finds the first batch whose last offset is >= offset:
// look the offset up in the index, then scan batch headers forward from
// there. found is false when every batch ends before offset.
// Reference: AK LogSegment.translateOffset, FileRecords.searchForOffsetWithSize.
func (s *segment) translateOffset(offset int64) (pos int64, h record.Header, found bool, err error) {
	e, err := s.index.lookup(offset)
	if err != nil {
		return 0, h, false, err
	}
	var buf [record.HeaderSize]byte
	for pos = e.pos; pos < s.size; pos += int64(h.Size()) {
		if h, err = s.readHeaderAt(pos, &buf); err != nil {
			return 0, h, false, err
		}
		if h.LastOffset() >= offset {
			return pos, h, true, nil
		}
	}
	return 0, h, false, nil
}

// read returns the file range of whole batches to answer a fetch from
// offset: starting at the batch holding offset, adding batches while the
// total stays within maxBytes and the range ends at or before maxPos (the
// high watermark's position). With minOne the first batch is returned
// even if it alone exceeds maxBytes (KIP-74), so a consumer is never
// stuck behind a large batch. size 0 means nothing to return here.
// Reference: docs/reference/kafka.md §2 "Fetch truncation"; AK LogSegment.read.
func (s *segment) read(offset, maxBytes, maxPos int64, minOne bool) (pos, size int64, err error) {
	pos, h, found, err := s.translateOffset(offset)
	if err != nil || !found {
		return 0, 0, err
	}
	end := pos
	var buf [record.HeaderSize]byte
	for end < s.size {
		if end != pos {
			if h, err = s.readHeaderAt(end, &buf); err != nil {
				return 0, 0, err
			}
		}
		n := int64(h.Size())
		if end+n > maxPos {
			break
		}
		if end+n-pos > maxBytes && !(minOne && end == pos) {
			break
		}
		end += n
	}
	return pos, end - pos, nil
}

// findOffsetByTimestamp returns the first record at or after startOffset
// with a timestamp >= ts: the time index gives where to start, then
// batches are scanned, and in the first batch whose maxTimestamp reaches
// ts, its records. found is false if no record in the segment qualifies.
// Reference: docs/reference/kafka.md §1.3 (ListOffsets); AK LogSegment.findOffsetByTimestamp.
func (s *segment) findOffsetByTimestamp(ts, startOffset int64) (offset, timestamp int64, found bool, err error) {
	te, err := s.timeIndex.lookup(ts)
	if err != nil {
		return 0, 0, false, err
	}
	// Records before te.offset's batch are all older than te.timestamp
	// (<= ts), so the scan may start at that batch; records before the log
	// start offset are skipped.
	pos, h, ok, err := s.translateOffset(max(te.offset, startOffset))
	if err != nil || !ok {
		return 0, 0, false, err
	}
	var hb [record.HeaderSize]byte
	var batch, data []byte
	for ; pos < s.size; pos += int64(h.Size()) {
		if h, err = s.readHeaderAt(pos, &hb); err != nil {
			return 0, 0, false, err
		}
		if h.MaxTimestamp < ts || h.LastOffset() < startOffset {
			continue
		}
		batch = append(batch[:0], make([]byte, h.Size())...)
		if _, err := s.log.ReadAt(batch, pos); err != nil && err != io.EOF {
			return 0, 0, false, err
		}
		if data, err = record.RecordsSection(data[:0], batch, h); err != nil {
			return 0, 0, false, err
		}
		rs := record.NewRecords(data, h.NumRecords)
		var rec record.Record
		for rs.Next(&rec) {
			off := h.BaseOffset + int64(rec.OffsetDelta)
			t := h.BaseTimestamp + rec.TimestampDelta
			if h.Attributes.LogAppendTime() {
				t = h.MaxTimestamp
			}
			if t >= ts && off >= startOffset {
				return off, t, true, nil
			}
		}
		if err := rs.Err(); err != nil {
			return 0, 0, false, err
		}
	}
	return 0, 0, false, nil
}
