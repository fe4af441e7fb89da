package main

import (
	"context"
	"errors"
	"net"
	"sync"
)

// cutter dials normally until cut, then closes every connection it made and
// refuses new ones: a client whose network is gone.
type cutter struct {
	mu    sync.Mutex
	dead  bool
	conns []net.Conn
}

func newCutter() *cutter { return &cutter{} }

func (c *cutter) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead {
		return nil, errors.New("network cut")
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err == nil {
		c.conns = append(c.conns, conn)
	}
	return conn, err
}

func (c *cutter) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dead = true
	for _, conn := range c.conns {
		conn.Close()
	}
}
