package stage

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/zkafka/zkafka/kafka/broker"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// Shell shows a shell command (kcat, kcli, ls) equivalent to what the
// program does next; Cmd is for zkCli commands.
func (n *Narrator) Shell(format string, args ...any) {
	fmt.Fprintf(n.W, "   $ %s\n", fmt.Sprintf(format, args...))
}

// Kafka is one standalone Kafka broker on a real directory that a
// learner can inspect with ls and hexdump, and can lose power: the disk
// it writes through (a CuttableFS) remembers what was fsynced.
type Kafka struct {
	mu      sync.Mutex
	cfg     broker.Config
	fs      *CuttableFS
	b       *broker.Broker
	tempDir bool
}

// StartKafka starts a broker with cfg; an empty cfg.LogDirs gets a fresh
// temporary directory (removed by Close). cfg.FS is replaced by a
// CuttableFS over the real disk.
func StartKafka(cfg broker.Config) (*Kafka, error) {
	k := &Kafka{fs: NewCuttableFS()}
	if len(cfg.LogDirs) == 0 {
		dir, err := os.MkdirTemp("", "zkafka-kafka-")
		if err != nil {
			return nil, err
		}
		cfg.LogDirs, k.tempDir = []string{dir}, true
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	cfg.FS = k.fs
	k.cfg = cfg
	if err := k.start(); err != nil {
		return k, err
	}
	pictureKafka(k)
	return k, nil
}

func (k *Kafka) start() error {
	b, err := broker.Start(k.cfg)
	if err != nil {
		return fmt.Errorf("start Kafka broker on %s: %w", k.cfg.Listen, err)
	}
	k.b = b
	return nil
}

// Addr is the broker's address, e.g. "127.0.0.1:9092".
func (k *Kafka) Addr() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.b.Addr()
}

// LogDir is the broker's (first) log.dir.
func (k *Kafka) LogDir() string { return k.cfg.LogDirs[0] }

// PowerCut stops the broker as a power cut would: from this instant the
// disk takes no writes, every file loses what was not fsynced (the .log
// files keep a torn half of their unsynced tail), the broker dies without
// its clean shutdown marker, and it starts again on what is left — so its
// log recovery has work to do. It returns, per file, the bytes cut.
func (k *Kafka) PowerCut() (map[string]int64, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.cfg.Listen = k.b.Addr() // come back on the same port
	cut, err := k.fs.PowerCut()
	k.b.Close() // fails to flush and to write .kafka_cleanshutdown: the disk is dead
	k.fs.Restore()
	if err != nil {
		return cut, err
	}
	return cut, k.start()
}

// Restart shuts the broker down cleanly (flush, checkpoints, the clean
// shutdown marker) and starts it again.
func (k *Kafka) Restart() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.cfg.Listen = k.b.Addr()
	if err := k.b.Close(); err != nil {
		return err
	}
	return k.start()
}

// Close stops the broker cleanly.
func (k *Kafka) Close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	err := k.b.Close()
	if k.tempDir {
		os.RemoveAll(k.cfg.LogDirs[0])
	}
	return err
}

// ErrPowerCut is what every write returns while the power is off.
var ErrPowerCut = errors.New("stage: the power is off")

// CuttableFS is the real disk (vfs.OS) plus a record, per file, of how
// many bytes an fsync made durable, so that PowerCut can put every file
// back to what a power cut would leave on a disk: the synced bytes and,
// for .log files, a torn part of the rest. It simplifies one thing: the
// namespace (creates, renames, removes) is kept as is, as if every
// directory had been synced.
type CuttableFS struct {
	vfs.OS
	mu     sync.Mutex
	synced map[string]int64 // path -> bytes surely on disk
	cut    bool
}

// NewCuttableFS returns a CuttableFS with the power on.
func NewCuttableFS() *CuttableFS { return &CuttableFS{synced: map[string]int64{}} }

func (f *CuttableFS) down() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cut {
		return ErrPowerCut
	}
	return nil
}

// OpenFile opens a file; what it already holds counts as durable.
func (f *CuttableFS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	if err := f.down(); err != nil {
		return nil, err
	}
	file, err := f.OS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	if _, ok := f.synced[name]; !ok {
		size, _ := file.Size()
		f.synced[name] = size
	}
	f.mu.Unlock()
	return &cuttableFile{File: file, fs: f}, nil
}

func (f *CuttableFS) Remove(name string) error {
	if err := f.down(); err != nil {
		return err
	}
	f.mu.Lock()
	delete(f.synced, name)
	f.mu.Unlock()
	return f.OS.Remove(name)
}

func (f *CuttableFS) RemoveAll(name string) error {
	if err := f.down(); err != nil {
		return err
	}
	return f.OS.RemoveAll(name)
}

func (f *CuttableFS) Rename(oldpath, newpath string) error {
	if err := f.down(); err != nil {
		return err
	}
	f.mu.Lock()
	if n, ok := f.synced[oldpath]; ok {
		f.synced[newpath] = n
		delete(f.synced, oldpath)
	}
	f.mu.Unlock()
	return f.OS.Rename(oldpath, newpath)
}

func (f *CuttableFS) MkdirAll(dir string, perm os.FileMode) error {
	if err := f.down(); err != nil {
		return err
	}
	return f.OS.MkdirAll(dir, perm)
}

func (f *CuttableFS) SyncDir(dir string) error {
	if err := f.down(); err != nil {
		return err
	}
	return f.OS.SyncDir(dir)
}

// PowerCut turns the power off and cuts every file back: to its synced
// size, except that a .log keeps half of its unsynced tail — a write the
// disk had started, which will not end on a batch boundary. It returns
// the bytes removed per file (paths relative to nothing: as opened).
func (f *CuttableFS) PowerCut() (map[string]int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cut = true
	names := make([]string, 0, len(f.synced))
	for n := range f.synced {
		names = append(names, n)
	}
	sort.Strings(names)
	lost := map[string]int64{}
	var errs []error
	for _, name := range names {
		fi, err := os.Stat(name)
		if err != nil {
			continue // removed
		}
		keep := f.synced[name]
		if fi.Size() <= keep {
			continue
		}
		if filepath.Ext(name) == ".log" {
			keep += (fi.Size() - keep) / 2
		}
		if err := os.Truncate(name, keep); err != nil {
			errs = append(errs, err)
			continue
		}
		lost[name] = fi.Size() - keep
	}
	return lost, errors.Join(errs...)
}

// Restore turns the power back on; what is on disk now counts as durable.
func (f *CuttableFS) Restore() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cut = false
	f.synced = map[string]int64{}
}

type cuttableFile struct {
	vfs.File
	fs *CuttableFS
}

func (c *cuttableFile) Write(p []byte) (int, error) {
	if err := c.fs.down(); err != nil {
		return 0, err
	}
	return c.File.Write(p)
}

func (c *cuttableFile) WriteAt(p []byte, off int64) (int, error) {
	if err := c.fs.down(); err != nil {
		return 0, err
	}
	return c.File.WriteAt(p, off)
}

func (c *cuttableFile) Truncate(size int64) error {
	if err := c.fs.down(); err != nil {
		return err
	}
	if err := c.File.Truncate(size); err != nil {
		return err
	}
	c.fs.mu.Lock()
	if n, ok := c.fs.synced[c.Name()]; ok && size < n {
		c.fs.synced[c.Name()] = size
	}
	c.fs.mu.Unlock()
	return nil
}

// Sync makes the file's current size durable.
func (c *cuttableFile) Sync() error {
	if err := c.fs.down(); err != nil {
		return err
	}
	if err := c.File.Sync(); err != nil {
		return err
	}
	size, err := c.File.Size()
	if err != nil {
		return err
	}
	c.fs.mu.Lock()
	if !c.fs.cut {
		c.fs.synced[c.Name()] = size
	}
	c.fs.mu.Unlock()
	return nil
}
