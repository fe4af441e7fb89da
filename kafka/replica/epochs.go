package replica

import "fmt"

// UndefinedEpoch and UndefinedOffset are Kafka's "none" in leader-epoch
// answers (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET).
const (
	UndefinedEpoch  int32 = -1
	UndefinedOffset int64 = -1
)

// EpochEntry says that leader epoch Epoch wrote its first record at
// StartOffset.
type EpochEntry struct {
	Epoch       int32
	StartOffset int64
}

func (e EpochEntry) String() string { return fmt.Sprintf("(epoch %d from %d)", e.Epoch, e.StartOffset) }

// EpochCache is a log's leader-epoch history (KIP-101;
// LeaderEpochFileCache): for every epoch that wrote to the log, the
// offset of its first record. A leader answers OffsetForLeaderEpoch from
// it; a follower truncates with it. The caller persists Entries in the
// leader-epoch-checkpoint file after every change (EncodeEpochCheckpoint).
//
// Invariant: epochs and start offsets both strictly increase.
type EpochCache struct {
	entries []EpochEntry
}

// NewEpochCache starts from a checkpoint's entries.
func NewEpochCache(entries []EpochEntry) *EpochCache {
	c := &EpochCache{}
	for _, e := range entries {
		c.Assign(e.Epoch, e.StartOffset)
	}
	return c
}

// Entries is the history, oldest first (a copy).
func (c *EpochCache) Entries() []EpochEntry { return append([]EpochEntry(nil), c.entries...) }

// Latest is the newest epoch, or UndefinedEpoch for an empty history.
func (c *EpochCache) Latest() int32 {
	if len(c.entries) == 0 {
		return UndefinedEpoch
	}
	return c.entries[len(c.entries)-1].Epoch
}

// Assign records that epoch wrote a batch at startOffset (called for
// every appended batch with its partitionLeaderEpoch). It changes the
// history only for a new epoch, or for the same epoch at an earlier
// offset; an assignment that breaks the order drops the entries it
// conflicts with — the newest append is taken to be right, as 2.3 does
// rather than failing the fetcher. It reports whether the history
// changed (and must be checkpointed). A negative epoch is ignored
// (message formats before v2 carry none).
func (c *EpochCache) Assign(epoch int32, startOffset int64) bool {
	if epoch < 0 {
		return false
	}
	if n := len(c.entries); n > 0 {
		last := c.entries[n-1]
		if last.Epoch == epoch && startOffset >= last.StartOffset {
			return false
		}
	}
	kept := c.entries[:0]
	for _, e := range c.entries {
		if e.Epoch < epoch && e.StartOffset < startOffset {
			kept = append(kept, e)
		}
	}
	c.entries = append(kept, EpochEntry{epoch, startOffset})
	return true
}

// #region end-offset-for

// EndOffsetFor answers OffsetForLeaderEpoch for requested
// (LeaderEpochFileCache.endOffsetFor, KIP-279): the largest epoch at or
// below requested that this log knows, and where it ended — the start
// offset of the next epoch, or logEnd if requested is the latest epoch.
//
//   - requested is UndefinedEpoch, or above every epoch here:
//     (UndefinedEpoch, UndefinedOffset).
//   - requested is below every epoch here (its records were deleted by
//     retention): (requested, the first epoch's start offset).
func (c *EpochCache) EndOffsetFor(requested int32, logEnd int64) (int32, int64) {
	if requested == UndefinedEpoch {
		return UndefinedEpoch, UndefinedOffset
	}
	if c.Latest() == requested {
		return requested, logEnd
	}
	for i, e := range c.entries {
		if e.Epoch > requested {
			if i == 0 {
				return requested, e.StartOffset
			}
			return c.entries[i-1].Epoch, e.StartOffset
		}
	}
	return UndefinedEpoch, UndefinedOffset
}

// #endregion end-offset-for

// TruncateFromEnd forgets the epochs that started at or after endOffset
// (the log was cut there). It reports whether the history changed.
func (c *EpochCache) TruncateFromEnd(endOffset int64) bool {
	if endOffset < 0 || len(c.entries) == 0 || c.entries[len(c.entries)-1].StartOffset < endOffset {
		return false
	}
	i := 0
	for i < len(c.entries) && c.entries[i].StartOffset < endOffset {
		i++
	}
	c.entries = c.entries[:i]
	return true
}

// TruncateFromStart forgets what lies before startOffset (retention moved
// the log start there): the last epoch that started at or before it now
// starts exactly there, older ones go. It reports whether the history
// changed.
func (c *EpochCache) TruncateFromStart(startOffset int64) bool {
	i := 0
	for i < len(c.entries) && c.entries[i].StartOffset <= startOffset {
		i++
	}
	if i == 0 {
		return false
	}
	first := EpochEntry{c.entries[i-1].Epoch, startOffset}
	if i == 1 && c.entries[0] == first {
		return false
	}
	c.entries = append([]EpochEntry{first}, c.entries[i:]...)
	return true
}
