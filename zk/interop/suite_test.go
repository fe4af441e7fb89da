package interop

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
)

// The go-zookeeper 1.0.4 scenario suite. Every test runs per target (see
// forEachTarget); it was first made to pass against Apache ZooKeeper 3.8.

var openACL = zk.WorldACL(zk.PermAll)

const sessionTimeout = 10 * time.Second

func mustCreate(t *testing.T, s *session, path string, data []byte, flags int32) string {
	t.Helper()
	p, err := s.Create(path, data, flags, openACL)
	if err != nil {
		t.Fatalf("create %s (flags %d): %v", path, flags, err)
	}
	return p
}

func wantErr(t *testing.T, what string, got, want error) {
	t.Helper()
	if !errors.Is(got, want) {
		t.Errorf("%s: err = %v, want %v", what, got, want)
	}
}

// TestCRUD checks create/get/set/delete, versions and the error codes of
// each precondition.
//
// Reference: docs/reference/zookeeper.md §1.5, §1.6; PrepRequestProcessor.pRequest2TxnCreate,
// DataTree.setData, DataTree.deleteNode.
func TestCRUD(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		s := connect(t, tg.addr, sessionTimeout)
		root := newRoot(t, s)
		n := root + "/n"

		if p := mustCreate(t, s, n, []byte("v0"), 0); p != n {
			t.Errorf("create returned path %q, want %q", p, n)
		}
		data, st, err := s.Get(n)
		if err != nil {
			t.Fatalf("get: %v", err)
		}
		if string(data) != "v0" || st.Version != 0 || st.DataLength != 2 || st.NumChildren != 0 ||
			st.Czxid != st.Mzxid || st.Czxid != st.Pzxid || st.EphemeralOwner != 0 || st.Ctime != st.Mtime {
			t.Errorf("fresh node: data %q stat %+v", data, st)
		}

		st2, err := s.Set(n, []byte("v1-longer"), 0)
		if err != nil {
			t.Fatalf("set with version 0: %v", err)
		}
		if st2.Version != 1 || st2.DataLength != 9 || st2.Mzxid <= st.Mzxid || st2.Czxid != st.Czxid || st2.Mtime < st.Mtime {
			t.Errorf("after set: stat %+v (before %+v)", st2, st)
		}
		_, err = s.Set(n, []byte("x"), 0)
		wantErr(t, "set with stale version", err, zk.ErrBadVersion)
		st3, err := s.Set(n, []byte("v2"), -1)
		if err != nil || st3.Version != 2 {
			t.Errorf("set with version -1: stat %+v err %v", st3, err)
		}

		_, err = s.Create(n, nil, 0, openACL)
		wantErr(t, "create existing", err, zk.ErrNodeExists)
		_, err = s.Create(root+"/missing/child", nil, 0, openACL)
		wantErr(t, "create under missing parent", err, zk.ErrNoNode)
		_, err = s.Create(root+"/noacl", nil, 0, []zk.ACL{})
		wantErr(t, "create with empty ACL", err, zk.ErrInvalidACL)
		_, _, err = s.Get(root + "/missing")
		wantErr(t, "get missing", err, zk.ErrNoNode)
		_, err = s.Set(root+"/missing", nil, -1)
		wantErr(t, "set missing", err, zk.ErrNoNode)
		wantErr(t, "delete missing", s.Delete(root+"/missing", -1), zk.ErrNoNode)
		ok, _, err := s.Exists(root + "/missing")
		if ok || err != nil {
			t.Errorf("exists missing = %v, %v; want false, nil", ok, err)
		}

		// Children: cversion, numChildren and pzxid follow creates and deletes.
		for _, c := range []string{"b", "a", "c"} {
			mustCreate(t, s, n+"/"+c, nil, 0)
		}
		kids, pst, err := s.Children(n)
		if err != nil {
			t.Fatalf("children: %v", err)
		}
		slices.Sort(kids)
		if !slices.Equal(kids, []string{"a", "b", "c"}) || pst.NumChildren != 3 || pst.Cversion != 3 || pst.Version != 2 {
			t.Errorf("children %v stat %+v; want [a b c], numChildren 3, cversion 3, version 2", kids, pst)
		}
		_, cst, _ := s.Get(n + "/c")
		if pst.Pzxid != cst.Czxid {
			t.Errorf("parent pzxid %#x, want last child's czxid %#x", pst.Pzxid, cst.Czxid)
		}
		wantErr(t, "delete non-empty", s.Delete(n, -1), zk.ErrNotEmpty)
		wantErr(t, "delete with wrong version", s.Delete(n+"/a", 5), zk.ErrBadVersion)
		if err := s.Delete(n+"/a", 0); err != nil {
			t.Errorf("delete with right version: %v", err)
		}
		_, pst2, _ := s.Exists(n)
		if pst2.NumChildren != 2 || pst2.Pzxid <= pst.Pzxid {
			t.Errorf("after child delete: stat %+v; want numChildren 2, pzxid advanced", pst2)
		}
		if pst2.Cversion != 4 {
			errorfUnlessKnown(t, tg, "cversion", "after 3 creates and 1 delete: cversion %d, want 4", pst2.Cversion)
		}

		// Ephemerals may not have children.
		e := mustCreate(t, s, root+"/eph", nil, zk.FlagEphemeral)
		_, err = s.Create(e+"/kid", nil, 0, openACL)
		wantErr(t, "create under ephemeral", err, zk.ErrNoChildrenForEphemerals)

		// Empty data reads back as a zero-length buffer.
		mustCreate(t, s, root+"/empty", nil, 0)
		d, est, err := s.Get(root + "/empty")
		if err != nil || len(d) != 0 || est.DataLength != 0 {
			t.Errorf("empty node: data %q stat %+v err %v", d, est, err)
		}
	})
}

// TestSequentialAndEphemeral checks sequential names (%010d of the number
// of children ever created under the parent, sequential or not; deletes do
// not count) and the ephemeralOwner of ephemeral nodes.
//
// Reference: docs/reference/zookeeper.md §1.5 "Sequential suffix", "ephemeralOwner";
// DataNode.copyStat (reported cversion = 2×creates − numChildren).
func TestSequentialAndEphemeral(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		s := connect(t, tg.addr, sessionTimeout)
		root := newRoot(t, s)

		p0 := mustCreate(t, s, root+"/q-", nil, zk.FlagSequence)
		p1 := mustCreate(t, s, root+"/q-", nil, zk.FlagSequence)
		mustCreate(t, s, root+"/plain", nil, 0)
		p3 := mustCreate(t, s, root+"/e-", nil, zk.FlagSequence|zk.FlagEphemeral)
		want := []string{root + "/q-0000000000", root + "/q-0000000001", root + "/e-0000000003"}
		if got := []string{p0, p1, p3}; !slices.Equal(got, want) {
			t.Errorf("sequential paths %v, want %v", got, want)
		}
		// A delete advances the cversion clients see, but not the sequence
		// counter: the server keeps a count of child creates and reports
		// cversion = 2×creates − numChildren (= creates + deletes). The
		// suffix is the count of creates. Found against Apache 3.8; see
		// DataNode.copyStat and PrepRequestProcessor.pRequest2TxnCreate.
		if err := s.Delete(p0, -1); err != nil {
			t.Fatal(err)
		}
		if _, st, _ := s.Exists(root); st.Cversion != 5 || st.NumChildren != 3 {
			errorfUnlessKnown(t, tg, "cversion", "after 4 creates and 1 delete: cversion %d numChildren %d, want 5, 3",
				st.Cversion, st.NumChildren)
		}
		if p := mustCreate(t, s, root+"/q-", nil, zk.FlagSequence); p != root+"/q-0000000004" {
			t.Errorf("sequential after a delete = %s, want suffix 0000000004 (creates so far, not cversion 5)", p)
		}
		// Sequential create of an existing name is still NODEEXISTS-free:
		// the suffix makes it unique. A plain create of that name fails.
		_, err := s.Create(p1, nil, 0, openACL)
		wantErr(t, "plain create of a sequential's name", err, zk.ErrNodeExists)

		_, st, err := s.Get(p3)
		if err != nil {
			t.Fatal(err)
		}
		if st.EphemeralOwner != s.SessionID() {
			t.Errorf("ephemeralOwner %#x, want session %#x", st.EphemeralOwner, s.SessionID())
		}
		_, st, _ = s.Get(p1)
		if st.EphemeralOwner != 0 {
			t.Errorf("persistent node ephemeralOwner %#x, want 0", st.EphemeralOwner)
		}
	})
}

// TestEphemeralCleanupOnClose checks that closing a session deletes its
// ephemerals and fires the watches on them, for other sessions to see.
//
// Reference: docs/reference/zookeeper.md §1.8 (delete triggers), §5 "Session expiry";
// docs/developing.md zk/znode (closeSession deletes the session's ephemerals).
func TestEphemeralCleanupOnClose(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		a := connect(t, tg.addr, sessionTimeout)
		b := connect(t, tg.addr, sessionTimeout)
		root := newRoot(t, b)
		e1 := mustCreate(t, a, root+"/e1", []byte("x"), zk.FlagEphemeral)
		e2 := mustCreate(t, a, root+"/e-", nil, zk.FlagEphemeral|zk.FlagSequence)
		mustCreate(t, a, root+"/p", nil, 0)

		if ok, _, _, err := b.ExistsW(e1); !ok || err != nil {
			t.Fatalf("existsW %s = %v, %v", e1, ok, err)
		}
		if _, _, _, err := b.ChildrenW(root); err != nil {
			t.Fatal(err)
		}
		a.Close()
		b.rec.waitFor(t, "NodeDeleted "+e1, 10*time.Second, hasEvent(zk.EventNodeDeleted, e1))
		b.rec.waitFor(t, "NodeChildrenChanged "+root, 10*time.Second, hasEvent(zk.EventNodeChildrenChanged, root))
		kids, _, err := b.Children(root)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(kids, []string{"p"}) {
			t.Errorf("children after close = %v, want [p] (ephemerals %s, %s gone)", kids, e1, e2)
		}
	})
}

// TestWatchOrderAndOneShot checks which events each write fires, their
// order on one connection, and that a watch fires once.
//
// Reference: docs/reference/zookeeper.md §1.8; DataTree.createNode, DataTree.deleteNode;
// Programmer's Guide "ZooKeeper Watches" (one-time triggers, ordering).
func TestWatchOrderAndOneShot(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		a := connect(t, tg.addr, sessionTimeout)
		b := connect(t, tg.addr, sessionTimeout)
		root := newRoot(t, b)
		n, c := root+"/n", root+"/n/c"
		mustCreate(t, b, n, nil, 0)

		if _, _, _, err := a.GetW(n); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := a.ChildrenW(n); err != nil {
			t.Fatal(err)
		}
		if ok, _, _, err := a.ExistsW(c); ok || err != nil {
			t.Fatalf("existsW on missing node = %v, %v; want false, nil (watch set)", ok, err)
		}
		mustCreate(t, b, c, nil, 0)                          // NodeCreated c, then NodeChildrenChanged n
		if _, err := b.Set(n, []byte("1"), -1); err != nil { // NodeDataChanged n
			t.Fatal(err)
		}
		if _, err := b.Set(n, []byte("2"), -1); err != nil { // nobody watches any more
			t.Fatal(err)
		}
		// A sentinel: a.ExistsW fires after everything b did before it,
		// since one connection's events arrive in zxid order.
		sentinel := root + "/sentinel"
		if _, _, _, err := a.ExistsW(sentinel); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := a.GetW(c); err != nil {
			t.Fatal(err)
		}
		if err := b.Delete(c, -1); err != nil { // NodeDeleted c (data watch)
			t.Fatal(err)
		}
		mustCreate(t, b, sentinel, nil, 0)
		a.rec.waitFor(t, "sentinel", 10*time.Second, hasEvent(zk.EventNodeCreated, sentinel))

		want := []string{
			"EventNodeCreated " + c,
			"EventNodeChildrenChanged " + n,
			"EventNodeDataChanged " + n,
			"EventNodeDeleted " + c,
			"EventNodeCreated " + sentinel,
		}
		var got []string
		for _, ev := range a.rec.watchEvents() {
			got = append(got, fmt.Sprintf("%v %s", ev.Type, ev.Path))
		}
		if !slices.Equal(got, want) {
			t.Errorf("events:\n got  %q\n want %q", got, want)
		}
	})
}

// TestWatchBeforeData checks the guarantee "a client will see a watch
// event for a znode it is watching before seeing the new data": once a
// read returns the new version, the event must already have arrived.
//
// Reference: docs/reference/zookeeper.md §5 "Watches"; Programmer's Guide, "ZooKeeper Watches".
func TestWatchBeforeData(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		a := connect(t, tg.addr, sessionTimeout)
		b := connect(t, tg.addr, sessionTimeout)
		root := newRoot(t, b)
		n := root + "/n"
		mustCreate(t, b, n, nil, 0)
		for i := int32(0); i < 20; i++ {
			if _, _, _, err := a.GetW(n); err != nil {
				t.Fatal(err)
			}
			if _, err := b.Set(n, []byte{byte(i)}, i); err != nil {
				t.Fatal(err)
			}
			// Read until a sees the new version; by then the event is in.
			for {
				_, st, err := a.Get(n)
				if err != nil {
					t.Fatal(err)
				}
				if st.Version == i+1 {
					break
				}
			}
			count := 0
			for _, ev := range a.rec.watchEvents() {
				if ev.Type == zk.EventNodeDataChanged && ev.Path == n {
					count++
				}
			}
			if count != int(i)+1 {
				t.Fatalf("round %d: saw version %d but only %d NodeDataChanged events", i, i+1, count)
			}
		}
	})
}

// TestMulti checks the result layout of a successful multi and of a
// failed one (ops before the failure report OK, the failing op its code,
// later ops RUNTIMEINCONSISTENCY) and that a failed multi changes nothing.
//
// Reference: docs/reference/zookeeper.md §1.7; MultiResponse, PrepRequestProcessor (multi).
func TestMulti(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		s := connect(t, tg.addr, sessionTimeout)
		root := newRoot(t, s)
		mustCreate(t, s, root+"/x", []byte("x"), 0)

		res, err := s.Multi(
			&zk.CreateRequest{Path: root + "/a", Data: []byte("a"), Acl: openACL},
			&zk.CreateRequest{Path: root + "/s-", Acl: openACL, Flags: zk.FlagSequence},
			&zk.SetDataRequest{Path: root + "/x", Data: []byte("xx"), Version: 0},
			&zk.CheckVersionRequest{Path: root + "/x", Version: 1},
			&zk.DeleteRequest{Path: root + "/a", Version: 0},
		)
		if err != nil {
			t.Fatalf("multi: %v", err)
		}
		if len(res) != 5 {
			t.Fatalf("multi returned %d results, want 5: %+v", len(res), res)
		}
		if res[0].String != root+"/a" || res[1].String != root+"/s-0000000002" {
			t.Errorf("create results %q, %q", res[0].String, res[1].String)
		}
		if res[2].Stat == nil || res[2].Stat.Version != 1 || res[2].Stat.DataLength != 2 {
			t.Errorf("setData result stat %+v, want version 1, dataLength 2", res[2].Stat)
		}
		for i, r := range res {
			if r.Error != nil {
				t.Errorf("result %d error %v", i, r.Error)
			}
		}
		// All ops of a multi share one zxid.
		_, xst, _ := s.Get(root + "/x")
		_, sst, _ := s.Get(root + "/s-0000000002")
		if xst.Mzxid != sst.Czxid {
			t.Errorf("multi ops have zxids %#x and %#x, want one", xst.Mzxid, sst.Czxid)
		}

		res, err = s.Multi(
			&zk.CreateRequest{Path: root + "/b", Acl: openACL},
			&zk.CheckVersionRequest{Path: root + "/x", Version: 7},
			&zk.SetDataRequest{Path: root + "/x", Data: []byte("never"), Version: -1},
		)
		// go-zk surfaces the first failing op's code as the call's error.
		wantErr(t, "failed multi", err, zk.ErrBadVersion)
		if len(res) != 3 {
			t.Fatalf("failed multi returned %d results, want 3", len(res))
		}
		wantErr(t, "failed multi op 0 (before failure)", res[0].Error, nil)
		wantErr(t, "failed multi op 1 (the failure)", res[1].Error, zk.ErrBadVersion)
		if c := codeOf(res[2].Error); c != -2 {
			t.Errorf("failed multi op 2 (after failure): code %d (%v), want -2 RUNTIMEINCONSISTENCY", c, res[2].Error)
		}
		if ok, _, _ := s.Exists(root + "/b"); ok {
			t.Errorf("failed multi created %s/b", root)
		}
		if d, _, _ := s.Get(root + "/x"); string(d) != "xx" {
			t.Errorf("failed multi changed /x to %q", d)
		}
	})
}

// TestLockRecipe runs go-zookeeper's Lock with contending sessions and
// checks mutual exclusion, progress, and that no lock node is left behind.
//
// Reference: docs/reference/zookeeper.md §7 "Lock"; ZooKeeper recipes, "Locks".
func TestLockRecipe(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		const workers, rounds = 4, 5
		admin := connect(t, tg.addr, sessionTimeout)
		root := newRoot(t, admin)
		lockPath := root + "/lock"
		counter := root + "/counter"
		mustCreate(t, admin, counter, []byte("0"), 0)

		var holders atomic.Int32
		var wg sync.WaitGroup
		errs := make(chan error, workers*rounds)
		for w := 0; w < workers; w++ {
			s := connect(t, tg.addr, sessionTimeout)
			wg.Add(1)
			go func() {
				defer wg.Done()
				l := zk.NewLock(s.Conn, lockPath, openACL)
				for r := 0; r < rounds; r++ {
					if err := l.Lock(); err != nil {
						errs <- fmt.Errorf("lock: %w", err)
						return
					}
					if h := holders.Add(1); h != 1 {
						errs <- fmt.Errorf("%d holders at once", h)
					}
					// A read-modify-write that would lose updates without
					// the lock: the version check catches interleaving.
					d, st, err := s.Get(counter)
					if err == nil {
						var v int
						fmt.Sscan(string(d), &v)
						_, err = s.Set(counter, []byte(fmt.Sprint(v+1)), st.Version)
					}
					if err != nil {
						errs <- fmt.Errorf("counter update under lock: %w", err)
					}
					holders.Add(-1)
					if err := l.Unlock(); err != nil {
						errs <- fmt.Errorf("unlock: %w", err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		d, _, err := admin.Get(counter)
		if err != nil || string(d) != fmt.Sprint(workers*rounds) {
			t.Errorf("counter = %q, %v; want %d", d, err, workers*rounds)
		}
		kids, _, err := admin.Children(lockPath)
		if err != nil || len(kids) != 0 {
			t.Errorf("lock children after all unlocked = %v, %v; want none", kids, err)
		}
	})
}

// TestFourLetterWords checks that go-zookeeper's four-letter-word helpers
// parse the server's ruok, srvr and cons.
//
// Reference: docs/reference/zookeeper.md §2 (and its "Date format trap": go-zk's FLWSrvr
// needs the 3.4 "built on MM/DD/YYYY HH:MM TZ" date, which Apache 3.8 no
// longer prints, so FLWSrvr fails against the real 3.8 server).
func TestFourLetterWords(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		s := connect(t, tg.addr, sessionTimeout)
		servers := []string{tg.addr}

		if ok := zk.FLWRuok(servers, 5*time.Second); len(ok) != 1 || !ok[0] {
			t.Errorf("FLWRuok = %v, want [true]", ok)
		}

		stats, ok := zk.FLWSrvr(servers, 5*time.Second)
		if tg.name == "apache" {
			// Test the tester: the trap is real.
			if ok {
				t.Errorf("FLWSrvr parsed Apache 3.8's srvr; the date-format trap in docs/reference/zookeeper.md §2 is wrong")
			}
		} else if !ok || len(stats) != 1 || stats[0].Error != nil {
			t.Errorf("FLWSrvr = %+v, %v; want parsed", stats, ok)
		} else if stats[0].Mode != zk.ModeStandalone || stats[0].NodeCount < 4 {
			t.Errorf("FLWSrvr: mode %v node count %d; want standalone, >= 4", stats[0].Mode, stats[0].NodeCount)
		}
		raw, err := FourLetterWord(tg.addr, "srvr", 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		for _, field := range []string{"Zookeeper version: ", "Latency min/avg/max: ", "Received: ", "Sent: ",
			"Connections: ", "Outstanding: ", "Zxid: 0x", "Mode: standalone", "Node count: "} {
			if !containsLine(raw, field) {
				t.Errorf("srvr output lacks a line starting %q:\n%s", field, raw)
			}
		}

		// cons: our session must be listed with its id and timeout. (Apache
		// also lists the cons connection itself without a session, which
		// go-zk cannot parse, so FLWCons' ok is false there: only the
		// clients it did parse are checked.)
		clients, _ := zk.FLWCons(servers, 5*time.Second)
		found := false
		if len(clients) == 1 {
			for _, c := range clients[0].Clients {
				if c.SessionID == s.SessionID() {
					found = true
					if c.Timeout != int32(sessionTimeout/time.Millisecond) {
						t.Errorf("cons: session timeout %d, want %d", c.Timeout, sessionTimeout/time.Millisecond)
					}
				}
			}
		}
		if !found {
			raw, _ := FourLetterWord(tg.addr, "cons", 5*time.Second)
			t.Errorf("FLWCons did not list session %#x; cons output:\n%s", s.SessionID(), raw)
		}
	})
}

func containsLine(text, prefix string) bool {
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, prefix) {
			return true
		}
	}
	return false
}

// TestFailedWritesTakeZxid checks that a write that fails its checks still
// consumes a zxid (it is logged as an error txn), while a failed read does
// not. No other session writes while it runs (tests run one at a time).
//
// Reference: docs/reference/zookeeper.md §1.5 "Failed writes still consume a zxid";
// PrepRequestProcessor (ErrorTxn), Zab paper §4.1 "errorTXN".
func TestFailedWritesTakeZxid(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg *target) {
		s := connect(t, tg.addr, sessionTimeout)
		root := newRoot(t, s)
		x := root + "/x"
		mustCreate(t, s, x, nil, 0)
		_, st0, _ := s.Get(x)
		_, err := s.Set(x, nil, 5) // BADVERSION: a zxid
		wantErr(t, "set with bad version", err, zk.ErrBadVersion)
		_, err = s.Create(x, nil, 0, openACL) // NODEEXISTS: a zxid
		wantErr(t, "create existing", err, zk.ErrNodeExists)
		_, _, err = s.Get(root + "/missing") // a read: no zxid
		wantErr(t, "get missing", err, zk.ErrNoNode)
		st1, err := s.Set(x, nil, -1)
		if err != nil {
			t.Fatal(err)
		}
		if d := st1.Mzxid - st0.Mzxid; d != 3 {
			t.Errorf("mzxid advanced by %d over two failed writes and one set, want 3", d)
		}
	})
}
