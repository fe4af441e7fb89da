package server

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"path"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zkafka/zkafka/zk/snapshot"
	"github.com/zkafka/zkafka/zk/txnlog"
)

// Server is a running standalone ZooKeeper server.
type Server struct {
	cfg Config
	log *slog.Logger
	ln  net.Listener

	core   *core
	coreIn chan event
	syncCh chan *batch
	quit   chan struct{} // closed to stop every goroutine at once
	killed atomic.Bool

	coreDone, syncDone chan struct{}
	connWG, bgWG       sync.WaitGroup

	mu     sync.Mutex
	conns  map[int64]*conn
	nextID int64

	closeOnce sync.Once
	failErr   atomic.Value // error: a log write failed
}

// Start recovers the data directories and starts serving.
func Start(cfg Config) (*Server, error) {
	cfg.fill()
	if cfg.DataDir == "" {
		return nil, errors.New("server: DataDir is not set")
	}
	s := &Server{cfg: cfg, log: cfg.Logger, coreIn: make(chan event, 256), syncCh: make(chan *batch, 1024),
		quit: make(chan struct{}), coreDone: make(chan struct{}), syncDone: make(chan struct{}),
		conns: map[int64]*conn{}}
	logDir := path.Join(cfg.DataLogDir, "version-2")
	snapDir := path.Join(cfg.DataDir, "version-2")
	if cfg.Ensemble != nil {
		return s.startMember(snapDir, logDir)
	}
	tlog, err := txnlog.Open(cfg.FS, logDir, txnlog.Options{Logger: s.log})
	if err != nil {
		return nil, fmt.Errorf("server: txn log: %w", err)
	}
	st, err := snapshot.Restore(cfg.FS, snapDir, tlog, s.log)
	if err != nil {
		tlog.Close()
		return nil, fmt.Errorf("server: restore: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.ClientAddr)
	if err != nil {
		tlog.Close()
		return nil, err
	}
	s.ln = ln
	r := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x5eed))
	s.core = newCore(s, st, snapshot.NewTrigger(cfg.SnapCount, r), snapDir)
	sy := &syncer{s: s, log: tlog, fs: cfg.FS, snapDir: snapDir, logDir: logDir}
	go s.core.run()
	go sy.run()
	s.bgWG.Add(2)
	go s.acceptLoop()
	go s.tickLoop()
	s.log.Info("zkserver started", "addr", ln.Addr().String(), "zxid", fmt.Sprintf("%#x", st.Zxid))
	return s, nil
}

// Addr is the address clients connect to.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

func (s *Server) acceptLoop() {
	defer s.bgWG.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.conns == nil { // closing
			s.mu.Unlock()
			nc.Close()
			return
		}
		s.nextID++
		c := newConn(s, s.nextID, nc)
		s.conns[c.id] = c
		s.mu.Unlock()
		s.connWG.Add(2)
		go func() { defer s.connWG.Done(); c.readLoop() }()
		go func() {
			defer s.connWG.Done()
			c.writeLoop()
			s.mu.Lock()
			delete(s.conns, c.id)
			s.mu.Unlock()
		}()
	}
}

// startMember starts an ensemble member: the zab runtime replaces the
// standalone core and sync stage (ensemble_doc.go).
func (s *Server) startMember(snapDir, logDir string) (*Server, error) {
	q, err := s.startEnsemble(snapDir, logDir)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", s.cfg.ClientAddr)
	if err != nil {
		q.tr.Close()
		q.rt.Close()
		return nil, err
	}
	s.ln = ln
	s.core = q.c
	go q.run()
	s.bgWG.Add(2)
	go s.acceptLoop()
	go s.tickLoop()
	s.log.Info("zkserver ensemble member started", "id", s.cfg.Ensemble.ID, "addr", ln.Addr().String(),
		"peer", q.tr.Addr().String())
	return s, nil
}

func (s *Server) tickLoop() {
	defer s.bgWG.Done()
	every := s.cfg.TickTime
	if s.cfg.Ensemble != nil {
		// The zab peer ticks every tickTime/2, the rate at which ZooKeeper's
		// leader pings; its limits are counted in these half ticks.
		every /= 2
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.toCore(tick{})
		case <-s.quit:
			return
		}
	}
}

// toCore hands an event to the core; false once the server is stopping.
func (s *Server) toCore(ev event) bool {
	select {
	case s.coreIn <- ev:
		return true
	case <-s.quit:
		return false
	case <-s.coreDone:
		return false
	}
}

// Close shuts the server down gracefully: buffered txns are committed and
// queued replies written before the connections close.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.ln.Close()
		s.toCore(stop{})
		<-s.coreDone
		<-s.syncDone
		s.mu.Lock()
		conns := s.conns
		s.conns = nil
		s.mu.Unlock()
		for _, c := range conns {
			c.send(nil, true)
		}
		close(s.quit)
		s.bgWG.Wait()
		s.connWG.Wait()
		s.log.Info("zkserver stopped")
	})
	if err, ok := s.failErr.Load().(error); ok {
		return err
	}
	return nil
}

// Kill stops the server abruptly, like kill -9: sockets are closed at
// once, nothing buffered is flushed or committed. Tests pair it with
// vfs.Mem.Crash to simulate a power cut.
func (s *Server) Kill() {
	s.closeOnce.Do(func() {
		s.killed.Store(true)
		s.ln.Close()
		close(s.quit)
		s.mu.Lock()
		conns := s.conns
		s.conns = nil
		s.mu.Unlock()
		for _, c := range conns {
			c.kill()
		}
		<-s.coreDone
		<-s.syncDone
		s.bgWG.Wait()
		s.connWG.Wait()
	})
}

// fail is called by the sync stage when the log cannot be written: like
// ZooKeeper, the server stops serving rather than answer from a state that
// is not on disk.
func (s *Server) fail(err error) {
	s.failErr.Store(err)
	s.log.Error("txn log failed; stopping", "err", err)
	go s.Kill()
}

func (s *Server) connCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func (s *Server) connList() []*conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		out = append(out, c)
	}
	return out
}
