package log

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// model is the log as a slice of batches (with offsets assigned).
type model struct {
	start   int64
	batches [][]byte
}

func (m *model) end() int64 {
	if len(m.batches) == 0 {
		return m.start
	}
	h, _ := record.ParseHeader(m.batches[len(m.batches)-1])
	return h.NextOffset()
}

func hdr(b []byte) record.Header { h, _ := record.ParseHeader(b); return h }

// TestModel runs random appends, reads, rolls, truncations, retention,
// flushes, crashes and reopens against the model. On failure it prints the
// operations so far and the seed.
//
// Reference: docs/reference/kafka.md §3; doc.go invariants
func TestModel(t *testing.T) {
	r := sim.Rand(t)
	for run := 0; run < 30; run++ {
		runModel(t, r, run)
		if t.Failed() {
			return
		}
	}
}

func runModel(t *testing.T, r *rand.Rand, run int) {
	var ops []string
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("run %d: %s\nops:\n  %s", run, fmt.Sprintf(format, args...), strings.Join(ops, "\n  "))
	}
	mem := vfs.NewMem()
	cfg := smallConfig()
	cfg.SegmentBytes = int64(300 + r.IntN(2000))
	cfg.IndexIntervalBytes = r.IntN(400)
	cfg.SegmentIndexBytes = 12 * (1 + r.IntN(8))
	l, err := Open(mem, testDir, cfg, Recovery{}, 0)
	if err != nil {
		fail("open: %v", err)
	}
	m := &model{}
	now := int64(1000)
	checkpoint := int64(0)
	check := func() {
		t.Helper()
		if l.StartOffset() != m.start || l.EndOffset() != m.end() {
			fail("offsets [%d, %d), model [%d, %d)", l.StartOffset(), l.EndOffset(), m.start, m.end())
		}
		got := readAllBatches(t, l)
		if len(got) != len(m.batches) {
			fail("%d batches, model %d", len(got), len(m.batches))
		}
		for i := range got {
			if !bytes.Equal(got[i], m.batches[i]) {
				fail("batch %d is %s, model %s", i, describe(got[i]), describe(m.batches[i]))
			}
		}
		for _, s := range l.segments {
			for _, e := range s.index.entries {
				if e.pos >= s.size || e.offset >= s.next {
					fail("index entry %+v past segment end (size %d, next %d)", e, s.size, s.next)
				}
			}
		}
	}
	for step := 0; step < 150; step++ {
		now += int64(r.IntN(100))
		switch op := r.IntN(20); {
		case op < 8: // append
			var req []byte
			n := 1 + r.IntN(3)
			for i := 0; i < n; i++ {
				req = append(req, mkBatch(now+int64(r.IntN(50))-25, 1+r.IntN(4), r.IntN(60))...)
			}
			ops = append(ops, fmt.Sprintf("append %d batches (%d bytes) at %d", n, len(req), now))
			info, err := l.Append(req, 3, now)
			if int64(len(req)) > l.Config().SegmentBytes {
				if !errors.Is(err, kerr.RecordListTooLarge) {
					fail("append of %d bytes > segment.bytes: %v, want RECORD_LIST_TOO_LARGE", len(req), err)
				}
				continue
			}
			if err != nil {
				fail("append: %v", err)
			}
			if info.FirstOffset != m.end() {
				fail("first offset %d, model end %d", info.FirstOffset, m.end())
			}
			for rest := req; len(rest) > 0; {
				b, tail, _, _ := record.Split(rest)
				m.batches = append(m.batches, b)
				rest = tail
			}
		case op < 11: // read with limits
			if m.end() == m.start {
				continue
			}
			off := m.start + r.Int64N(m.end()-m.start)
			maxBytes := r.IntN(600)
			minOne := r.IntN(2) == 0
			hw := off + r.Int64N(m.end()-off+1)
			ops = append(ops, fmt.Sprintf("read %d max %d hw %d minOne %v", off, maxBytes, hw, minOne))
			sec, err := l.Read(off, maxBytes, hw, minOne)
			if err != nil {
				fail("read: %v", err)
			}
			got, _ := sec.Bytes()
			// A read returns batches of one segment only (AK LogSegment.read).
			var want []byte
			segEnd := int64(-1)
			for _, b := range m.batches {
				h := hdr(b)
				if h.LastOffset() < off {
					continue
				}
				if segEnd < 0 {
					segEnd = 1 << 62
					for _, si := range l.Segments() {
						if si.BaseOffset > h.BaseOffset {
							segEnd = si.BaseOffset
							break
						}
					}
				}
				if h.BaseOffset >= segEnd || h.NextOffset() > hw || (len(want)+len(b) > maxBytes && !(minOne && len(want) == 0)) {
					break
				}
				want = append(want, b...)
			}
			if !bytes.Equal(got, want) {
				fail("read returned %d bytes, model %d", len(got), len(want))
			}
		case op < 12:
			ops = append(ops, "roll")
			if err := l.Roll(now); err != nil {
				fail("roll: %v", err)
			}
		case op < 13: // truncate
			off := m.start + r.Int64N(m.end()-m.start+1)
			if r.IntN(4) == 0 {
				off = m.start - r.Int64N(3)
			}
			ops = append(ops, fmt.Sprintf("truncate %d", off))
			first := l.segments[0].base
			if err := l.TruncateTo(off); err != nil {
				fail("truncate: %v", err)
			}
			if off < m.end() && off <= first {
				m.start, m.batches = max(off, 0), nil
			} else {
				for len(m.batches) > 0 && hdr(m.batches[len(m.batches)-1]).LastOffset() >= off {
					m.batches = m.batches[:len(m.batches)-1]
				}
			}
		case op < 14: // retention
			cfg2 := l.Config()
			cfg2.RetentionBytes = -1
			cfg2.RetentionMs = -1
			if r.IntN(2) == 0 {
				cfg2.RetentionBytes = r.Int64N(3000)
			} else {
				cfg2.RetentionMs = r.Int64N(2000)
			}
			_ = l.SetConfig(cfg2)
			ops = append(ops, fmt.Sprintf("retention bytes %d ms %d now %d", cfg2.RetentionBytes, cfg2.RetentionMs, now))
			segsBefore := l.Segments()
			n, err := l.DeleteOldSegments(now, l.EndOffset())
			if err != nil {
				fail("retention: %v", err)
			}
			if n > len(segsBefore) || (n == len(segsBefore) && segsBefore[n-1].Size == 0) {
				fail("retention deleted %d of %d segments (an empty active one included)", n, len(segsBefore))
			}
			for _, s := range segsBefore[:n] {
				if cfg2.RetentionMs >= 0 && now-s.MaxTimestamp <= cfg2.RetentionMs {
					fail("deleted segment %d with max timestamp %d, now %d", s.BaseOffset, s.MaxTimestamp, now)
				}
			}
			if cfg2.RetentionBytes >= 0 && n < len(segsBefore) && segsBefore[n].Size > 0 && l.Size()-segsBefore[n].Size >= cfg2.RetentionBytes {
				fail("log of %d bytes still over retention.bytes %d", l.Size(), cfg2.RetentionBytes)
			}
			m.start = l.StartOffset()
			for len(m.batches) > 0 && hdr(m.batches[0]).BaseOffset < m.start {
				m.batches = m.batches[1:]
			}
			cfg2.RetentionBytes, cfg2.RetentionMs = -1, -1
			_ = l.SetConfig(cfg2)
		case op < 15:
			ops = append(ops, "flush")
			if err := l.Flush(); err != nil {
				fail("flush: %v", err)
			}
		case op < 16:
			checkpoint = l.RecoveryPoint()
			ops = append(ops, fmt.Sprintf("checkpoint %d", checkpoint))
		case op < 17: // offset for timestamp
			ts := max(0, now-int64(r.IntN(3000)))
			ops = append(ops, fmt.Sprintf("offsetForTimestamp %d", ts))
			off, gotTS, err := l.OffsetForTimestamp(ts)
			if err != nil {
				fail("offsetForTimestamp: %v", err)
			}
			wantOff, wantTS := int64(-1), int64(-1)
		search:
			for _, b := range m.batches {
				h, recs, _ := record.ReadRecords(b)
				for _, rec := range recs {
					if t := h.BaseTimestamp + rec.TimestampDelta; t >= ts {
						wantOff, wantTS = h.BaseOffset+int64(rec.OffsetDelta), t
						break search
					}
				}
			}
			if off != wantOff || gotTS != wantTS {
				fail("offsetForTimestamp(%d) = (%d, %d), model (%d, %d)", ts, off, gotTS, wantOff, wantTS)
			}
		case op < 19: // crash and recover
			rp := l.RecoveryPoint()
			ops = append(ops, fmt.Sprintf("crash (recovery point %d, checkpoint %d)", rp, checkpoint))
			mem = mem.Crash(r)
			l, err = Open(mem, testDir, l.Config(), Recovery{RecoveryPoint: checkpoint, LogStartOffset: m.start}, now)
			if err != nil {
				fail("reopen: %v", err)
			}
			got := readAllBatches(t, l)
			if len(got) > len(m.batches) {
				fail("after crash %d batches, model had %d", len(got), len(m.batches))
			}
			for i, b := range got {
				if !bytes.Equal(b, m.batches[i]) {
					fail("after crash batch %d is %s, model %s", i, describe(b), describe(m.batches[i]))
				}
			}
			for _, b := range m.batches[len(got):] {
				if hdr(b).NextOffset() <= rp {
					fail("fsynced batch %s lost (recovery point %d)", describe(b), rp)
				}
			}
			if l.StartOffset() != m.start {
				fail("start offset %d after crash, was %d", l.StartOffset(), m.start)
			}
			m.batches = m.batches[:len(got)]
			checkpoint = l.RecoveryPoint()
		default: // clean close and reopen
			ops = append(ops, "close and reopen clean")
			if err := l.Close(); err != nil {
				fail("close: %v", err)
			}
			mem = mem.Crash(nil) // only fsynced state: Close must have flushed all
			l, err = Open(mem, testDir, l.Config(), Recovery{Clean: true, RecoveryPoint: l.RecoveryPoint(), LogStartOffset: m.start}, now)
			if err != nil {
				fail("reopen: %v", err)
			}
		}
		check()
	}
}
