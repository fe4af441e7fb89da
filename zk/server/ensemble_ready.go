package server

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/session"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
	"github.com/zkafka/zkafka/zk/znode"
)

// pump has the runtime (zk/zab/quorumpeer, the same one the simulator
// runs) carry out the Peer's Readys until it has nothing more to ask, then
// releases what the clients may now see and snapshots if one is due. It
// returns false if the runtime stopped (a failed disk: the server then
// stops, like ZooKeeper's QuorumPeer).
func (q *quorumPeer) pump() bool {
	if err := q.rt.Pump(); err != nil {
		q.s.fail(err)
		return false
	}
	q.flushOuts()
	return q.maybeSnapshot()
}

// readyDone runs after each Ready was carried out and Advanced
// (quorumpeer.Hooks.Done): the chapters' narration, and the outputs the
// Ready's commits released.
func (q *quorumPeer) readyDone(rd zab.Ready) {
	if q.cfg.Observe != nil {
		q.cfg.Observe(Observation{ID: q.cfg.ID, Status: q.rt.Peer.Status(), Ready: rd})
	}
	q.flushOuts()
}

// roleChanged: when a member stops serving, its clients must go elsewhere;
// a leader that stops leading goes back from its speculative tree to the
// committed state; a new leader restarts every session's clock.
func (q *quorumPeer) roleChanged(s zab.SoftState) error {
	prev := q.role
	q.role = s
	q.s.log.Info("zab role", "id", q.cfg.ID, "state", s.String())
	if prev.Serving && (!s.Serving || prev.State != s.State || prev.Epoch != s.Epoch) {
		q.closeClients()
	}
	if prev.State == quorum.Leading && s.State != quorum.Leading {
		q.learners, q.synced, q.pendingSyncs = map[int64]bool{}, map[int64]bool{}, 0
		q.owners = nil
		q.held = nil
		if q.spec > q.applied {
			m, err := machineAt(q.fs, q.snapDir, q.rt.Log(), q.applied)
			if err != nil {
				return fmt.Errorf("server: going back to the committed state: %w", err)
			}
			q.load(m)
		}
		q.spec = q.applied
	}
	if s.State == quorum.Leading && s.Serving && !(prev.State == quorum.Leading && prev.Serving) {
		// SessionTrackerImpl on a new leader: every known session gets a
		// full timeout from now to be touched.
		now := q.c.nowMs()
		t := session.NewTracker(q.s.cfg.TickTime.Milliseconds())
		for _, id := range q.c.sessions.IDs() {
			if to, ok := q.c.sessions.Timeout(id); ok && !q.c.sessions.Closing(id) {
				t.Add(id, to, now)
			}
		}
		q.c.sessions = t
	}
	return nil
}

// load replaces the state machine.
func (q *quorumPeer) load(m *machine) {
	c := q.c
	c.tree = m.Tree
	t := session.NewTracker(q.s.cfg.TickTime.Milliseconds())
	now := c.nowMs()
	for id, to := range m.Sessions {
		t.Add(id, to, now)
	}
	c.sessions = t
	q.applied, q.spec = m.Zxid, m.Zxid
	c.lastZxid = m.Zxid
}

// snapData is the state machine at zxid in snapshot format: the live tree
// when it is exactly there, or one rebuilt from disk when the leader's
// tree has run ahead of commit.
func (q *quorumPeer) snapData(zxid int64) ([]byte, error) {
	if q.spec == zxid && q.applied == zxid {
		sessions := map[int64]int32{}
		for _, id := range q.c.sessions.IDs() {
			if to, ok := q.c.sessions.Timeout(id); ok {
				sessions[id] = to
			}
		}
		return encodeMachine(q.c.tree, sessions)
	}
	m, err := machineAt(q.fs, q.snapDir, q.rt.Log(), zxid)
	if err != nil {
		return nil, err
	}
	return encodeMachine(m.Tree, m.Sessions)
}

// applyCommitted applies one committed txn. On the leader, a txn it
// executed itself is already in the tree; only its bookkeeping is left.
func (q *quorumPeer) applyCommitted(e zab.Entry) {
	c := q.c
	txn := e.Txn
	if q.leading() && e.Zxid <= q.spec {
		if txn.Header.Type == proto.OpCloseSession {
			c.sessions.Remove(txn.Header.ClientID)
			delete(q.owners, txn.Header.ClientID)
		}
		q.applied = e.Zxid
		if q.trigger.Logged() {
			q.snapWanted = true
		}
		return
	}
	stats, events, err := c.tree.ApplyStats(txn)
	if err != nil {
		q.s.log.Debug("apply", "zxid", hex(e.Zxid), "err", err)
	}
	q.applied = e.Zxid
	if q.spec < q.applied {
		q.spec = q.applied
	}
	c.lastZxid = q.spec
	switch txn.Header.Type {
	case proto.OpCreateSession:
		if r, ok := txn.Record.(*proto.CreateSessionTxn); ok {
			c.sessions.Add(txn.Header.ClientID, r.TimeOut, c.nowMs())
		}
	case proto.OpCloseSession:
		c.sessions.Remove(txn.Header.ClientID)
	}
	c.fire(events)
	q.complete(txn, stats)
	if txn.Header.Type == proto.OpCloseSession {
		if cn := c.owner[txn.Header.ClientID]; cn != nil {
			// Expired by the leader (or closed elsewhere): this server's
			// connection for it goes.
			q.c.closeConn(cn)
		}
	}
	if q.trigger.Logged() {
		q.snapWanted = true
	}
}

// maybeSnapshot has the runtime write a snapshot of the committed state
// when one is due (snapCount) and the tree holds nothing uncommitted; the
// runtime then lets the Peer forget the log it covers and purges old
// files. It returns false if the disk failed.
func (q *quorumPeer) maybeSnapshot() bool {
	if !q.snapWanted || q.spec != q.applied {
		return true
	}
	done, err := q.rt.Compact()
	if err != nil {
		q.s.fail(err)
		return false
	}
	if done {
		q.snapWanted = false
		q.s.log.Info("snapshot written", "zxid", hex(q.applied))
	}
	return true
}

// execute runs a write on the leader's tree at the next zxid and proposes
// its txn (failed writes too: they take a zxid). It returns false if this
// member cannot propose now.
func (q *quorumPeer) execute(hdr proto.TxnHeader, auth []proto.Id, rec proto.Record) bool {
	res, ok := q.executeResult(hdr, auth, rec, nil)
	_ = res
	return ok
}

// executeResult is execute returning the Result (for the leader's own
// clients' replies). pre, when non-nil, is a failure found before Execute
// (session expired, undecodable body): it becomes an error txn.
func (q *quorumPeer) executeResult(hdr proto.TxnHeader, auth []proto.Id, rec proto.Record, pre error) (znode.Result, bool) {
	c := q.c
	z, err := q.rt.Peer.NextZxid()
	if err != nil {
		return znode.Result{}, false
	}
	hdr.Zxid, hdr.Time = z, c.nowMs()
	var res znode.Result
	switch {
	case pre != nil:
		res = znode.Result{Txn: errorTxn(hdr, pre), Err: pre}
	case hdr.Type == proto.OpCloseSession:
		c.sessions.SetClosing(hdr.ClientID)
		res = c.tree.Execute(znode.Request{Header: hdr})
	default:
		res = c.tree.Execute(znode.Request{Header: hdr, Auth: auth, Record: rec})
		if res.Txn.Record == nil {
			res.Txn = errorTxn(hdr, res.Err)
		}
	}
	q.spec = z
	c.lastZxid = z
	if _, err := q.rt.Peer.Propose(res.Txn); err != nil {
		q.s.log.Warn("propose failed", "zxid", hex(z), "err", err)
		return res, false
	}
	c.fire(res.Events)
	return res, true
}

// forwardedRequest: the leader executes a follower's client write.
func (q *quorumPeer) forwardedRequest(r zab.Request) {
	var f forwarded
	if err := proto.Decode(r.Data, &f); err != nil {
		q.s.log.Warn("bad forwarded request", "from", r.From, "err", err)
		return
	}
	if f.Type == opRevalidate {
		q.revalidate(f.Session, r.From)
		return
	}
	c := q.c
	hdr := proto.TxnHeader{ClientID: f.Session, Cxid: f.Cxid, Type: f.Type}
	rec, pre := f.record()
	pre = c.checkCreateSession(f.Type, f.Session, pre)
	if pre == nil && f.Type != proto.OpCreateSession {
		if _, known := c.sessions.Timeout(f.Session); !known || c.sessions.Closing(f.Session) {
			pre = sessionExpired
		}
	}
	if pre == nil && f.Type != proto.OpCreateSession && f.Type != proto.OpCloseSession {
		pre = q.checkOwner(f.Session, r.From)
	}
	if _, ok := q.executeResult(hdr, f.Auth, rec, pre); !ok {
		return
	}
	if pre == nil && f.Type == proto.OpCreateSession {
		c.sessions.Add(f.Session, rec.(*proto.CreateSessionTxn).TimeOut, c.nowMs())
		q.setOwner(f.Session, r.From)
	}
}

// complete answers the follower's client whose forwarded write this
// committed txn is.
func (q *quorumPeer) complete(txn proto.Txn, stats []proto.Stat) {
	key := reqKey{txn.Header.ClientID, txn.Header.Cxid}
	cn := q.waitW[key]
	if cn == nil {
		return
	}
	delete(q.waitW, key)
	if cn.gone {
		return
	}
	c := q.c
	if cn.pendingConnect != nil {
		resp := cn.pendingConnect
		cn.pendingConnect = nil
		if txn.Header.Type != proto.OpCreateSession {
			q.c.closeConn(cn)
			return
		}
		q.c.established(cn, resp)
		q.c.drain(cn)
		return
	}
	if len(cn.pend) == 0 || !cn.pend[0].fwd || cn.pend[0].sync || cn.pend[0].hdr.Xid != txn.Header.Cxid {
		// Commits of a connection's forwarded writes come back in the
		// order they were sent; anything else is a broken invariant of
		// this runtime. Drop the client rather than answer out of order.
		q.s.log.Error("commit does not match the connection's oldest forwarded write", "cxid", txn.Header.Cxid)
		q.c.closeConn(cn)
		return
	}
	cn.pend = cn.pend[1:]
	if isSessionMoved(txn) {
		// The client moved to another member: this connection is stale.
		// Closed without a reply, as ZooKeeper's FinalRequestProcessor does.
		q.c.closeConn(cn)
		return
	}
	resp, err := replyOf(txn, stats)
	c.reply(cn, txn.Header.Cxid, err, resp)
	if txn.Header.Type == proto.OpCloseSession {
		q.c.closeConn(cn)
		return
	}
	q.c.drain(cn)
}

func (q *quorumPeer) syncDone(id int64) {
	if cn := q.waitRV[id]; cn != nil {
		// The leader has taken this member as the session's owner.
		delete(q.waitRV, id)
		if resp := cn.pendingConnect; !cn.gone && resp != nil {
			cn.pendingConnect = nil
			q.c.established(cn, resp)
		}
		return
	}
	cn := q.waitS[id]
	if cn == nil {
		return
	}
	delete(q.waitS, id)
	if cn.gone {
		return
	}
	if len(cn.pend) == 0 || !cn.pend[0].sync || cn.pend[0].syncID != id {
		q.s.log.Error("sync does not match the connection's oldest request", "id", id)
		q.c.closeConn(cn)
		return
	}
	p := cn.pend[0]
	cn.pend = cn.pend[1:]
	q.c.reply(cn, p.hdr.Xid, nil, &proto.SyncResponse{Path: p.path})
	q.c.drain(cn)
}

// sendPacket puts one packet on the wire (quorumpeer.Config.Send),
// keeping the leader's mntr counts.
func (q *quorumPeer) sendPacket(m zab.Packet) {
	if q.leading() {
		switch m.Type {
		case quorum.UpToDate:
			q.synced[m.To] = true
		case quorum.Sync:
			q.pendingSyncs = max(0, q.pendingSyncs-1)
		}
	}
	q.tr.Send(q.gens[m.To], m)
}
