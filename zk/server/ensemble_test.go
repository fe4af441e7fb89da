package server_test

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/zkafka/zkafka/zk/interop"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/server"
	"github.com/zkafka/zkafka/zk/server/cluster"
	"github.com/zkafka/zkafka/zk/zab/quorum"
	"github.com/zkafka/zkafka/zk/zkerr"
)

const ensTick = 50 * time.Millisecond

func startEnsemble(t *testing.T, n int) *cluster.Cluster {
	t.Helper()
	opts := cluster.Options{N: n, Dir: t.TempDir(), TickTime: ensTick, MaxSessionTimeout: 10 * time.Second}
	if os.Getenv("ZK_SERVER_LOG") != "" {
		opts.Logger = func(id int64) *slog.Logger {
			return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("sid", id)
		}
	}
	c, err := cluster.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if _, err := c.WaitServing(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	return c
}

func dialOne(t *testing.T, addr string) *zk.Conn {
	t.Helper()
	conn, _ := dialSession(t, addr)
	return conn
}

// dialSession connects to addr and waits for the session; the session
// follows the client's state from then on.
func dialSession(t *testing.T, addr string) (*zk.Conn, *interop.SessionWatch) {
	t.Helper()
	sess := interop.NewSessionWatch()
	conn, _, err := zk.Connect([]string{addr}, 4*time.Second, zk.WithLogger(nopLogger{}), zk.WithEventCallback(sess.Event))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)
	if !sess.Await(0, time.After(5*time.Second)) {
		t.Fatalf("no session with %s within 5s", addr)
	}
	return conn, sess
}

// TestEnsembleWritesEverywhere checks that writes sent to every member
// (the followers forward them to the leader) are applied on every member
// in one zxid order, that a read after sync sees them, and that srvr
// reports the members' modes.
//
// Reference: docs/reference/zookeeper.md §3 (broadcast), §5 (single system image, sync).
func TestEnsembleWritesEverywhere(t *testing.T) {
	c := startEnsemble(t, 3)
	var conns []*zk.Conn
	for _, addr := range c.Addrs() {
		conns = append(conns, dialOne(t, addr))
	}
	if _, err := conns[0].Create("/e", nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatal(err)
	}
	var zxids []int64
	for i := 0; i < 9; i++ {
		conn := conns[i%3]
		p, err := conn.Create(fmt.Sprintf("/e/n%d", i), []byte{byte(i)}, 0, zk.WorldACL(zk.PermAll))
		if err != nil {
			t.Fatalf("create via member %d: %v", i%3+1, err)
		}
		_, st, err := conn.Get(p)
		if err != nil {
			t.Fatalf("read-your-write via member %d: %v", i%3+1, err)
		}
		if len(zxids) > 0 && st.Czxid <= zxids[len(zxids)-1] {
			t.Fatalf("czxid %#x after %#x: writes are not in one order", st.Czxid, zxids[len(zxids)-1])
		}
		zxids = append(zxids, st.Czxid)
	}
	for i, conn := range conns {
		if _, err := conn.Sync("/e"); err != nil {
			t.Fatalf("sync on member %d: %v", i+1, err)
		}
		kids, _, err := conn.Children("/e")
		if err != nil || len(kids) != 9 {
			t.Fatalf("member %d after sync sees %v (%v), want 9 children", i+1, kids, err)
		}
		for j := range 9 {
			_, st, err := conn.Get(fmt.Sprintf("/e/n%d", j))
			if err != nil || st.Czxid != zxids[j] {
				t.Fatalf("member %d: /e/n%d czxid %#x (%v), want %#x", i+1, j, st.Czxid, err, zxids[j])
			}
		}
	}
	modes := map[string]int{}
	for _, addr := range c.Addrs() {
		out, err := fourLetter(addr, "srvr")
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(out, "\n") {
			if m, ok := strings.CutPrefix(l, "Mode: "); ok {
				modes[m]++
			}
		}
	}
	if modes["leader"] != 1 || modes["follower"] != 2 {
		t.Fatalf("srvr modes %v, want one leader and two followers", modes)
	}
}

// TestEnsembleLeaderFailover kills the leader: a new one is elected among
// the two others, the client's session moves to a live member, and no
// acknowledged write is lost; the old leader restarts and catches up.
//
// Reference: docs/reference/zookeeper.md §3 (FLE, discovery, synchronization); Zab paper
// §3.2 (agreement, primary integrity).
func TestEnsembleLeaderFailover(t *testing.T) {
	c := startEnsemble(t, 3)
	leader := c.Leader()
	var follower string
	for _, id := range c.IDs() {
		if id != leader {
			follower = c.Addr(id)
		}
	}
	conn, sess := dialSession(t, follower)
	if _, err := conn.Create("/f", nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		if _, err := conn.Create(fmt.Sprintf("/f/a%d", i), nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
			t.Fatal(err)
		}
	}
	c.Kill(leader)
	newLeader, err := c.WaitServing(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if newLeader == leader {
		t.Fatalf("the killed member %d still leads", leader)
	}
	kids := childrenEventually(t, conn, sess, "/f")
	if len(kids) != 20 {
		t.Fatalf("after failover %d children, want 20", len(kids))
	}
	if _, err := conn.Create("/f/after", nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatalf("write after failover: %v", err)
	}
	if err := c.Restart(leader); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitServing(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	old := dialOne(t, c.Addr(leader))
	kids, _, err = old.Children("/f")
	if err != nil || len(kids) != 21 {
		t.Fatalf("restarted member sees %d children (%v), want 21", len(kids), err)
	}
}

// childrenEventually reads path's children, re-issuing the read (as an
// application would) each time the client has a new session after the
// read failed: its server died, and the client moves to another one in
// go-zk's goroutine. One overall deadline.
func childrenEventually(t *testing.T, conn *zk.Conn, sess *interop.SessionWatch, path string) []string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		gen := sess.Generation()
		kids, _, err := conn.Children(path)
		if err == nil {
			return kids
		}
		if !sess.Await(gen, deadline) {
			t.Fatalf("children of %s: %v, and no new session within 10s", path, err)
		}
	}
}

func fourLetter(addr, cmd string) (string, error) {
	nc, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return "", err
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := io.WriteString(nc, cmd); err != nil {
		return "", err
	}
	b, err := io.ReadAll(nc)
	return string(b), err
}

// TestEnsembleIsolatedLeaderTruncates isolates the leader right after it
// proposed a write nobody else logged. The write never commits: the
// client gets no success, the old leader goes back to its committed state
// when it stops leading, and when the partition heals the new leader
// tells it to TRUNCATE the orphan from its log. Nobody ever serves it.
//
// Reference: docs/reference/zookeeper.md §3 (TRUNC: "a follower with extra uncommitted
// txns"; the leader abdicates without a quorum); Zab paper §4.2.
func TestEnsembleIsolatedLeaderTruncates(t *testing.T) {
	var truncs atomic.Int32
	var isolated atomic.Int64 // the isolated leader, once partitioned
	var orphanLogged atomic.Bool
	// Only what the isolated member logs while it leads is the orphan:
	// once it follows again it logs the majority's writes too.
	opts := cluster.Options{N: 3, Dir: t.TempDir(), TickTime: ensTick, MaxSessionTimeout: 10 * time.Second,
		Observe: func(o server.Observation) {
			if o.Ready.Truncate {
				truncs.Add(1)
			}
			if o.ID == isolated.Load() && len(o.Ready.Entries) > 0 && o.Status.SoftState.State == quorum.Leading {
				orphanLogged.Store(true)
			}
		}}
	c, err := cluster.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	old, err := c.WaitServing(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn := dialOne(t, c.Addr(old))
	if _, err := conn.Create("/t", nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatal(err)
	}
	var rest []int64
	for _, id := range c.IDs() {
		if id != old {
			rest = append(rest, id)
		}
	}
	isolated.Store(old)
	c.Partition([]int64{old}, rest)
	orphan := make(chan error, 1)
	go func() { _, err := conn.Create("/t/orphan", nil, 0, zk.WorldACL(zk.PermAll)); orphan <- err }()
	if err := c.WaitFor(10*time.Second, func() bool {
		st, _ := c.Status(old)
		nl := c.Leader()
		return nl != 0 && nl != old && !st.Serving
	}); err != nil {
		t.Fatalf("no new leader in the majority: %v", err)
	}
	select {
	case err := <-orphan:
		if err == nil {
			t.Fatal("the write to the isolated leader succeeded without a quorum")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the write to the isolated leader neither failed nor succeeded")
	}
	maj := dialOne(t, c.Addr(rest[0]))
	for i := 0; i < 3; i++ {
		if _, err := maj.Create(fmt.Sprintf("/t/m%d", i), nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
			t.Fatal(err)
		}
	}
	c.Heal()
	if _, err := c.WaitServing(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	for _, id := range c.IDs() {
		cn := dialOne(t, c.Addr(id))
		cn.Sync("/t")
		kids, _, err := cn.Children("/t")
		if err != nil || len(kids) != 3 {
			t.Fatalf("s%d sees %v (%v), want m0..m2 and no orphan", id, kids, err)
		}
	}
	switch {
	case !orphanLogged.Load():
		// The leader noticed it was alone and stepped down before the
		// write reached it: nothing was proposed, nothing to cut.
		t.Log("the isolated leader stepped down before proposing; no TRUNC to check this time")
	case truncs.Load() == 0:
		t.Fatal("no member truncated its log: the orphan proposal was not cut")
	}
}

// TestEnsembleSnapCatchUp has the members snapshot and compact their logs
// often; a follower that was down meanwhile is behind the leader's
// snapshot. With no window of committed proposals kept in memory it is
// brought back with a SNAP; with ZooKeeper's default window (500,
// zookeeper.commitLogCount) the 100 it missed are still there, and it
// gets a DIFF.
//
// Reference: docs/reference/zookeeper.md §3 (DIFF, SNAP), §4 (snapshots;
// purge); LearnerHandler.syncFollower (committedLog).
func TestEnsembleSnapCatchUp(t *testing.T) {
	for _, tc := range []struct {
		name     string
		window   int
		wantSnap bool
	}{
		{"no window: SNAP", -1, true},
		{"default window: DIFF", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var snaps atomic.Int32
			c, err := cluster.Start(cluster.Options{N: 3, Dir: t.TempDir(), TickTime: ensTick, SnapCount: 20,
				CommitLogCount: tc.window, MaxSessionTimeout: 10 * time.Second,
				Observe: func(o server.Observation) {
					if o.Ready.Snapshot != nil {
						snaps.Add(1)
					}
				}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(c.Close)
			l, err := c.WaitServing(10 * time.Second)
			if err != nil {
				t.Fatal(err)
			}
			var f int64
			for _, id := range c.IDs() {
				if id != l {
					f = id
				}
			}
			conn := dialOne(t, c.Addr(l))
			conn.Create("/s", nil, 0, zk.WorldACL(zk.PermAll))
			c.Kill(f)
			for i := 0; i < 100; i++ {
				if _, err := conn.Create(fmt.Sprintf("/s/n%03d", i), []byte{byte(i)}, 0, zk.WorldACL(zk.PermAll)); err != nil {
					t.Fatal(err)
				}
			}
			if err := c.Restart(f); err != nil {
				t.Fatal(err)
			}
			if _, err := c.WaitServing(10 * time.Second); err != nil {
				t.Fatal(err)
			}
			back := dialOne(t, c.Addr(f))
			kids, _, err := back.Children("/s")
			if err != nil || len(kids) != 100 {
				t.Fatalf("restarted s%d sees %d children (%v), want 100", f, len(kids), err)
			}
			if got := snaps.Load() > 0; got != tc.wantSnap {
				t.Fatalf("the restarted follower was sent a SNAP: %v, want %v", got, tc.wantSnap)
			}
		})
	}
}

// TestEnsemblePipelinedFollowerFIFO pipelines writes, reads and a sync on
// one follower connection without waiting for replies: the replies come
// back in request order, every read sees the session's earlier writes
// (they were forwarded and committed first), and a failed write still
// answers in its turn.
//
// Reference: docs/reference/zookeeper.md §1.3 (FIFO per connection), §5 (a client's
// updates apply in order; reads see them); CommitProcessor.
func TestEnsemblePipelinedFollowerFIFO(t *testing.T) {
	c := startEnsemble(t, 3)
	l := c.Leader()
	var f int64
	for _, id := range c.IDs() {
		if id != l {
			f = id
		}
	}
	r, _ := session(t, c.Server(f))
	acl := []proto.ACL{{Perms: proto.PermAll, ID: proto.Id{Scheme: "world", ID: "anyone"}}}
	type req struct {
		op   proto.OpCode
		body proto.Record
	}
	reqs := []req{
		{proto.OpCreate, &proto.CreateRequest{Path: "/p", ACL: acl}},
		{proto.OpGetData, &proto.PathWatchRequest{Path: "/p"}},
		{proto.OpSetData, &proto.SetDataRequest{Path: "/p", Data: []byte("v1"), Version: -1}},
		{proto.OpSetData, &proto.SetDataRequest{Path: "/p", Data: []byte("v2"), Version: -1}},
		{proto.OpGetData, &proto.PathWatchRequest{Path: "/p"}},
		{proto.OpCreate, &proto.CreateRequest{Path: "/p", ACL: acl}},
		{proto.OpSync, &proto.PathRequest{Path: "/p"}},
		{proto.OpCreate, &proto.CreateRequest{Path: "/p/c", ACL: acl}},
		{proto.OpGetChildren, &proto.PathWatchRequest{Path: "/p"}},
	}
	for i, q := range reqs {
		r.sendFrame(&proto.RequestHeader{Xid: int32(i + 1), Type: q.op}, q.body)
	}
	var lastZxid int64
	for i, q := range reqs {
		h, body, _ := r.reply(int32(i + 1))
		if h.Zxid < lastZxid {
			t.Fatalf("reply %d zxid %#x after %#x", i+1, h.Zxid, lastZxid)
		}
		lastZxid = h.Zxid
		switch i {
		case 5:
			if h.Err != int32(zkerr.NodeExists) {
				t.Fatalf("second create of /p: err %d, want NODEEXISTS", h.Err)
			}
			continue
		case 4:
			var gd proto.GetDataResponse
			if err := proto.Decode(body, &gd); err != nil || string(gd.Data) != "v2" || gd.Stat.Version != 2 {
				t.Fatalf("read after two pipelined sets: %q version %d (%v)", gd.Data, gd.Stat.Version, err)
			}
		case 8:
			var ch proto.ChildrenResponse
			if err := proto.Decode(body, &ch); err != nil || len(ch.Children) != 1 || ch.Children[0] != "c" {
				t.Fatalf("children after a pipelined create: %v (%v)", ch.Children, err)
			}
		}
		if h.Err != 0 {
			t.Fatalf("request %d (%v): err %d", i+1, q.op, h.Err)
		}
	}
}

// TestEnsembleSessionExpiryOnFollower: two sessions live on a follower;
// one keeps pinging, the other's client vanishes without closing. The
// leader, fed by the follower's touches, expires only the silent one, by
// a closeSession txn that removes its ephemeral node on every member.
//
// Reference: docs/reference/zookeeper.md §5 ("Session expiry: decided by the leader");
// §3 (PING replies carry session touches).
func TestEnsembleSessionExpiryOnFollower(t *testing.T) {
	c := startEnsemble(t, 3)
	l := c.Leader()
	var f int64
	for _, id := range c.IDs() {
		if id != l {
			f = id
		}
	}
	acl := []proto.ACL{{Perms: proto.PermAll, ID: proto.Id{Scheme: "world", ID: "anyone"}}}
	alive, gone := dial(t, c.Server(f)), dial(t, c.Server(f))
	for i, r := range []*raw{alive, gone} {
		r.nc.SetDeadline(time.Now().Add(20 * time.Second))
		r.connect(proto.ConnectRequest{TimeOut: 400})
		h, _, _ := r.call(1, proto.OpCreate, &proto.CreateRequest{Path: fmt.Sprintf("/eph%d", i), ACL: acl, Flags: proto.ModeEphemeral})
		if h.Err != 0 {
			t.Fatalf("create /eph%d: err %d", i, h.Err)
		}
	}
	gone.nc.Close() // no closeSession: only expiry can end it
	watcher := dialOne(t, c.Addr(l))
	ping := time.NewTicker(100 * time.Millisecond)
	defer ping.Stop()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case <-ping.C:
		case <-deadline:
			t.Fatal("the abandoned session's ephemeral node outlived 10s")
		}
		alive.call(-2, proto.OpPing, proto.Empty{})
		if ok, _, err := watcher.Exists("/eph1"); err == nil && !ok {
			break
		}
	}
	for _, id := range c.IDs() {
		cn := dialOne(t, c.Addr(id))
		cn.Sync("/")
		if ok, _, _ := cn.Exists("/eph1"); ok {
			t.Errorf("s%d still has the expired session's /eph1", id)
		}
		if ok, _, _ := cn.Exists("/eph0"); !ok {
			t.Errorf("s%d lost /eph0 of the session that kept pinging", id)
		}
	}
}
