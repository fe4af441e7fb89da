package server_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/server/cluster"
	zksession "github.com/zkafka/zkafka/zk/session"
	"github.com/zkafka/zkafka/zk/snapshot"
)

// TestEnsembleRestartKeepsSessionIDsApart restarts member 1 from a
// snapshot that holds a live session of member 3; then a client of member
// 1 and a client of member 3 get different sessions, each with its
// member's id in the top byte, and an ephemeral node belongs to the
// session that created it only.
//
// Before the fix member 1 moved its counter past member 3's recovered id:
// its first new id was exactly the id member 3 handed out next, and the
// leader accepted both createSessions, so the two clients shared one
// session and its ephemerals.
//
// Reference: SessionTrackerImpl.initializeNextSessionId (the server id in
// the top byte; the constructor tracks recovered sessions without moving
// nextSessionId); LearnerSessionTracker (a follower's counter starts the
// same way); docs/reference/zookeeper.md §1.2 (session id, password from the id).
func TestEnsembleRestartKeepsSessionIDsApart(t *testing.T) {
	// SnapCount 2: every member snapshots every other commit, so member 1
	// soon has a snapshot with member 3's session to restart from.
	c, err := cluster.Start(cluster.Options{N: 3, Dir: t.TempDir(), TickTime: ensTick, SnapCount: 2,
		MaxSessionTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if _, err := c.WaitServing(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	old3 := dialOne(t, c.Addr(3))
	s3 := old3.SessionID()
	if got := zksession.ServerOf(s3); got != 3 {
		t.Fatalf("member 3 handed out %#x: server %d in the top byte, want 3", s3, got)
	}
	for i := range 4 {
		if _, err := old3.Create(fmt.Sprintf("/w%d", i), nil, 0, zk.WorldACL(zk.PermAll)); err != nil {
			t.Fatal(err)
		}
	}
	// The newest valid snapshot is the one member 1 restarts from; a newer
	// one, if the kill cuts it short, holds s3 too (s3 stays live).
	snapDir := filepath.Join(c.DataDir(1), "version-2")
	if err := c.WaitFor(10*time.Second, func() bool {
		_, ss, found, err := snapshot.Newest(vfs.OS{}, snapDir, nil, func() {}, func(snapshot.Node) error { return nil })
		return err == nil && found && slices.ContainsFunc(ss, func(s snapshot.Session) bool { return s.ID == s3 })
	}); err != nil {
		t.Fatalf("member 1 wrote no snapshot with member 3's session %#x: %v", s3, err)
	}
	c.Kill(1)
	if err := c.Restart(1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitServing(10 * time.Second); err != nil {
		t.Fatal(err)
	}

	on1 := dialOne(t, c.Addr(1))
	on3 := dialOne(t, c.Addr(3))
	id1, id3 := on1.SessionID(), on3.SessionID()
	if id1 == id3 {
		t.Fatalf("the clients of member 1 and member 3 share session %#x (member 3's earlier session is %#x)", id1, s3)
	}
	if got := zksession.ServerOf(id1); got != 1 {
		t.Errorf("member 1 handed out %#x after its restart: server %d in the top byte, want 1", id1, got)
	}
	if got := zksession.ServerOf(id3); got != 3 {
		t.Errorf("member 3 handed out %#x: server %d in the top byte, want 3", id3, got)
	}
	if _, err := on1.Create("/eph", nil, zk.FlagEphemeral, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatal(err)
	}
	if _, err := on3.Sync("/eph"); err != nil {
		t.Fatal(err)
	}
	ok, st, err := on3.Exists("/eph")
	if err != nil || !ok {
		t.Fatalf("/eph seen from member 3: exists %v (%v)", ok, err)
	}
	if st.EphemeralOwner != id1 {
		t.Fatalf("/eph seen from member 3: owner %#x, want member 1's client's session %#x", st.EphemeralOwner, id1)
	}
}
