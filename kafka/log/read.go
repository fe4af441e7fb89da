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
//
// Contract: the header of the batch at pos, read into buf and parsed by
// record.ParseHeader. A header that does not lie inside the first size
// bytes returns errTornBatch; a header ParseHeader refuses returns its
// error, wrapped; a batch that ends past size returns an error wrapping
// errTornBatch; a read error is returned.
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

// translateOffset looks offset up in the offset index, then scans batch
// headers forward from there.
// Reference: AK LogSegment.translateOffset, FileRecords.searchForOffsetWithSize.
//
// Contract: the position and header of the segment's first batch whose
// last offset is >= offset, and found true. When every batch ends before
// offset, found is false and err nil. An error reading a header on the
// way (readHeaderAt) is returned.
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
// offset. minOne is KIP-74's rule: a consumer is never stuck behind a
// batch larger than its maxBytes.
// Reference: docs/reference/kafka.md §2 "Fetch truncation"; AK LogSegment.read.
//
// Contract: the range [pos, pos+size) starts at the batch translateOffset
// finds for offset and holds the longest run of whole batches from there
// that ends at or before maxPos (the high watermark's position) and is at
// most maxBytes long — except that with minOne the first batch counts
// whatever its size (it still must end at or before maxPos). size 0 means
// nothing to return: no batch holds offset or a later one, or the first
// does not fit. Errors reading headers are returned.
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

// findOffsetByTimestamp answers ListOffsets for one segment: the time
// index gives where to start, then batches are scanned, and in the first
// batch whose maxTimestamp reaches ts, its records.
// Reference: docs/reference/kafka.md §1.3 (ListOffsets); AK LogSegment.findOffsetByTimestamp.
//
// Contract: the offset and timestamp of the segment's first record, in
// offset order, whose offset is >= startOffset and whose timestamp is >=
// ts, and found true. A record's timestamp is its batch's baseTimestamp
// plus its timestampDelta, or, in a LogAppendTime batch, the batch's
// maxTimestamp. found is false when no record qualifies. Errors reading
// the log or decoding records are returned.
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
