package interop

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/zkafka/zkafka/zk/server/cluster"
)

type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}

// startOurEnsemble starts our 3-member ensemble on loopback for one test.
func startOurEnsemble(t *testing.T) *cluster.Cluster {
	t.Helper()
	c, err := cluster.Start(cluster.Options{N: 3, Dir: t.TempDir(), TickTime: 100 * time.Millisecond,
		MaxSessionTimeout: testMaxSession})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if _, err := c.WaitServing(15 * time.Second); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestGoZkSurvivesFailover connects go-zookeeper to all three members of
// our ensemble and writes steadily while a follower is killed (and
// restarted), then the leader, then through a rolling restart of all
// three members: the client moves to a live member, its session (and its
// ephemeral node) survives, and every write the client saw acknowledged
// is there at the end.
//
// Reference: docs/reference/zookeeper.md §1.2 (reconnect with session id + password;
// lastZxidSeen), §5 (reliability: an acknowledged write is never lost).
func TestGoZkSurvivesFailover(t *testing.T) {
	c := startOurEnsemble(t)
	sess := NewSessionWatch()
	conn, _, err := zk.Connect(c.Addrs(), 6*time.Second, zk.WithLogger(quietLogger{}), zk.WithEventCallback(sess.Event))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if !sess.Await(0, time.After(10*time.Second)) {
		t.Fatal("no session within 10s")
	}
	sid := conn.SessionID()
	acl := zk.WorldACL(zk.PermAll)
	if _, err := conn.Create("/failover", nil, 0, acl); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Create("/failover-eph", nil, zk.FlagEphemeral, acl); err != nil {
		t.Fatal(err)
	}
	acked := map[string]bool{}
	n := 0
	// write creates the next node, re-issuing the create (as an
	// application would) each time the client has a new session after a
	// failure: go-zk moves to another server in its own goroutine. A retry
	// that finds the node already there means the lost reply was a
	// success (creates of unique names are idempotent to check).
	write := func() {
		t.Helper()
		p := fmt.Sprintf("/failover/n%04d", n)
		n++
		deadline := time.After(15 * time.Second)
		for {
			gen := sess.Generation()
			_, err := conn.Create(p, nil, 0, acl)
			if err == nil || errors.Is(err, zk.ErrNodeExists) {
				acked[p] = true
				return
			}
			if !sess.Await(gen, deadline) {
				t.Fatalf("create %s: %v, and no new session within 15s (%s)", p, err, c.Summary())
			}
		}
	}
	for range 20 {
		write()
	}
	leader := c.Leader()
	// Kill the follower the client is connected to, if it is on one, so
	// that the client has to move.
	var follower int64
	for _, id := range c.IDs() {
		if id != leader && (follower == 0 || c.Addr(id) == conn.Server()) {
			follower = id
		}
	}
	c.Kill(follower)
	for range 20 {
		write()
	}
	if err := c.Restart(follower); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitServing(15 * time.Second); err != nil {
		t.Fatal(err)
	}
	c.Kill(leader)
	for range 20 {
		write()
	}
	if err := c.Restart(leader); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitServing(15 * time.Second); err != nil {
		t.Fatal(err)
	}
	// A rolling restart: each member in turn down, written past, back up
	// and serving before the next goes (the leader among them).
	for _, id := range c.IDs() {
		c.Kill(id)
		for range 5 {
			write()
		}
		if err := c.Restart(id); err != nil {
			t.Fatal(err)
		}
		if _, err := c.WaitServing(15 * time.Second); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		write()
	}
	if conn.SessionID() != sid {
		t.Fatalf("session changed from %#x to %#x: it should have moved, not expired", sid, conn.SessionID())
	}
	if ok, _, err := conn.Exists("/failover-eph"); err != nil || !ok {
		t.Fatalf("the session's ephemeral node is gone (%v, %v)", ok, err)
	}
	if _, err := conn.Sync("/failover"); err != nil {
		t.Fatal(err)
	}
	kids, _, err := conn.Children("/failover")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, k := range kids {
		have["/failover/"+k] = true
	}
	for p := range acked {
		if !have[p] {
			t.Errorf("acknowledged write %s lost", p)
		}
	}
}
