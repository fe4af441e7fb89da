package log

import (
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// Manager is a broker's log manager (AK LogManager): its log dirs, which
// partition lives in which, and the three maintenance jobs Kafka runs on
// a scheduler —
//
//	retention   every log.retention.check.interval.ms: DeleteOldSegments
//	            (AK cleanupLogs)
//	flush       every log.flush.scheduler.interval.ms: MaybeFlush, which
//	            applies each log's flush.ms (AK flushDirtyLogs)
//	checkpoint  every log.flush.offset.checkpoint.interval.ms: each dir's
//	            recovery-point and log-start-offset checkpoints
//	            (AK checkpointLogRecoveryOffsets, checkpointLogStartOffsets)
//
// The Manager starts no goroutine and reads no clock. RunDue(nowMs) runs
// whatever is due at nowMs — tests call it with the time they want — and
// Run is the loop a runtime gives a goroutine, pumping RunDue from a
// Clock's ticker.
//
// A Log is not goroutine-safe and its owner (the broker's partition)
// keeps the lock that serializes it. So the Manager never touches a log
// directly: each maintenance step borrows it through Access, which runs
// the step under the owner's lock and says how far the partition's high
// watermark has come (retention never passes it). Create, Delete and the
// jobs may run concurrently; the Manager's own mutex guards only which
// logs exist, and is never held while a step runs.
type Manager struct {
	cfg ManagerConfig

	mu     sync.Mutex // guards dirs' log sets, counts and where
	dirs   []*Dir
	counts []int // partitions per dir
	where  map[TopicPartition]int

	due [jobCount]int64 // next run of each job, ms
}

// Access runs step on a partition's log under whatever lock the log's
// owner keeps, with the partition's high watermark. It returns step's
// error, or nil without calling step when the owner no longer has the
// partition (it is being created or deleted).
type Access func(tp TopicPartition, step func(l *Log, highWatermark int64) error) error

// ManagerConfig configures a Manager; zero intervals mean Kafka's defaults.
type ManagerConfig struct {
	FS   vfs.FS
	Dirs []string // log.dirs
	Log  Config   // the default topic config (log.segment.bytes, log.retention.*, ...)
	// RetentionCheckIntervalMs (log.retention.check.interval.ms). Default 300000.
	RetentionCheckIntervalMs int64
	// FlushCheckIntervalMs (log.flush.scheduler.interval.ms). Default: 1000
	// when Log.FlushMs is finite, else the job never runs.
	FlushCheckIntervalMs int64
	// CheckpointIntervalMs (log.flush.offset.checkpoint.interval.ms). Default 60000.
	CheckpointIntervalMs int64
	// Access lends a log to a job. Default: the log itself with its log
	// end offset as the high watermark, for a single-threaded owner.
	Access Access
	Logger *slog.Logger // default slog.Default()
}

const (
	jobRetention = iota
	jobFlush
	jobCheckpoint
	jobCount
)

// OpenManager opens every log dir (recovering each partition after an
// unclean shutdown; see OpenDir). The jobs are first due one interval
// after nowMs.
func OpenManager(cfg ManagerConfig, nowMs int64) (*Manager, error) {
	if len(cfg.Dirs) == 0 {
		return nil, errors.New("log: no log dirs (log.dirs)")
	}
	if cfg.Log == (Config{}) {
		cfg.Log = DefaultConfig()
	}
	if err := cfg.Log.Validate(); err != nil {
		return nil, err
	}
	if cfg.RetentionCheckIntervalMs <= 0 {
		cfg.RetentionCheckIntervalMs = 300000
	}
	if cfg.FlushCheckIntervalMs <= 0 && cfg.Log.FlushMs < 1<<62 {
		cfg.FlushCheckIntervalMs = 1000
	}
	if cfg.CheckpointIntervalMs <= 0 {
		cfg.CheckpointIntervalMs = 60000
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	m := &Manager{cfg: cfg, where: map[TopicPartition]int{}}
	if m.cfg.Access == nil {
		m.cfg.Access = m.direct
	}
	for i, root := range cfg.Dirs {
		d, err := OpenDir(cfg.FS, root, cfg.Log, nowMs)
		if err != nil {
			m.closeAll()
			return nil, fmt.Errorf("log: opening log dir %s: %w", root, err)
		}
		m.dirs = append(m.dirs, d)
		m.counts = append(m.counts, 0)
		for _, tp := range d.Partitions() {
			if j, dup := m.where[tp]; dup {
				m.closeAll()
				return nil, fmt.Errorf("log: partition %s is in two log dirs, %s and %s", tp, cfg.Dirs[j], root)
			}
			m.where[tp] = i
			m.counts[i]++
		}
	}
	for j, iv := range m.intervals() {
		m.due[j] = nowMs + iv
	}
	return m, nil
}

func (m *Manager) intervals() [jobCount]int64 {
	return [jobCount]int64{m.cfg.RetentionCheckIntervalMs, m.cfg.FlushCheckIntervalMs, m.cfg.CheckpointIntervalMs}
}

// direct is the default Access: no lock, high watermark = log end.
func (m *Manager) direct(tp TopicPartition, step func(*Log, int64) error) error {
	l, ok := m.Log(tp)
	if !ok {
		return nil
	}
	return step(l, l.EndOffset())
}

// SetAccess installs the owner's Access (the broker's partitions are made
// after the Manager has opened their logs).
func (m *Manager) SetAccess(a Access) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cfg.Access = a
}

// Dirs are the log dirs, in configuration order.
func (m *Manager) Dirs() []*Dir { return m.dirs }

// Partitions lists every partition with a log, sorted.
func (m *Manager) Partitions() []TopicPartition {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.partitionsLocked()
}

func (m *Manager) partitionsLocked() []TopicPartition {
	out := make([]TopicPartition, 0, len(m.where))
	for tp := range m.where {
		out = append(out, tp)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out
}

// Log returns a partition's log. The caller must serialize its use.
func (m *Manager) Log(tp TopicPartition) (*Log, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, ok := m.where[tp]
	if !ok {
		return nil, false
	}
	return m.dirs[i].Log(tp)
}

// Create creates a partition's log with cfg in the dir holding the fewest
// partitions (AK LogManager.nextLogDirs), or returns the existing one.
func (m *Manager) Create(tp TopicPartition, cfg Config, nowMs int64) (*Log, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if i, ok := m.where[tp]; ok {
		l, _ := m.dirs[i].Log(tp)
		return l, nil
	}
	best := 0
	for i := range m.dirs {
		if m.counts[i] < m.counts[best] {
			best = i
		}
	}
	l, err := m.dirs[best].Create(tp, cfg, nowMs)
	if err != nil {
		return nil, err
	}
	m.where[tp] = best
	m.counts[best]++
	return l, nil
}

// Delete closes a partition's log and removes its directory. The owner
// must have stopped using it.
func (m *Manager) Delete(tp TopicPartition) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, ok := m.where[tp]
	if !ok {
		return nil
	}
	delete(m.where, tp)
	m.counts[i]--
	return m.dirs[i].Delete(tp)
}

// RunDue runs every job due at nowMs and schedules its next run one
// interval later (a job that fell far behind runs once, not once per
// missed interval).
func (m *Manager) RunDue(nowMs int64) {
	ivs := m.intervals()
	for j := range jobCount {
		if ivs[j] <= 0 || nowMs < m.due[j] {
			continue
		}
		m.due[j] = nowMs + ivs[j]
		switch j {
		case jobRetention:
			m.CleanupLogs(nowMs)
		case jobFlush:
			m.FlushDirtyLogs(nowMs)
		case jobCheckpoint:
			m.CheckpointLogs()
		}
	}
}

// Clock is the time a Manager's loop runs on: the wall clock in
// production (inside a synctest bubble, the bubble's fake clock), any
// other in tests.
type Clock interface {
	NowMs() int64
	// NewTicker ticks every d until stop is called.
	NewTicker(d time.Duration) (c <-chan time.Time, stop func())
}

// WallClock is time.Now and time.NewTicker.
type WallClock struct{}

func (WallClock) NowMs() int64 { return time.Now().UnixMilli() }
func (WallClock) NewTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// TickMs is how often Run wakes to look for due jobs: the shortest
// interval, so no job runs later than one interval after it fell due.
func (m *Manager) TickMs() int64 {
	tick := int64(0)
	for _, iv := range m.intervals() {
		if iv > 0 && (tick == 0 || iv < tick) {
			tick = iv
		}
	}
	return tick
}

// Run pumps RunDue from clock until done is closed: the maintenance
// goroutine of a broker (AK's KafkaScheduler threads, as one).
func (m *Manager) Run(done <-chan struct{}, clock Clock) {
	c, stop := clock.NewTicker(time.Duration(m.TickMs()) * time.Millisecond)
	defer stop()
	for {
		select {
		case <-done:
			return
		case <-c:
			m.RunDue(clock.NowMs())
		}
	}
}

// CleanupLogs applies retention to every log, bounded by each
// partition's high watermark (AK LogManager.cleanupLogs), and returns how
// many segments went.
func (m *Manager) CleanupLogs(nowMs int64) int {
	total := 0
	for _, tp := range m.Partitions() {
		err := m.access(tp, func(l *Log, hw int64) error {
			n, err := l.DeleteOldSegments(nowMs, hw)
			if n > 0 {
				m.cfg.Logger.Info("deleted old segments", "partition", tp.String(), "segments", n, "log_start_offset", l.StartOffset())
			}
			total += n
			return err
		})
		if err != nil {
			m.cfg.Logger.Error("retention failed", "partition", tp.String(), "err", err)
		}
	}
	return total
}

// FlushDirtyLogs applies each log's flush.ms (AK LogManager.flushDirtyLogs).
func (m *Manager) FlushDirtyLogs(nowMs int64) {
	for _, tp := range m.Partitions() {
		err := m.access(tp, func(l *Log, _ int64) error { return l.MaybeFlush(nowMs) })
		if err != nil {
			m.cfg.Logger.Error("flush failed", "partition", tp.String(), "err", err)
		}
	}
}

// CheckpointLogs writes every dir's recovery-point and log-start-offset
// checkpoints: each log's offsets are read under its owner's lock, one
// log at a time, and the files written under none.
func (m *Manager) CheckpointLogs() error {
	m.mu.Lock()
	where := make(map[TopicPartition]int, len(m.where))
	for tp, i := range m.where {
		where[tp] = i
	}
	m.mu.Unlock()
	rp := make([]map[TopicPartition]int64, len(m.dirs))
	st := make([]map[TopicPartition]int64, len(m.dirs))
	for i := range m.dirs {
		rp[i], st[i] = map[TopicPartition]int64{}, map[TopicPartition]int64{}
	}
	for tp, i := range where {
		m.access(tp, func(l *Log, _ int64) error {
			rp[i][tp], st[i][tp] = l.RecoveryPoint(), l.StartOffset()
			return nil
		})
	}
	var errs []error
	for i, d := range m.dirs {
		if err := d.writeCheckpoints(rp[i], st[i]); err != nil {
			m.cfg.Logger.Error("checkpoint failed", "dir", d.Root(), "err", err)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (m *Manager) access(tp TopicPartition, step func(*Log, int64) error) error {
	m.mu.Lock()
	a := m.cfg.Access
	m.mu.Unlock()
	return a(tp, step)
}

// Close flushes and closes every log and writes each dir's checkpoints
// and clean shutdown marker (Dir.Close). Every owner must have stopped
// using its logs, and Run must have returned.
func (m *Manager) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var errs []error
	for _, d := range m.dirs {
		errs = append(errs, d.Close())
	}
	return errors.Join(errs...)
}

func (m *Manager) closeAll() {
	for _, d := range m.dirs {
		d.closeAll()
	}
}
