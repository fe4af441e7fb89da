package zksim

import (
	"fmt"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zab/zkcheck"
)

// Client is one client session, modelled on go-zookeeper's and the Java
// client's behaviour: one operation at a time, to the server it is
// connected to; on connection loss or timeout the outcome is unknown and
// it reconnects to a random server — which accepts only if it has seen
// everything the session has (ZooKeeperServer.processConnectRequest
// refuses a client whose last zxid is ahead of it).
//
// A client starts without a session: it asks the server it connects to
// for one (createSession; the server hands out the next id of its own
// counter) and has it once that commits. Now and then it abandons its
// session and asks for a new one, so sessions are created all through a
// schedule, across restarts of the members handing them out.
type Client struct {
	e       *Ensemble
	n       int   // client number, 1..
	Session int64 // 0 until its createSession committed

	creating  bool   // the operation in progress is its createSession
	ephemeral bool   // ... is an ephemeral create
	path      string // ... on this path

	server   sim.NodeID
	conn     *Server // the server process connected to (nil: disconnected)
	gen      int     // its connection generation
	lastZxid int64   // newest zxid in a reply

	busy    bool
	seq     int // operation number, so late answers to abandoned ops are ignored
	op      int // zkcheck id of the operation in progress
	kind    kind
	started int64
	cxid    int32
	values  int
}

type kind zkcheck.Kind

func (k kind) isWrite() bool {
	return zkcheck.Kind(k) == zkcheck.Create || zkcheck.Kind(k) == zkcheck.Set || zkcheck.Kind(k) == zkcheck.Delete
}

// connected reports whether the client's connection still stands: same
// server process, same connection generation, still serving.
func (c *Client) connected() bool {
	if c.conn == nil {
		return false
	}
	s, up := c.e.W.Node(c.server)
	if c.e.opts.mutant == mutantAnyConnect {
		return up && s == c.conn
	}
	return up && s == c.conn && s.gen == c.gen && s.serving()
}

func (c *Client) disconnect() {
	c.conn = nil
	c.busy = false // the operation in progress stays Unknown in the history
	c.creating = false
}

func (c *Client) connect() bool {
	e := c.e
	id := e.IDs[e.R.IntN(len(e.IDs))]
	s, up := e.W.Node(id)
	if e.opts.mutant == mutantAnyConnect && up {
		c.server, c.conn, c.gen = id, s, s.gen
		return true
	}
	if !up || !s.serving() || s.Zxid < c.lastZxid {
		return false
	}
	c.server, c.conn, c.gen = id, s, s.gen
	return true
}

// step: check on the operation in progress, or maybe start one.
func (c *Client) step(active bool) {
	e := c.e
	if c.busy {
		if !c.connected() || e.W.Now()-c.started > e.opts.Timeout {
			c.disconnect()
		}
		return
	}
	if !active || e.R.IntN(e.opts.OpEvery) != 0 {
		return
	}
	if !c.connected() && !c.connect() {
		return
	}
	if c.Session != 0 && e.R.IntN(40) == 0 {
		c.Session = 0 // abandoned (it stays live: nothing expires here)
	}
	if c.Session == 0 {
		c.seq++
		c.busy, c.creating, c.started = true, true, e.W.Now()
		w := call{c: c, seq: c.seq}
		e.W.Do(c.server, func(s *Server, ev env) { s.createSession(ev, w) })
		return
	}
	c.issue()
}

// issue starts a random operation.
func (c *Client) issue() {
	e := c.e
	path := e.opts.Paths[e.R.IntN(len(e.opts.Paths))]
	version := int32(-1)
	if e.R.IntN(3) == 0 {
		version = int32(e.R.IntN(3))
	}
	c.values++
	value := fmt.Sprintf("c%d.%d", c.n, c.values)
	c.cxid++
	r := request{Session: c.Session, Cxid: c.cxid, Path: path}
	op := zkcheck.Op{Session: c.Session, Path: path, Version: -1}
	c.ephemeral, c.path = false, path
	switch x := e.R.IntN(100); {
	case x < 20:
		mode := proto.ModePersistent
		if e.R.IntN(2) == 0 {
			mode, c.ephemeral = proto.ModeEphemeral, true
		}
		r.Op, r.Record = proto.OpCreate, &proto.CreateRequest{Path: path, Data: []byte(value), ACL: proto.OpenACLUnsafe, Flags: mode}
		op.Kind, op.Value = zkcheck.Create, value
	case x < 45:
		r.Op, r.Record = proto.OpSetData, &proto.SetDataRequest{Path: path, Data: []byte(value), Version: version}
		op.Kind, op.Value, op.Version = zkcheck.Set, value, version
	case x < 55:
		r.Op, r.Record = proto.OpDelete, &proto.DeleteRequest{Path: path, Version: version}
		op.Kind, op.Version = zkcheck.Delete, version
	case x < 80:
		r.Op, op.Kind = proto.OpGetData, zkcheck.Get
	case x < 90:
		r.Op, op.Kind = proto.OpExists, zkcheck.Exists
	default:
		r.Op, op.Kind, op.Path, r.Path = proto.OpSync, zkcheck.Sync, "/", "/"
	}
	c.seq++
	c.busy, c.kind, c.started = true, kind(op.Kind), e.W.Now()
	c.op = e.History.Invoke(e.W.Now(), op)
	w := call{c: c, seq: c.seq}
	e.W.Do(c.server, func(s *Server, ev env) { s.submit(ev, w, r) })
}
