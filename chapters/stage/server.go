package stage

import (
	"fmt"
	"log/slog"
	"os"
	"sync"

	"github.com/zkafka/zkafka/zk/server"
)

// ZooKeeper is one standalone server that can be crashed and restarted on
// the same data directory, so a learner can watch recovery keep every
// acknowledged write.
type ZooKeeper struct {
	mu      sync.Mutex
	cfg     server.Config
	srv     *server.Server
	tempDir bool // DataDir was made by us: remove it on Close
}

// StartZooKeeper starts a server with cfg. An empty DataDir gets a fresh
// temporary directory (removed by Close).
func StartZooKeeper(cfg server.Config) (*ZooKeeper, error) {
	temp := false
	if cfg.DataDir == "" {
		dir, err := os.MkdirTemp("", "zkafka-data-")
		if err != nil {
			return nil, err
		}
		cfg.DataDir, temp = dir, true
	}
	if cfg.FourLetterWords == nil {
		cfg.FourLetterWords = []string{"*"} // a course server: every 4lw is on
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	z := &ZooKeeper{cfg: cfg, tempDir: temp}
	if err := z.start(); err != nil {
		return z, err
	}
	pictureStandalone(z)
	return z, nil
}

func (z *ZooKeeper) start() error {
	s, err := server.Start(z.cfg)
	if err != nil {
		return fmt.Errorf("start ZooKeeper on %s: %w", z.cfg.ClientAddr, err)
	}
	z.srv = s
	return nil
}

// Addr is the client address, e.g. "127.0.0.1:2181".
func (z *ZooKeeper) Addr() string {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.srv == nil {
		return z.cfg.ClientAddr
	}
	return z.srv.Addr().String()
}

// DataDir is where the snapshots and the txn log live.
func (z *ZooKeeper) DataDir() string { return z.cfg.DataDir }

// Crash stops the server like kill -9 and starts it again on the same
// data: only what was fsynced survives, and recovery replays the log.
func (z *ZooKeeper) Crash() error {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.cfg.ClientAddr = z.srv.Addr().String() // come back on the same port
	z.srv.Kill()
	return z.start()
}

// Restart shuts the server down cleanly and starts it again.
func (z *ZooKeeper) Restart() error {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.cfg.ClientAddr = z.srv.Addr().String()
	if err := z.srv.Close(); err != nil {
		return err
	}
	return z.start()
}

// Close stops the server.
func (z *ZooKeeper) Close() error {
	z.mu.Lock()
	defer z.mu.Unlock()
	err := z.srv.Close()
	if z.tempDir {
		os.RemoveAll(z.cfg.DataDir)
	}
	return err
}
