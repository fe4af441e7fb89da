package recipes

import (
	"context"
	"errors"

	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// ErrNoLeader is returned by Leader when nobody is campaigning.
var ErrNoLeader = errors.New("recipes: no leader")

// Election is leader election (the "Leader Election" recipe): each
// candidate creates DIR/_c_<guid>-n_NNNNNNNNNN (EPHEMERAL|SEQUENTIAL) with
// its identity as data; the smallest sequence number leads; each other
// candidate watches only its immediate predecessor, and when that node
// goes, checks whether it is now the smallest. When the leader's session
// dies its node vanishes and the next candidate takes over.
//
// (Kafka's controller does not use this recipe: it races to create one
// ephemeral /controller node. See the chapter 8 docs.)
type Election struct {
	q *queue
}

// NewElection returns a candidate in the election under dir.
func NewElection(c *client.Conn, dir string, acl []proto.ACL) *Election {
	return &Election{q: newQueue(c, dir, "n_", acl)}
}

// Campaign joins the election with data (e.g. our address) and blocks
// until we lead or ctx ends (then we withdraw).
func (e *Election) Campaign(ctx context.Context, data []byte) error {
	if e.q.node != "" {
		return errors.New("recipes: already campaigning")
	}
	if err := e.q.join(ctx, data); err != nil {
		return err
	}
	if err := e.q.waitFirst(ctx); err != nil {
		e.q.leave(context.WithoutCancel(ctx))
		return err
	}
	return nil
}

// Resign gives up leadership (or withdraws the candidacy).
func (e *Election) Resign(ctx context.Context) error { return e.q.leave(ctx) }

// Leader returns the current leader's data.
func (e *Election) Leader(ctx context.Context) ([]byte, error) {
	for {
		children, _, err := e.q.c.Children(ctx, e.q.dir)
		if errors.Is(err, zkerr.NoNode) {
			return nil, ErrNoLeader
		}
		if err != nil {
			return nil, err
		}
		if len(children) == 0 {
			return nil, ErrNoLeader
		}
		first := bySequence(children)[0]
		data, _, err := e.q.c.Get(ctx, e.q.dir+"/"+first)
		if errors.Is(err, zkerr.NoNode) {
			continue // the leader just left: look again
		}
		return data, err
	}
}
