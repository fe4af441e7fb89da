package log

import (
	"errors"
	"fmt"
	"github.com/zkafka/zkafka/kafka/replica"
	"io/fs"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// Log is one partition's log: its segments in offset order, the last one
// active. Not safe for concurrent use: the broker owns each Log from one
// goroutine (or under one lock). Time is always passed in, in ms.
//
// Invariants:
//   - there is always at least one segment; bases increase; every
//     segment's offsets lie in [base, next segment's base);
//   - StartOffset() <= EndOffset(); offsets in [StartOffset, EndOffset) are
//     readable, one batch at a time;
//   - everything below the recovery point is fsynced (log and indexes),
//     and so is every segment create/remove before it;
//   - after a failed write the log is offline: every later call returns
//     the error (Kafka takes the log dir offline on an IOException).
type Log struct {
	fs  vfs.FS
	dir string
	cfg Config

	segments      []*segment
	startOffset   int64
	recoveryPoint int64
	unflushed     int64 // records appended since the last flush
	lastFlushMs   int64
	dirDirty      bool // a segment was created since the last SyncDir
	failed        error

	validator record.Validator

	epochs        *replica.EpochCache // epochs.go
	epochsRebuilt error
}

// Recovery is what the log.dir knows about a partition when it opens it.
type Recovery struct {
	// Clean is true when the log.dir held .kafka_cleanshutdown: the files
	// are trusted and the indexes loaded, not rebuilt.
	Clean bool
	// RecoveryPoint (recovery-point-offset-checkpoint) is the offset below
	// which everything was fsynced; an unclean open re-validates from the
	// segment holding it. 0 when unknown: recover everything.
	RecoveryPoint int64
	// LogStartOffset (log-start-offset-checkpoint); 0 when unknown.
	LogStartOffset int64
}

// AppendInfo is what the broker needs to answer a produce request.
type AppendInfo struct {
	FirstOffset          int64 // the base offset assigned to the first batch
	LastOffset           int64 // the last offset assigned
	MaxTimestamp         int64 // the largest batch maxTimestamp in the append
	OffsetOfMaxTimestamp int64
	Records              int64
	Batches              int
	LogStartOffset       int64 // for Produce v5+ responses
}

// ErrOffline wraps the I/O error that took a log offline.
var ErrOffline = errors.New("log: offline after an I/O error")

// Open opens (or creates) the partition log in dir. Without a clean
// shutdown the segments from the recovery point on are re-validated:
// each is truncated at its first invalid batch, and the segments after
// the first truncation are deleted. Leftover files (Kafka's .deleted,
// .cleaned, .swap; indexes without a .log) are removed. When Open returns,
// everything in the log is durable and the recovery point is its end.
// Reference: docs/reference/kafka.md §3 "Recovery"; AK Log.loadSegments, Log.recoverLog.
func Open(fsys vfs.FS, dir string, cfg Config, rec Recovery, nowMs int64) (*Log, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := fsys.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	l := &Log{fs: fsys, dir: dir, cfg: cfg, lastFlushMs: nowMs}
	bases, err := l.scanDir()
	if err != nil {
		return nil, err
	}
	for i, base := range bases {
		s, err := openSegment(fsys, dir, base, cfg.segment(), false, nowMs)
		if err != nil {
			l.closeSegments()
			return nil, err
		}
		l.segments = append(l.segments, s)
		// Below the recovery point a segment was fsynced whole, indexes
		// included, when the log rolled past it: load it. From the segment
		// holding the recovery point on, re-validate.
		needsRecovery := !rec.Clean && (i == len(bases)-1 || bases[i+1] > rec.RecoveryPoint)
		if !needsRecovery {
			if err := s.load(); err == nil {
				continue
			} else if !errors.Is(err, errBadIndex) {
				l.closeSegments()
				return nil, err
			}
		}
		truncated, err := recoverSegment(s)
		if err != nil {
			l.closeSegments()
			return nil, err
		}
		if truncated > 0 {
			// An invalid batch: nothing after it can be trusted.
			for _, later := range bases[i+1:] {
				if err := removeSegmentFiles(fsys, dir, later); err != nil {
					l.closeSegments()
					return nil, err
				}
			}
			break
		}
	}
	if len(l.segments) == 0 {
		s, err := openSegment(fsys, dir, max(rec.LogStartOffset, 0), cfg.segment(), true, nowMs)
		if err != nil {
			return nil, err
		}
		l.segments = append(l.segments, s)
	}
	// Make the recovered state durable, so that nothing cut or deleted
	// above comes back after another crash; then everything is flushed.
	for _, s := range l.segments {
		if err := s.sync(); err != nil {
			l.closeSegments()
			return nil, err
		}
	}
	if err := fsys.SyncDir(dir); err != nil {
		l.closeSegments()
		return nil, err
	}
	l.startOffset = min(max(rec.LogStartOffset, l.segments[0].base), l.EndOffset())
	l.recoveryPoint = l.EndOffset()
	if err := l.loadEpochs(); err != nil {
		l.closeSegments()
		return nil, err
	}
	return l, nil
}

// recoverSegment rebuilds a segment's indexes and truncates its torn tail.
func recoverSegment(s *segment) (int64, error) {
	if err := s.resetIndexes(); err != nil {
		return 0, err
	}
	s.size, s.next = 0, s.base
	s.maxTimestamp, s.offsetOfMaxTimestamp, s.rollingTimestamp = -1, s.base, -1
	return s.recover()
}

// scanDir lists the segment bases in dir and removes leftovers.
func (l *Log) scanDir() ([]int64, error) {
	names, err := l.fs.ReadDir(l.dir)
	if err != nil {
		return nil, err
	}
	logs := map[int64]bool{}
	for _, n := range names {
		if base, suf, ok := parseSegmentName(n); ok && suf == LogSuffix {
			logs[base] = true
		}
	}
	var bases []int64
	for _, n := range names {
		base, suf, ok := parseSegmentName(n)
		stale := strings.HasSuffix(n, deletedSuffix) || strings.HasSuffix(n, cleanedSuffix) ||
			strings.HasSuffix(n, swapSuffix) || strings.HasSuffix(n, ".tmp") ||
			(ok && (suf == IndexSuffix || suf == TimeIndexSuffix) && !logs[base])
		switch {
		case stale:
			if err := l.fs.Remove(l.dir + "/" + n); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		case ok && suf == LogSuffix:
			bases = append(bases, base)
		}
	}
	sort.Slice(bases, func(i, j int) bool { return bases[i] < bases[j] })
	return bases, nil
}

func (l *Log) active() *segment { return l.segments[len(l.segments)-1] }

// Dir is the partition's directory.
func (l *Log) Dir() string { return l.dir }

// Config is the log's configuration.
func (l *Log) Config() Config { return l.cfg }

// SetConfig changes the configuration (a topic config change); it applies
// to later appends, rolls and retention checks.
func (l *Log) SetConfig(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	l.cfg = cfg
	return nil
}

// StartOffset is the log start offset: the first offset still readable.
func (l *Log) StartOffset() int64 { return l.startOffset }

// EndOffset is the log end offset (LEO): the offset the next record gets.
func (l *Log) EndOffset() int64 { return l.active().next }

// RecoveryPoint is the offset below which everything is fsynced; the log
// dir checkpoints it.
func (l *Log) RecoveryPoint() int64 { return l.recoveryPoint }

// Size is the total bytes of the log's segments.
func (l *Log) Size() int64 {
	var n int64
	for _, s := range l.segments {
		n += s.size
	}
	return n
}

// SegmentInfo describes one segment, for tools and tests.
type SegmentInfo struct {
	BaseOffset   int64
	NextOffset   int64
	Size         int64
	MaxTimestamp int64
	IndexEntries int
	TimeEntries  int
}

// Segments describes the segments, oldest first.
func (l *Log) Segments() []SegmentInfo {
	out := make([]SegmentInfo, len(l.segments))
	for i, s := range l.segments {
		out[i] = SegmentInfo{BaseOffset: s.base, NextOffset: s.next, Size: s.size, MaxTimestamp: s.maxTimestamp,
			IndexEntries: len(s.index.entries), TimeEntries: len(s.timeIndex.entries)}
	}
	return out
}

// fail takes the log offline.
func (l *Log) fail(err error) error {
	if l.failed == nil {
		l.failed = fmt.Errorf("%w: %w", ErrOffline, err)
	}
	return l.failed
}

// Append validates the batches of a produce request (one or more
// RecordBatch v2, back to back), assigns them offsets from the log end
// and stamps the leader's epoch — in place, in batches — and appends
// them, rolling first if the active segment asks for it. The append is
// all or nothing: an invalid batch rejects the whole request with a
// *record.Error (CORRUPT_MESSAGE), a batch above max.message.bytes with
// MESSAGE_TOO_LARGE, a request above segment.bytes with
// RECORD_LIST_TOO_LARGE.
// Reference: docs/reference/kafka.md §2-3; AK Log.append, LogValidator.
func (l *Log) Append(batches []byte, leaderEpoch int32, nowMs int64) (AppendInfo, error) {
	if l.failed != nil {
		return AppendInfo{}, l.failed
	}
	if err := l.checkSizes(batches); err != nil {
		return AppendInfo{}, err
	}
	info, err := assignOffsets(batches, l.EndOffset(), leaderEpoch, &l.validator)
	if err != nil {
		return AppendInfo{}, err
	}
	ai, err := l.appendAssigned(batches, info, nowMs)
	if err != nil {
		return ai, err
	}
	// Every batch was stamped with leaderEpoch: one entry at most.
	return ai, l.assignEpochs([]replica.EpochEntry{{Epoch: leaderEpoch, StartOffset: ai.FirstOffset}})
}

// AppendAsFollower appends batches that already carry offsets and epochs
// (a follower copying its leader, chapter 7). Each batch must be whole
// with a valid CRC and start at or after the log end offset.
func (l *Log) AppendAsFollower(batches []byte, nowMs int64) (AppendInfo, error) {
	if l.failed != nil {
		return AppendInfo{}, l.failed
	}
	if err := l.checkSizes(batches); err != nil {
		return AppendInfo{}, err
	}
	info := appendInfo{firstOffset: -1, maxTimestamp: -1, offsetOfMaxTimestamp: -1}
	var epochs []replica.EpochEntry // each batch's leader epoch and base offset
	next := l.EndOffset()
	for rest := batches; len(rest) > 0; {
		batch, tail, h, err := record.Split(rest)
		if err != nil {
			return AppendInfo{}, err
		}
		if err := record.CheckCRC(batch); err != nil {
			return AppendInfo{}, err
		}
		if h.BaseOffset < next || h.LastOffsetDelta < 0 {
			return AppendInfo{}, &record.Error{Kafka: kerr.CorruptMessage,
				Reason: fmt.Sprintf("batch offsets [%d, %d] do not follow %d", h.BaseOffset, h.LastOffset(), next)}
		}
		if info.firstOffset < 0 {
			info.firstOffset = h.BaseOffset
		}
		if h.MaxTimestamp > info.maxTimestamp {
			info.maxTimestamp, info.offsetOfMaxTimestamp = h.MaxTimestamp, h.LastOffset()
		}
		info.lastOffset = h.LastOffset()
		info.records += int64(h.NumRecords)
		info.batches++
		epochs = append(epochs, replica.EpochEntry{Epoch: h.PartitionLeaderEpoch, StartOffset: h.BaseOffset})
		next = h.NextOffset()
		rest = tail
	}
	ai, err := l.appendAssigned(batches, info, nowMs)
	if err != nil {
		return ai, err
	}
	return ai, l.assignEpochs(epochs)
}

func (l *Log) checkSizes(batches []byte) error {
	if len(batches) == 0 {
		return &record.Error{Kafka: kerr.CorruptMessage, Reason: "no record batches"}
	}
	if int64(len(batches)) > l.cfg.SegmentBytes {
		return &record.Error{Kafka: kerr.RecordListTooLarge,
			Reason: fmt.Sprintf("%d bytes exceed segment.bytes %d", len(batches), l.cfg.SegmentBytes)}
	}
	for rest := batches; len(rest) > 0; {
		n, ok := record.BatchSize(rest)
		if !ok || n > len(rest) {
			return nil // framing errors are reported by validation
		}
		if n > l.cfg.MaxMessageBytes {
			return &record.Error{Kafka: kerr.MessageTooLarge,
				Reason: fmt.Sprintf("batch of %d bytes exceeds max.message.bytes %d", n, l.cfg.MaxMessageBytes)}
		}
		rest = rest[n:]
	}
	return nil
}

func (l *Log) appendAssigned(batches []byte, info appendInfo, nowMs int64) (AppendInfo, error) {
	s := l.active()
	// The offset a new segment would start at: the append's first offset
	// (a follower's batches may skip offsets after compaction upstream).
	if s.shouldRoll(rollParams{
		segmentBytes: l.cfg.SegmentBytes, segmentMs: l.cfg.SegmentMs, appendSize: int64(len(batches)),
		maxTimestamp: info.maxTimestamp, lastOffset: info.lastOffset, nowMs: nowMs,
	}) {
		if err := l.roll(info.firstOffset, nowMs); err != nil {
			return AppendInfo{}, err
		}
		s = l.active()
	}
	if err := s.append(batches, info); err != nil {
		return AppendInfo{}, l.fail(err)
	}
	l.unflushed += info.records
	if l.unflushed >= l.cfg.FlushMessages {
		if err := l.Flush(); err != nil {
			return AppendInfo{}, err
		}
	}
	return AppendInfo{
		FirstOffset: info.firstOffset, LastOffset: info.lastOffset, MaxTimestamp: info.maxTimestamp,
		OffsetOfMaxTimestamp: info.offsetOfMaxTimestamp, Records: info.records, Batches: info.batches,
		LogStartOffset: l.startOffset,
	}, nil
}

// Roll closes the active segment to appends and starts a new one at the
// log end offset (if the active segment is not empty).
func (l *Log) Roll(nowMs int64) error {
	if l.failed != nil {
		return l.failed
	}
	if l.active().size == 0 {
		return nil
	}
	return l.roll(l.EndOffset(), nowMs)
}

// roll starts a new active segment at base. The old active segment gets
// its final time index entry and is fsynced, so the recovery point moves
// to base: after a crash only the new active segment needs recovery. (AK
// schedules this flush on a background thread; we do it inline, which
// keeps the log deterministic.) Reference: AK Log.roll.
func (l *Log) roll(base int64, nowMs int64) error {
	old := l.active()
	if old.size == 0 && old.base == base {
		return nil // an empty segment already starts here
	}
	if !old.timeIndex.isFull() {
		if err := old.timeIndex.maybeAppend(old.maxTimestamp, old.offsetOfMaxTimestamp); err != nil {
			return l.fail(err)
		}
	}
	if old.size == 0 {
		// An empty active segment cannot keep its base: replace it.
		if err := errors.Join(old.close(), removeSegmentFiles(l.fs, l.dir, old.base)); err != nil {
			return l.fail(err)
		}
		l.segments = l.segments[:len(l.segments)-1]
	}
	s, err := openSegment(l.fs, l.dir, base, l.cfg.segment(), true, nowMs)
	if err != nil {
		return l.fail(err)
	}
	l.segments = append(l.segments, s)
	l.dirDirty = true
	if err := l.flushUpTo(len(l.segments) - 1); err != nil {
		return err
	}
	if len(l.segments) == 1 {
		l.startOffset = max(l.startOffset, base)
	}
	return nil
}

// Flush fsyncs every segment with unflushed data, and the directory if a
// segment was created, and moves the recovery point to the log end. The
// default policy never calls it on its own (flush.messages and flush.ms
// are infinite): Kafka relies on replication, not fsync, for durability.
func (l *Log) Flush() error {
	if l.failed != nil {
		return l.failed
	}
	return l.flushUpTo(len(l.segments))
}

// flushUpTo fsyncs segments[:n] that hold data above the recovery point.
func (l *Log) flushUpTo(n int) error {
	for _, s := range l.segments[:n] {
		if s.next > l.recoveryPoint || s == l.active() {
			if err := s.sync(); err != nil {
				return l.fail(err)
			}
		}
	}
	if l.dirDirty {
		if err := l.fs.SyncDir(l.dir); err != nil {
			return l.fail(err)
		}
		l.dirDirty = false
	}
	if n == len(l.segments) {
		l.recoveryPoint = l.EndOffset()
		l.unflushed = 0
	} else {
		l.recoveryPoint = max(l.recoveryPoint, l.segments[n].base)
	}
	return nil
}

// MaybeFlush flushes if flush.ms has passed since the last MaybeFlush
// that flushed (the broker's periodic flusher calls it).
func (l *Log) MaybeFlush(nowMs int64) error {
	if nowMs-l.lastFlushMs < l.cfg.FlushMs {
		return nil
	}
	l.lastFlushMs = nowMs
	return l.Flush()
}

// floor returns the index of the last segment with base <= offset.
func (l *Log) floor(offset int64) int {
	return sort.Search(len(l.segments), func(i int) bool { return l.segments[i].base > offset }) - 1
}

// Read returns whole batches from offset for a fetch: at most maxBytes,
// except that with minOneBatch the first batch comes whole however large
// (KIP-74); only batches that end at or before maxOffset (the high
// watermark; EndOffset() for everything). The batch holding offset is
// the first returned, so it may start before offset: consumers skip
// records below the offset they asked for. Reading at the log end gives
// an empty Section; outside [StartOffset, EndOffset] gives
// OFFSET_OUT_OF_RANGE.
// Reference: docs/reference/kafka.md §2 "Fetch truncation"; AK Log.read.
func (l *Log) Read(offset int64, maxBytes int, maxOffset int64, minOneBatch bool) (Section, error) {
	if l.failed != nil {
		return Section{}, l.failed
	}
	if offset < l.startOffset || offset > l.EndOffset() {
		return Section{}, fmt.Errorf("log: offset %d outside [%d, %d]: %w", offset, l.startOffset, l.EndOffset(), kerr.OffsetOutOfRange)
	}
	if offset >= maxOffset || offset == l.EndOffset() {
		return Section{}, nil
	}
	for i := max(l.floor(offset), 0); i < len(l.segments); i++ {
		s := l.segments[i]
		if max(offset, s.base) >= s.next {
			continue // nothing at or after offset here: try the next segment
		}
		maxPos := s.size
		if maxOffset < s.next {
			pos, _, found, err := s.translateOffset(maxOffset)
			if err != nil {
				return Section{}, err
			}
			if found {
				maxPos = pos
			}
		}
		pos, size, err := s.read(max(offset, s.base), int64(maxBytes), maxPos, minOneBatch)
		if err != nil {
			return Section{}, err
		}
		if size == 0 {
			return Section{}, nil // the first batch does not fit
		}
		return Section{File: s.log, Pos: pos, Size: size}, nil
	}
	return Section{}, nil
}

// ListOffsets timestamps with special meanings (docs/reference/kafka.md §1.3).
const (
	Latest   int64 = -1 // the log end offset
	Earliest int64 = -2 // the log start offset
)

// OffsetForTimestamp answers ListOffsets: Latest (-1) gives the log end
// offset, Earliest (-2) the log start offset, and a timestamp ts the
// first offset whose record's timestamp is >= ts, with that timestamp.
// When no record is that late the offset is -1 (Kafka's UNKNOWN_OFFSET).
// Reference: AK Log.fetchOffsetByTimestamp; franz-go#706 for the bugs
// fakes had here.
func (l *Log) OffsetForTimestamp(ts int64) (offset, timestamp int64, err error) {
	if l.failed != nil {
		return -1, -1, l.failed
	}
	switch ts {
	case Latest:
		return l.EndOffset(), -1, nil
	case Earliest:
		return l.startOffset, -1, nil
	}
	for _, s := range l.segments {
		if s.maxTimestamp < ts || s.next <= l.startOffset {
			continue
		}
		off, t, found, err := s.findOffsetByTimestamp(ts, l.startOffset)
		if err != nil {
			return -1, -1, err
		}
		if found {
			return off, t, nil
		}
	}
	return -1, -1, nil
}

// TruncateTo removes every batch at or after offset — whole batches, so
// the new log end may be below offset if a batch straddled it (chapter 7:
// a follower truncates to its leader's epoch end offset). Truncating at
// or below the first segment's base empties the log and restarts it at
// offset. The truncation is fsynced.
// Reference: AK Log.truncateTo, Log.truncateFullyAndStartAt.
func (l *Log) TruncateTo(offset int64) error {
	if l.failed != nil {
		return l.failed
	}
	if offset >= l.EndOffset() {
		return nil
	}
	if offset <= l.segments[0].base {
		if err := l.truncateFullyAndStartAt(max(offset, 0)); err != nil {
			return err
		}
		return l.cutEpochs()
	}
	i := l.floor(offset)
	if err := l.deleteSegments(l.segments[i+1:]); err != nil {
		return err
	}
	l.segments = l.segments[:i+1]
	if err := l.active().truncateTo(offset); err != nil {
		return l.fail(err)
	}
	l.recoveryPoint = min(l.recoveryPoint, l.EndOffset())
	return l.cutEpochs()
}

// truncateFullyAndStartAt deletes every segment and starts an empty log
// at offset.
func (l *Log) truncateFullyAndStartAt(offset int64) error {
	if err := l.deleteSegments(l.segments); err != nil {
		return err
	}
	s, err := openSegment(l.fs, l.dir, offset, l.cfg.segment(), true, 0)
	if err != nil {
		return l.fail(err)
	}
	l.segments = []*segment{s}
	if err := errors.Join(s.sync(), l.fs.SyncDir(l.dir)); err != nil {
		return l.fail(err)
	}
	l.startOffset, l.recoveryPoint, l.unflushed = offset, offset, 0
	return nil
}

// deleteSegments closes and removes segs' files and syncs the directory,
// so a deleted segment never comes back.
func (l *Log) deleteSegments(segs []*segment) error {
	for _, s := range segs {
		if err := errors.Join(s.close(), removeSegmentFiles(l.fs, l.dir, s.base)); err != nil {
			return l.fail(err)
		}
	}
	if len(segs) > 0 {
		if err := l.fs.SyncDir(l.dir); err != nil {
			return l.fail(err)
		}
	}
	return nil
}

// DeleteOldSegments applies retention as Kafka 2.3 does: oldest first, it
// deletes whole segments whose newest record is older than retention.ms,
// then, while the log is larger than retention.bytes, the oldest
// segments that keep it at or above the limit. A segment may go only if
// every offset in it is below highWatermark (for the last segment: the
// log end offset is), so the log start offset never passes the high
// watermark — a consumer never loses what it has not been allowed to
// read; and an empty last segment never goes. The active segment is
// deletable too: when every segment goes, the log first rolls a new empty
// one at the log end offset, so a partition nobody writes to still ages
// out. It returns how many segments went, and moves the log start offset
// to the first remaining segment.
// Reference: docs/reference/kafka.md §3 "Retention", §11 "Retention in 2.3";
// AK 2.3.1 Log.deleteOldSegments, deletableSegments, deleteSegments.
func (l *Log) DeleteOldSegments(nowMs, highWatermark int64) (int, error) {
	if l.failed != nil {
		return 0, l.failed
	}
	total := 0
	if l.cfg.RetentionMs >= 0 {
		n, err := l.deleteWhile(nowMs, highWatermark, func(s *segment) bool {
			newest := s.maxTimestamp
			if newest < 0 {
				newest = s.created // AK: the file's last-modified time
			}
			return nowMs-newest > l.cfg.RetentionMs
		})
		if err != nil {
			return total, err
		}
		total += n
	}
	if l.cfg.RetentionBytes >= 0 && l.Size() >= l.cfg.RetentionBytes {
		diff := l.Size() - l.cfg.RetentionBytes
		n, err := l.deleteWhile(nowMs, highWatermark, func(s *segment) bool {
			if diff-s.size < 0 {
				return false
			}
			diff -= s.size
			return true
		})
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// deleteWhile deletes the oldest segments while deletable says so and the
// high watermark is past them (AK Log.deletableSegments, deleteSegments).
func (l *Log) deleteWhile(nowMs, highWatermark int64, deletable func(*segment) bool) (int, error) {
	n := 0
	for n < len(l.segments) {
		s := l.segments[n]
		last := n == len(l.segments)-1
		upper := l.EndOffset()
		if !last {
			upper = l.segments[n+1].base
		}
		if highWatermark < upper || (last && s.size == 0) || !deletable(s) {
			break
		}
		n++
	}
	if n == 0 {
		return 0, nil
	}
	if n == len(l.segments) {
		// A log always has a segment: roll an empty one first.
		if err := l.roll(l.EndOffset(), nowMs); err != nil {
			return 0, err
		}
	}
	if err := l.deleteSegments(l.segments[:n]); err != nil {
		return 0, err
	}
	l.segments = append([]*segment(nil), l.segments[n:]...)
	l.startOffset = max(l.startOffset, l.segments[0].base)
	l.recoveryPoint = max(l.recoveryPoint, l.segments[0].base)
	return n, l.cutEpochs()
}

// Close flushes the log (with the active segment's final time index
// entry) and closes its files. The log dir writes the clean shutdown
// marker after closing every log.
func (l *Log) Close() error {
	if l.failed != nil {
		l.closeSegments()
		return l.failed
	}
	s := l.active()
	var err error
	if !s.timeIndex.isFull() {
		err = s.timeIndex.maybeAppend(s.maxTimestamp, s.offsetOfMaxTimestamp)
	}
	if err == nil {
		err = l.Flush()
	}
	return errors.Join(err, l.closeSegments())
}

func (l *Log) closeSegments() error {
	var errs []error
	for _, s := range l.segments {
		errs = append(errs, s.close())
	}
	l.failed = errors.New("log: closed")
	return errors.Join(errs...)
}
