package log

import (
	"errors"
	"io/fs"
	"path"
	"sort"

	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// Dir is one log.dir: the partitions' logs, the checkpoint files and the
// clean shutdown marker (AK LogManager). Not safe for concurrent use.
//
// The marker protocol: Close flushes every log, writes the checkpoints,
// then creates .kafka_cleanshutdown. OpenDir trusts the files only if the
// marker is there, and deletes it durably before returning — otherwise a
// crash after new appends would find a stale marker and skip recovery.
type Dir struct {
	fs   vfs.FS
	root string
	cfg  Config
	logs map[TopicPartition]*Log
}

// OpenDir opens every partition directory under root (creating root if
// needed), recovering each one unless the last shutdown was clean.
func OpenDir(fsys vfs.FS, root string, cfg Config, nowMs int64) (*Dir, error) {
	if err := fsys.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	d := &Dir{fs: fsys, root: root, cfg: cfg, logs: map[TopicPartition]*Log{}}
	_, err := fsys.Stat(path.Join(root, CleanShutdownFile))
	clean := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	recovery, err := ReadCheckpoint(fsys, path.Join(root, RecoveryPointCheckpoint))
	if err != nil {
		return nil, err
	}
	starts, err := ReadCheckpoint(fsys, path.Join(root, LogStartOffsetCheckpoint))
	if err != nil {
		return nil, err
	}
	names, err := fsys.ReadDir(root)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		topic, part, ok := ParseDirName(name)
		if !ok {
			continue
		}
		if fi, err := fsys.Stat(path.Join(root, name)); err != nil || !fi.IsDir() {
			continue
		}
		tp := TopicPartition{topic, part}
		l, err := Open(fsys, path.Join(root, name), cfg,
			Recovery{Clean: clean, RecoveryPoint: recovery[tp], LogStartOffset: starts[tp]}, nowMs)
		if err != nil {
			d.closeAll()
			return nil, err
		}
		d.logs[tp] = l
	}
	if clean {
		if err := fsys.Remove(path.Join(root, CleanShutdownFile)); err != nil {
			d.closeAll()
			return nil, err
		}
		if err := fsys.SyncDir(root); err != nil {
			d.closeAll()
			return nil, err
		}
	}
	return d, nil
}

// Root is the log.dir path.
func (d *Dir) Root() string { return d.root }

// Log returns a partition's log, if the dir holds it.
func (d *Dir) Log(tp TopicPartition) (*Log, bool) {
	l, ok := d.logs[tp]
	return l, ok
}

// Partitions lists the partitions, sorted.
func (d *Dir) Partitions() []TopicPartition {
	out := make([]TopicPartition, 0, len(d.logs))
	for tp := range d.logs {
		out = append(out, tp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// Create creates (or returns the existing) log of a partition, with cfg.
func (d *Dir) Create(tp TopicPartition, cfg Config, nowMs int64) (*Log, error) {
	if l, ok := d.logs[tp]; ok {
		return l, nil
	}
	l, err := Open(d.fs, path.Join(d.root, tp.String()), cfg, Recovery{}, nowMs)
	if err != nil {
		return nil, err
	}
	d.logs[tp] = l
	return l, nil
}

// Delete closes a partition's log and removes its directory.
func (d *Dir) Delete(tp TopicPartition) error {
	l, ok := d.logs[tp]
	if !ok {
		return nil
	}
	delete(d.logs, tp)
	l.closeSegments()
	if err := d.fs.RemoveAll(l.dir); err != nil {
		return err
	}
	return d.fs.SyncDir(d.root)
}

// Checkpoint writes recovery-point-offset-checkpoint and
// log-start-offset-checkpoint (AK does so every
// log.flush.offset.checkpoint.interval.ms, 60 s).
func (d *Dir) Checkpoint() error {
	rp := map[TopicPartition]int64{}
	st := map[TopicPartition]int64{}
	for tp, l := range d.logs {
		rp[tp] = l.RecoveryPoint()
		st[tp] = l.StartOffset()
	}
	return d.writeCheckpoints(rp, st)
}

// writeCheckpoints writes offsets read by the caller (the Manager reads
// each log under its owner's lock, then writes without any).
func (d *Dir) writeCheckpoints(rp, st map[TopicPartition]int64) error {
	return errors.Join(
		WriteCheckpoint(d.fs, path.Join(d.root, RecoveryPointCheckpoint), rp),
		WriteCheckpoint(d.fs, path.Join(d.root, LogStartOffsetCheckpoint), st),
	)
}

// Close flushes and closes every log, checkpoints, and — only if all of
// that succeeded — writes the clean shutdown marker.
func (d *Dir) Close() error {
	var errs []error
	for _, l := range d.logs {
		errs = append(errs, l.Close())
	}
	errs = append(errs, d.Checkpoint())
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return vfs.WriteFileAtomic(d.fs, path.Join(d.root, CleanShutdownFile), nil)
}

func (d *Dir) closeAll() {
	for _, l := range d.logs {
		l.closeSegments()
	}
}
