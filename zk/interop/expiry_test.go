package interop

import (
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
)

// TestSessionExpiry cuts a client off until the server expires its
// session, then checks what everybody sees: the server deletes the
// session's ephemerals (another session's watch fires), and when the
// client gets through again the server answers its reconnect with
// "expired" (go-zk reports StateExpired), after which its old ephemerals
// are gone for good.
//
// The session timeout asked for is 1 s; the servers run with tickTime
// 250 ms, so expiry comes within about 1.25 s of the last ping. Nothing
// sleeps: the test waits on the watcher's and the client's events.
//
// Reference: docs/reference/zookeeper.md §1.2 step 5 (expired reconnect gets timeOut 0,
// sessionId 0), §5 "Session expiry"; SessionTrackerImpl, ExpiryQueue.
func TestSessionExpiry(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		p := newProxy(t, tg.addr)
		victim := connect(t, p.Addr(), time.Second)
		observer := connect(t, tg.addr, sessionTimeout)
		root := newRoot(t, observer)
		eph := mustCreate(t, victim, root+"/eph", nil, zk.FlagEphemeral)
		oldSession := victim.SessionID()
		if ok, _, _, err := observer.ExistsW(eph); !ok || err != nil {
			t.Fatalf("existsW %s = %v, %v", eph, ok, err)
		}

		p.Cut()
		observer.rec.waitFor(t, "the server to expire the cut-off session (NodeDeleted "+eph+")",
			20*time.Second, hasEvent(zk.EventNodeDeleted, eph))
		p.Restore()
		victim.rec.waitFor(t, "StateExpired on the cut-off client", 20*time.Second, hasState(zk.StateExpired))

		// go-zk then starts a new session by itself.
		victim.rec.waitFor(t, "a new session after expiry", 20*time.Second, func(evs []zk.Event) bool {
			seenExpired := false
			for _, ev := range evs {
				if ev.Type == zk.EventSession && ev.State == zk.StateExpired {
					seenExpired = true
				}
				if seenExpired && ev.Type == zk.EventSession && ev.State == zk.StateHasSession {
					return true
				}
			}
			return false
		})
		if victim.SessionID() == oldSession {
			t.Errorf("session id after expiry is still %#x", oldSession)
		}
		if ok, _, err := victim.Exists(eph); ok || err != nil {
			t.Errorf("ephemeral of the expired session: exists = %v, %v; want false", ok, err)
		}
	})
}
