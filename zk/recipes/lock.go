package recipes

import (
	"context"
	"errors"

	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
)

// ErrNotLocked is returned by Unlock when the lock is not held.
var ErrNotLocked = errors.New("recipes: not locked")

// Lock is an exclusive lock under a directory (the "Locks" recipe):
//
//  1. create DIR/_c_<guid>-lock- with EPHEMERAL|SEQUENTIAL;
//  2. getChildren(DIR) without a watch;
//  3. if our node has the lowest sequence number, we hold the lock;
//  4. else exists(next-lower node, watch): if it is gone go to 2, else
//     wait for its event, then go to 2;
//  5. unlock by deleting our node.
//
// A Lock is used by one goroutine at a time.
type Lock struct {
	q *queue
}

// NewLock returns a lock on dir (created if missing). A nil acl means
// world:anyone:cdrwa.
func NewLock(c *client.Conn, dir string, acl []proto.ACL) *Lock {
	return &Lock{q: newQueue(c, dir, "lock-", acl)}
}

// Lock blocks until the lock is held or ctx ends (then our node is deleted
// and ctx's error returned).
func (l *Lock) Lock(ctx context.Context) error {
	if l.q.node != "" {
		return errors.New("recipes: already locked")
	}
	if err := l.q.join(ctx, nil); err != nil {
		return err
	}
	if err := l.q.waitFirst(ctx); err != nil {
		// Leave with a fresh context: ctx may be the reason we stop.
		l.q.leave(context.WithoutCancel(ctx))
		return err
	}
	return nil
}

// Unlock releases the lock.
func (l *Lock) Unlock(ctx context.Context) error {
	if l.q.node == "" {
		return ErrNotLocked
	}
	return l.q.leave(ctx)
}

// Node is our node's path while locked, "" otherwise.
func (l *Lock) Node() string {
	if l.q.node == "" {
		return ""
	}
	return l.q.dir + "/" + l.q.node
}
