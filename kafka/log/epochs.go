package log

import (
	"errors"
	"os"
	"path"

	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/kafka/replica"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// A log's leader-epoch history (KIP-101): for every leader epoch that
// wrote to it, the offset of its first batch, kept in the partition
// directory's leader-epoch-checkpoint file as Kafka keeps it
// (LeaderEpochFileCache, Log.leaderEpochCache). Every append assigns the
// epochs its batches carry; a truncation or a log start that moves cuts
// the history to match; the file is rewritten (atomically) whenever it
// changes. Chapter 7's leaders answer OffsetForLeaderEpoch from it and
// followers truncate with it (kafka/replica).

// loadEpochs reads the checkpoint after recovery and cuts it to the
// recovered log (Log.loadSegments: truncateFromEnd(nextOffset),
// truncateFromStart(logStartOffset)). A missing file — a log written
// before epochs were kept — or a damaged one is rebuilt from the batches'
// partitionLeaderEpoch. Kafka takes the log dir offline on a damaged
// checkpoint; the log holds everything the file summarizes, so we
// rebuild and say so.
func (l *Log) loadEpochs() error {
	file := path.Join(l.dir, replica.EpochCheckpointFile)
	b, err := vfs.ReadFile(l.fs, file)
	var entries []replica.EpochEntry
	rebuilt := false
	switch {
	case errors.Is(err, os.ErrNotExist):
		rebuilt = true
	case err != nil:
		return err
	default:
		if entries, err = replica.DecodeEpochCheckpoint(b); err != nil {
			l.epochsRebuilt, rebuilt = err, true
		}
	}
	if rebuilt {
		if entries, err = l.scanEpochs(); err != nil {
			return err
		}
	}
	l.epochs = replica.NewEpochCache(entries)
	changed := l.epochs.TruncateFromEnd(l.EndOffset())
	changed = l.epochs.TruncateFromStart(l.startOffset) || changed
	if changed || rebuilt && (len(b) > 0 || len(entries) > 0) {
		return l.saveEpochs()
	}
	return nil
}

// scanEpochs reads every batch header of the log for its epoch.
func (l *Log) scanEpochs() ([]replica.EpochEntry, error) {
	c := &replica.EpochCache{}
	var buf [record.HeaderSize]byte
	for _, s := range l.segments {
		for pos := int64(0); pos+record.HeaderSize <= s.size; {
			if _, err := s.log.ReadAt(buf[:], pos); err != nil {
				return nil, err
			}
			h, err := record.ParseHeader(buf[:])
			if err != nil {
				return nil, err // recovery already cut the log at its first bad batch
			}
			c.Assign(h.PartitionLeaderEpoch, h.BaseOffset)
			pos += int64(h.Size())
		}
	}
	return c.Entries(), nil
}

// saveEpochs rewrites the checkpoint file (temp, fsync, rename).
func (l *Log) saveEpochs() error {
	err := vfs.WriteFileAtomic(l.fs, path.Join(l.dir, replica.EpochCheckpointFile), replica.EncodeEpochCheckpoint(l.epochs.Entries()))
	if err != nil {
		return l.fail(err)
	}
	return nil
}

// assignEpochs records the epochs of appended batches (their leader
// epoch and base offset, as the append path parsed them: no second pass
// over the bytes) and rewrites the checkpoint if the history changed.
func (l *Log) assignEpochs(entries []replica.EpochEntry) error {
	changed := false
	for _, e := range entries {
		changed = l.epochs.Assign(e.Epoch, e.StartOffset) || changed
	}
	if changed {
		return l.saveEpochs()
	}
	return nil
}

// cutEpochs follows a truncation or a new log start.
func (l *Log) cutEpochs() error {
	changed := l.epochs.TruncateFromEnd(l.EndOffset())
	changed = l.epochs.TruncateFromStart(l.startOffset) || changed
	if changed {
		return l.saveEpochs()
	}
	return nil
}

// AssignEpochStart records that leader epoch starts at offset before any
// batch of it is written (Log.maybeAssignEpochStartOffset, called by
// Partition.makeLeader): a follower that asks about an older epoch then
// learns where it ended even if the new leader has not written yet.
func (l *Log) AssignEpochStart(epoch int32, offset int64) error {
	if l.epochs.Assign(epoch, offset) {
		return l.saveEpochs()
	}
	return nil
}

// LatestEpoch is the newest leader epoch that wrote to the log, or -1.
func (l *Log) LatestEpoch() int32 { return l.epochs.Latest() }

// EndOffsetForEpoch answers OffsetForLeaderEpoch (Log.endOffsetForEpoch):
// the largest epoch at or below epoch that wrote here and the offset
// where it ended; ok is false when there is no such answer.
func (l *Log) EndOffsetForEpoch(epoch int32) (foundEpoch int32, endOffset int64, ok bool) {
	e, end := l.epochs.EndOffsetFor(epoch, l.EndOffset())
	return e, end, end != replica.UndefinedOffset
}

// EpochCheckpointRebuilt is the error that made Open rebuild the
// leader-epoch history from the batches (a damaged checkpoint file), for
// the broker to log; nil if the file was read.
func (l *Log) EpochCheckpointRebuilt() error { return l.epochsRebuilt }

// Epochs is the leader-epoch history, oldest first.
func (l *Log) Epochs() []replica.EpochEntry { return l.epochs.Entries() }
