package log

import (
	"errors"

	"github.com/zkafka/zkafka/kafka/record"
)

// Lab 5, part 3: finding and reading batches. This file replaces
// kafka/log/read.go.

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
	return record.Header{}, errors.New("not implemented: lab 5 (segment.readHeaderAt)")
}

// translateOffset finds the batch that holds offset, or the first after it.
// Reference: AK LogSegment.translateOffset, FileRecords.searchForOffsetWithSize.
//
// Contract: the position and header of the segment's first batch whose
// last offset is >= offset, and found true. When every batch ends before
// offset, found is false and err nil. An error reading a header on the
// way (readHeaderAt) is returned.
func (s *segment) translateOffset(offset int64) (pos int64, h record.Header, found bool, err error) {
	return 0, h, false, errors.New("not implemented: lab 5 (segment.translateOffset)")
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
	return 0, 0, errors.New("not implemented: lab 5 (segment.read)")
}

// findOffsetByTimestamp answers ListOffsets for one segment.
// Reference: docs/reference/kafka.md §1.3 (ListOffsets); AK LogSegment.findOffsetByTimestamp.
//
// Contract: the offset and timestamp of the segment's first record, in
// offset order, whose offset is >= startOffset and whose timestamp is >=
// ts, and found true. A record's timestamp is its batch's baseTimestamp
// plus its timestampDelta, or, in a LogAppendTime batch, the batch's
// maxTimestamp. found is false when no record qualifies. Errors reading
// the log or decoding records are returned.
func (s *segment) findOffsetByTimestamp(ts, startOffset int64) (offset, timestamp int64, found bool, err error) {
	return 0, 0, false, errors.New("not implemented: lab 5 (segment.findOffsetByTimestamp)")
}
