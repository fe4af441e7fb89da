package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zkafka/zkafka/chapters/stage"
	"github.com/zkafka/zkafka/kafka/record"
)

// listDir shows a partition directory like ls -l.
func listDir(n *stage.Narrator, dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			continue
		}
		n.Out("%8d  %s", fi.Size(), e.Name())
	}
	return nil
}

// segments returns the .log files of a partition directory, sorted.
func segments(dir string) []string {
	logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	return logs
}

// annotateBatch prints the first batch of a .log file field by field:
// the offsets, the bytes, the field and its value (docs/reference/kafka.md §2).
func annotateBatch(n *stage.Narrator, logFile string) error {
	b, err := os.ReadFile(logFile)
	if err != nil {
		return err
	}
	size, ok := record.BatchSize(b)
	if !ok || size > len(b) {
		return fmt.Errorf("%s holds no whole batch", logFile)
	}
	batch := b[:size]
	h, err := record.ParseHeader(batch)
	if err != nil {
		return err
	}
	field := func(off, width int, name, value string) {
		n.Out("%4d  %-24s %-22s %s", off, hexBytes(batch[off:off+width]), name, value)
	}
	n.Out(" off  bytes                    field                  value")
	field(0, 8, "baseOffset", fmt.Sprintf("%d   stamped by the broker", h.BaseOffset))
	field(8, 4, "batchLength", fmt.Sprintf("%d   bytes after this field", h.BatchLength))
	field(12, 4, "partitionLeaderEpoch", fmt.Sprintf("%d   stamped by the leader", h.PartitionLeaderEpoch))
	field(16, 1, "magic", fmt.Sprintf("%d   RecordBatch v2", h.Magic))
	field(17, 4, "crc", fmt.Sprintf("%#08x   CRC-32C of bytes 21..%d", h.CRC, size))
	field(21, 2, "attributes", fmt.Sprintf("%d   codec %s", h.Attributes, h.Attributes.Codec()))
	field(23, 4, "lastOffsetDelta", fmt.Sprintf("%d   %d records", h.LastOffsetDelta, h.LastOffsetDelta+1))
	field(27, 8, "baseTimestamp", time.UnixMilli(h.BaseTimestamp).UTC().Format(time.RFC3339Nano))
	field(35, 8, "maxTimestamp", time.UnixMilli(h.MaxTimestamp).UTC().Format(time.RFC3339Nano))
	field(43, 8, "producerId", fmt.Sprintf("%d   not idempotent", h.ProducerID))
	field(51, 2, "producerEpoch", fmt.Sprint(h.ProducerEpoch))
	field(53, 4, "baseSequence", fmt.Sprint(h.BaseSequence))
	field(57, 4, "recordsCount", fmt.Sprint(h.NumRecords))
	_, recs, err := record.ReadRecords(batch)
	if err != nil {
		return err
	}
	n.Out("  61  records (varint-framed: length, attributes, timestampDelta, offsetDelta, key, value, headers):")
	for _, r := range recs {
		n.Out("        offset %d (delta %d), +%dms, key %q, value %q", h.BaseOffset+int64(r.OffsetDelta), r.OffsetDelta, r.TimestampDelta, r.Key, r.Value)
	}
	return nil
}

func hexBytes(b []byte) string {
	s := make([]string, len(b))
	for i, c := range b {
		s[i] = fmt.Sprintf("%02x", c)
	}
	return strings.Join(s, " ")
}

// showIndexes decodes a segment's .index and .timeindex.
func showIndexes(n *stage.Narrator, logFile string) error {
	base := strings.TrimSuffix(logFile, ".log")
	var baseOffset int64
	fmt.Sscanf(filepath.Base(base), "%d", &baseOffset)
	idx, err := os.ReadFile(base + ".index")
	if err != nil {
		return err
	}
	n.Out("%s.index: %d bytes, %d entries of 8 (relativeOffset u32, position u32)", filepath.Base(base), len(idx), len(idx)/8)
	for i := 0; i+8 <= len(idx); i += 8 {
		rel, pos := binary.BigEndian.Uint32(idx[i:]), binary.BigEndian.Uint32(idx[i+4:])
		n.Out("    %s   offset %d is in the batches from byte %d", hexBytes(idx[i:i+8]), baseOffset+int64(rel), pos)
	}
	ti, err := os.ReadFile(base + ".timeindex")
	if err != nil {
		return err
	}
	n.Out("%s.timeindex: %d bytes, %d entries of 12 (timestamp i64, relativeOffset u32)", filepath.Base(base), len(ti), len(ti)/12)
	for i := 0; i+12 <= len(ti); i += 12 {
		ts, rel := int64(binary.BigEndian.Uint64(ti[i:])), binary.BigEndian.Uint32(ti[i+8:])
		n.Out("    %s   the newest timestamp so far, %s, is at offset %d", hexBytes(ti[i:i+12]),
			time.UnixMilli(ts).UTC().Format("15:04:05.000"), baseOffset+int64(rel))
	}
	return nil
}
