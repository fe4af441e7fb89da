package client_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// TestParseConnectString follows Java's ConnectStringParser: the chroot
// starts at the first '/', "/" alone means none, a missing port is 2181.
func TestParseConnectString(t *testing.T) {
	for _, tc := range []struct {
		in      string
		servers []string
		chroot  string
		bad     bool
	}{
		{in: "zk1:2181", servers: []string{"zk1:2181"}},
		{in: "zk1:2181,zk2:2182/kafka", servers: []string{"zk1:2181", "zk2:2182"}, chroot: "/kafka"},
		{in: "zk1,zk2/a/b", servers: []string{"zk1:2181", "zk2:2181"}, chroot: "/a/b"},
		{in: "zk1:2181/", servers: []string{"zk1:2181"}},
		{in: " zk1:1 , zk2:2 ", servers: []string{"zk1:1", "zk2:2"}},
		{in: "[::1]:2181,[::2]/k", servers: []string{"[::1]:2181", "[::2]:2181"}, chroot: "/k"},
		{in: "zk1:2181/kafka/", bad: true}, // PathUtils.validatePath: must not end with /
		{in: "zk1:2181/a//b", bad: true},
		{in: "/kafka", bad: true}, // no server
		{in: "", bad: true},
	} {
		servers, chroot, err := client.ParseConnectString(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: no error (servers %v, chroot %q)", tc.in, servers, chroot)
			}
			continue
		}
		if err != nil || !slices.Equal(servers, tc.servers) || chroot != tc.chroot {
			t.Errorf("%q = %v %q %v, want %v %q", tc.in, servers, chroot, err, tc.servers, tc.chroot)
		}
	}
}

// TestE2EChroot: a session rooted at /kafka sends every path with the
// prefix and gets every path back without it (ZooKeeper.prependChroot,
// ClientCnxn's event path stripping), and until the chroot node exists
// every operation below it fails with NONODE, as with the Java client.
func TestE2EChroot(t *testing.T) {
	s := startServer(t)
	root := connect(t, s.Addr().String())
	c, err := client.ConnectString(s.Addr().String()+"/kafka", 2*time.Second, client.WithBackoff(20*time.Millisecond))
	must(t, err)
	t.Cleanup(func() { c.Close() })
	ctx := ctxT(t)
	if c.Chroot() != "/kafka" {
		t.Fatalf("Chroot = %q", c.Chroot())
	}

	// The chroot does not exist yet.
	if _, err := c.Create(ctx, "/brokers", nil, proto.ModePersistent, nil); !errors.Is(err, zkerr.NoNode) {
		t.Errorf("create under a missing chroot: %v, want NONODE", err)
	}
	if ok, _, err := c.Exists(ctx, "/"); ok || err != nil {
		t.Errorf("Exists(/) under a missing chroot = %v %v", ok, err)
	}
	if _, _, err := c.Get(ctx, "/"); !errors.Is(err, zkerr.NoNode) {
		t.Errorf("Get(/) under a missing chroot: %v", err)
	}
	// Kafka makes the chroot over a session without one.
	_, err = root.Create(ctx, "/kafka", nil, proto.ModePersistent, nil)
	must(t, err)

	// Watches are set on chrooted paths and fire with the caller's path.
	_, _, existCh, err := c.ExistsW(ctx, "/brokers")
	must(t, err)
	_, _, rootChildCh, err := c.ChildrenW(ctx, "/")
	must(t, err)
	p, err := c.Create(ctx, "/brokers", []byte("b"), proto.ModePersistent, nil)
	if err != nil || p != "/brokers" {
		t.Fatalf("Create = %q %v", p, err)
	}
	waitEvent(t, existCh, proto.EventNodeCreated, "/brokers")
	waitEvent(t, rootChildCh, proto.EventNodeChildrenChanged, "/")
	if data, _, err := root.Get(ctx, "/kafka/brokers"); err != nil || string(data) != "b" {
		t.Errorf("server path /kafka/brokers = %q %v", data, err)
	}

	p, st, err := c.Create2(ctx, "/brokers/s-", nil, proto.ModeEphemeralSequential, nil)
	if err != nil || p != "/brokers/s-0000000000" || st.EphemeralOwner != c.SessionID() {
		t.Errorf("Create2 = %q %+v %v", p, st, err)
	}
	kids, _, err := c.Children(ctx, "/brokers")
	if err != nil || !slices.Equal(kids, []string{"s-0000000000"}) {
		t.Errorf("Children = %v %v", kids, err)
	}
	eph, err := c.GetEphemerals(ctx, "/")
	if err != nil || !slices.Equal(eph, []string{"/brokers/s-0000000000"}) {
		t.Errorf("GetEphemerals = %v %v", eph, err)
	}
	if sp, err := c.Sync(ctx, "/brokers"); err != nil || sp != "/brokers" {
		t.Errorf("Sync = %q %v", sp, err)
	}
	rec, err := c.AddWatch(ctx, "/", true)
	must(t, err)
	_, _, dataCh, err := c.GetW(ctx, "/brokers")
	must(t, err)
	_, err = root.Set(ctx, "/kafka/brokers", []byte("c"), -1)
	must(t, err)
	waitEvent(t, dataCh, proto.EventNodeDataChanged, "/brokers")
	waitEvent(t, rec, proto.EventNodeDataChanged, "/brokers")

	res, err := c.Multi(ctx,
		client.CreateOp("/m", nil, proto.ModePersistent, nil),
		client.Create2Op("/m/e", nil, proto.ModeEphemeral, nil),
		client.SetOp("/m", []byte("x"), 0),
		client.CheckOp("/m", 1))
	must(t, err)
	if res[0].Path != "/m" || res[1].Path != "/m/e" || res[1].Stat.EphemeralOwner != c.SessionID() || res[2].Stat.Version != 1 {
		t.Errorf("Multi = %+v", res)
	}
	if ok, _, err := root.Exists(ctx, "/kafka/m/e"); !ok || err != nil {
		t.Errorf("multi's create is not under the chroot: %v %v", ok, err)
	}
	// A relative path is sent as is, and refused.
	if _, err := c.Create(ctx, "x", nil, proto.ModePersistent, nil); !errors.Is(err, zkerr.BadArguments) {
		t.Errorf("relative path: %v", err)
	}
	must(t, c.Delete(ctx, "/m/e", -1))
	must(t, c.Delete(ctx, "/m", -1))
	if ok, _, _ := root.Exists(ctx, "/kafka/m"); ok {
		t.Error("Delete did not use the chroot")
	}
	if _, err := client.Connect([]string{s.Addr().String()}, time.Second, client.WithChroot("/bad/")); err == nil {
		t.Error("Connect accepted an invalid chroot")
	}
}

// TestE2EKafkaUsage runs the ZooKeeper calls Kafka 2.3 makes, in the shape
// it makes them:
//   - KafkaZkClient.registerBroker (CheckedEphemeral.create):
//     multi[create(path, null, EPHEMERAL), setData(path, json, 0)]; the
//     broker epoch is the czxid in the SetData result's Stat (KIP-380).
//   - registerControllerAndIncrementControllerEpoch: multi[create
//     /controller EPHEMERAL, setData /controller_epoch with the expected
//     version]; the loser gets NODEEXISTS.
//   - wrapRequestWithControllerEpochCheck: multi[check(/controller_epoch,
//     v), op]; a stale version fails the whole multi with BADVERSION.
//   - the ISR update: setData conditional on the znode version.
//   - children and exists watches on /brokers/ids and /controller.
func TestE2EKafkaUsage(t *testing.T) {
	s := startServer(t)
	root := connect(t, s.Addr().String())
	ctx := ctxT(t)
	for _, p := range []string{"/kafka", "/kafka/brokers", "/kafka/brokers/ids"} {
		_, err := root.Create(ctx, p, nil, proto.ModePersistent, nil)
		must(t, err)
	}
	b1, err := client.ConnectString(s.Addr().String()+"/kafka", 2*time.Second, client.WithBackoff(20*time.Millisecond))
	must(t, err)
	t.Cleanup(func() { b1.Close() })
	b2, err := client.ConnectString(s.Addr().String()+"/kafka", 2*time.Second, client.WithBackoff(20*time.Millisecond))
	must(t, err)
	t.Cleanup(func() { b2.Close() })

	kids, _, idsCh, err := b2.ChildrenW(ctx, "/brokers/ids")
	must(t, err)
	if len(kids) != 0 {
		t.Fatalf("ids = %v", kids)
	}
	res, err := b1.Multi(ctx,
		client.CreateOp("/brokers/ids/1", nil, proto.ModeEphemeral, nil),
		client.SetOp("/brokers/ids/1", []byte(`{"version":4}`), 0))
	must(t, err)
	epoch := res[1].Stat.Czxid
	_, st, err := b1.Get(ctx, "/brokers/ids/1")
	must(t, err)
	if epoch == 0 || st.Czxid != epoch || st.EphemeralOwner != b1.SessionID() || st.Version != 1 {
		t.Errorf("broker epoch %d, node %+v", epoch, st)
	}
	waitEvent(t, idsCh, proto.EventNodeChildrenChanged, "/brokers/ids")
	// A second registration of the same id: NODEEXISTS, nothing changed.
	_, err = b2.Multi(ctx,
		client.CreateOp("/brokers/ids/1", nil, proto.ModeEphemeral, nil),
		client.SetOp("/brokers/ids/1", []byte(`{}`), 0))
	if !errors.Is(err, zkerr.NodeExists) {
		t.Errorf("second registration: %v", err)
	}

	// Controller election.
	_, err = b1.Create(ctx, "/controller_epoch", []byte("0"), proto.ModePersistent, nil)
	must(t, err)
	elect := func(c *client.Conn, id string, epochVersion int32) ([]client.OpResult, error) {
		return c.Multi(ctx,
			client.CreateOp("/controller", []byte(`{"version":1,"brokerid":`+id+`}`), proto.ModeEphemeral, nil),
			client.SetOp("/controller_epoch", []byte("1"), epochVersion))
	}
	ok, _, ctrlCh, err := b2.ExistsW(ctx, "/controller")
	must(t, err)
	if ok {
		t.Fatal("/controller exists")
	}
	res, err = elect(b1, "1", 0)
	must(t, err)
	epochZkVersion := res[1].Stat.Version
	waitEvent(t, ctrlCh, proto.EventNodeCreated, "/controller")
	if _, err := elect(b2, "2", 0); !errors.Is(err, zkerr.NodeExists) {
		t.Errorf("second election: %v", err)
	}
	// Fenced writes.
	_, err = b1.Create(ctx, "/state", []byte("s0"), proto.ModePersistent, nil)
	must(t, err)
	if _, err := b1.Multi(ctx, client.CheckOp("/controller_epoch", epochZkVersion), client.SetOp("/state", []byte("s1"), 0)); err != nil {
		t.Errorf("fenced write with the current epoch version: %v", err)
	}
	res, err = b1.Multi(ctx, client.CheckOp("/controller_epoch", epochZkVersion-1), client.SetOp("/state", []byte("s2"), 1))
	if !errors.Is(err, zkerr.BadVersion) || res[0].Err == nil || !errors.Is(res[1].Err, zkerr.RuntimeInconsistency) {
		t.Errorf("fenced write with a stale version: %+v %v", res, err)
	}
	// Conditional setData (the partition leader's ISR update).
	if _, err := b2.Set(ctx, "/state", []byte("isr"), 0); !errors.Is(err, zkerr.BadVersion) {
		t.Errorf("setData with an old version: %v", err)
	}
	if st, err := b2.Set(ctx, "/state", []byte("isr"), 1); err != nil || st.Version != 2 {
		t.Errorf("setData with the current version: %+v %v", st, err)
	}

	// The broker's session ends: its registration and /controller go,
	// and the watchers hear it.
	_, _, delCh, err := b2.ExistsW(ctx, "/controller")
	must(t, err)
	_, _, idsCh, err = b2.ChildrenW(ctx, "/brokers/ids")
	must(t, err)
	b1.Close()
	waitEvent(t, delCh, proto.EventNodeDeleted, "/controller")
	waitEvent(t, idsCh, proto.EventNodeChildrenChanged, "/brokers/ids")
	if !errors.Is(b1.Err(), client.ErrClosed) {
		t.Errorf("Err after Close = %v", b1.Err())
	}
	if b2.Err() != nil {
		t.Errorf("Err of a live session = %v", b2.Err())
	}
}

// TestE2EExpiryReported: a session the ensemble expired is reported to
// the caller by Done, Err and the state callback, so a broker knows to
// open a new session and register again (Kafka's
// ZooKeeperClient.reinitialize after an Expired event).
func TestE2EExpiryReported(t *testing.T) {
	s := startServer(t)
	px := newProxy(t, s.Addr().String())
	c, err := client.Connect([]string{px.ln.Addr().String()}, 200*time.Millisecond, client.WithBackoff(20*time.Millisecond))
	must(t, err)
	defer c.Close()
	other := connect(t, s.Addr().String())
	ctx := ctxT(t)
	_, err = c.Create(ctx, "/e", nil, proto.ModeEphemeral, nil)
	must(t, err)
	px.cut(true)
	for {
		ok, _, ev, err := other.ExistsW(ctx, "/e")
		must(t, err)
		if !ok {
			break
		}
		waitEvent(t, ev, proto.EventNodeDeleted, "/e")
	}
	px.cut(false)
	select {
	case <-c.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("Done not closed after expiry")
	}
	if !errors.Is(c.Err(), client.ErrSessionExpired) || !errors.Is(c.Err(), zkerr.SessionExpired) {
		t.Errorf("Err = %v", c.Err())
	}
	// The broker re-registers over a new session.
	c2 := connect(t, s.Addr().String())
	if _, err := c2.Create(context.Background(), "/e", nil, proto.ModeEphemeral, nil); err != nil {
		t.Errorf("re-register: %v", err)
	}
}
