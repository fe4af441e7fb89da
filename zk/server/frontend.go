package server

import (
	"bytes"
	"fmt"

	"github.com/zkafka/zkafka/zk/acl"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/session"
	"github.com/zkafka/zkafka/zk/watch"
	"github.com/zkafka/zkafka/zk/zkerr"
)

func hex(v int64) string { return fmt.Sprintf("0x%x", v) }

// The client front end: one for both modes. It takes a connection's
// handshake and requests, classifies them (ping, auth, read, write,
// sync, closeSession), answers reads from the tree and keeps each
// connection's replies in request order. Everything that must be ordered
// with the rest of the world goes to the commit pipeline, the only part
// that differs between a standalone server and an ensemble member:
//
//   - standalone (standalone.go): the core executes the write, logs its
//     txn and the sync stage fsyncs a burst of them at once (group
//     commit); the reply is released after that fsync;
//   - ensemble (ensemble_client.go): the leader executes and proposes,
//     a follower forwards to the leader; the reply leaves when the txn
//     commits (zab, through the quorumpeer runtime).

// pipeline is where the front end sends what needs a commit. Each method
// answers the client itself, now or when the commit comes back, through
// core.reply / core.established / core.closeConn.
type pipeline interface {
	// serving: may clients use this server now? (An ensemble member
	// that is electing or syncing is not serving.)
	serving() bool
	// newSession makes resp.SessionID a session (a createSession txn)
	// and answers the handshake once it is durable.
	newSession(cn *conn, resp *proto.ConnectResponse)
	// resume answers the handshake of a client taking its session back,
	// once this server holds the session (sessionmoved.go).
	resume(cn *conn, resp *proto.ConnectResponse)
	// touch keeps session id alive; false if it expired or is closing.
	touch(id int64) bool
	// write executes a write; rec is body decoded.
	write(cn *conn, hdr proto.RequestHeader, rec proto.Record, body []byte)
	// closeSession ends the connection's session at the client's request.
	closeSession(cn *conn, xid int32)
	// sync answers a sync once this server has everything the leader had
	// committed when it was asked (standalone: at once).
	sync(cn *conn, hdr proto.RequestHeader, path string)
}

// pending is one request of a connection that has not been answered
// yet: a write or sync handed to the pipeline that will answer later
// (fwd), or a request queued behind them (CommitProcessor: a session's
// reads wait for its earlier writes; its writes are pipelined).
type pending struct {
	fwd    bool
	sync   bool  // a sync (fwd: in flight with id syncID)
	syncID int64 // fwd sync
	hdr    proto.RequestHeader
	body   []byte // !fwd: the request to dispatch when its turn comes
	path   string // fwd sync: the path to echo
}

// canDispatch reports whether the queued request at index i may run now:
// a read or a sync only with nothing ahead of it; a write when only
// writes in flight are ahead (the leader keeps their order, and their
// commits come back in that order). A sync waits for the session's
// earlier writes to commit here: the leader answers a SYNC as soon as its
// outstanding proposals commit, and a REQUEST sent just before it may not
// be a proposal yet.
func canDispatch(cn *conn, i int) bool {
	p := cn.pend[i]
	if !p.hdr.Type.IsWrite() {
		return i == 0
	}
	for _, q := range cn.pend[:i] {
		if !q.fwd || q.sync {
			return false
		}
	}
	return true
}

// connect handles a ConnectRequest (ZooKeeperServer.processConnectRequest;
// docs/reference/zookeeper.md §1.2). A server that is not serving closes
// the connection ("ZooKeeperServer not running"); so does one behind the
// client's last seen zxid, without a reply, so the client tries another.
func (c *core) connect(cn *conn, req *proto.ConnectRequest) {
	if cn.gone {
		return
	}
	if !c.pipe.serving() {
		c.s.log.Debug("refusing a client: not serving", "remote", cn.remote)
		c.closeConn(cn)
		return
	}
	if req.LastZxidSeen > c.lastZxid {
		c.s.log.Info("refusing session: client has seen a newer zxid",
			"client_zxid", hex(req.LastZxidSeen), "our_zxid", hex(c.lastZxid), "remote", cn.remote)
		c.closeConn(cn)
		return
	}
	cfg := c.s.cfg
	timeout := session.NegotiateTimeout(req.TimeOut, int32(cfg.MinSessionTimeout.Milliseconds()), int32(cfg.MaxSessionTimeout.Milliseconds()))
	resp := &proto.ConnectResponse{TimeOut: timeout, HasReadOnly: req.HasReadOnly}
	if req.SessionID == 0 {
		id := c.nextSess
		c.nextSess++
		resp.SessionID, resp.Passwd = id, session.Password(id, session.SuperSecret)
		cn.session = id
		c.s.log.Debug("new session", "session", hex(id), "timeout", timeout, "remote", cn.remote)
		c.pipe.newSession(cn, resp)
		return
	}
	id := req.SessionID
	_, known := c.sessions.Timeout(id)
	if !known || c.sessions.Closing(id) || !bytes.Equal(req.Passwd, session.Password(id, session.SuperSecret)) {
		// Expired, unknown, or a wrong password: the exact "expired"
		// answer, then close.
		c.s.log.Info("refusing reconnect: session expired or bad password", "session", hex(id), "remote", cn.remote)
		exp := &proto.ConnectResponse{Passwd: make([]byte, 16), HasReadOnly: req.HasReadOnly}
		c.out(cn, frame(exp), true)
		c.dropConn(cn)
		return
	}
	// A reconnect closes this server's connection that held the session.
	if old := c.owner[id]; old != nil && old != cn {
		c.closeConn(old)
	}
	// ZooKeeper renegotiates the timeout on reconnect; the tracker keeps
	// the one from createSession (as the log does).
	c.pipe.touch(id)
	resp.SessionID, resp.Passwd = id, req.Passwd
	c.s.log.Debug("session resumed", "session", hex(id), "remote", cn.remote)
	c.pipe.resume(cn, resp)
}

// established answers the handshake: the connection now holds its
// session, and its watches can fire.
func (c *core) established(cn *conn, resp *proto.ConnectResponse) {
	cn.session, cn.established = resp.SessionID, true
	if host := hostOf(cn.remote); host != "" {
		cn.auth = append(cn.auth, acl.IPID(host))
	}
	c.owner[cn.session] = cn
	c.byWatch[watch.ID(cn.id)] = cn
	c.out(cn, frame(resp), false)
}

// request handles one request after the handshake (FinalRequestProcessor;
// docs/reference/zookeeper.md §1.3, §1.4).
func (c *core) request(cn *conn, hdr proto.RequestHeader, body []byte) {
	if cn.gone || !cn.established {
		return
	}
	cn.lastCxid, cn.lastOp = hdr.Xid, hdr.Type.String()
	if !c.pipe.touch(cn.session) {
		// The session expired (or is closing) under this connection.
		c.out(cn, replyFrame(hdr.Xid, c.lastZxid, int32(zkerr.SessionExpired), nil), false)
		c.closeConn(cn)
		return
	}
	if hdr.Type == proto.OpPing {
		// Pings are exempt from ordering (docs/reference/zookeeper.md §1.3).
		c.reply(cn, hdr.Xid, nil, nil)
		return
	}
	if len(cn.pend) == 0 {
		c.dispatch(cn, hdr, body)
		return
	}
	cn.pend = append(cn.pend, pending{hdr: hdr, body: body})
	c.drain(cn)
}

// dispatch runs a request now: reads from the tree, the rest through the
// pipeline.
func (c *core) dispatch(cn *conn, hdr proto.RequestHeader, body []byte) {
	if hdr.Type == proto.OpCloseSession {
		c.pipe.closeSession(cn, hdr.Xid)
		return
	}
	rec := proto.NewRequestRecord(hdr.Type)
	if rec == nil {
		// UnimplementedRequestProcessor: reply, then close.
		c.s.log.Info("unknown opcode, closing", "op", int32(hdr.Type), "conn", cn.id)
		c.reply(cn, hdr.Xid, zkerr.Unimplemented, nil)
		c.closeConn(cn)
		return
	}
	if err := proto.Decode(body, rec); err != nil {
		c.s.log.Info("malformed request", "op", hdr.Type.String(), "conn", cn.id, "err", err)
		c.reply(cn, hdr.Xid, zkerr.MarshallingError, nil)
		return
	}
	switch {
	case hdr.Type == proto.OpAuth:
		c.auth(cn, hdr.Xid, rec.(*proto.AuthPacket))
	case hdr.Type.IsWrite():
		c.pipe.write(cn, hdr, rec, body)
	case hdr.Type == proto.OpSync:
		c.pipe.sync(cn, hdr, rec.(*proto.PathRequest).Path)
	default:
		resp, err := c.read(cn, hdr.Type, rec)
		c.reply(cn, hdr.Xid, err, resp)
	}
}

// drain runs, in order, the queued requests of a connection whose turn
// has come (canDispatch): after a reply of the pipeline, and as requests
// arrive.
func (c *core) drain(cn *conn) {
	for i := 0; i < len(cn.pend) && !cn.gone; {
		if cn.pend[i].fwd {
			i++
			continue
		}
		if !canDispatch(cn, i) {
			return
		}
		r := cn.pend[i]
		// Take it out of the queue; dispatch appends its in-flight form
		// (if any) at the end, so put the rest back after it.
		rest := append([]pending(nil), cn.pend[i+1:]...)
		cn.pend = cn.pend[:i]
		c.dispatch(cn, r.hdr, r.body)
		cn.pend = append(cn.pend, rest...)
		if len(cn.pend) > i && cn.pend[i].fwd {
			i++
		}
	}
}
