// Package cluster runs a whole ZooKeeper ensemble inside one process, on
// loopback TCP, for the chapter 3-4 stages, their integration tests, the
// interop tests and the ensemble benchmark.
//
// Every member is a real zk/server ensemble member: clients connect to its
// client port, members talk over their peer ports (zk/server/peernet), and
// each writes its own data directory. Kill stops a member like kill -9 and
// Restart brings it back from its disk on the same ports; Partition blocks
// the TCP links between two groups of members (both directions) until
// Heal.
//
// # Invariants
//
//   - Ports are chosen once, at Start, and kept across restarts: a member
//     comes back where its peers and clients expect it.
//   - A member's disk is only ever touched by the one running instance of
//     that member.
package cluster

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/server"
)

// Options shapes a Cluster. Zero values take the defaults.
type Options struct {
	N           int           // members, ids 1..N (default 3)
	Dir         string        // data directories go under it (default: a temporary directory, removed by Close)
	ClientPorts []int         // client port of member i+1 (default: free ports)
	TickTime    time.Duration // default 2s
	InitLimit   int           // ticks (default 10)
	SyncLimit   int           // ticks (default 5)
	SnapCount   int           // default 100000
	// CommitLogCount is zab.Config.CommitLogCount (default 500; negative:
	// none, so a follower behind any snapshot gets a SNAP).
	CommitLogCount int
	// MaxSessionTimeout defaults to 20 ticks.
	MaxSessionTimeout time.Duration
	FourLetterWords   []string // default all
	Logger            func(id int64) *slog.Logger
	// Observe receives every Ready each member carries out.
	Observe func(server.Observation)
	// FS gives member id its file system (default vfs.OS{}).
	FS func(id int64) vfs.FS
}

// Cluster is a running ensemble.
type Cluster struct {
	opts    Options
	tempDir bool
	members []server.Member
	mu      sync.Mutex
	servers map[int64]*server.Server
	blocked map[[2]int64]bool

	// changed is closed (and replaced) whenever a member carries out a
	// Ready or the cluster is changed from outside: WaitFor's wake-up.
	// It has its own lock because members call observe from their core
	// goroutines, possibly while Restart holds mu.
	waitMu  sync.Mutex
	changed chan struct{}
}

// Start starts every member and returns at once; use WaitLeader to wait
// for an established leader.
func Start(opts Options) (*Cluster, error) {
	if opts.N <= 0 {
		opts.N = 3
	}
	if opts.TickTime <= 0 {
		opts.TickTime = 2 * time.Second
	}
	if opts.FourLetterWords == nil {
		opts.FourLetterWords = []string{"*"}
	}
	c := &Cluster{opts: opts, servers: map[int64]*server.Server{}, blocked: map[[2]int64]bool{}}
	if c.opts.Dir == "" {
		d, err := os.MkdirTemp("", "zkafka-ensemble-")
		if err != nil {
			return nil, err
		}
		c.opts.Dir, c.tempDir = d, true
	}
	// A port found free may be taken before the member binds it (by
	// another test's listener): then every member is stopped and the
	// ensemble starts again on new ports.
	var err error
	for attempt := 0; ; attempt++ {
		if err = c.startAll(); err == nil || attempt == 4 || !errors.Is(err, syscall.EADDRINUSE) {
			break
		}
		c.stopAll()
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// startAll picks the members' ports and starts every member.
func (c *Cluster) startAll() error {
	c.members = nil
	for i := 0; i < c.opts.N; i++ {
		id := int64(i + 1)
		cp := 0
		if i < len(c.opts.ClientPorts) {
			cp = c.opts.ClientPorts[i]
		}
		var err error
		if cp == 0 {
			if cp, err = freePort(); err != nil {
				return err
			}
		}
		qp, err := freePort()
		if err != nil {
			return err
		}
		ep, err := freePort()
		if err != nil {
			return err
		}
		c.members = append(c.members, server.Member{ID: id,
			ClientAddr: fmt.Sprintf("127.0.0.1:%d", cp),
			QuorumAddr: fmt.Sprintf("127.0.0.1:%d", qp),
			PeerAddr:   fmt.Sprintf("127.0.0.1:%d", ep)})
	}
	for _, m := range c.members {
		if err := c.Restart(m.ID); err != nil {
			return err
		}
	}
	return nil
}

// stopAll stops the members started so far (a failed start) and wipes
// their data dirs, so the next attempt starts as new as the first.
func (c *Cluster) stopAll() {
	for _, m := range c.members {
		c.Kill(m.ID)
		if c.opts.FS == nil {
			os.RemoveAll(c.DataDir(m.ID))
		}
	}
}

// freePort returns a port that is free now. It is drawn below the
// kernel's ephemeral range when it can be: a port handed out by
// listening on :0 is also one the kernel gives to outgoing connections,
// and any connection opened before the member binds it (another member
// dialling, another test) may take it.
func freePort() (int, error) {
	if lo := ephemeralLow(); lo > 11024 {
		for range 64 {
			port := lo - 10000 + rand.IntN(10000)
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
			if err != nil {
				continue
			}
			l.Close()
			return port, nil
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// IDs are the members' ids.
func (c *Cluster) IDs() []int64 {
	out := make([]int64, len(c.members))
	for i, m := range c.members {
		out[i] = m.ID
	}
	return out
}

// Members are the server.N lines.
func (c *Cluster) Members() []server.Member { return c.members }

// Addr is member id's client address.
func (c *Cluster) Addr(id int64) string { return c.members[id-1].ClientAddr }

// Addrs are every member's client address, in id order.
func (c *Cluster) Addrs() []string {
	out := make([]string, len(c.members))
	for i, m := range c.members {
		out[i] = m.ClientAddr
	}
	return out
}

// DataDir is member id's data directory.
func (c *Cluster) DataDir(id int64) string {
	return filepath.Join(c.opts.Dir, fmt.Sprintf("server%d", id))
}

// Server returns member id's running server (nil if it is down).
func (c *Cluster) Server(id int64) *server.Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.servers[id]
}

// Restart starts member id from its disk (a no-op if it runs).
func (c *Cluster) Restart(id int64) error {
	defer c.notify() // wake WaitFor
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.servers[id] != nil {
		return nil
	}
	m := c.members[id-1]
	cfg := server.Config{
		ClientAddr: m.ClientAddr, DataDir: c.DataDir(id), TickTime: c.opts.TickTime,
		MaxSessionTimeout: c.opts.MaxSessionTimeout, SnapCount: c.opts.SnapCount,
		FourLetterWords: c.opts.FourLetterWords,
		Ensemble: &server.Ensemble{ID: id, Members: c.members, InitLimit: c.opts.InitLimit,
			SyncLimit: c.opts.SyncLimit, CommitLogCount: c.opts.CommitLogCount, Observe: c.observe},
	}
	if c.opts.Logger != nil {
		cfg.Logger = c.opts.Logger(id)
	}
	if c.opts.FS != nil {
		cfg.FS = c.opts.FS(id)
	}
	var s *server.Server
	var err error
	// A port just released by Kill may linger briefly; try a few times.
	for attempt := 0; attempt < 50; attempt++ {
		if s, err = server.Start(cfg); err == nil {
			break
		}
		var op *net.OpError
		if !errors.As(err, &op) {
			break
		}
		time.Sleep(20 * time.Millisecond) // waiting for the OS to free a port: no event to wait on
	}
	if err != nil {
		return fmt.Errorf("start member %d: %w", id, err)
	}
	c.servers[id] = s
	for pair := range c.blocked {
		if pair[0] == id {
			s.Block(pair[1], true)
		}
	}
	return nil
}

// Kill stops member id like kill -9: only what it fsynced survives.
func (c *Cluster) Kill(id int64) {
	defer c.notify() // wake WaitFor
	c.mu.Lock()
	s := c.servers[id]
	delete(c.servers, id)
	c.mu.Unlock()
	if s != nil {
		s.Kill()
	}
}

// Stop shuts member id down cleanly.
func (c *Cluster) Stop(id int64) error {
	defer c.notify() // wake WaitFor
	c.mu.Lock()
	s := c.servers[id]
	delete(c.servers, id)
	c.mu.Unlock()
	if s != nil {
		return s.Close()
	}
	return nil
}

// Partition cuts every link between a member of a and a member of b.
func (c *Cluster) Partition(a, b []int64) {
	defer c.notify() // wake WaitFor
	for _, x := range a {
		for _, y := range b {
			c.block(x, y, true)
			c.block(y, x, true)
		}
	}
}

// Heal restores every link.
func (c *Cluster) Heal() {
	defer c.notify() // wake WaitFor
	c.mu.Lock()
	pairs := make([][2]int64, 0, len(c.blocked))
	for p := range c.blocked {
		pairs = append(pairs, p)
	}
	c.mu.Unlock()
	for _, p := range pairs {
		c.block(p[0], p[1], false)
	}
}

func (c *Cluster) block(from, to int64, on bool) {
	c.mu.Lock()
	if on {
		c.blocked[[2]int64{from, to}] = true
	} else {
		delete(c.blocked, [2]int64{from, to})
	}
	s := c.servers[from]
	c.mu.Unlock()
	if s != nil {
		s.Block(to, on)
	}
}

// Status is member id's status (ok false if it is down).
func (c *Cluster) Status(id int64) (server.Status, bool) {
	s := c.Server(id)
	if s == nil {
		return server.Status{ID: id, Mode: "down"}, false
	}
	st, ok := s.Status()
	if !ok {
		return server.Status{ID: id, Mode: "down"}, false
	}
	return st, true
}

// Leader returns the serving leader with the highest epoch, or 0.
func (c *Cluster) Leader() int64 {
	var best, epoch int64
	for _, id := range c.IDs() {
		if st, ok := c.Status(id); ok && st.Mode == "leader" && st.Serving && st.Epoch > epoch {
			best, epoch = id, st.Epoch
		}
	}
	return best
}

// observe is every member's Observe hook: pass the Ready on, then wake
// the waiters. It runs on the member's core goroutine before the Ready is
// carried out; a waiter's Status call is answered by that same goroutine
// afterwards, so it sees the state the Ready led to.
func (c *Cluster) observe(o server.Observation) {
	if c.opts.Observe != nil {
		c.opts.Observe(o)
	}
	c.notify()
}

func (c *Cluster) notify() {
	c.waitMu.Lock()
	if c.changed != nil {
		close(c.changed)
	}
	c.changed = make(chan struct{})
	c.waitMu.Unlock()
}

func (c *Cluster) changes() <-chan struct{} {
	c.waitMu.Lock()
	defer c.waitMu.Unlock()
	if c.changed == nil {
		c.changed = make(chan struct{})
	}
	return c.changed
}

// WaitFor waits until cond holds, checking it again each time a member
// carries out a Ready or the cluster is changed (Kill, Stop, Restart,
// Partition, Heal), and fails after timeout. cond may call Status, Leader
// and the like.
func (c *Cluster) WaitFor(timeout time.Duration, cond func() bool) error {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		ch := c.changes() // before cond: a change during cond closes it
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-timer.C:
			return fmt.Errorf("cluster: condition not met within %v (%s)", timeout, c.Summary())
		}
	}
}

// WaitServing waits until a leader serves and every running member serves
// under it, or the timeout passes. It returns the leader.
func (c *Cluster) WaitServing(timeout time.Duration) (int64, error) {
	var leader int64
	err := c.WaitFor(timeout, func() bool {
		l := c.Leader()
		if l == 0 {
			return false
		}
		for _, id := range c.IDs() {
			if st, ok := c.Status(id); ok && (!st.Serving || st.Leader != l) {
				return false
			}
		}
		leader = l
		return true
	})
	if err != nil {
		return 0, fmt.Errorf("cluster: no leader with every running member serving: %w", err)
	}
	return leader, nil
}

// Summary is one line per member: mode, epoch, zxid.
func (c *Cluster) Summary() string {
	s := ""
	for _, id := range c.IDs() {
		st, ok := c.Status(id)
		if !ok {
			s += fmt.Sprintf("s%d down; ", id)
			continue
		}
		s += fmt.Sprintf("s%d %s epoch=%d zxid=%#x serving=%v; ", id, st.Mode, st.Epoch, st.Zxid, st.Serving)
	}
	return s
}

// Close stops every member (and removes a temporary data directory).
func (c *Cluster) Close() {
	for _, id := range c.IDs() {
		c.Kill(id)
	}
	if c.tempDir {
		os.RemoveAll(c.opts.Dir)
	}
}

// ephemeralLow is the first port of the kernel's ephemeral range (Linux's
// ip_local_port_range), or 0 if it cannot be read.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(f[0])
	return n
}
