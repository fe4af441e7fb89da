package server_test

import (
	"net"
	"testing"
	"time"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

func dialAddr(t *testing.T, addr string) *raw {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(5 * time.Second))
	return &raw{t: t, nc: nc}
}

// TestEnsembleSessionMovedRefusesTheOldConnection: a client's session
// moves from follower A to follower B; a write that then arrives on the
// old connection to A (sent before the move, still in A's queues in real
// life) must not be executed after the client's writes through B. The
// leader knows B owns the session (B revalidated it before answering the
// reconnect), refuses A's write with SESSIONMOVED, and A closes the stale
// connection without a reply. The write never happens; B's does.
//
// Before the fix the leader executed the stale write and A answered it.
//
// Reference: SessionTrackerImpl.checkSession/setOwner, Learner.validateSession
// (REVALIDATE), FinalRequestProcessor (SessionMovedException closes the
// connection; ZOOKEEPER-710); docs/reference/zookeeper.md §1.2.
func TestEnsembleSessionMovedRefusesTheOldConnection(t *testing.T) {
	c := startEnsemble(t, 3)
	leader := c.Leader()
	var followers []int64
	for _, id := range c.IDs() {
		if id != leader {
			followers = append(followers, id)
		}
	}
	a, b := followers[0], followers[1]

	onA := dialAddr(t, c.Addr(a))
	sess := onA.connect(proto.ConnectRequest{TimeOut: 6000})
	if sess.SessionID == 0 {
		t.Fatal("no session from member", a)
	}
	h, _, _ := onA.call(1, proto.OpCreate, &proto.CreateRequest{Path: "/before", ACL: proto.OpenACLUnsafe})
	if h.Err != 0 {
		t.Fatalf("create /before on member %d: %v", a, zkerr.Code(h.Err))
	}
	// A real client reconnects with the last zxid it saw, and a member
	// behind it closes the connection for the client to try again; here
	// the test waits for B to catch up instead.
	seen := h.Zxid
	if err := c.WaitFor(5*time.Second, func() bool { st, ok := c.Status(b); return ok && st.Zxid >= seen }); err != nil {
		t.Fatalf("member %d never applied %#x: %v", b, seen, err)
	}

	onB := dialAddr(t, c.Addr(b))
	moved := onB.connect(proto.ConnectRequest{SessionID: sess.SessionID, Passwd: sess.Passwd, TimeOut: 6000, LastZxidSeen: seen})
	if moved.SessionID != sess.SessionID {
		t.Fatalf("reconnect on member %d: session %#x, want %#x", b, moved.SessionID, sess.SessionID)
	}

	// The old connection is still open on A: a write on it now is a
	// write from a stale connection.
	onA.sendFrame(&proto.RequestHeader{Xid: 2, Type: proto.OpCreate}, &proto.CreateRequest{Path: "/stale", ACL: proto.OpenACLUnsafe})
	onA.expectClosed()

	if h, _, _ := onB.call(3, proto.OpCreate, &proto.CreateRequest{Path: "/after", ACL: proto.OpenACLUnsafe}); h.Err != 0 {
		t.Fatalf("create /after on member %d: %v", b, zkerr.Code(h.Err))
	}
	h, _, _ = onB.call(4, proto.OpExists, &proto.PathWatchRequest{Path: "/stale"})
	if zkerr.Code(h.Err) != zkerr.NoNode {
		t.Fatalf("/stale seen from member %d: %v, want NONODE (the stale connection's write must not run)", b, zkerr.Code(h.Err))
	}
}
