package client

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// do sends a request and waits for its reply. If ctx ends first, do
// returns ctx.Err(); a request already written is still answered by the
// server (and its reply discarded) — cancelling cannot unsend a write.
func (c *Conn) do(ctx context.Context, req *request) error {
	select {
	case c.sendq <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-c.dead:
		return c.deadErr()
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func aclOrOpen(acl []proto.ACL) []proto.ACL {
	if len(acl) == 0 {
		return proto.OpenACLUnsafe
	}
	return acl
}

// Create creates a node and returns its path (with the sequence suffix for
// sequential modes). A nil acl means world:anyone:cdrwa (OpenACLUnsafe).
// Containers are created with createContainer (19). TTL modes need
// CreateTTL.
func (c *Conn) Create(ctx context.Context, path string, data []byte, mode proto.CreateMode, acl []proto.ACL) (string, error) {
	if mode.Container() {
		p, _, err := c.Create2(ctx, path, data, mode, acl)
		return p, err
	}
	if mode.TTL() || !mode.Valid() {
		return "", zkerr.BadArguments
	}
	var resp proto.CreateResponse
	req := newRequest(proto.OpCreate, &proto.CreateRequest{Path: c.serverPath(path), Data: data, ACL: aclOrOpen(acl), Flags: mode}, &resp)
	if err := c.do(ctx, req); err != nil {
		return "", err
	}
	return c.clientPath(resp.Path), nil
}

// Create2 is Create that also returns the new node's Stat (create2, 15).
func (c *Conn) Create2(ctx context.Context, path string, data []byte, mode proto.CreateMode, acl []proto.ACL) (string, proto.Stat, error) {
	if mode.TTL() || !mode.Valid() {
		return "", proto.Stat{}, zkerr.BadArguments
	}
	op := proto.OpCreate2
	if mode.Container() {
		op = proto.OpCreateContainer
	}
	var resp proto.Create2Response
	req := newRequest(op, &proto.CreateRequest{Path: c.serverPath(path), Data: data, ACL: aclOrOpen(acl), Flags: mode}, &resp)
	if err := c.do(ctx, req); err != nil {
		return "", proto.Stat{}, err
	}
	return c.clientPath(resp.Path), resp.Stat, nil
}

// CreateTTL creates a node that the server deletes once it has had no
// children and no change for ttl (createTTL, 21). mode must be
// ModePersistentWithTTL or ModePersistentSequentialWithTTL. Servers reject
// it with UNIMPLEMENTED unless zookeeper.extendedTypesEnabled is set.
func (c *Conn) CreateTTL(ctx context.Context, path string, data []byte, mode proto.CreateMode, acl []proto.ACL, ttl time.Duration) (string, proto.Stat, error) {
	if !mode.TTL() || ttl <= 0 {
		return "", proto.Stat{}, zkerr.BadArguments
	}
	var resp proto.Create2Response
	req := newRequest(proto.OpCreateTTL, &proto.CreateTTLRequest{
		Path: c.serverPath(path), Data: data, ACL: aclOrOpen(acl), Flags: mode, TTL: ttl.Milliseconds()}, &resp)
	if err := c.do(ctx, req); err != nil {
		return "", proto.Stat{}, err
	}
	return c.clientPath(resp.Path), resp.Stat, nil
}

// Delete deletes a node if its version matches (-1 matches any).
func (c *Conn) Delete(ctx context.Context, path string, version int32) error {
	return c.do(ctx, newRequest(proto.OpDelete, &proto.DeleteRequest{Path: c.serverPath(path), Version: version}, nil))
}

// Exists reports whether a node exists, with its Stat if it does.
func (c *Conn) Exists(ctx context.Context, path string) (bool, proto.Stat, error) {
	ok, st, _, err := c.exists(ctx, path, false)
	return ok, st, err
}

// ExistsW is Exists that also leaves a one-shot watch: NodeDataChanged or
// NodeDeleted if the node exists, NodeCreated if it does not. The channel
// receives one event and is then closed.
func (c *Conn) ExistsW(ctx context.Context, path string) (bool, proto.Stat, <-chan Event, error) {
	return c.exists(ctx, path, true)
}

func (c *Conn) exists(ctx context.Context, path string, watch bool) (bool, proto.Stat, <-chan Event, error) {
	var resp proto.StatResponse
	path = c.serverPath(path)
	req := newRequest(proto.OpExists, &proto.PathWatchRequest{Path: path, Watch: watch}, &resp)
	if watch {
		req.watch = newOneShot(kindData, path)
	}
	err := c.do(ctx, req)
	var ch <-chan Event
	if watch && (err == nil || errors.Is(err, zkerr.NoNode)) {
		ch = req.watch.ch
	}
	switch {
	case err == nil:
		return true, resp.Stat, ch, nil
	case errors.Is(err, zkerr.NoNode):
		return false, proto.Stat{}, ch, nil
	}
	return false, proto.Stat{}, nil, err
}

// Get returns a node's data and Stat.
func (c *Conn) Get(ctx context.Context, path string) ([]byte, proto.Stat, error) {
	data, st, _, err := c.get(ctx, path, false)
	return data, st, err
}

// GetW is Get that also leaves a one-shot data watch (NodeDataChanged or
// NodeDeleted).
func (c *Conn) GetW(ctx context.Context, path string) ([]byte, proto.Stat, <-chan Event, error) {
	return c.get(ctx, path, true)
}

func (c *Conn) get(ctx context.Context, path string, watch bool) ([]byte, proto.Stat, <-chan Event, error) {
	var resp proto.GetDataResponse
	path = c.serverPath(path)
	req := newRequest(proto.OpGetData, &proto.PathWatchRequest{Path: path, Watch: watch}, &resp)
	if watch {
		req.watch = newOneShot(kindData, path)
	}
	if err := c.do(ctx, req); err != nil {
		return nil, proto.Stat{}, nil, err
	}
	if watch {
		return resp.Data, resp.Stat, req.watch.ch, nil
	}
	return resp.Data, resp.Stat, nil, nil
}

// Set replaces a node's data if its version matches (-1 matches any).
func (c *Conn) Set(ctx context.Context, path string, data []byte, version int32) (proto.Stat, error) {
	var resp proto.StatResponse
	err := c.do(ctx, newRequest(proto.OpSetData, &proto.SetDataRequest{Path: c.serverPath(path), Data: data, Version: version}, &resp))
	return resp.Stat, err
}

// Children returns a node's children and Stat (getChildren2, 12). The
// names come in the server's order, which is unspecified (a hash set in
// Java's DataNode): sort them if order matters.
func (c *Conn) Children(ctx context.Context, path string) ([]string, proto.Stat, error) {
	ch, st, _, err := c.children(ctx, path, false)
	return ch, st, err
}

// ChildrenW is Children that also leaves a one-shot child watch
// (NodeChildrenChanged or NodeDeleted).
func (c *Conn) ChildrenW(ctx context.Context, path string) ([]string, proto.Stat, <-chan Event, error) {
	return c.children(ctx, path, true)
}

func (c *Conn) children(ctx context.Context, path string, watch bool) ([]string, proto.Stat, <-chan Event, error) {
	var resp proto.Children2Response
	path = c.serverPath(path)
	req := newRequest(proto.OpGetChildren2, &proto.PathWatchRequest{Path: path, Watch: watch}, &resp)
	if watch {
		req.watch = newOneShot(kindChild, path)
	}
	if err := c.do(ctx, req); err != nil {
		return nil, proto.Stat{}, nil, err
	}
	if resp.Children == nil {
		resp.Children = []string{}
	}
	if watch {
		return resp.Children, resp.Stat, req.watch.ch, nil
	}
	return resp.Children, resp.Stat, nil, nil
}

// GetACL returns a node's ACL and Stat.
func (c *Conn) GetACL(ctx context.Context, path string) ([]proto.ACL, proto.Stat, error) {
	var resp proto.GetACLResponse
	err := c.do(ctx, newRequest(proto.OpGetACL, &proto.PathRequest{Path: c.serverPath(path)}, &resp))
	return resp.ACL, resp.Stat, err
}

// SetACL replaces a node's ACL if its aversion matches (-1 matches any).
func (c *Conn) SetACL(ctx context.Context, path string, acl []proto.ACL, version int32) (proto.Stat, error) {
	var resp proto.StatResponse
	err := c.do(ctx, newRequest(proto.OpSetACL, &proto.SetACLRequest{Path: c.serverPath(path), ACL: acl, Version: version}, &resp))
	return resp.Stat, err
}

// Sync waits until the server we are connected to has applied every write
// the leader committed before the sync: a read after Sync sees them. (Sync
// is not a quorum operation; docs/reference/zookeeper.md §5.)
func (c *Conn) Sync(ctx context.Context, path string) (string, error) {
	var resp proto.SyncResponse
	err := c.do(ctx, newRequest(proto.OpSync, &proto.PathRequest{Path: c.serverPath(path)}, &resp))
	if err != nil {
		return "", err
	}
	return c.clientPath(resp.Path), nil
}

// GetEphemerals lists the session's ephemeral nodes whose path starts with
// prefix ("/" for all) (getEphemerals, 103).
func (c *Conn) GetEphemerals(ctx context.Context, prefix string) ([]string, error) {
	var resp proto.ChildrenResponse
	err := c.do(ctx, newRequest(proto.OpGetEphemerals, &proto.PathRequest{Path: c.serverPath(prefix)}, &resp))
	if err != nil {
		return nil, err
	}
	if c.chroot == "" {
		return resp.Children, nil
	}
	// The server matches the prefix as a string, so "/kafka" also matches
	// "/kafka2/x": keep only the paths inside the chroot.
	out := resp.Children[:0]
	for _, p := range resp.Children {
		if p == c.chroot || strings.HasPrefix(p, c.chroot+"/") {
			out = append(out, c.clientPath(p))
		}
	}
	return out, nil
}

// GetAllChildrenNumber counts all the descendants of a node (104).
func (c *Conn) GetAllChildrenNumber(ctx context.Context, path string) (int32, error) {
	var resp proto.AllChildrenNumberResponse
	err := c.do(ctx, newRequest(proto.OpGetAllChildrenNum, &proto.PathRequest{Path: c.serverPath(path)}, &resp))
	return resp.TotalNumber, err
}

// WhoAmI returns the identities the server has authenticated for this
// session (whoAmI, 107).
func (c *Conn) WhoAmI(ctx context.Context) ([]proto.ClientInfo, error) {
	var resp proto.WhoAmIResponse
	err := c.do(ctx, newRequest(proto.OpWhoAmI, &proto.Empty{}, &resp))
	return resp.ClientInfo, err
}

// AddWatch leaves a persistent watch on path (addWatch, 106): it is not
// removed when it fires. A recursive watch also fires for every node below
// path, except NodeChildrenChanged. The channel delivers events in order
// with no bound on how many may queue; it ends (with a final event) when
// the session ends. Read it until it is closed.
func (c *Conn) AddWatch(ctx context.Context, path string, recursive bool) (<-chan Event, error) {
	mode, kind := proto.AddWatchPersistent, kindPersistent
	if recursive {
		mode, kind = proto.AddWatchPersistentRecursive, kindRecursive
	}
	// The reply body is an ErrorResponse{0}; nil resp ignores it, so a
	// server that sends no body is accepted too.
	path = c.serverPath(path)
	req := newRequest(proto.OpAddWatch, &proto.AddWatchRequest{Path: path, Mode: mode}, nil)
	mb := newMailbox()
	req.watch = &watcher{kind: kind, path: path, mb: mb}
	if err := c.do(ctx, req); err != nil {
		// Not registered (or, if ctx ended, nobody will read it): end
		// the mailbox so its goroutine exits.
		mb.close(nil)
		return nil, err
	}
	return mb.out, nil
}

// AddAuth authenticates the session (auth, 100; e.g. scheme "digest", auth
// "user:password"). On success the client remembers it and resends it on
// every reconnect, before any other request. The server closes the
// connection after AUTHFAILED; the session survives and reconnects.
func (c *Conn) AddAuth(ctx context.Context, scheme string, auth []byte) error {
	return c.do(ctx, newRequest(proto.OpAuth, &proto.AuthPacket{Type: 0, Scheme: scheme, Auth: auth}, nil))
}
