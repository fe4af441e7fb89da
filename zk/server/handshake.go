package server

import (
	"bytes"
	"fmt"

	"github.com/zkafka/zkafka/zk/acl"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/session"
	"github.com/zkafka/zkafka/zk/watch"
	"github.com/zkafka/zkafka/zk/znode"
)

func hex(v int64) string { return fmt.Sprintf("0x%x", v) }

// connect handles a ConnectRequest (ZooKeeperServer.processConnectRequest).
// Reference: docs/reference/zookeeper.md §1.2.
func (c *core) connect(cn *conn, req *proto.ConnectRequest) {
	if cn.gone {
		return
	}
	if req.LastZxidSeen > c.lastZxid {
		// The client has seen a newer state than ours: it must try
		// another server. Close without a reply.
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
		c.lastZxid++
		res := c.tree.Execute(znode.Request{
			Header: proto.TxnHeader{ClientID: id, Zxid: c.lastZxid, Time: c.nowMs(), Type: proto.OpCreateSession},
			Record: &proto.CreateSessionTxn{TimeOut: timeout},
		})
		c.logTxn(res.Txn)
		c.sessions.Add(id, timeout, c.nowMs())
		resp.SessionID, resp.Passwd = id, session.Password(id, session.SuperSecret)
		c.s.log.Debug("session created", "session", hex(id), "timeout", timeout, "remote", cn.remote)
	} else {
		id := req.SessionID
		_, known := c.sessions.Timeout(id)
		if !known || c.sessions.Closing(id) || !bytes.Equal(req.Passwd, session.Password(id, session.SuperSecret)) {
			// Expired, unknown, or a wrong password: the exact
			// "expired" answer, then close.
			c.s.log.Info("refusing reconnect: session expired or bad password", "session", hex(id), "remote", cn.remote)
			exp := &proto.ConnectResponse{Passwd: make([]byte, 16), HasReadOnly: req.HasReadOnly}
			c.out(cn, frame(exp), true)
			c.dropConn(cn)
			return
		}
		if old := c.owner[id]; old != nil && old != cn {
			// A reconnect closes the connection that held the session.
			c.closeConn(old)
		}
		// ZooKeeper renegotiates the timeout on reconnect; the tracker
		// keeps the one from createSession (as the log does).
		c.sessions.Touch(id, c.nowMs())
		resp.SessionID, resp.Passwd = id, req.Passwd
		c.s.log.Debug("session resumed", "session", hex(id), "remote", cn.remote)
	}
	cn.session, cn.established = resp.SessionID, true
	if host := hostOf(cn.remote); host != "" {
		cn.auth = append(cn.auth, acl.IPID(host))
	}
	c.owner[cn.session] = cn
	c.byWatch[watch.ID(cn.id)] = cn
	c.out(cn, frame(resp), false)
}
