package picture

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
)

// Tree reads one znode for the page's tree browser.
type Tree interface {
	Znode(ctx context.Context, path string) (Znode, error)
}

// ClientTree reads znodes the way any client does: through one session
// of its own, opened on the first read and connected to any of Addrs.
// That session shows in cons (the page marks it) and, like every client,
// reads the copy of the server it is connected to.
type ClientTree struct {
	Addrs func() []string

	mu   sync.Mutex
	conn *client.Conn
}

// Session is the tree's session id, 0 before the first read.
func (t *ClientTree) Session() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn == nil {
		return 0
	}
	return t.conn.SessionID()
}

func (t *ClientTree) client() (*client.Conn, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn != nil {
		select {
		case <-t.conn.Done(): // expired or closed: open another
			t.conn = nil
		default:
			return t.conn, nil
		}
	}
	c, err := client.Connect(t.Addrs(), 10*time.Second)
	if err != nil {
		return nil, err
	}
	t.conn = c
	return c, nil
}

// Znode reads path's data, Stat and children.
func (t *ClientTree) Znode(ctx context.Context, path string) (Znode, error) {
	c, err := t.client()
	if err != nil {
		return Znode{}, err
	}
	data, st, err := c.Get(ctx, path)
	if err != nil {
		return Znode{}, err
	}
	kids, _, err := c.Children(ctx, path)
	if err != nil {
		return Znode{}, err
	}
	return BuildZnode(path, data, st, kids, c.Server()), nil
}

// Close ends the tree's session.
func (t *ClientTree) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn == nil {
		return nil
	}
	err := t.conn.Close()
	t.conn = nil
	return err
}

// BuildZnode is a read's answer as the page shows it.
func BuildZnode(path string, data []byte, st proto.Stat, children []string, server string) Znode {
	kids := append([]string{}, children...)
	sort.Strings(kids) // the server returns children unsorted
	z := Znode{Path: path, Children: kids, Server: server, Watches: []ZnodeWatch{}, Stat: ZStat{
		Czxid: hex(st.Czxid), Mzxid: hex(st.Mzxid), Pzxid: hex(st.Pzxid),
		Ctime: st.Ctime, Mtime: st.Mtime, Version: st.Version, Cversion: st.Cversion, Aversion: st.Aversion,
		EphemeralOwner: hex(st.EphemeralOwner), DataLength: st.DataLength, NumChildren: st.NumChildren,
	}}
	if utf8.Valid(data) {
		z.Data = string(data)
	} else {
		z.Binary = true
		const digits = "0123456789abcdef"
		b := make([]byte, 0, 3*len(data))
		for i, c := range data {
			if i > 0 {
				b = append(b, ' ')
			}
			b = append(b, digits[c>>4], digits[c&15])
		}
		z.Data = string(b)
	}
	return z
}

// WatchesOn lists the sessions watching path, per server, from a State.
func WatchesOn(zk *ZooKeeper, path string) []ZnodeWatch {
	out := []ZnodeWatch{}
	if zk == nil {
		return out
	}
	for _, s := range zk.Servers {
		for _, w := range s.WatchedPaths {
			if w.Path != path {
				continue
			}
			for _, sess := range w.Sessions {
				out = append(out, ZnodeWatch{Server: s.ID, Session: sess})
			}
		}
	}
	return out
}

var errNoTree = errors.New("this stage runs no ZooKeeper")
