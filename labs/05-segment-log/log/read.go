package log

import (
	"errors"

	"github.com/zkafka/zkafka/kafka/record"
)

// Lab 5, part 3: finding and reading batches.

// errTornBatch says the bytes at a position are not a whole batch header
// (end of data, a torn write, garbage).
var errTornBatch = errors.New("log: no whole batch header here")

// readHeaderAt reads and parses (record.ParseHeader) the batch header at
// pos of the segment's .log. The header and the whole batch must lie
// inside the first s.size bytes; otherwise return an error wrapping
// errTornBatch.
func (s *segment) readHeaderAt(pos int64, buf *[record.HeaderSize]byte) (record.Header, error) {
	return record.Header{}, errors.New("not implemented: lab 5 (segment.readHeaderAt)")
}

// translateOffset finds the first batch whose last offset is >= offset:
// look the offset up in the index, then scan batch headers forward from
// there. found is false when every batch ends before offset.
// Reference: AK LogSegment.translateOffset.
func (s *segment) translateOffset(offset int64) (pos int64, h record.Header, found bool, err error) {
	return 0, h, false, errors.New("not implemented: lab 5 (segment.translateOffset)")
}

// read returns the file range of whole batches to answer a fetch from
// offset: starting at the batch holding offset, adding batches while the
// total stays within maxBytes and the range ends at or before maxPos.
// With minOne the first batch is returned even if it alone exceeds
// maxBytes (KIP-74). size 0 means nothing to return.
// Reference: docs/reference/kafka.md §2 "Fetch truncation"; AK LogSegment.read.
func (s *segment) read(offset, maxBytes, maxPos int64, minOne bool) (pos, size int64, err error) {
	return 0, 0, errors.New("not implemented: lab 5 (segment.read)")
}

// findOffsetByTimestamp returns the first record at or after startOffset
// with a timestamp >= ts: the time index gives where to start, then
// batches are scanned, and in the first batch whose maxTimestamp reaches
// ts, its records (record.RecordsSection, record.NewRecords; a
// LogAppendTime batch's records all carry its maxTimestamp). found is
// false if no record in the segment qualifies.
// Reference: AK LogSegment.findOffsetByTimestamp.
func (s *segment) findOffsetByTimestamp(ts, startOffset int64) (offset, timestamp int64, found bool, err error) {
	return 0, 0, false, errors.New("not implemented: lab 5 (segment.findOffsetByTimestamp)")
}
