package server

import (
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/znode"
)

// standalone is the commit pipeline of a server without an ensemble
// (chapters 1-2): the core executes each write on the tree at once and
// queues its txn; the sync stage (syncer.go) appends the burst and
// fsyncs it once, and only then releases the burst's replies. Nothing is
// ever forwarded, so no reply waits for another server and a
// connection's queue of pending requests stays empty.
type standalone struct{ c *core }

var _ pipeline = standalone{}

func (standalone) serving() bool { return true }

func (p standalone) newSession(cn *conn, resp *proto.ConnectResponse) {
	c := p.c
	c.lastZxid++
	res := c.tree.Execute(znode.Request{
		Header: proto.TxnHeader{ClientID: resp.SessionID, Zxid: c.lastZxid, Time: c.nowMs(), Type: proto.OpCreateSession},
		Record: &proto.CreateSessionTxn{TimeOut: resp.TimeOut},
	})
	c.logTxn(res.Txn)
	c.sessions.Add(resp.SessionID, resp.TimeOut, c.nowMs())
	c.established(cn, resp) // released after the createSession's fsync
}

func (p standalone) resume(cn *conn, resp *proto.ConnectResponse) { p.c.established(cn, resp) }

func (p standalone) touch(id int64) bool { return p.c.sessions.Touch(id, p.c.nowMs()) }

func (p standalone) write(cn *conn, hdr proto.RequestHeader, rec proto.Record, _ []byte) {
	p.c.write(cn, hdr, rec)
}

func (p standalone) closeSession(cn *conn, xid int32) {
	c := p.c
	c.closeSession(cn.session, xid)
	c.reply(cn, xid, nil, nil)
	c.closeConn(cn)
}

// sync: the reply already waits behind every pending write (outputs
// leave in order, after their burst's fsync).
func (p standalone) sync(cn *conn, hdr proto.RequestHeader, path string) {
	p.c.reply(cn, hdr.Xid, nil, &proto.SyncResponse{Path: path})
}
