package log

import (
	"math"

	"github.com/zkafka/zkafka/kafka/record"
)

// #region recover

// recover rebuilds the segment from its .log after an unclean shutdown.
// The segment must have been opened with empty indexes (their files
// truncated). It walks the batches from position 0 and keeps each one
// that is whole, has magic 2 and a matching CRC-32C, and continues the
// offsets (base offset above the previous batch's last, inside the
// segment's 32-bit range). At the first batch that fails, the rest of the
// file is a torn write or garbage: the file is truncated there. The
// indexes are rebuilt batch by batch with the append rule. It returns how
// many bytes were cut.
//
// Why the CRC and not just the sizes: after a power cut a file's size can
// already cover blocks whose data never reached the disk (docs/reference/kafka.md §3
// "Recovery"), so a batch that looks whole may hold zeros.
// Reference: AK LogSegment.recover, Log.recoverLog.
func (s *segment) recover() (truncated int64, err error) {
	fileSize, err := s.log.Size()
	if err != nil {
		return 0, err
	}
	s.size = fileSize // let readHeaderAt see the whole file
	var (
		pos       int64
		lastIndex int64
		hb        [record.HeaderSize]byte
		batch     []byte
	)
	for pos < fileSize {
		h, err := s.readHeaderAt(pos, &hb)
		if err != nil {
			break // torn or garbage: truncate here
		}
		batch = append(batch[:0], make([]byte, h.Size())...)
		if _, err := s.log.ReadAt(batch, pos); err != nil {
			break
		}
		if record.CheckCRC(batch) != nil {
			break
		}
		if h.BaseOffset < s.next || h.LastOffsetDelta < 0 || h.LastOffset()-s.base > math.MaxInt32 {
			break
		}
		if h.MaxTimestamp > s.maxTimestamp {
			s.maxTimestamp = h.MaxTimestamp
			s.offsetOfMaxTimestamp = h.LastOffset()
		}
		if s.rollingTimestamp < 0 {
			s.rollingTimestamp = h.MaxTimestamp
		}
		if pos-lastIndex > s.indexInterval && !s.index.isFull() && !s.timeIndex.isFull() {
			if err := s.index.append(h.LastOffset(), pos); err != nil {
				return 0, err
			}
			if err := s.timeIndex.maybeAppend(s.maxTimestamp, s.offsetOfMaxTimestamp); err != nil {
				return 0, err
			}
			lastIndex = pos
		}
		s.next = h.NextOffset()
		pos += int64(h.Size())
	}
	s.size = pos
	s.bytesSinceIndex = pos - lastIndex
	if truncated = fileSize - pos; truncated > 0 {
		if err := s.log.Truncate(pos); err != nil {
			return 0, err
		}
	}
	return truncated, nil
}

// #endregion recover
