package server

import (
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/session"
	"github.com/zkafka/zkafka/zk/snapshot"
	"github.com/zkafka/zkafka/zk/watch"
	"github.com/zkafka/zkafka/zk/znode"
)

// Events the core handles, one at a time.
type event interface{}

type (
	connectReq struct {
		c   *conn
		req proto.ConnectRequest
	}
	request struct {
		c    *conn
		hdr  proto.RequestHeader
		body []byte
	}
	connGone  struct{ c *conn }
	tick      struct{}
	stop      struct{}
	fourLWReq struct {
		cmd   string
		reply chan string
	}
)

// snapStepNodes bounds the nodes one snapshot step serializes, so a large
// tree never stalls requests for long.
const snapStepNodes = 256

// core owns the protocol state. See doc.go, "The life of a request".
type core struct {
	s        *Server
	tree     *znode.Tree
	watches  *watch.Manager
	sessions *session.Tracker
	owner    map[int64]*conn // session → the connection holding it
	byWatch  map[watch.ID]*conn
	lastZxid int64
	nextSess int64

	trigger *snapshot.Trigger
	snapDir string
	snap    *snapshot.Writer
	// pendingRoll asks the sync stage to roll the log after the current batch.
	pendingRoll bool

	cur *batch // what the current event produced

	// stats for the four-letter words
	outstanding int

	// pipe commits what the front end (frontend.go) cannot answer alone:
	// standalone{} or the ensemble's quorumPeer.
	pipe pipeline
	// q is the ensemble runtime driving this core (nil: standalone), for
	// the four-letter words' view of its role.
	q *quorumPeer
}

func newCore(s *Server, st *snapshot.State, trig *snapshot.Trigger, snapDir string) *core {
	now := s.cfg.Now().UnixMilli()
	c := &core{
		s: s, tree: st.Tree, watches: watch.NewManager(),
		sessions: session.NewTracker(s.cfg.TickTime.Milliseconds()),
		owner:    map[int64]*conn{}, byWatch: map[watch.ID]*conn{},
		lastZxid: st.Zxid, nextSess: session.FirstID(now, s.cfg.ServerID, st.Sessions),
		trigger: trig, snapDir: snapDir,
	}
	c.pipe = standalone{c}
	// Recovered sessions get a full timeout from now to reconnect
	// (SessionTrackerImpl is rebuilt from the snapshot's table the same way).
	// Only our own among them may move the counter: see session.FirstID.
	for id, to := range st.Sessions {
		c.sessions.Add(id, to, now)
	}
	return c
}

func (c *core) nowMs() int64 { return c.s.cfg.Now().UnixMilli() }

func (c *core) run() {
	defer close(c.s.coreDone)
	for {
		var ev event
		if c.snap != nil {
			select {
			case ev = <-c.s.coreIn:
			case <-c.s.quit:
				c.abortSnapshot()
				return
			default:
				c.stepSnapshot()
				continue
			}
		} else {
			select {
			case ev = <-c.s.coreIn:
			case <-c.s.quit:
				return
			}
		}
		if _, ok := ev.(stop); ok {
			c.abortSnapshot()
			close(c.s.syncCh)
			return
		}
		c.cur = &batch{}
		c.handle(ev)
		if len(c.cur.txns) > 0 || len(c.cur.outs) > 0 || c.cur.roll || c.cur.finish != nil {
			select {
			case c.s.syncCh <- c.cur:
			case <-c.s.quit:
				return
			}
		}
		c.cur = nil
		if c.pendingRoll {
			c.pendingRoll = false
			select {
			case c.s.syncCh <- &batch{roll: true}:
			case <-c.s.quit:
				return
			}
		}
	}
}

func (c *core) handle(ev event) {
	switch ev := ev.(type) {
	case *connectReq:
		c.connect(ev.c, &ev.req)
	case *request:
		c.request(ev.c, ev.hdr, ev.body)
	case *connGone:
		c.dropConn(ev.c)
	case tick:
		c.expire()
	case *fourLWReq:
		ev.reply <- c.fourLetter(ev.cmd)
	}
}

// out queues a frame for a connection, released after the next fsync.
func (c *core) out(cn *conn, frame []byte, closeAfter bool) {
	c.cur.outs = append(c.cur.outs, output{c: cn, frame: frame, closeAfter: closeAfter})
}

// logTxn queues a txn and may start a snapshot after it.
func (c *core) logTxn(txn proto.Txn) {
	c.cur.txns = append(c.cur.txns, txn)
	if c.trigger.Logged() && c.snap == nil {
		c.startSnapshot()
	}
}

// fire sends watch events to whoever watches, before any later output.
func (c *core) fire(events []proto.WatcherEvent) {
	for _, ev := range events {
		for _, d := range c.watches.Trigger(ev) {
			if cn := c.byWatch[d.Watcher]; cn != nil {
				c.out(cn, notificationFrame(d.Event), false)
			}
		}
	}
}

// closeConn drops a connection from the core's view and closes it after
// its queued outputs.
func (c *core) closeConn(cn *conn) {
	c.dropConn(cn)
	c.out(cn, nil, true)
}

// dropConn forgets a connection: its watches go (they live on the
// connection), its session stays until it expires or is resumed.
func (c *core) dropConn(cn *conn) {
	if cn.gone {
		return
	}
	cn.gone = true
	cn.pend = nil
	c.watches.RemoveWatcher(watch.ID(cn.id))
	delete(c.byWatch, watch.ID(cn.id))
	if cn.established && c.owner[cn.session] == cn {
		delete(c.owner, cn.session)
	}
}

// expire closes every session whose deadline has passed.
func (c *core) expire() {
	for _, id := range c.sessions.Expire(c.nowMs()) {
		c.s.log.Info("session expired", "session", hex(id))
		c.closeSession(id, 0)
		if cn := c.owner[id]; cn != nil {
			c.closeConn(cn)
		}
	}
}

// closeSession logs a closeSession txn for id, which deletes its
// ephemerals and fires their watches.
func (c *core) closeSession(id int64, cxid int32) int64 {
	c.sessions.SetClosing(id)
	c.lastZxid++
	res := c.tree.Execute(znode.Request{Header: proto.TxnHeader{
		ClientID: id, Cxid: cxid, Zxid: c.lastZxid, Time: c.nowMs(), Type: proto.OpCloseSession}})
	c.logTxn(res.Txn)
	c.fire(res.Events)
	c.sessions.Remove(id)
	return c.lastZxid
}

func (c *core) startSnapshot() {
	var sessions []snapshot.Session
	for _, id := range c.sessions.IDs() {
		if to, ok := c.sessions.Timeout(id); ok {
			sessions = append(sessions, snapshot.Session{ID: id, Timeout: to})
		}
	}
	w, err := snapshot.Begin(c.s.cfg.FS, c.snapDir, c.lastZxid, sessions)
	if err != nil {
		c.s.log.Warn("cannot start a snapshot", "err", err)
		return
	}
	c.s.log.Info("snapshot started", "zxid", hex(c.lastZxid))
	c.snap = w
	// Roll the log so that the files before this point can be purged
	// once the snapshot is done. The marker is ordered after the txn
	// just queued (the next batch).
	c.pendingRoll = true
}

func (c *core) stepSnapshot() {
	done, err := c.snap.Step(c.tree, snapStepNodes)
	if err != nil {
		c.s.log.Warn("snapshot failed", "err", err)
		c.abortSnapshot()
		return
	}
	if done {
		b := &batch{finish: c.snap}
		c.snap = nil
		select {
		case c.s.syncCh <- b:
		case <-c.s.quit:
		}
	}
}

func (c *core) abortSnapshot() {
	if c.snap != nil {
		c.snap.Abort()
		c.snap = nil
	}
}
