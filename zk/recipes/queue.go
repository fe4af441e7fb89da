package recipes

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// ErrNodeLost means our queue node disappeared while we waited: our
// session expired, or someone deleted it.
var ErrNodeLost = errors.New("recipes: our node disappeared (session expired?)")

// queue is the ephemeral-sequential queue under a directory that both Lock
// and Election stand in: join, wait to be first, leave.
type queue struct {
	c      *client.Conn
	dir    string
	prefix string // "_c_<guid>-lock-" or "_c_<guid>-n_"
	acl    []proto.ACL
	node   string // our node's name (not path), "" when not queued
}

func newQueue(c *client.Conn, dir, kind string, acl []proto.ACL) *queue {
	var g [16]byte
	rand.Read(g[:])
	return &queue{c: c, dir: strings.TrimSuffix(dir, "/"), prefix: "_c_" + hex.EncodeToString(g[:]) + "-" + kind, acl: acl}
}

// join creates our node (step 1), surviving a lost reply: after a
// connection loss the create may or may not have happened, so we look for
// a child carrying our guid before trying again.
func (q *queue) join(ctx context.Context, data []byte) error {
	if err := ensurePath(ctx, q.c, q.dir); err != nil {
		return err
	}
	for {
		p, err := q.c.Create(ctx, q.dir+"/"+q.prefix, data, proto.ModeEphemeralSequential, q.acl)
		if err == nil {
			q.node = p[strings.LastIndexByte(p, '/')+1:]
			return nil
		}
		if !errors.Is(err, zkerr.ConnectionLoss) {
			return err
		}
		children, _, err := q.c.Children(ctx, q.dir)
		if err != nil && !errors.Is(err, zkerr.ConnectionLoss) {
			return err
		}
		for _, ch := range children {
			if strings.HasPrefix(ch, q.prefix) {
				q.node = ch
				return nil
			}
		}
	}
}

// waitFirst blocks until our node is the lowest in the queue (steps 2–4).
func (q *queue) waitFirst(ctx context.Context) error {
	for {
		children, _, err := q.c.Children(ctx, q.dir) // no watch: no herd
		if err != nil {
			return err
		}
		sorted := bySequence(children)
		i := sort.SearchStrings(seqKeys(sorted), seqKey(q.node))
		if i == len(sorted) || sorted[i] != q.node {
			return ErrNodeLost
		}
		if i == 0 {
			return nil
		}
		ok, _, ev, err := q.c.ExistsW(ctx, q.dir+"/"+sorted[i-1])
		if err != nil {
			return err
		}
		if !ok {
			continue // it went away between the two calls: look again
		}
		select {
		case <-ev:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// leave deletes our node (step 5).
func (q *queue) leave(ctx context.Context) error {
	if q.node == "" {
		return nil
	}
	err := q.c.Delete(ctx, q.dir+"/"+q.node, -1)
	if err == nil || errors.Is(err, zkerr.NoNode) {
		q.node = ""
		return nil
	}
	return err
}

// seqKey sorts queue nodes by their 10-digit sequence suffix (the guid
// prefixes differ between contenders and must not decide the order). A
// name without a valid suffix sorts last.
func seqKey(name string) string {
	if len(name) >= 10 {
		if _, err := strconv.ParseUint(name[len(name)-10:], 10, 32); err == nil {
			return name[len(name)-10:] + "/" + name
		}
	}
	return "~" + name
}

func bySequence(names []string) []string {
	out := append([]string(nil), names...)
	sort.Slice(out, func(i, j int) bool { return seqKey(out[i]) < seqKey(out[j]) })
	return out
}

func seqKeys(names []string) []string {
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = seqKey(n)
	}
	return keys
}

// ensurePath creates dir and its missing parents as persistent nodes.
func ensurePath(ctx context.Context, c *client.Conn, dir string) error {
	if dir == "" || dir == "/" {
		return nil
	}
	ok, _, err := c.Exists(ctx, dir)
	if err != nil || ok {
		return err
	}
	parts := strings.Split(strings.TrimPrefix(dir, "/"), "/")
	p := ""
	for _, part := range parts {
		p += "/" + part
		_, err := c.Create(ctx, p, nil, proto.ModePersistent, nil)
		if err != nil && !errors.Is(err, zkerr.NodeExists) {
			return fmt.Errorf("recipes: creating %s: %w", p, err)
		}
	}
	return nil
}
