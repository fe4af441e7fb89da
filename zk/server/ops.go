package server

import (
	"errors"
	"net"
	"strings"

	"github.com/zkafka/zkafka/zk/acl"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/watch"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/znode"
)

func hostOf(addr string) string {
	h, _, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	return h
}

// reply queues a reply carrying the current zxid.
func (c *core) reply(cn *conn, xid int32, err error, body proto.Record) {
	code := zkerr.CodeOf(err)
	var zc zkerr.Code
	if err != nil && !errors.As(err, &zc) {
		// Not a ZooKeeper code: a bug, or a lab's unfinished code. The
		// client only sees SYSTEMERROR, so say what really happened here.
		c.s.log.Warn("request failed with an error that is not a ZooKeeper code; replying SYSTEMERROR", "xid", xid, "err", err)
	}
	c.out(cn, replyFrame(xid, c.lastZxid, int32(code), body), false)
}

// auth adds the session's identity (xid -4 or any xid). A failure answers
// AUTHFAILED and closes, like the Java server.
func (c *core) auth(cn *conn, xid int32, p *proto.AuthPacket) {
	ids, err := acl.AddAuth(p.Scheme, p.Auth, c.s.cfg.SuperDigest)
	if err != nil {
		c.out(cn, replyFrame(xid, 0, int32(zkerr.AuthFailed), nil), false)
		c.closeConn(cn)
		return
	}
	for _, id := range ids {
		dup := false
		for _, have := range cn.auth {
			dup = dup || have == id
		}
		if !dup {
			cn.auth = append(cn.auth, id)
		}
	}
	c.out(cn, replyFrame(xid, 0, 0, nil), false)
}

// write executes a write on the tree, logs its txn (failed writes too:
// they take a zxid) and replies after the txn's fsync.
func (c *core) write(cn *conn, hdr proto.RequestHeader, rec proto.Record) {
	zxid := c.lastZxid + 1
	res := c.tree.Execute(znode.Request{
		Header: proto.TxnHeader{ClientID: cn.session, Cxid: hdr.Xid, Zxid: zxid, Time: c.nowMs(), Type: hdr.Type},
		Auth:   cn.auth,
		Record: rec,
	})
	if res.Txn.Record != nil {
		c.lastZxid = zxid
		c.logTxn(res.Txn)
	}
	c.fire(res.Events)
	c.reply(cn, hdr.Xid, res.Err, res.Response)
}

// checkRead applies the read ACL check of op on path.
func (c *core) checkRead(cn *conn, op proto.OpCode, path string) error {
	perm, ok := acl.ReadPerm(op)
	if !ok {
		return nil
	}
	a, _, err := c.tree.GetACL(path)
	if err != nil {
		return err
	}
	if !acl.Check(a, perm, cn.auth) {
		return zkerr.NoAuth
	}
	return nil
}

// read answers a read from the tree, leaving watches as asked.
func (c *core) read(cn *conn, op proto.OpCode, rec proto.Record) (proto.Record, error) {
	w := watch.ID(cn.id)
	switch op {
	case proto.OpExists:
		r := rec.(*proto.PathWatchRequest)
		stat, err := c.tree.Exists(r.Path)
		// A missing node still gets the watch (DataTree.statNode).
		if r.Watch && (err == nil || errors.Is(err, zkerr.NoNode)) {
			c.watches.Add(r.Path, watch.Exist, w)
		}
		return &proto.StatResponse{Stat: stat}, err
	case proto.OpGetData:
		r := rec.(*proto.PathWatchRequest)
		if err := c.checkRead(cn, op, r.Path); err != nil {
			return nil, err
		}
		data, stat, err := c.tree.GetData(r.Path)
		if err != nil {
			return nil, err
		}
		if r.Watch {
			c.watches.Add(r.Path, watch.Data, w)
		}
		return &proto.GetDataResponse{Data: data, Stat: stat}, nil
	case proto.OpGetChildren, proto.OpGetChildren2:
		r := rec.(*proto.PathWatchRequest)
		if err := c.checkRead(cn, op, r.Path); err != nil {
			return nil, err
		}
		children, stat, err := c.tree.Children(r.Path)
		if err != nil {
			return nil, err
		}
		if r.Watch {
			c.watches.Add(r.Path, watch.Child, w)
		}
		if op == proto.OpGetChildren {
			return &proto.ChildrenResponse{Children: children}, nil
		}
		return &proto.Children2Response{Children: children, Stat: stat}, nil
	case proto.OpGetACL:
		r := rec.(*proto.PathRequest)
		if err := c.checkRead(cn, op, r.Path); err != nil {
			return nil, err
		}
		a, stat, err := c.tree.GetACL(r.Path)
		if err != nil {
			return nil, err
		}
		if !acl.Check(a, proto.PermAdmin, cn.auth) {
			a = acl.MaskDigests(a)
		}
		return &proto.GetACLResponse{ACL: a, Stat: stat}, nil
	case proto.OpGetEphemerals:
		prefix := rec.(*proto.PathRequest).Path
		out := []string{}
		for _, p := range c.tree.Ephemerals(cn.session) {
			if prefix == "" || prefix == "/" || strings.HasPrefix(p, prefix) {
				out = append(out, p)
			}
		}
		return &proto.ChildrenResponse{Children: out}, nil
	case proto.OpGetAllChildrenNum:
		r := rec.(*proto.PathRequest)
		if err := c.checkRead(cn, op, r.Path); err != nil {
			return nil, err
		}
		n, err := c.tree.AllChildrenNumber(r.Path)
		return &proto.AllChildrenNumberResponse{TotalNumber: n}, err
	case proto.OpCheckWatches, proto.OpRemoveWatches:
		r := rec.(*proto.WatchesRequest)
		var found bool
		if op == proto.OpCheckWatches {
			found = c.watches.Has(r.Path, r.Type, w)
		} else {
			found = c.watches.Remove(r.Path, r.Type, w)
		}
		if !found {
			return nil, zkerr.NoWatcher
		}
		return nil, nil
	case proto.OpSetWatches, proto.OpSetWatches2:
		var sw proto.SetWatches2
		if r, ok := rec.(*proto.SetWatches); ok {
			sw = proto.SetWatches2{RelativeZxid: r.RelativeZxid, Data: r.Data, Exist: r.Exist, Child: r.Child}
		} else {
			sw = *rec.(*proto.SetWatches2)
		}
		for _, d := range c.watches.SetWatches(c.tree, sw.RelativeZxid, sw, w) {
			c.out(cn, notificationFrame(d.Event), false)
		}
		return nil, nil
	case proto.OpAddWatch:
		r := rec.(*proto.AddWatchRequest)
		kind, err := watch.KindOfAddWatchMode(r.Mode)
		if err != nil {
			return nil, zkerr.BadArguments
		}
		c.watches.Add(r.Path, kind, w)
		return &proto.ErrorResponse{Err: 0}, nil
	case proto.OpMultiRead:
		return c.multiRead(cn, rec.(*proto.MultiRequest)), nil
	case proto.OpWhoAmI:
		resp := &proto.WhoAmIResponse{ClientInfo: []proto.ClientInfo{}}
		for _, id := range cn.auth {
			resp.ClientInfo = append(resp.ClientInfo, proto.ClientInfo{AuthScheme: id.Scheme, User: id.ID})
		}
		return resp, nil
	}
	return nil, zkerr.Unimplemented
}

// multiRead answers each read on its own; a failed one is an error result
// and the others still run (ZooKeeperServer.processMultiRead... in
// FinalRequestProcessor).
func (c *core) multiRead(cn *conn, m *proto.MultiRequest) *proto.MultiResponse {
	resp := &proto.MultiResponse{}
	for _, op := range m.Ops {
		var r proto.Record
		var err error
		switch op.Type {
		case proto.OpGetData, proto.OpGetChildren:
			r, err = c.read(cn, op.Type, op.Record)
		default:
			err = zkerr.BadArguments
		}
		if err != nil {
			resp.Results = append(resp.Results, proto.MultiResult{Type: proto.OpError, Err: int32(zkerr.CodeOf(err))})
			continue
		}
		resp.Results = append(resp.Results, proto.MultiResult{Type: op.Type, Record: r})
	}
	return resp
}
