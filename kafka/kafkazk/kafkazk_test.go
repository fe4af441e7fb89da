package kafkazk

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/zkafka/zkafka/kafka/zkdata"
	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/server"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// These tests run against our ZooKeeper server (zk/server) on loopback,
// with a 100 ms tick so that sessions expire within a second. They wait
// on conditions with deadlines, never on sleeps.

func startZK(t *testing.T) *server.Server {
	t.Helper()
	s, err := server.Start(server.Config{ClientAddr: "127.0.0.1:0", DataDir: "/data",
		TickTime: 100 * time.Millisecond, FS: vfs.NewMem(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// logBuf collects log lines so tests can check what was said.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func dial(t *testing.T, connect string, mod func(*Config)) (*Client, *logBuf) {
	t.Helper()
	lb := &logBuf{}
	cfg := Config{Connect: connect, SessionTimeout: 400 * time.Millisecond,
		Logger:  slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelInfo})),
		Options: []client.Option{client.WithBackoff(20 * time.Millisecond)}}
	if mod != nil {
		mod(&cfg)
	}
	c, err := Dial(ctxT(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, lb
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func get(t *testing.T, c *Client, path string) string {
	t.Helper()
	data, _, err := c.Conn().Get(ctxT(t), path)
	if err != nil {
		t.Fatalf("get %s: %v", path, err)
	}
	return string(data)
}

func broker(id int32, port int32) zkdata.BrokerInfo {
	return zkdata.BrokerInfo{ID: id, JmxPort: -1, Timestamp: 1570000000000,
		Endpoints: []zkdata.Endpoint{{Listener: "PLAINTEXT", SecurityProtocol: "PLAINTEXT", Host: "h", Port: port}}}
}

// TestPersistentPathsAndChroot: zookeeper.connect's chroot is created
// (KafkaServer.initZkClient), then ZkData.PersistentZkPaths under it,
// idempotently (createTopLevelPaths: makeSurePersistentPathExists).
func TestPersistentPathsAndChroot(t *testing.T) {
	s := startZK(t)
	c, _ := dial(t, s.Addr().String()+"/kafka/one", nil)
	ctx := ctxT(t)
	for i := 0; i < 2; i++ {
		if err := c.EnsurePersistentPaths(ctx); err != nil {
			t.Fatal(err)
		}
	}
	root, _ := dial(t, s.Addr().String(), nil)
	for _, p := range zkdata.PersistentPaths {
		if ok, _, err := root.Conn().Exists(ctx, "/kafka/one"+p); err != nil || !ok {
			t.Errorf("%s under the chroot: exists=%v err=%v", p, ok, err)
		}
	}
	if ok, _, _ := root.Conn().Exists(ctx, "/brokers"); ok {
		t.Error("/brokers created outside the chroot")
	}
}

// TestClusterIDGetOrCreate: the first broker creates /cluster/id
// {"version":"1","id":...}, every later one reads it
// (KafkaServer.getOrGenerateClusterId, KafkaZkClient.createOrGetClusterId).
func TestClusterIDGetOrCreate(t *testing.T) {
	s := startZK(t)
	a, _ := dial(t, s.Addr().String(), nil)
	b, _ := dial(t, s.Addr().String(), nil)
	ctx := ctxT(t)
	ida, err := a.ClusterID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	idb, err := b.ClusterID(ctx)
	if err != nil || idb != ida || len(ida) != 22 {
		t.Fatalf("cluster ids %q, %q (%v): want one 22-character id", ida, idb, err)
	}
	if got, want := get(t, a, "/cluster/id"), `{"version":"1","id":"`+ida+`"}`; got != want {
		t.Errorf("/cluster/id = %s, want %s", got, want)
	}
}

// TestRegisterBroker: multi[create EPHEMERAL null, setData json v0]; the
// epoch is the czxid (KafkaZkClient.registerBroker, CheckedEphemeral);
// registering again in the same session returns the same epoch.
func TestRegisterBroker(t *testing.T) {
	s := startZK(t)
	c, _ := dial(t, s.Addr().String(), nil)
	ctx := ctxT(t)
	if err := c.EnsurePersistentPaths(ctx); err != nil {
		t.Fatal(err)
	}
	epoch, err := c.RegisterBroker(ctx, broker(1, 9092), nil)
	if err != nil {
		t.Fatal(err)
	}
	data, st, err := c.Conn().Get(ctx, "/brokers/ids/1")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://h:9092"],"jmx_port":-1,"host":"h","timestamp":"1570000000000","port":9092,"version":4}`
	if string(data) != want {
		t.Errorf("registration\n got %s\nwant %s", data, want)
	}
	if st.EphemeralOwner != c.SessionID() || st.Czxid != epoch || st.Version != 1 {
		t.Errorf("stat %+v: want owner 0x%x, czxid %d (the epoch), version 1 (the setData)", st, c.SessionID(), epoch)
	}
	again, err := c.RegisterBroker(ctx, broker(1, 9092), nil)
	if err != nil || again != epoch {
		t.Errorf("second registration in the same session: %d, %v; want %d", again, err, epoch)
	}
}

// TestDuplicateBrokerIDRefused: an id held by another live session is
// refused at once, as Kafka's NodeExists.
func TestDuplicateBrokerIDRefused(t *testing.T) {
	s := startZK(t)
	a, _ := dial(t, s.Addr().String(), nil)
	b, _ := dial(t, s.Addr().String(), nil)
	ctx := ctxT(t)
	a.EnsurePersistentPaths(ctx)
	if _, err := a.RegisterBroker(ctx, broker(1, 9092), nil); err != nil {
		t.Fatal(err)
	}
	_, err := b.RegisterBroker(ctx, broker(1, 9093), func(int64) bool { return false })
	var inUse *BrokerIDInUseError
	if !errors.As(err, &inUse) || !errors.Is(err, zkerr.NodeExists) || inUse.Owner != a.SessionID() {
		t.Fatalf("duplicate id: %v; want a BrokerIDInUseError naming session 0x%x", err, a.SessionID())
	}
	if !strings.Contains(err.Error(), "broker.id 1 is already registered") {
		t.Errorf("message %q", err)
	}
}

// TestRestartAfterKillWaitsForExpiry: a broker killed with kill -9 leaves
// its registration behind until its session expires. Kafka 2.3 exits with
// NodeExists; we recognise our own earlier session and wait for ZooKeeper
// to delete the znode, logging why.
func TestRestartAfterKillWaitsForExpiry(t *testing.T) {
	s := startZK(t)
	old, _ := dial(t, s.Addr().String(), nil)
	ctx := ctxT(t)
	old.EnsurePersistentPaths(ctx)
	oldEpoch, err := old.RegisterBroker(ctx, broker(1, 9092), nil)
	if err != nil {
		t.Fatal(err)
	}
	oldSession := old.SessionID()
	old.Abandon() // kill -9: the session is left to expire

	c, lb := dial(t, s.Addr().String(), nil)
	epoch, err := c.RegisterBroker(ctx, broker(1, 9092), func(s int64) bool { return s == oldSession })
	if err != nil {
		t.Fatal(err)
	}
	if epoch <= oldEpoch {
		t.Errorf("new epoch %d, old %d: the new registration must be a new znode", epoch, oldEpoch)
	}
	if !strings.Contains(lb.String(), "Waiting for ZooKeeper to expire it") {
		t.Errorf("no log line saying why start-up waited:\n%s", lb)
	}
}

// cutNet is a dialer whose connections can be cut for a while: long
// enough, the session expires on the server.
type cutNet struct {
	mu    sync.Mutex
	down  bool
	conns []net.Conn
}

func (n *cutNet) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.down {
		return nil, errors.New("cut")
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err == nil {
		n.conns = append(n.conns, c)
	}
	return c, err
}

func (n *cutNet) set(down bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.down = down
	if down {
		for _, c := range n.conns {
			c.Close()
		}
		n.conns = nil
	}
}

// TestReRegisterAfterExpiry: after a session expiry the client starts a
// new session and runs the OnNewSession handlers, where the broker
// registers again (KafkaController's RegisterBrokerAndReelect): a new
// epoch, owned by the new session.
func TestReRegisterAfterExpiry(t *testing.T) {
	s := startZK(t)
	n := &cutNet{}
	c, lb := dial(t, s.Addr().String(), func(cfg *Config) { cfg.Dialer = n.dial })
	ctx := ctxT(t)
	c.EnsurePersistentPaths(ctx)
	epoch, err := c.RegisterBroker(ctx, broker(1, 9092), nil)
	if err != nil {
		t.Fatal(err)
	}
	first := c.Conn()
	again := make(chan int64, 1)
	c.OnNewSession(func(ctx context.Context) {
		e, err := c.RegisterBroker(ctx, broker(1, 9092), nil)
		if err != nil {
			t.Error(err)
		}
		again <- e
	})
	n.set(true)
	// The server expires the session (its ephemeral goes); the client
	// only learns it when it reconnects.
	watcher, _ := dial(t, s.Addr().String(), nil)
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, _, ch, err := watcher.Conn().ExistsW(ctx, "/brokers/ids/1")
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		select {
		case <-ch:
		case <-time.After(time.Until(deadline)):
			t.Fatal("the cut session did not expire")
		}
	}
	n.set(false)
	select {
	case <-first.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the client did not learn of the expiry")
	}
	var e2 int64
	select {
	case e2 = <-again:
	case <-time.After(10 * time.Second):
		t.Fatalf("no re-registration; log:\n%s", lb)
	}
	_, st, err := c.Conn().Get(ctx, "/brokers/ids/1")
	if err != nil || st.EphemeralOwner != c.SessionID() || e2 == epoch || st.Czxid != e2 {
		t.Errorf("after expiry: stat %+v err %v, epoch %d (was %d), session 0x%x", st, err, e2, epoch, c.SessionID())
	}
}

// TestCreateTopic: /config/topics/<t> first, then /brokers/topics/<t>
// version 1, then each partition's state (AdminZkClient
// createTopicWithAssignment; KafkaController
// initializeLeaderAndIsrForPartitions), JSON byte for byte; a second
// create is TOPIC_ALREADY_EXISTS.
func TestCreateTopic(t *testing.T) {
	s := startZK(t)
	c, _ := dial(t, s.Addr().String(), nil)
	ctx := ctxT(t)
	c.EnsurePersistentPaths(ctx)
	live := func(id int32) bool { return id != 3 }
	as := map[int32][]int32{0: {1, 2, 3}, 1: {3, 1, 2}, 2: {3}}
	if err := c.CreateTopic(ctx, "t", as, map[string]string{"retention.ms": "1000"}, live); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/config/topics/t":                     `{"version":1,"config":{"retention.ms":"1000"}}`,
		"/brokers/topics/t":                    `{"version":1,"partitions":{"0":[1,2,3],"1":[3,1,2],"2":[3]}}`,
		"/brokers/topics/t/partitions/0/state": `{"controller_epoch":0,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2]}`,
		"/brokers/topics/t/partitions/1/state": `{"controller_epoch":0,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2]}`,
		"/brokers/topics/t/partitions":         ``,
	} {
		if got := get(t, c, path); got != want {
			t.Errorf("%s = %s, want %s", path, got, want)
		}
	}
	// Partition 2's only replica is dead: no leader, no state (2.3's
	// controller leaves it a NewPartition).
	if ok, _, _ := c.Conn().Exists(ctx, "/brokers/topics/t/partitions/2/state"); ok {
		t.Error("a state znode for a partition with no live replica")
	}
	err := c.CreateTopic(ctx, "t", as, nil, live)
	if !errors.Is(err, kerr.TopicAlreadyExists) {
		t.Errorf("second create: %v", err)
	}
	cfg, _, err := c.TopicConfigW(ctx, "t")
	if err != nil || cfg["retention.ms"] != "1000" {
		t.Errorf("TopicConfigW = %v, %v", cfg, err)
	}
}

// TestMalformedZnodes: JSON written by hand (zkCli.sh set) is reported as
// zkdata.ErrMalformed with the watch still set, so a fix is seen; 2.4's
// version 2 assignment is read.
func TestMalformedZnodes(t *testing.T) {
	s := startZK(t)
	c, _ := dial(t, s.Addr().String(), nil)
	ctx := ctxT(t)
	c.EnsurePersistentPaths(ctx)
	conn := c.Conn()
	conn.Create(ctx, "/brokers/ids/7", []byte(`{"version":4,"host":`), proto.ModePersistent, nil)
	_, _, ch, err := c.BrokerW(ctx, 7)
	if !errors.Is(err, zkdata.ErrMalformed) || ch == nil {
		t.Fatalf("BrokerW on bad JSON: %v (watch %v)", err, ch != nil)
	}
	conn.Set(ctx, "/brokers/ids/7", zkdata.EncodeBroker(broker(7, 1)), -1)
	select {
	case ev := <-ch:
		if ev.Type != proto.EventNodeDataChanged {
			t.Errorf("event %+v", ev)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no event after fixing the znode")
	}
	if b, _, _, err := c.BrokerW(ctx, 7); err != nil || b.Endpoints[0].Port != 1 {
		t.Errorf("fixed znode: %+v %v", b, err)
	}
	conn.Create(ctx, "/brokers/ids/x", nil, proto.ModePersistent, nil)
	conn.Create(ctx, "/brokers/ids/8", []byte("nope"), proto.ModePersistent, nil)
	ids, _, err := c.BrokerIDsW(ctx)
	if err != nil || len(ids) != 2 {
		t.Errorf("BrokerIDsW = %v, %v (want 7, 8: 'x' is not an id)", ids, err)
	}
	bs, err := c.Brokers(ctx)
	if err != nil || len(bs) != 1 || bs[0].ID != 7 {
		t.Errorf("Brokers = %+v, %v: want broker 7 only (8 is malformed)", bs, err)
	}
	conn.Create(ctx, "/brokers/topics/v2", []byte(`{"version":2,"partitions":{"0":[1]},"adding_replicas":{},"removing_replicas":{}}`), proto.ModePersistent, nil)
	if a, _, err := c.TopicAssignmentW(ctx, "v2"); err != nil || len(a.Partitions[0]) != 1 {
		t.Errorf("version 2 assignment: %+v %v", a, err)
	}
}
