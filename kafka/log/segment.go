package log

import (
	"math"

	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// segment is one %020d.log file of a partition and its two indexes. Only
// the last segment of a log (the active one) is appended to.
//
// Invariants:
//   - the .log file holds exactly size bytes of whole, valid batches, with
//     offsets from base up to next-1, increasing;
//   - every index entry points at a batch start below size, and its offset
//     is below next ("the index never points past the log's end");
//   - maxTimestamp is the largest batch maxTimestamp in the segment (-1
//     when empty) and offsetOfMaxTimestamp the last offset of the first
//     batch that reached it.
type segment struct {
	log       vfs.File
	index     *offsetIndex
	timeIndex *timeIndex

	base int64 // the offset in the file name: every offset here is >= base
	size int64 // bytes of the .log in use
	next int64 // the offset after the last batch; base when empty

	maxTimestamp         int64
	offsetOfMaxTimestamp int64
	// rollingTimestamp is the max timestamp of the first append, the clock
	// segment.ms measures from; -1 until then (LogSegment.rollingBasedTimestamp).
	rollingTimestamp int64
	created          int64 // ms when the segment was created or opened

	indexInterval   int64 // index.interval.bytes
	bytesSinceIndex int64 // bytes appended since the last offset index entry
}

// segmentConfig is the part of Config a segment needs.
type segmentConfig struct {
	indexInterval    int // index.interval.bytes
	maxOffsetEntries int // segment.index.bytes / 8
	maxTimeEntries   int // segment.index.bytes / 12
}

// newSegment wraps opened files; it reads nothing. A new segment is empty.
func newSegment(log, index, timeIndex vfs.File, base int64, c segmentConfig, nowMs int64) *segment {
	return &segment{
		log:                  log,
		index:                newOffsetIndex(index, base, c.maxOffsetEntries),
		timeIndex:            newTimeIndex(timeIndex, base, c.maxTimeEntries),
		base:                 base,
		next:                 base,
		maxTimestamp:         -1,
		offsetOfMaxTimestamp: base,
		rollingTimestamp:     -1,
		created:              nowMs,
		indexInterval:        int64(c.indexInterval),
	}
}

// appendInfo describes a run of batches (one produce request's records
// for this partition) once offsets are assigned.
type appendInfo struct {
	firstOffset          int64 // baseOffset of the first batch
	lastOffset           int64 // last offset of the last batch
	maxTimestamp         int64 // the largest batch maxTimestamp
	offsetOfMaxTimestamp int64 // last offset of the first batch holding it
	records              int64 // records in all batches
	batches              int
}

// assignOffsets validates every batch in batches (record.Validate: CRC,
// sizes, records) and stamps them in place, as the leader does on the
// produce path. Neither field it stamps is covered by the CRC, so the
// bytes stay valid. It walks the batches twice: once to validate them
// all, once to stamp.
// Reference: docs/reference/kafka.md §2; AK LogValidator.assignOffsetsNonCompressed.
//
// Contract: batches holds batches back to back. If record.Split or
// v.Validate refuses any of them, assignOffsets returns that error and
// changes no byte of batches. Otherwise every batch, in order, gets its
// baseOffset (record.SetBaseOffset) — next for the first, then the offset
// after the previous batch's last offset (baseOffset + lastOffsetDelta) —
// and partitionLeaderEpoch epoch (record.SetPartitionLeaderEpoch), in
// place, and the appendInfo describes the result: firstOffset next;
// lastOffset the last batch's last offset (next-1 when there are no
// batches); maxTimestamp the largest batch maxTimestamp and
// offsetOfMaxTimestamp the last offset of the first batch that has it
// (both -1 when there are no batches); records the sum of the batches'
// record counts; batches their number.
func assignOffsets(batches []byte, next int64, epoch int32, v *record.Validator) (appendInfo, error) {
	info := appendInfo{firstOffset: next, lastOffset: next - 1, maxTimestamp: -1, offsetOfMaxTimestamp: -1}
	// Validate everything first: a request is all or nothing.
	for rest := batches; len(rest) > 0; {
		batch, tail, h, err := record.Split(rest)
		if err != nil {
			return info, err
		}
		if _, err := v.Validate(batch); err != nil {
			return info, err
		}
		_ = h
		rest = tail
	}
	off := next
	for rest := batches; len(rest) > 0; {
		batch, tail, h, _ := record.Split(rest)
		record.SetBaseOffset(batch, off)
		record.SetPartitionLeaderEpoch(batch, epoch)
		last := off + int64(h.LastOffsetDelta)
		if h.MaxTimestamp > info.maxTimestamp {
			info.maxTimestamp = h.MaxTimestamp
			info.offsetOfMaxTimestamp = last
		}
		info.records += int64(h.NumRecords)
		info.batches++
		info.lastOffset = last
		off = last + 1
		rest = tail
	}
	return info, nil
}

// #region append

// append writes batches (offsets already assigned, described by info) at
// the end of the segment and maintains the indexes: the append rule.
// Reference: docs/reference/kafka.md §3; AK LogSegment.append.
//
// Contract: batches is written at position size of the .log; a write
// error is returned before anything changes. maxTimestamp and
// offsetOfMaxTimestamp become info's when info.maxTimestamp is larger,
// and rollingTimestamp becomes info.maxTimestamp if it was -1. Then the
// append rule: if bytesSinceIndex (the bytes appended since the last
// offset index entry, before this append) is more than indexInterval, the
// offset index maps info.lastOffset to this append's start position and
// the time index gets maybeAppend(maxTimestamp, offsetOfMaxTimestamp),
// an index error is returned, and bytesSinceIndex restarts at 0.
// Finally bytesSinceIndex and size grow by len(batches), and next is
// info.lastOffset+1.
func (s *segment) append(batches []byte, info appendInfo) error {
	if _, err := s.log.WriteAt(batches, s.size); err != nil {
		return err
	}
	if info.maxTimestamp > s.maxTimestamp {
		s.maxTimestamp = info.maxTimestamp
		s.offsetOfMaxTimestamp = info.offsetOfMaxTimestamp
	}
	if s.rollingTimestamp < 0 {
		s.rollingTimestamp = info.maxTimestamp
	}
	if s.bytesSinceIndex > s.indexInterval {
		if err := s.index.append(info.lastOffset, s.size); err != nil {
			return err
		}
		if err := s.timeIndex.maybeAppend(s.maxTimestamp, s.offsetOfMaxTimestamp); err != nil {
			return err
		}
		s.bytesSinceIndex = 0
	}
	s.bytesSinceIndex += int64(len(batches))
	s.size += int64(len(batches))
	s.next = info.lastOffset + 1
	return nil
}

// #endregion append

// rollParams is what an append asks of the active segment.
type rollParams struct {
	segmentBytes int64 // segment.bytes
	segmentMs    int64 // segment.ms
	appendSize   int64 // bytes about to be appended
	maxTimestamp int64 // the append's largest timestamp
	lastOffset   int64 // the append's last offset
	nowMs        int64
}

// #region should-roll

// shouldRoll reports whether the append described by p must go to a new
// segment (docs/reference/kafka.md §3 "Roll"; AK LogSegment.shouldRoll).
//
// Contract: true exactly when one of these holds:
//   - the segment would grow past segment.bytes: size > segmentBytes -
//     appendSize;
//   - it is not empty (size > 0) and older than segment.ms: waited >
//     segmentMs, where waited runs from rollingTimestamp to the append's
//     maxTimestamp, or, while rollingTimestamp is -1, from created to
//     nowMs;
//   - either index is full (isFull);
//   - the append's last offset does not fit 32 bits relative to base:
//     lastOffset-base is below 0 or above math.MaxInt32.
func (s *segment) shouldRoll(p rollParams) bool {
	var waited int64
	if s.rollingTimestamp >= 0 {
		waited = p.maxTimestamp - s.rollingTimestamp
	} else {
		waited = p.nowMs - s.created
	}
	rel := p.lastOffset - s.base
	return s.size > p.segmentBytes-p.appendSize ||
		(s.size > 0 && waited > p.segmentMs) ||
		s.index.isFull() || s.timeIndex.isFull() ||
		rel < 0 || rel > math.MaxInt32
}

// #endregion should-roll
