package log

import (
	"path"
	"testing"
	"time"

	"github.com/zkafka/zkafka/labs/sim/vfs"
)

func openManager(t *testing.T, fsys vfs.FS, mod func(*ManagerConfig)) *Manager {
	t.Helper()
	cfg := ManagerConfig{FS: fsys, Dirs: []string{"/d1", "/d2"}, Log: smallConfig(),
		RetentionCheckIntervalMs: 1000, CheckpointIntervalMs: 5000}
	if mod != nil {
		mod(&cfg)
	}
	m, err := OpenManager(cfg, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestManagerPlacesByLoad: a new partition goes to the dir holding the
// fewest, and a reopened manager finds every partition where it was.
//
// Reference: AK LogManager.nextLogDirs, loadLogs.
func TestManagerPlacesByLoad(t *testing.T) {
	mem := vfs.NewMem()
	m := openManager(t, mem, nil)
	for i := range int32(4) {
		if _, err := m.Create(TopicPartition{"t", i}, smallConfig(), 0); err != nil {
			t.Fatal(err)
		}
	}
	if m.counts[0] != 2 || m.counts[1] != 2 {
		t.Fatalf("partitions per dir %v, want [2 2]", m.counts)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m2 := openManager(t, mem, nil)
	defer m2.Close()
	if got := m2.Partitions(); len(got) != 4 || got[3] != (TopicPartition{"t", 3}) {
		t.Fatalf("reopened partitions %v", got)
	}
}

// TestManagerJobsRunWhenDue: RunDue runs retention every
// log.retention.check.interval.ms and checkpoints every
// log.flush.offset.checkpoint.interval.ms, at the injected time, through
// the owner's Access — so retention stops at the high watermark the
// owner reports. No goroutine, no clock.
//
// Reference: AK 2.3 LogManager.startup (the scheduled jobs), cleanupLogs;
// Log.deletableSegments (the high-watermark bound).
func TestManagerJobsRunWhenDue(t *testing.T) {
	mem := vfs.NewMem()
	cfg := smallConfig()
	cfg.RetentionMs = 1000
	hw := int64(0)
	var m *Manager
	m = openManager(t, mem, func(c *ManagerConfig) {
		c.Access = func(tp TopicPartition, step func(*Log, int64) error) error {
			l, ok := m.Log(tp)
			if !ok {
				return nil
			}
			return step(l, hw)
		}
	})
	defer m.Close()
	tp := TopicPartition{"r", 0}
	l, err := m.Create(tp, cfg, 0)
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, l, mkBatch(10, 2, 10), 10) // offsets 0-1, max timestamp 11
	m.RunDue(999)                            // not yet due
	m.RunDue(2000)                           // due, expired, but HW 0 holds it
	if l.StartOffset() != 0 {
		t.Fatalf("retention passed the high watermark: start %d", l.StartOffset())
	}
	hw = l.EndOffset()
	m.RunDue(2500) // not due again until 3000
	if l.StartOffset() != 0 {
		t.Fatal("retention ran before its interval")
	}
	m.RunDue(3000)
	if l.StartOffset() != 2 || len(l.Segments()) != 1 {
		t.Fatalf("expired active segment not rolled and deleted: start %d, %+v", l.StartOffset(), l.Segments())
	}
	name := path.Join(m.Dirs()[0].Root(), LogStartOffsetCheckpoint)
	if _, err := mem.Stat(name); err == nil {
		t.Fatal("checkpoint written before its interval")
	}
	m.RunDue(5000)
	got, err := ReadCheckpoint(mem, name)
	if err != nil || got[tp] != 2 {
		t.Fatalf("log-start-offset checkpoint %v, %v; want %s=2", got, err, tp)
	}
}

// fakeClock ticks when the test sends on c.
type fakeClock struct {
	c   chan time.Time
	now int64
}

func (f *fakeClock) NowMs() int64 { return f.now }
func (f *fakeClock) NewTicker(time.Duration) (<-chan time.Time, func()) {
	return f.c, func() {}
}

// TestManagerRun: Run calls RunDue with the clock's time on every tick
// and returns when done closes. The ticks are sent on an unbuffered
// channel, so the second send returns only once the first tick's jobs
// have run: no sleeps.
func TestManagerRun(t *testing.T) {
	mem := vfs.NewMem()
	m := openManager(t, mem, nil)
	defer m.Close()
	if m.TickMs() != 1000 {
		t.Fatalf("tick %d ms, want the shortest interval 1000", m.TickMs())
	}
	clock := &fakeClock{c: make(chan time.Time)}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		m.Run(done, clock)
		close(stopped)
	}()
	clock.now = 5000
	clock.c <- time.Time{}
	clock.c <- time.Time{} // the first tick's RunDue has returned
	close(done)
	<-stopped
	if _, err := mem.Stat(path.Join("/d1", RecoveryPointCheckpoint)); err != nil {
		t.Fatalf("the tick at 5000 ms did not checkpoint: %v", err)
	}
}
