package log

import (
	"errors"

	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// Lab 5, part 1: the two sparse indexes of a segment (docs/reference/kafka.md §3). Both
// live in memory as a slice — the source of truth while the segment is
// open — and on disk as fixed-size big-endian entries appended to a file:
//
//	.index      8 bytes: relativeOffset u32 | position u32
//	.timeindex 12 bytes: timestamp i64      | relativeOffset u32
//
// Offsets are stored relative to the segment's base offset. Entry i of a
// file sits at byte i*8 (or i*12): write it there with file.WriteAt.
// Reference: AK OffsetIndex.scala, TimeIndex.scala.

const (
	offsetEntrySize = 8
	timeEntrySize   = 12
)

// errIndexFull is returned when an index has no room for another entry.
var errIndexFull = errors.New("log: index is full")

// indexEntry maps an offset to the file position of the batch run that
// contains it. offset is absolute in memory, relative on disk.
type indexEntry struct {
	offset int64
	pos    int64
}

// offsetIndex is a segment's .index.
type offsetIndex struct {
	file       vfs.File
	base       int64
	maxEntries int
	entries    []indexEntry // strictly increasing offsets and positions
}

func newOffsetIndex(f vfs.File, base int64, maxEntries int) *offsetIndex {
	return &offsetIndex{file: f, base: base, maxEntries: maxEntries}
}

// isFull reports whether the index holds maxEntries entries.
func (x *offsetIndex) isFull() bool { return len(x.entries) >= x.maxEntries }

// append adds the entry (offset, pos) in memory and on disk (8 bytes at
// len(entries)*8). It returns errIndexFull when full, and an error if
// the entry does not strictly follow the last one in offset and position.
func (x *offsetIndex) append(offset, pos int64) error {
	return errors.New("not implemented: lab 5 (offsetIndex.append)")
}

// lookup returns the entry with the greatest offset <= target: where a
// scan for target may start. With no such entry it returns (base, 0).
// Hint: sort.Search.
func (x *offsetIndex) lookup(target int64) (indexEntry, error) {
	return indexEntry{}, errors.New("not implemented: lab 5 (offsetIndex.lookup)")
}

// timeEntry says: up to offset, no record had a timestamp above
// timestamp, and offset is where that maximum was first reached.
type timeEntry struct {
	timestamp int64
	offset    int64
}

// timeIndex is a segment's .timeindex.
type timeIndex struct {
	file       vfs.File
	base       int64
	maxEntries int
	entries    []timeEntry // strictly increasing timestamps, non-decreasing offsets
}

func newTimeIndex(f vfs.File, base int64, maxEntries int) *timeIndex {
	return &timeIndex{file: f, base: base, maxEntries: maxEntries}
}

func (x *timeIndex) isFull() bool { return len(x.entries) >= x.maxEntries }

// last is the last entry, or (-1, base) for an empty index (TimeIndex.lastEntry).
func (x *timeIndex) last() timeEntry {
	if len(x.entries) == 0 {
		return timeEntry{timestamp: -1, offset: x.base}
	}
	return x.entries[len(x.entries)-1]
}

// maybeAppend adds (timestamp, offset) — 12 bytes at len(entries)*12 —
// only if timestamp is above the last entry's (otherwise it does nothing
// and returns nil). An offset below the last entry's is an error; a full
// index gives errIndexFull.
func (x *timeIndex) maybeAppend(timestamp, offset int64) error {
	return errors.New("not implemented: lab 5 (timeIndex.maybeAppend)")
}

// lookup returns the entry with the greatest timestamp <= ts, or
// (-1, base) if every entry is later.
func (x *timeIndex) lookup(ts int64) (timeEntry, error) {
	return timeEntry{}, errors.New("not implemented: lab 5 (timeIndex.lookup)")
}
