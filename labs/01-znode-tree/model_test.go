//go:build grade

package lab01_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/znode"
)

// model is a deliberately simple data tree: a map from path to node, no
// ACLs, no indexes. It states the rules once more, differently.
type model struct {
	nodes map[string]*mnode
}

type mnode struct {
	data string
	stat proto.Stat // NumChildren and DataLength are derived below
}

func newModel() *model {
	m := &model{nodes: map[string]*mnode{}}
	for _, p := range []string{"/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"} {
		m.nodes[p] = &mnode{}
	}
	m.nodes["/zookeeper/config"].stat.Aversion = -1
	return m
}

func parentOf(p string) string {
	i := strings.LastIndex(p, "/")
	if i == 0 {
		return "/"
	}
	return p[:i]
}

func (m *model) children(p string) []string {
	var out []string
	prefix := p + "/"
	if p == "/" {
		prefix = "/"
	}
	for q := range m.nodes {
		if q != "/" && parentOf(q) == p {
			out = append(out, strings.TrimPrefix(q, prefix))
		}
	}
	sort.Strings(out)
	return out
}

func (m *model) stat(p string) proto.Stat {
	n := m.nodes[p]
	s := n.stat
	s.DataLength = int32(len(n.data))
	s.NumChildren = int32(len(m.children(p)))
	// The model counts creates; clients see 2*creates - numChildren
	// (DataNode.copyStat: creates plus deletes).
	s.Cversion = 2*s.Cversion - s.NumChildren
	return s
}

// create returns the final path and the error code. Paths in this test
// are always valid and ACLs always open, so only these checks apply.
func (m *model) create(p, data string, mode proto.CreateMode, session, zxid int64) (string, zkerr.Code) {
	parent := m.nodes[parentOf(p)]
	if parent == nil {
		return "", zkerr.NoNode
	}
	if mode.Sequential() {
		p = fmt.Sprintf("%s%010d", p, parent.stat.Cversion)
	}
	if m.nodes[p] != nil {
		return "", zkerr.NodeExists
	}
	if parent.stat.EphemeralOwner != 0 {
		return "", zkerr.NoChildrenForEphemerals
	}
	parent.stat.Cversion++
	parent.stat.Pzxid = zxid
	owner := int64(0)
	if mode.Ephemeral() {
		owner = session
	}
	m.nodes[p] = &mnode{data: data, stat: proto.Stat{Czxid: zxid, Mzxid: zxid, Pzxid: zxid, Ctime: 1000 * zxid, Mtime: 1000 * zxid, EphemeralOwner: owner}}
	return p, zkerr.OK
}

func (m *model) delete(p string, version int32, zxid int64) zkerr.Code {
	parent := m.nodes[parentOf(p)]
	n := m.nodes[p]
	switch {
	case parent == nil || n == nil:
		return zkerr.NoNode
	case version != -1 && version != n.stat.Version:
		return zkerr.BadVersion
	case len(m.children(p)) > 0:
		return zkerr.NotEmpty
	}
	delete(m.nodes, p)
	parent.stat.Pzxid = zxid
	return zkerr.OK
}

func (m *model) setData(p, data string, version int32, zxid int64) zkerr.Code {
	n := m.nodes[p]
	switch {
	case n == nil:
		return zkerr.NoNode
	case version != -1 && version != n.stat.Version:
		return zkerr.BadVersion
	}
	n.data = data
	n.stat.Version++
	n.stat.Mzxid = zxid
	n.stat.Mtime = 1000 * zxid
	return zkerr.OK
}

func (m *model) closeSession(session, zxid int64) {
	for p, n := range m.nodes {
		if n.stat.EphemeralOwner == session {
			delete(m.nodes, p)
			m.nodes[parentOf(p)].stat.Pzxid = zxid
		}
	}
}

// TestRandomAgainstModel runs random sequences of creates (all four
// plain modes), deletes, setData and closeSession against the tree and the
// model, comparing every reply and, after every op, every node's Stat,
// children and data. On failure it prints the op sequence and the seed.
//
// Points: 12
// Reference: docs/reference/zookeeper.md §1.5; DataTree; PrepRequestProcessor
func TestRandomAgainstModel(t *testing.T) {
	r := sim.Rand(t)
	names := []string{"/a", "/b", "/a/b", "/a/c", "/b/a", "/a/b/c", "/a/s-", "/b/s-"}
	for round := 0; round < 30; round++ {
		s, m := newServer(), newModel()
		var history []string
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("round %d, after:\n  %s\n%s", round, strings.Join(history, "\n  "), fmt.Sprintf(format, args...))
		}
		for step := 0; step < 150; step++ {
			path := names[r.IntN(len(names))]
			session := int64(1 + r.IntN(3))
			version := int32(r.IntN(3)) - 1
			data := fmt.Sprint(r.IntN(1000))
			var got znode.Result
			var want zkerr.Code
			var wantPath string
			switch k := r.IntN(10); {
			case k < 4:
				mode := proto.CreateMode(r.IntN(4))
				history = append(history, fmt.Sprintf("session %d: create %s %q mode %d", session, path, data, mode))
				got = s.exec(session, proto.OpCreate, createReq(path, mode, data))
				wantPath, want = m.create(path, data, mode, session, s.zxid)
			case k < 6:
				history = append(history, fmt.Sprintf("delete %s version %d", path, version))
				got = s.exec(session, proto.OpDelete, &proto.DeleteRequest{Path: path, Version: version})
				want = m.delete(path, version, s.zxid)
			case k < 9:
				history = append(history, fmt.Sprintf("setData %s %q version %d", path, data, version))
				got = s.exec(session, proto.OpSetData, &proto.SetDataRequest{Path: path, Data: []byte(data), Version: version})
				want = m.setData(path, data, version, s.zxid)
			default:
				history = append(history, fmt.Sprintf("closeSession %d", session))
				got = s.exec(session, proto.OpCloseSession, nil)
				m.closeSession(session, s.zxid)
			}
			if zkerr.CodeOf(got.Err) != want {
				fail("got %v, want %v", got.Err, want)
			}
			if wantPath != "" {
				if r, isCreate := got.Response.(*proto.CreateResponse); !isCreate || r.Path != wantPath {
					fail("created %#v, want %s", got.Response, wantPath)
				}
			}
			compareModel(t, s, m, fail)
		}
	}
}

func compareModel(t *testing.T, s *server, m *model, fail func(string, ...any)) {
	t.Helper()
	if got, want := s.tree.NodeCount(), len(m.nodes)+1; got != want {
		fail("NodeCount = %d, want %d", got, want)
	}
	var size int64
	for p, n := range m.nodes {
		size += int64(len(p) + len(n.data))
		data, st, err := s.tree.GetData(p)
		if err != nil {
			fail("GetData(%s): %v", p, err)
		}
		if want := m.stat(p); st != want {
			fail("Stat(%s):\n got %s\nwant %s", p, fmtStat(st), fmtStat(want))
		}
		if string(data) != n.data {
			fail("GetData(%s) = %q, want %q", p, data, n.data)
		}
		kids, _, _ := s.tree.Children(p)
		if want := m.children(p); fmt.Sprint(kids) != fmt.Sprint(want) {
			fail("Children(%s) = %v, want %v", p, kids, want)
		}
	}
	if got := s.tree.ApproximateDataSize(); got != size {
		fail("ApproximateDataSize = %d, want %d", got, size)
	}
	for session := int64(1); session <= 3; session++ {
		var want []string
		for p, n := range m.nodes {
			if n.stat.EphemeralOwner == session {
				want = append(want, p)
			}
		}
		sort.Strings(want)
		if got := s.tree.Ephemerals(session); fmt.Sprint(got) != fmt.Sprint(want) {
			fail("Ephemerals(%d) = %v, want %v", session, got, want)
		}
	}
}
