package log

import (
	"encoding/binary"
	"errors"
	"fmt"
	"path"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// TestFileNames checks Kafka's naming: %020d segment files in
// <topic>-<partition>.
//
// Reference: docs/reference/kafka.md §3 "Directory"; AK Log.filenamePrefixFromOffset
func TestFileNames(t *testing.T) {
	mem := vfs.NewMem()
	l := mustOpen(t, mem, smallConfig(), Recovery{})
	for i := 0; i < 10; i++ {
		mustAppend(t, l, mkBatch(1, 2, 100), 1)
	}
	names, _ := mem.ReadDir(testDir)
	want := map[string]bool{"00000000000000000000.log": true, "00000000000000000000.index": true, "00000000000000000000.timeindex": true}
	for n := range want {
		found := false
		for _, g := range names {
			found = found || g == n
		}
		if !found {
			t.Errorf("missing %s in %v", n, names)
		}
	}
	if len(l.Segments()) < 2 {
		t.Fatalf("expected a roll: %+v", l.Segments())
	}
	second := l.Segments()[1].BaseOffset
	if _, err := mem.Stat(path.Join(testDir, fmt.Sprintf("%020d.log", second))); err != nil {
		t.Errorf("second segment: %v", err)
	}
	if tp, p, ok := ParseDirName("my-topic-12"); !ok || tp != "my-topic" || p != 12 {
		t.Errorf("ParseDirName = %q %d %v", tp, p, ok)
	}
	for _, bad := range []string{"topic", "-1", "t-x", "t-01", "t-+1"} {
		if _, _, ok := ParseDirName(bad); ok {
			t.Errorf("ParseDirName(%q) accepted", bad)
		}
	}
}

// TestAppendAssignsOffsets checks offsets, epochs and the on-disk bytes.
//
// Reference: docs/reference/kafka.md §2 "Broker rewrites"
func TestAppendAssignsOffsets(t *testing.T) {
	mem := vfs.NewMem()
	l := mustOpen(t, mem, DefaultConfig(), Recovery{})
	req := append(mkBatch(10, 3, 5), mkBatch(20, 2, 5)...)
	info, err := l.Append(req, 7, 0)
	if err != nil {
		t.Fatal(err)
	}
	if info.FirstOffset != 0 || info.LastOffset != 4 || info.Records != 5 || info.Batches != 2 || info.MaxTimestamp != 21 {
		t.Fatalf("info %+v", info)
	}
	info = mustAppend(t, l, mkBatch(30, 1, 5), 0)
	if info.FirstOffset != 5 || l.EndOffset() != 6 {
		t.Fatalf("second append %+v, LEO %d", info, l.EndOffset())
	}
	data, _ := vfs.ReadFile(mem, path.Join(testDir, "00000000000000000000.log"))
	b, rest, h, err := record.Split(data)
	if err != nil || h.BaseOffset != 0 || h.PartitionLeaderEpoch != 7 {
		t.Fatalf("first batch on disk: %+v %v", h, err)
	}
	if _, err := record.Validate(b); err != nil {
		t.Fatalf("stamped batch fails validation: %v", err)
	}
	if _, _, h, _ = record.Split(rest); h.BaseOffset != 3 {
		t.Fatalf("second batch base %d", h.BaseOffset)
	}
}

// TestAppendRejects checks that invalid requests are refused whole, with
// Kafka's error codes, and leave the log untouched.
//
// Reference: docs/reference/kafka.md §1.3 error codes; AK LogValidator
func TestAppendRejects(t *testing.T) {
	l := mustOpen(t, vfs.NewMem(), DefaultConfig(), Recovery{})
	good := mkBatch(1, 2, 10)
	bad := mkBatch(1, 2, 10)
	bad[len(bad)-1] ^= 1
	big := mkBatch(1, 1, 2<<20)
	for _, c := range []struct {
		name string
		req  []byte
		want error
	}{
		{"bad crc after a good batch", append(append([]byte{}, good...), bad...), kerr.CorruptMessage},
		{"torn", good[:len(good)-1], kerr.CorruptMessage},
		{"empty", nil, kerr.CorruptMessage},
		{"too large", big, kerr.MessageTooLarge},
	} {
		if _, err := l.Append(c.req, 0, 0); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if l.EndOffset() != 0 || l.Size() != 0 {
		t.Fatalf("rejected appends changed the log: LEO %d size %d", l.EndOffset(), l.Size())
	}
	h, _ := record.ParseHeader(good)
	if h.BaseOffset != 0 {
		t.Fatal("a rejected request was stamped")
	}
}

// TestIndexAppendRule checks when entries are added and what they map.
//
// Reference: docs/reference/kafka.md §3 "Append rule"; AK LogSegment.append
func TestIndexAppendRule(t *testing.T) {
	cfg := DefaultConfig()
	cfg.IndexIntervalBytes = 250
	mem := vfs.NewMem()
	l := mustOpen(t, mem, cfg, Recovery{})
	var positions []int64
	var pos int64
	for i := 0; i < 8; i++ {
		b := mkBatch(int64(i), 1, 100) // 100-byte value: ~170-byte batches
		positions = append(positions, pos)
		pos += int64(len(b))
		mustAppend(t, l, b, 0)
	}
	// An entry is added when the bytes since the last one exceed the
	// interval *before* this append (0 before the first): after appends
	// 0,1 (340 bytes > 250) at append 2, then at 4, then at 6.
	want := []indexEntry{{2, positions[2]}, {4, positions[4]}, {6, positions[6]}}
	got := l.active().index.entries
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("entries %v, want %v", got, want)
	}
	raw, _ := vfs.ReadFile(mem, path.Join(testDir, "00000000000000000000.index"))
	if len(raw) != 24 || binary.BigEndian.Uint32(raw[8:]) != 4 || int64(binary.BigEndian.Uint32(raw[12:])) != positions[4] {
		t.Fatalf(".index bytes %x", raw)
	}
	traw, _ := vfs.ReadFile(mem, path.Join(testDir, "00000000000000000000.timeindex"))
	if len(traw) != 36 || binary.BigEndian.Uint64(traw[12:]) != 4 || binary.BigEndian.Uint32(traw[20:]) != 4 {
		t.Fatalf(".timeindex bytes %x", traw)
	}
}

// TestRollRules checks each roll trigger.
//
// Reference: docs/reference/kafka.md §3 "Roll"; AK LogSegment.shouldRoll
func TestRollRules(t *testing.T) {
	b := mkBatch(1000, 1, 100)
	t.Run("segment.bytes", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.SegmentBytes = int64(2*len(b) + 10)
		l := mustOpen(t, vfs.NewMem(), cfg, Recovery{})
		for i := 0; i < 3; i++ {
			mustAppend(t, l, mkBatch(1000, 1, 100), 0)
		}
		if s := l.Segments(); len(s) != 2 || s[1].BaseOffset != 2 {
			t.Fatalf("segments %+v", s)
		}
	})
	t.Run("segment.ms", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.SegmentMs = 100
		l := mustOpen(t, vfs.NewMem(), cfg, Recovery{})
		mustAppend(t, l, mkBatch(1000, 1, 10), 0)
		mustAppend(t, l, mkBatch(1100, 1, 10), 0) // 100 ms after the first: not yet
		mustAppend(t, l, mkBatch(1101, 1, 10), 0) // 101 ms: roll
		if s := l.Segments(); len(s) != 2 || s[1].BaseOffset != 2 {
			t.Fatalf("segments %+v", s)
		}
	})
	t.Run("index full", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.IndexIntervalBytes = 0
		cfg.SegmentIndexBytes = 24 // 3 offset entries, 2 time entries
		l := mustOpen(t, vfs.NewMem(), cfg, Recovery{})
		for i := 0; i < 6; i++ {
			mustAppend(t, l, mkBatch(int64(1000+i), 1, 10), 0)
		}
		if s := l.Segments(); len(s) < 2 || s[0].TimeEntries != 2 {
			t.Fatalf("segments %+v", s)
		}
	})
	t.Run("relative offset overflow", func(t *testing.T) {
		l := mustOpen(t, vfs.NewMem(), DefaultConfig(), Recovery{})
		mustAppend(t, l, mkBatch(1, 1, 10), 0)
		// A follower's batch far ahead (offsets may jump after compaction).
		fb := mkBatch(1, 1, 10)
		record.SetBaseOffset(fb, 1<<32)
		if _, err := l.AppendAsFollower(fb, 0); err != nil {
			t.Fatal(err)
		}
		if s := l.Segments(); len(s) != 2 || s[1].BaseOffset != 1<<32 {
			t.Fatalf("segments %+v", s)
		}
	})
}

// TestReadKIP74 checks that the first batch comes whole even above
// maxBytes, and that later batches never exceed it.
//
// Reference: docs/reference/kafka.md §2 "Fetch truncation" (KIP-74)
func TestReadKIP74(t *testing.T) {
	l := mustOpen(t, vfs.NewMem(), DefaultConfig(), Recovery{})
	big, small := mkBatch(1, 1, 1000), mkBatch(2, 1, 10)
	mustAppend(t, l, big, 0)
	mustAppend(t, l, small, 0)
	sec, err := l.Read(0, 100, l.EndOffset(), true)
	if err != nil || sec.Size != int64(len(big)) {
		t.Fatalf("minOne read: %+v %v", sec, err)
	}
	if sec, _ := l.Read(0, 100, l.EndOffset(), false); sec.Size != 0 {
		t.Fatalf("read without minOne returned %d bytes", sec.Size)
	}
	if sec, _ := l.Read(0, len(big)+len(small)-1, l.EndOffset(), true); sec.Size != int64(len(big)) {
		t.Fatalf("partial second batch returned: %d", sec.Size)
	}
	if sec, _ := l.Read(0, 1<<20, 1, true); sec.Size != int64(len(big)) {
		t.Fatalf("high watermark 1: %d bytes", sec.Size)
	}
	if sec, err := l.Read(2, 100, 2, true); err != nil || sec.Size != 0 {
		t.Fatalf("read at LEO: %+v %v", sec, err)
	}
	if _, err := l.Read(3, 100, 3, true); !errors.Is(err, kerr.OffsetOutOfRange) {
		t.Fatalf("read past LEO: %v", err)
	}
}

// TestOffsetForTimestamp checks ListOffsets semantics, including
// non-monotonic producer timestamps.
//
// Reference: docs/reference/kafka.md §1.3; AK Log.fetchOffsetByTimestamp; franz-go#706
func TestOffsetForTimestamp(t *testing.T) {
	cfg := smallConfig()
	l := mustOpen(t, vfs.NewMem(), cfg, Recovery{})
	for _, ts := range []int64{100, 300, 200, 400, 400, 500} {
		mustAppend(t, l, mkBatch(ts, 1, 200), 0)
	}
	for _, c := range []struct{ ts, off, got int64 }{
		{Earliest, 0, -1}, {Latest, 6, -1}, {0, 0, 100}, {100, 0, 100}, {101, 1, 300},
		{250, 1, 300}, {301, 3, 400}, {400, 3, 400}, {450, 5, 500}, {501, -1, -1},
	} {
		off, ts, err := l.OffsetForTimestamp(c.ts)
		if err != nil || off != c.off || ts != c.got {
			t.Errorf("OffsetForTimestamp(%d) = %d, %d, %v; want %d, %d", c.ts, off, ts, err, c.off, c.got)
		}
	}
}

// TestRetention checks time and size retention delete whole old segments
// and never the active one.
//
// Reference: docs/reference/kafka.md §3 "Retention"
func TestRetention(t *testing.T) {
	cfg := smallConfig()
	l := mustOpen(t, vfs.NewMem(), cfg, Recovery{})
	for i := 0; i < 20; i++ {
		mustAppend(t, l, mkBatch(int64(i*100), 1, 200), 0)
	}
	segs := l.Segments()
	if len(segs) < 4 {
		t.Fatalf("want several segments: %+v", segs)
	}
	cfg.RetentionMs = 1000
	l.SetConfig(cfg)
	now := segs[1].MaxTimestamp + 1001 // segments 0 and 1 are expired
	n, err := l.DeleteOldSegments(now, l.EndOffset())
	if err != nil || n != 2 || l.StartOffset() != segs[2].BaseOffset {
		t.Fatalf("time retention deleted %d (%v); start %d", n, err, l.StartOffset())
	}
	if _, err := l.Read(0, 100, l.EndOffset(), true); !errors.Is(err, kerr.OffsetOutOfRange) {
		t.Fatalf("read below start: %v", err)
	}
	cfg.RetentionMs = -1
	cfg.RetentionBytes = 0
	l.SetConfig(cfg)
	if _, err := l.DeleteOldSegments(1<<40, l.EndOffset()); err != nil {
		t.Fatal(err)
	}
	// retention.bytes=0 takes every segment, the active one too: the log
	// rolls an empty segment at its end first (AK 2.3 deleteSegments).
	if s := l.Segments(); len(s) != 1 || s[0].BaseOffset != l.EndOffset() || s[0].Size != 0 || l.StartOffset() != l.EndOffset() {
		t.Fatalf("size retention left %+v (start %d, end %d)", s, l.StartOffset(), l.EndOffset())
	}
}

// TestRetentionExpiredActiveSegment: a partition nobody writes to still
// ages out. When its only (active) segment is past retention.ms, the log
// rolls a new empty segment and deletes the old one — but only once the
// high watermark covers it: retention never moves the log start offset
// past the high watermark. An empty active segment is never deleted.
//
// Reference: docs/reference/kafka.md §11 "Retention in 2.3"; AK 2.3.1
// Log.deletableSegments ("We do not delete segments with offsets at or
// beyond the high watermark"), Log.deleteSegments (roll when deleting all).
func TestRetentionExpiredActiveSegment(t *testing.T) {
	cfg := smallConfig()
	cfg.RetentionMs = 1000
	l := mustOpen(t, vfs.NewMem(), cfg, Recovery{})
	mustAppend(t, l, mkBatch(100, 3, 10), 0)
	if len(l.Segments()) != 1 {
		t.Fatalf("segments %+v, want the one active segment", l.Segments())
	}
	now := int64(102 + 1001) // the batch's max timestamp is 102
	// The high watermark is below the log end: nothing may go.
	if n, err := l.DeleteOldSegments(now, 2); err != nil || n != 0 {
		t.Fatalf("with HW 2 < LEO 3: deleted %d, %v", n, err)
	}
	n, err := l.DeleteOldSegments(now, l.EndOffset())
	if err != nil || n != 1 {
		t.Fatalf("expired active segment: deleted %d, %v", n, err)
	}
	segs := l.Segments()
	if len(segs) != 1 || segs[0].BaseOffset != 3 || segs[0].Size != 0 || l.StartOffset() != 3 || l.EndOffset() != 3 {
		t.Fatalf("after rolling and deleting: %+v, start %d, end %d", segs, l.StartOffset(), l.EndOffset())
	}
	// The new, empty active segment is never deleted, however old.
	if n, err := l.DeleteOldSegments(now+1<<30, l.EndOffset()); err != nil || n != 0 {
		t.Fatalf("empty active segment: deleted %d, %v", n, err)
	}
	if off := mustAppend(t, l, mkBatch(now, 1, 10), 0).FirstOffset; off != 3 {
		t.Fatalf("next append at %d, want 3", off)
	}
}

// TestTruncateTo checks truncation in the middle of a segment, at a
// segment base and below the log start.
//
// Reference: AK Log.truncateTo
func TestTruncateTo(t *testing.T) {
	l := mustOpen(t, vfs.NewMem(), smallConfig(), Recovery{})
	for i := 0; i < 20; i++ {
		mustAppend(t, l, mkBatch(int64(i), 2, 100), 0)
	}
	if err := l.TruncateTo(25); err != nil {
		t.Fatal(err)
	}
	if l.EndOffset() != 24 { // the batch [24, 25] straddles 25: it goes whole
		t.Fatalf("LEO %d after TruncateTo(25)", l.EndOffset())
	}
	mustAppend(t, l, mkBatch(99, 1, 10), 0)
	if l.EndOffset() != 25 {
		t.Fatalf("append after truncate: LEO %d", l.EndOffset())
	}
	if err := l.TruncateTo(0); err != nil || l.EndOffset() != 0 || l.StartOffset() != 0 || len(l.Segments()) != 1 {
		t.Fatalf("TruncateTo(0): %v, %+v", err, l.Segments())
	}
}

// TestCrashTornTail checks recovery: every flushed batch survives, an
// unflushed tail torn anywhere is cut at the first invalid byte.
//
// Reference: docs/reference/kafka.md §3 "Recovery"; AK LogSegment.recover
func TestCrashTornTail(t *testing.T) {
	r := sim.Rand(t)
	for iter := 0; iter < 50; iter++ {
		mem := vfs.NewMem()
		l := mustOpen(t, mem, DefaultConfig(), Recovery{})
		var sizes []int
		for i := 0; i < 5; i++ {
			b := mkBatch(int64(i), 1+r.IntN(3), r.IntN(100))
			sizes = append(sizes, len(b))
			mustAppend(t, l, b, 0)
		}
		l.Flush()
		for i := 0; i < 5; i++ {
			mustAppend(t, l, mkBatch(int64(i), 1+r.IntN(3), r.IntN(100)), 0)
		}
		flushedBytes := 0
		for _, s := range sizes {
			flushedBytes += s
		}
		crashed := mem.Crash(r)
		logPath := path.Join(testDir, "00000000000000000000.log")
		before, _ := crashed.Stat(logPath)
		l2 := mustOpen(t, crashed, DefaultConfig(), Recovery{RecoveryPoint: 0})
		if l2.EndOffset() < 5 {
			t.Fatalf("flushed batches lost: LEO %d", l2.EndOffset())
		}
		// The log now ends exactly at the last whole batch of the crashed file.
		data, _ := vfs.ReadFile(crashed, logPath)
		whole := 0
		for rest := data; ; {
			n, ok := record.BatchSize(rest)
			if !ok || n > len(rest) {
				break
			}
			whole += n
			rest = rest[n:]
		}
		if int64(whole) != l2.Size() || len(data) != whole || before.Size() < int64(flushedBytes) {
			t.Fatalf("recovered %d bytes of %d (whole batches: %d)", l2.Size(), before.Size(), whole)
		}
	}
}

// TestCrashGarbage checks that garbage after the last batch (zeros from
// a size update without data, or random bytes) is cut, and that a bad
// CRC in an otherwise whole batch is caught.
//
// Reference: docs/reference/kafka.md §3 "Recovery" (inode size before data blocks)
func TestCrashGarbage(t *testing.T) {
	for _, c := range []struct {
		name   string
		mangle func(f vfs.File, size int64)
	}{
		{"zeros", func(f vfs.File, size int64) { f.WriteAt(make([]byte, 500), size) }},
		{"random", func(f vfs.File, size int64) { f.WriteAt([]byte("not a batch at all, really not"), size) }},
		{"bad crc in last batch", func(f vfs.File, size int64) { f.WriteAt([]byte{0xff}, size-1) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			mem := vfs.NewMem()
			l := mustOpen(t, mem, DefaultConfig(), Recovery{})
			for i := 0; i < 3; i++ {
				mustAppend(t, l, mkBatch(int64(i), 2, 50), 0)
			}
			size := l.Size()
			last := l.Segments()[0]
			l.Close()
			f, _ := mem.OpenFile(path.Join(testDir, "00000000000000000000.log"), 2, 0)
			c.mangle(f, size)
			f.Sync()
			f.Close()
			l2 := mustOpen(t, mem, DefaultConfig(), Recovery{})
			want := last.NextOffset
			if c.name == "bad crc in last batch" {
				want -= 2
			}
			if l2.EndOffset() != want {
				t.Fatalf("LEO %d, want %d", l2.EndOffset(), want)
			}
			if got := len(readAllBatches(t, l2)); int64(got) != want/2 {
				t.Fatalf("%d batches readable", got)
			}
		})
	}
}

// TestCrashMidRoll checks a crash after a roll created the new segment
// but before anything reached it, and a crash that loses the new
// segment's unsynced name.
//
// Reference: docs/reference/kafka.md §3; vfs durability contract
func TestCrashMidRoll(t *testing.T) {
	mem := vfs.NewMem()
	cfg := smallConfig()
	l := mustOpen(t, mem, cfg, Recovery{})
	for len(l.Segments()) < 3 {
		mustAppend(t, l, mkBatch(1, 1, 100), 0)
	}
	// The roll fsynced the old segments: the recovery point is the new base.
	rp := l.RecoveryPoint()
	if rp != l.Segments()[2].BaseOffset {
		t.Fatalf("recovery point %d after roll, want %d", rp, l.Segments()[2].BaseOffset)
	}
	l2 := mustOpen(t, mem.Crash(nil), cfg, Recovery{RecoveryPoint: rp})
	if l2.EndOffset() < rp {
		t.Fatalf("LEO %d below recovery point %d", l2.EndOffset(), rp)
	}
	// A fault in the middle of a roll's file creation takes the log offline.
	mem2 := vfs.NewMem()
	l3 := mustOpen(t, mem2, cfg, Recovery{})
	mustAppend(t, l3, mkBatch(1, 1, 100), 0)
	l3.Flush()
	mem2.SetFault(vfs.FailNth(vfs.OpCreate, 2, vfs.ErrInjected, false))
	var err error
	for i := 0; i < 20 && err == nil; i++ {
		_, err = l3.Append(mkBatch(1, 1, 100), 0, 0)
	}
	if !errors.Is(err, ErrOffline) {
		t.Fatalf("append during failed roll: %v", err)
	}
	if _, err := l3.Append(mkBatch(1, 1, 100), 0, 0); !errors.Is(err, ErrOffline) {
		t.Fatalf("log not offline: %v", err)
	}
	mem2.SetFault(nil)
	l4 := mustOpen(t, mem2.Crash(nil), cfg, Recovery{})
	if l4.EndOffset() < 1 {
		t.Fatalf("flushed batch lost: LEO %d", l4.EndOffset())
	}
	readAllBatches(t, l4)
}

// TestDirCleanShutdown checks the marker protocol and checkpoints.
//
// Reference: docs/reference/kafka.md §3 "Checkpoint files", "Recovery"
func TestDirCleanShutdown(t *testing.T) {
	mem := vfs.NewMem()
	d, err := OpenDir(mem, "/kafka", smallConfig(), 0)
	if err != nil {
		t.Fatal(err)
	}
	tp := TopicPartition{"orders", 3}
	l, err := d.Create(tp, smallConfig(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		mustAppend(t, l, mkBatch(int64(i), 1, 100), 0)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	crashed := mem.Crash(nil)
	raw, _ := vfs.ReadFile(crashed, "/kafka/recovery-point-offset-checkpoint")
	if string(raw) != "0\n1\norders 3 10\n" {
		t.Fatalf("checkpoint %q", raw)
	}
	if _, err := crashed.Stat("/kafka/.kafka_cleanshutdown"); err != nil {
		t.Fatalf("no marker after Close: %v", err)
	}
	d2, err := OpenDir(crashed, "/kafka", smallConfig(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := crashed.Crash(nil).Stat("/kafka/.kafka_cleanshutdown"); err == nil {
		t.Fatal("marker still durable after OpenDir")
	}
	l2, ok := d2.Log(tp)
	if !ok || l2.EndOffset() != 10 || len(readAllBatches(t, l2)) != 10 {
		t.Fatalf("reopened log: %v %+v", ok, l2)
	}
	if got := d2.Partitions(); len(got) != 1 || got[0] != tp {
		t.Fatalf("partitions %v", got)
	}
}

// TestCheckpointFormat round-trips the text format and rejects bad files.
//
// Reference: docs/reference/kafka.md §3; AK CheckpointFile
func TestCheckpointFormat(t *testing.T) {
	mem := vfs.NewMem()
	in := map[TopicPartition]int64{{"a", 0}: 5, {"b-x", 2}: 1 << 40}
	if err := WriteCheckpoint(mem, "/cp", in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadCheckpoint(mem, "/cp")
	if err != nil || fmt.Sprint(out) != fmt.Sprint(in) {
		t.Fatalf("round trip: %v %v", out, err)
	}
	for _, bad := range []string{"", "1\n0\n", "0\n2\na 0 1\n", "0\n1\na b c\n"} {
		f, _ := vfs.Create(mem, "/bad")
		f.Write([]byte(bad))
		f.Close()
		if _, err := ReadCheckpoint(mem, "/bad"); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	if m, err := ReadCheckpoint(mem, "/missing"); err != nil || len(m) != 0 {
		t.Fatalf("missing file: %v %v", m, err)
	}
}

// TestSectionWriteTo checks the bytes a broker would send.
func TestSectionWriteTo(t *testing.T) {
	l := mustOpen(t, vfs.NewMem(), DefaultConfig(), Recovery{})
	b := mkBatch(1, 3, 20)
	mustAppend(t, l, b, 0)
	sec, _ := l.Read(0, 1<<20, l.EndOffset(), true)
	var buf writerOnly
	if n, err := sec.WriteTo(&buf); err != nil || n != int64(len(b)) || string(buf.b) != string(b) {
		t.Fatalf("WriteTo: %d %v", n, err)
	}
}

type writerOnly struct{ b []byte }

func (w *writerOnly) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
