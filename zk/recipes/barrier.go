package recipes

import (
	"context"
	"errors"

	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// Barrier holds processes back while a node exists (the "Barriers"
// recipe): Set creates it, Remove deletes it, Wait calls exists(node,
// watch) and waits for NodeDeleted until the node is gone.
type Barrier struct {
	c    *client.Conn
	path string
}

// NewBarrier returns a barrier on path.
func NewBarrier(c *client.Conn, path string) *Barrier { return &Barrier{c: c, path: path} }

// Set raises the barrier (it is fine if it is already up).
func (b *Barrier) Set(ctx context.Context) error {
	_, err := b.c.Create(ctx, b.path, nil, proto.ModePersistent, nil)
	if errors.Is(err, zkerr.NodeExists) {
		return nil
	}
	return err
}

// Remove lowers the barrier.
func (b *Barrier) Remove(ctx context.Context) error {
	err := b.c.Delete(ctx, b.path, -1)
	if errors.Is(err, zkerr.NoNode) {
		return nil
	}
	return err
}

// Wait blocks until the barrier is down or ctx ends.
func (b *Barrier) Wait(ctx context.Context) error {
	for {
		ok, _, ev, err := b.c.ExistsW(ctx, b.path)
		if err != nil || !ok {
			return err
		}
		select {
		case <-ev:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
