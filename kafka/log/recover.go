package log

import (
	"math"

	"github.com/zkafka/zkafka/kafka/record"
)

// #region recover

// recover rebuilds the segment from its .log after an unclean shutdown.
// It walks the batches from position 0; at the first batch that fails,
// the rest of the file is a torn write or garbage.
//
// Why the CRC and not just the sizes: after a power cut a file's size can
// already cover blocks whose data never reached the disk (docs/reference/kafka.md §3
// "Recovery"), so a batch that looks whole may hold zeros.
// Reference: AK LogSegment.recover, Log.recoverLog.
//
// Contract: it is called on a segment opened with empty indexes (their
// files truncated), size 0 and next = base. It keeps the longest run of
// batches from position 0 in which every batch is whole inside the file,
// can be read, has magic 2 and a matching CRC-32C (record.CheckCRC), a
// baseOffset >= next (the previous batch's next offset), a lastOffsetDelta
// >= 0 and a last offset at most math.MaxInt32 above base; it truncates
// the file at the end of that run and returns how many bytes it cut (0
// when none). Afterwards size, next, maxTimestamp, offsetOfMaxTimestamp
// and rollingTimestamp are those of the kept batches, and the indexes are
// rebuilt with the append rule, batch by batch: before keeping a batch at
// position pos, if pos is more than indexInterval above the last offset
// index entry's position (0 when there is none) and neither index is
// full, the offset index maps the batch's last offset to pos and the
// time index gets maybeAppend(maxTimestamp, offsetOfMaxTimestamp) with
// the batch counted; bytesSinceIndex is size minus the last entry's
// position (0 when none). Errors from the file and the indexes are
// returned.
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
