package log

import (
	"errors"

	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// Lab 5, part 2: a segment, appending to it, and when to roll. This file
// replaces kafka/log/segment.go.

// segment is one %020d.log file of a partition and its two indexes. Only
// the last segment of a log (the active one) is appended to.
//
// Invariants (keep them!):
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

// assignOffsets validates every batch in batches and stamps them in place,
// as the leader does on the produce path.
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
	return appendInfo{}, errors.New("not implemented: lab 5 (assignOffsets)")
}

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
	return errors.New("not implemented: lab 5 (segment.append)")
}

// rollParams is what an append asks of the active segment.
type rollParams struct {
	segmentBytes int64 // segment.bytes
	segmentMs    int64 // segment.ms
	appendSize   int64 // bytes about to be appended
	maxTimestamp int64 // the append's largest timestamp
	lastOffset   int64 // the append's last offset
	nowMs        int64
}

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
	return false // not implemented: lab 5 (segment.shouldRoll)
}
