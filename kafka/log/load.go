package log

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/zkafka/zkafka/kafka/record"
)

// errBadIndex says an index file failed its sanity check; the segment is
// then recovered (its indexes rebuilt from the log) instead of loaded.
var errBadIndex = errors.New("log: index file fails its sanity check")

// load opens a segment that was closed cleanly (or lies below the
// recovery point): the indexes are read from their files and checked
// against the log rather than rebuilt, and only the batches after the
// last offset index entry are scanned to find the segment's end. Indexes
// are not checksummed, so the checks are structural, as in Kafka's
// AbstractIndex.sanityCheck: whole entries, offsets and timestamps
// increasing, every entry inside the segment.
func (s *segment) load() error {
	size, err := s.log.Size()
	if err != nil {
		return err
	}
	s.size = size
	raw, err := readAll(s.index.file)
	if err != nil {
		return err
	}
	if len(raw)%offsetEntrySize != 0 || len(raw)/offsetEntrySize > s.index.maxEntries {
		return fmt.Errorf("%w: .index of %d bytes", errBadIndex, len(raw))
	}
	s.index.entries = s.index.entries[:0]
	for b := raw; len(b) > 0; b = b[offsetEntrySize:] {
		e := indexEntry{offset: s.base + int64(binary.BigEndian.Uint32(b)), pos: int64(binary.BigEndian.Uint32(b[4:]))}
		if n := len(s.index.entries); n > 0 && (e.offset <= s.index.entries[n-1].offset || e.pos <= s.index.entries[n-1].pos) {
			return fmt.Errorf("%w: .index entries out of order", errBadIndex)
		}
		if e.pos >= size {
			return fmt.Errorf("%w: .index entry at position %d past the log's %d bytes", errBadIndex, e.pos, size)
		}
		s.index.entries = append(s.index.entries, e)
	}
	raw, err = readAll(s.timeIndex.file)
	if err != nil {
		return err
	}
	if len(raw)%timeEntrySize != 0 || len(raw)/timeEntrySize > s.timeIndex.maxEntries+1 {
		return fmt.Errorf("%w: .timeindex of %d bytes", errBadIndex, len(raw))
	}
	s.timeIndex.entries = s.timeIndex.entries[:0]
	for b := raw; len(b) > 0; b = b[timeEntrySize:] {
		e := timeEntry{timestamp: int64(binary.BigEndian.Uint64(b)), offset: s.base + int64(binary.BigEndian.Uint32(b[8:]))}
		if n := len(s.timeIndex.entries); n > 0 && (e.timestamp <= s.timeIndex.entries[n-1].timestamp || e.offset < s.timeIndex.entries[n-1].offset) {
			return fmt.Errorf("%w: .timeindex entries out of order", errBadIndex)
		}
		s.timeIndex.entries = append(s.timeIndex.entries, e)
	}
	if err := s.reloadTail(); err != nil {
		return fmt.Errorf("%w: %v", errBadIndex, err)
	}
	for _, e := range s.index.entries {
		if e.offset >= s.next {
			return fmt.Errorf("%w: .index offset %d past the log's end %d", errBadIndex, e.offset, s.next)
		}
	}
	for _, e := range s.timeIndex.entries {
		if e.offset >= s.next {
			return fmt.Errorf("%w: .timeindex offset %d past the log's end %d", errBadIndex, e.offset, s.next)
		}
	}
	return nil
}

// reloadTail recomputes what the segment keeps in memory from its indexes
// and the batches after the last offset index entry: next, maxTimestamp
// (the time index's last entry covers everything before that point),
// rollingTimestamp and bytesSinceIndex. s.size must be right.
func (s *segment) reloadTail() error {
	var hb [record.HeaderSize]byte
	s.next = s.base
	s.rollingTimestamp = -1
	if s.size > 0 {
		h, err := s.readHeaderAt(0, &hb)
		if err != nil {
			return err
		}
		s.rollingTimestamp = h.MaxTimestamp
	}
	last := s.timeIndex.last()
	s.maxTimestamp, s.offsetOfMaxTimestamp = last.timestamp, last.offset
	var start int64
	if n := len(s.index.entries); n > 0 {
		start = s.index.entries[n-1].pos
	}
	s.bytesSinceIndex = s.size - start
	for pos := start; pos < s.size; {
		h, err := s.readHeaderAt(pos, &hb)
		if err != nil {
			return err
		}
		if h.BaseOffset < s.next {
			return fmt.Errorf("batch at position %d has offset %d below %d", pos, h.BaseOffset, s.next)
		}
		if h.MaxTimestamp > s.maxTimestamp {
			s.maxTimestamp, s.offsetOfMaxTimestamp = h.MaxTimestamp, h.LastOffset()
		}
		s.next = h.NextOffset()
		pos += int64(h.Size())
	}
	if start > 0 && s.next == s.base {
		return fmt.Errorf("index points into an empty segment")
	}
	return nil
}

// truncateTo removes every batch whose last offset is >= offset (a batch
// holding offset goes whole: batches are atomic) and the index entries
// that pointed at them. The truncation is fsynced: truncated data must
// never reappear after a crash (a follower truncates before fetching the
// leader's version of those offsets). Reference: AK LogSegment.truncateTo.
func (s *segment) truncateTo(offset int64) error {
	pos, _, found, err := s.translateOffset(offset)
	if err != nil || !found {
		return err
	}
	if err := s.log.Truncate(pos); err != nil {
		return err
	}
	s.size = pos
	x := s.index
	for len(x.entries) > 0 && (x.entries[len(x.entries)-1].offset >= offset || x.entries[len(x.entries)-1].pos >= pos) {
		x.entries = x.entries[:len(x.entries)-1]
	}
	t := s.timeIndex
	for len(t.entries) > 0 && t.entries[len(t.entries)-1].offset >= offset {
		t.entries = t.entries[:len(t.entries)-1]
	}
	if err := errors.Join(
		x.file.Truncate(int64(len(x.entries))*offsetEntrySize),
		t.file.Truncate(int64(len(t.entries))*timeEntrySize),
	); err != nil {
		return err
	}
	if err := s.reloadTail(); err != nil {
		return err
	}
	return s.sync()
}

// resetIndexes empties both indexes, in memory and on disk, before a
// recovery rebuilds them.
func (s *segment) resetIndexes() error {
	s.index.entries = s.index.entries[:0]
	s.timeIndex.entries = s.timeIndex.entries[:0]
	return errors.Join(s.index.file.Truncate(0), s.timeIndex.file.Truncate(0))
}

// readAll reads a whole file through ReadAt.
func readAll(f interface {
	ReadAt([]byte, int64) (int, error)
	Size() (int64, error)
}) ([]byte, error) {
	n, err := f.Size()
	if err != nil {
		return nil, err
	}
	b := make([]byte, n)
	if n == 0 {
		return b, nil
	}
	if _, err := f.ReadAt(b, 0); err != nil {
		return nil, err
	}
	return b, nil
}
