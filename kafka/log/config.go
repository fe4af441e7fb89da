package log

import (
	"fmt"
	"math"
)

// Config is a partition log's configuration: Kafka's topic-level keys
// (broker-level log.* defaults in parentheses), with Kafka's defaults.
// Reference: docs/reference/kafka.md §3 "Defaults"; AK KafkaConfig.Defaults, LogConfig.
type Config struct {
	// SegmentBytes (segment.bytes; log.segment.bytes): roll when the
	// active segment would grow past this. Default 1 GiB.
	SegmentBytes int64
	// SegmentMs (segment.ms; log.roll.hours=168): roll a non-empty
	// segment this old. Default 7 days.
	SegmentMs int64
	// SegmentIndexBytes (segment.index.bytes; log.index.size.max.bytes):
	// the most an .index may hold; it bounds both indexes' entry counts
	// (size/8 and size/12, like Kafka). Default 10 MiB.
	SegmentIndexBytes int
	// IndexIntervalBytes (index.interval.bytes): bytes appended between
	// two index entries. Default 4096.
	IndexIntervalBytes int
	// RetentionMs (retention.ms; log.retention.hours=168): delete
	// segments whose newest record is older. -1: keep forever. Default 7 days.
	RetentionMs int64
	// RetentionBytes (retention.bytes): delete old segments while the log
	// is larger. -1 (the default): no size limit.
	RetentionBytes int64
	// FlushMessages (flush.messages; log.flush.interval.messages): fsync
	// after this many records. Default MaxInt64: never forced.
	FlushMessages int64
	// FlushMs (flush.ms; log.flush.interval.ms): fsync when the last
	// flush is this old (checked by MaybeFlush). Default MaxInt64.
	FlushMs int64
	// MaxMessageBytes (max.message.bytes; message.max.bytes): the largest
	// batch accepted. Default 1048588 (1 MiB + record overhead).
	MaxMessageBytes int
}

// DefaultConfig returns Kafka 2.8's defaults.
func DefaultConfig() Config {
	return Config{
		SegmentBytes:       1 << 30,
		SegmentMs:          7 * 24 * 3600 * 1000,
		SegmentIndexBytes:  10 << 20,
		IndexIntervalBytes: 4096,
		RetentionMs:        7 * 24 * 3600 * 1000,
		RetentionBytes:     -1,
		FlushMessages:      math.MaxInt64,
		FlushMs:            math.MaxInt64,
		MaxMessageBytes:    1048588,
	}
}

// Validate reports a configuration Kafka would refuse.
func (c Config) Validate() error {
	switch {
	case c.SegmentBytes < 14: // LogConfig: segment.bytes >= LegacyRecord.RECORD_OVERHEAD_V0
		return fmt.Errorf("log: segment.bytes %d is below 14", c.SegmentBytes)
	case c.SegmentMs < 1:
		return fmt.Errorf("log: segment.ms %d is below 1", c.SegmentMs)
	case c.SegmentIndexBytes < timeEntrySize:
		return fmt.Errorf("log: segment.index.bytes %d cannot hold an entry", c.SegmentIndexBytes)
	case c.IndexIntervalBytes < 0:
		return fmt.Errorf("log: index.interval.bytes %d is negative", c.IndexIntervalBytes)
	case c.FlushMessages < 1 || c.FlushMs < 0:
		return fmt.Errorf("log: flush.messages must be >= 1 and flush.ms >= 0")
	case c.MaxMessageBytes < 0:
		return fmt.Errorf("log: max.message.bytes %d is negative", c.MaxMessageBytes)
	}
	return nil
}

func (c Config) segment() segmentConfig {
	return segmentConfig{
		indexInterval:    c.IndexIntervalBytes,
		maxOffsetEntries: c.SegmentIndexBytes / offsetEntrySize,
		maxTimeEntries:   c.SegmentIndexBytes / timeEntrySize,
	}
}
