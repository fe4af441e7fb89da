package server

import (
	"bytes"

	"github.com/zkafka/zkafka/zk/acl"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/session"
	"github.com/zkafka/zkafka/zk/watch"
	"github.com/zkafka/zkafka/zk/zkerr"
)

var sessionExpired = zkerr.SessionExpired

// pending is one request of a follower's connection that has not been
// answered yet: a write or sync forwarded to the leader (fwd), or a
// request queued behind them (CommitProcessor: a session's reads wait for
// its earlier writes; its writes are pipelined to the leader).
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
// forwarded writes are ahead (the leader keeps their order, and their
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

// connect handles a ConnectRequest in an ensemble
// (ZooKeeperServer.processConnectRequest; docs/reference/zookeeper.md §1.2). A member
// that is not serving closes the connection ("ZooKeeperServer not
// running"); a new session is a createSession txn through the leader, and
// the client hears back when this member applies it.
func (q *quorumPeer) connect(cn *conn, req *proto.ConnectRequest) {
	c := q.c
	if cn.gone {
		return
	}
	if !q.serving() {
		q.s.log.Debug("refusing a client: not serving", "remote", cn.remote)
		c.closeConn(cn)
		return
	}
	if req.LastZxidSeen > c.lastZxid {
		q.s.log.Info("refusing session: client has seen a newer zxid",
			"client_zxid", hex(req.LastZxidSeen), "our_zxid", hex(c.lastZxid), "remote", cn.remote)
		c.closeConn(cn)
		return
	}
	cfg := q.s.cfg
	timeout := session.NegotiateTimeout(req.TimeOut, int32(cfg.MinSessionTimeout.Milliseconds()), int32(cfg.MaxSessionTimeout.Milliseconds()))
	resp := &proto.ConnectResponse{TimeOut: timeout, HasReadOnly: req.HasReadOnly}
	if req.SessionID == 0 {
		id := c.nextSess
		c.nextSess++
		resp.SessionID, resp.Passwd = id, session.Password(id, session.SuperSecret)
		cn.session = id
		if q.leading() {
			hdr := proto.TxnHeader{ClientID: id, Type: proto.OpCreateSession}
			if !q.execute(hdr, nil, &proto.CreateSessionTxn{TimeOut: timeout}) {
				c.closeConn(cn)
				return
			}
			c.sessions.Add(id, timeout, c.nowMs())
			q.setOwner(id, q.cfg.ID)
			q.established(cn, resp) // held until the createSession commits
			return
		}
		f := &forwarded{Session: id, Type: proto.OpCreateSession, Body: proto.Encode(&proto.CreateSessionTxn{TimeOut: timeout})}
		if err := q.rt.Peer.Forward(proto.Encode(f)); err != nil {
			c.closeConn(cn)
			return
		}
		cn.pendingConnect = resp
		q.waitW[reqKey{id, 0}] = cn
		return
	}
	id := req.SessionID
	_, known := c.sessions.Timeout(id)
	if !known || c.sessions.Closing(id) || !bytes.Equal(req.Passwd, session.Password(id, session.SuperSecret)) {
		q.s.log.Info("refusing reconnect: session expired or bad password", "session", hex(id), "remote", cn.remote)
		exp := &proto.ConnectResponse{Passwd: make([]byte, 16), HasReadOnly: req.HasReadOnly}
		c.out(cn, frame(exp), true)
		c.dropConn(cn)
		return
	}
	// The session moves here: an old connection of it on this member goes,
	// and the leader is told (sessionmoved.go) before the client is
	// answered, so that whatever an old connection elsewhere still
	// forwards is refused.
	if old := c.owner[id]; old != nil && old != cn {
		q.dropConn(old)
		c.out(old, nil, true)
	}
	q.touch(id)
	resp.SessionID, resp.Passwd = id, req.Passwd
	if q.leading() {
		q.setOwner(id, q.cfg.ID)
		q.established(cn, resp)
		return
	}
	f := &forwarded{Session: id, Type: opRevalidate}
	q.nextSync++
	if err := q.rt.Peer.Forward(proto.Encode(f)); err != nil {
		c.closeConn(cn)
		return
	}
	if err := q.rt.Peer.Sync(q.nextSync); err != nil {
		c.closeConn(cn)
		return
	}
	cn.session = id
	cn.pendingConnect = resp
	q.waitRV[q.nextSync] = cn
}

func (q *quorumPeer) established(cn *conn, resp *proto.ConnectResponse) {
	c := q.c
	cn.session, cn.established = resp.SessionID, true
	if host := hostOf(cn.remote); host != "" {
		cn.auth = append(cn.auth, acl.IPID(host))
	}
	c.owner[cn.session] = cn
	c.byWatch[watch.ID(cn.id)] = cn
	c.out(cn, frame(resp), false)
}

// touch keeps a session alive: on the leader in its tracker, on a
// follower through the next PING reply (zab's Touch).
func (q *quorumPeer) touch(id int64) bool {
	c := q.c
	if q.leading() {
		return c.sessions.Touch(id, c.nowMs())
	}
	to, known := c.sessions.Timeout(id)
	if !known || c.sessions.Closing(id) {
		return false
	}
	q.rt.Peer.Touch(id, to)
	return true
}

// request handles one request after the handshake.
func (q *quorumPeer) request(cn *conn, hdr proto.RequestHeader, body []byte) {
	c := q.c
	if cn.gone || !cn.established {
		return
	}
	cn.lastCxid, cn.lastOp = hdr.Xid, hdr.Type.String()
	if !q.touch(cn.session) {
		c.out(cn, replyFrame(hdr.Xid, c.lastZxid, int32(zkerr.SessionExpired), nil), false)
		q.dropConn(cn)
		c.out(cn, nil, true)
		return
	}
	if hdr.Type == proto.OpPing {
		// Pings are exempt from ordering (docs/reference/zookeeper.md §1.3).
		c.reply(cn, hdr.Xid, nil, nil)
		return
	}
	if len(cn.pend) == 0 {
		q.dispatch(cn, hdr, body)
		return
	}
	cn.pend = append(cn.pend, pending{hdr: hdr, body: body})
	q.drain(cn)
}

// dispatch runs a request now: reads from the tree, writes and syncs
// through the leader.
func (q *quorumPeer) dispatch(cn *conn, hdr proto.RequestHeader, body []byte) {
	c := q.c
	if hdr.Type == proto.OpCloseSession {
		if q.leading() {
			if q.execute(proto.TxnHeader{ClientID: cn.session, Cxid: hdr.Xid, Type: proto.OpCloseSession}, nil, nil) {
				c.reply(cn, hdr.Xid, nil, nil)
			}
			q.dropConn(cn)
			c.out(cn, nil, true)
			return
		}
		q.forward(cn, hdr, &forwarded{Session: cn.session, Cxid: hdr.Xid, Type: hdr.Type})
		return
	}
	rec := proto.NewRequestRecord(hdr.Type)
	if rec == nil {
		c.reply(cn, hdr.Xid, zkerr.Unimplemented, nil)
		q.dropConn(cn)
		c.out(cn, nil, true)
		return
	}
	if err := proto.Decode(body, rec); err != nil {
		c.reply(cn, hdr.Xid, zkerr.MarshallingError, nil)
		return
	}
	switch {
	case hdr.Type == proto.OpAuth:
		c.auth(cn, hdr.Xid, rec.(*proto.AuthPacket))
	case hdr.Type.IsWrite():
		if q.leading() {
			moved := q.checkOwner(cn.session, q.cfg.ID)
			res, ok := q.executeResult(proto.TxnHeader{ClientID: cn.session, Cxid: hdr.Xid, Type: hdr.Type}, cn.auth, rec, moved)
			if !ok || moved != nil {
				q.dropConn(cn)
				c.out(cn, nil, true)
				return
			}
			c.reply(cn, hdr.Xid, res.Err, res.Response)
			return
		}
		q.forward(cn, hdr, &forwarded{Session: cn.session, Cxid: hdr.Xid, Type: hdr.Type, Auth: cn.auth, Body: body})
	case hdr.Type == proto.OpSync && !q.leading():
		// The sync travels through the leader; the reply follows every
		// commit the leader had sent when it answered.
		q.nextSync++
		if err := q.rt.Peer.Sync(q.nextSync); err != nil {
			q.dropConn(cn)
			c.out(cn, nil, true)
			return
		}
		cn.pend = append(cn.pend, pending{fwd: true, sync: true, syncID: q.nextSync, hdr: hdr, path: rec.(*proto.PathRequest).Path})
		q.waitS[q.nextSync] = cn
	default:
		// A read (or, on the leader, a sync: its reply waits behind every
		// txn executed before it, like any leader output).
		resp, err := c.read(cn, hdr.Type, rec)
		c.reply(cn, hdr.Xid, err, resp)
	}
}

// forward sends a client write to the leader; its reply waits for its
// commit, and the connection's later reads wait for that reply.
func (q *quorumPeer) forward(cn *conn, hdr proto.RequestHeader, f *forwarded) {
	if err := q.rt.Peer.Forward(proto.Encode(f)); err != nil {
		q.dropConn(cn)
		q.c.out(cn, nil, true)
		return
	}
	cn.pend = append(cn.pend, pending{fwd: true, hdr: hdr})
	q.waitW[reqKey{f.Session, f.Cxid}] = cn
}
