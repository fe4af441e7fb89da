package server

import (
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

var sessionExpired = zkerr.SessionExpired

// The ensemble's commit pipeline (frontend.go): the leader executes a
// client's write on its tree and proposes the txn; a follower forwards it
// to the leader (REQUEST) and answers when it applies the commit
// (complete); a sync goes through the leader (SYNC); sessions are
// created, resumed and closed through the leader too.

var _ pipeline = (*quorumPeer)(nil)

// newSession: a createSession txn through the leader; the client hears
// back when this member applies it.
func (q *quorumPeer) newSession(cn *conn, resp *proto.ConnectResponse) {
	c := q.c
	id := resp.SessionID
	if q.leading() {
		hdr := proto.TxnHeader{ClientID: id, Type: proto.OpCreateSession}
		if !q.execute(hdr, nil, &proto.CreateSessionTxn{TimeOut: resp.TimeOut}) {
			c.closeConn(cn)
			return
		}
		c.sessions.Add(id, resp.TimeOut, c.nowMs())
		q.setOwner(id, q.cfg.ID)
		c.established(cn, resp) // held until the createSession commits
		return
	}
	f := &forwarded{Session: id, Type: proto.OpCreateSession, Body: proto.Encode(&proto.CreateSessionTxn{TimeOut: resp.TimeOut})}
	if err := q.rt.Peer.Forward(proto.Encode(f)); err != nil {
		c.closeConn(cn)
		return
	}
	cn.pendingConnect = resp
	q.waitW[reqKey{id, 0}] = cn
}

// resume: the leader is told that this member now holds the session
// (sessionmoved.go) before the client is answered, so that whatever an
// old connection elsewhere still forwards is refused.
func (q *quorumPeer) resume(cn *conn, resp *proto.ConnectResponse) {
	c := q.c
	id := resp.SessionID
	if q.leading() {
		q.setOwner(id, q.cfg.ID)
		c.established(cn, resp)
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

func (q *quorumPeer) closeSession(cn *conn, xid int32) {
	c := q.c
	if q.leading() {
		if q.execute(proto.TxnHeader{ClientID: cn.session, Cxid: xid, Type: proto.OpCloseSession}, nil, nil) {
			c.reply(cn, xid, nil, nil)
		}
		c.closeConn(cn)
		return
	}
	q.forward(cn, proto.RequestHeader{Xid: xid, Type: proto.OpCloseSession}, &forwarded{Session: cn.session, Cxid: xid, Type: proto.OpCloseSession})
}

func (q *quorumPeer) write(cn *conn, hdr proto.RequestHeader, rec proto.Record, body []byte) {
	c := q.c
	if !q.leading() {
		q.forward(cn, hdr, &forwarded{Session: cn.session, Cxid: hdr.Xid, Type: hdr.Type, Auth: cn.auth, Body: body})
		return
	}
	moved := q.checkOwner(cn.session, q.cfg.ID)
	res, ok := q.executeResult(proto.TxnHeader{ClientID: cn.session, Cxid: hdr.Xid, Type: hdr.Type}, cn.auth, rec, moved)
	if !ok || moved != nil {
		c.closeConn(cn)
		return
	}
	c.reply(cn, hdr.Xid, res.Err, res.Response)
}

// sync: on a follower it travels through the leader, and the reply
// follows every commit the leader had sent when it answered; on the
// leader the reply waits behind every txn executed before it, like any
// leader output.
func (q *quorumPeer) sync(cn *conn, hdr proto.RequestHeader, path string) {
	c := q.c
	if q.leading() {
		c.reply(cn, hdr.Xid, nil, &proto.SyncResponse{Path: path})
		return
	}
	q.nextSync++
	if err := q.rt.Peer.Sync(q.nextSync); err != nil {
		c.closeConn(cn)
		return
	}
	cn.pend = append(cn.pend, pending{fwd: true, sync: true, syncID: q.nextSync, hdr: hdr, path: path})
	q.waitS[q.nextSync] = cn
}

// forward sends a client write to the leader; its reply waits for its
// commit, and the connection's later reads wait for that reply.
func (q *quorumPeer) forward(cn *conn, hdr proto.RequestHeader, f *forwarded) {
	if err := q.rt.Peer.Forward(proto.Encode(f)); err != nil {
		q.c.closeConn(cn)
		return
	}
	cn.pend = append(cn.pend, pending{fwd: true, hdr: hdr})
	q.waitW[reqKey{f.Session, f.Cxid}] = cn
}
