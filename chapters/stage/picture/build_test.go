package picture

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zkafka/zkafka/kafka/client"
	"github.com/zkafka/zkafka/zk/server"
)

// The 4-letter words as zk/server's fourlw.go writes them.
const (
	srvrS3 = "Zookeeper version: 3.8.4-zkafka, built on 01/01/2024 00:00 GMT\nLatency min/avg/max: 0/0.0/0\nReceived: 12\nSent: 12\nConnections: 2\nOutstanding: 0\nZxid: 0x100000004\nMode: leader\nNode count: 7\n"
	mntrS3 = "zk_version\t3.8.4-zkafka, built on 01/01/2024 00:00 GMT\nzk_server_state\tleader\nzk_num_alive_connections\t2\nzk_znode_count\t7\nzk_watch_count\t2\nzk_ephemerals_count\t1\nzk_global_sessions\t2\nzk_learners\t1\n"
	consS3 = " /127.0.0.1:40001[1](queued=0,recved=9,sent=9,sid=0x300000000,lop=GETD,est=1700000000000,to=4000,lcxid=0x5,lzxid=0x100000004,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0)\n" +
		" /127.0.0.1:40002[1](queued=0,recved=3,sent=3,sid=0x300000001,lop=PING,est=1700000000000,to=10000,lcxid=0x1,lzxid=0x100000004,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0)\n" +
		" /127.0.0.1:40003[1](queued=0,recved=0,sent=0,sid=0x0,lop=NA,est=1700000000000,to=0,lcxid=0x0,lzxid=0x100000004,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0)\n\n"
	wchpS3 = "/app/config\n\t0x300000000\n\t0x300000001\n/app/workers\n\t0x300000000\n"
)

func ip(n int) *int { return &n }

func TestBuildZooKeeperEnsemble(t *testing.T) {
	in := []ServerInput{
		{ID: 1, Addr: "127.0.0.1:2181", Up: true, Status: server.Status{ID: 1, Mode: "follower", Serving: true, Leader: 3, Epoch: 1, AcceptedEpoch: 1, CurrentEpoch: 1, Zxid: 0x100000004, LastLogged: 0x100000004},
			Words: map[string]string{"srvr": NotServing + "\n"}}, // answered at the wrong instant: ignored
		{ID: 2, Addr: "127.0.0.1:2182"},
		{ID: 3, Addr: "127.0.0.1:2183", Up: true, Status: server.Status{ID: 3, Mode: "leader", Serving: true, Leader: 3, Epoch: 1, AcceptedEpoch: 1, CurrentEpoch: 1, Zxid: 0x100000004, LastLogged: 0x100000005},
			Words: map[string]string{"srvr": srvrS3, "mntr": mntrS3, "cons": consS3, "wchp": wchpS3}},
	}
	got := BuildZooKeeper(true, in, [][2]int64{{3, 1}, {1, 3}, {2, 1}}, 0x300000001)
	want := &ZooKeeper{
		Ensemble: true, Leader: 3,
		Cuts:    [][2]int64{{1, 2}, {1, 3}},
		Actions: []Action{{Label: "heal", Command: "heal"}},
		Servers: []ZKServer{
			{ID: 1, Addr: "127.0.0.1:2181", Up: true, Mode: "follower", Serving: true, Leader: 3, Epoch: 1, AcceptedEpoch: 1, CurrentEpoch: 1,
				Zxid: "0x100000004", LastLogged: "0x100000004",
				Actions: []Action{{Label: "kill", Command: "kill 1"}, {Label: "isolate", Command: "partition 1 | 2 3"}}},
			{ID: 2, Addr: "127.0.0.1:2182", Mode: "down", Zxid: "0x0", LastLogged: "0x0",
				Actions: []Action{{Label: "restart", Command: "restart 2"}}},
			{ID: 3, Addr: "127.0.0.1:2183", Up: true, Mode: "leader", Serving: true, Leader: 3, Epoch: 1, AcceptedEpoch: 1, CurrentEpoch: 1,
				Zxid: "0x100000004", LastLogged: "0x100000005",
				Znodes: ip(7), Watches: ip(2), Sessions: ip(2),
				Connections: []Connection{
					{Remote: "127.0.0.1:40001", Session: "0x300000000", TimeoutMs: 4000, LastOp: "GETD"},
					{Remote: "127.0.0.1:40002", Session: "0x300000001", TimeoutMs: 10000, LastOp: "PING", Picture: true},
				},
				WatchedPaths: []WatchedPath{
					{Path: "/app/config", Sessions: []string{"0x300000000", "0x300000001"}},
					{Path: "/app/workers", Sessions: []string{"0x300000000"}},
				},
				Actions: []Action{{Label: "kill", Command: "kill 3"}, {Label: "isolate", Command: "partition 3 | 1 2"}}},
		},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("BuildZooKeeper (-want +got):\n%s", d)
	}
}

// While it elects, a member answers the words with "not currently
// serving": the picture shows its Status and leaves the rest out; with
// no serving leader, Leader is 0.
func TestBuildZooKeeperElecting(t *testing.T) {
	ns := NotServing + "\n"
	in := []ServerInput{
		{ID: 1, Addr: "a", Up: true, Status: server.Status{ID: 1, Mode: "looking", Epoch: 1, AcceptedEpoch: 1, CurrentEpoch: 1, Zxid: 0x100000004},
			Words: map[string]string{"srvr": ns, "mntr": ns, "cons": ns, "wchp": ns}},
		{ID: 2, Addr: "b", Up: true, Status: server.Status{ID: 2, Mode: "leader", Leader: 2, Epoch: 2, AcceptedEpoch: 2, CurrentEpoch: 1, Zxid: 0x100000004},
			Words: map[string]string{"srvr": ns, "mntr": ns, "cons": ns, "wchp": ns}},
	}
	got := BuildZooKeeper(true, in, nil, 0)
	if got.Leader != 0 {
		t.Errorf("Leader = %d, want 0: s2 leads but does not serve yet", got.Leader)
	}
	for _, s := range got.Servers {
		if s.Znodes != nil || s.Watches != nil || s.Sessions != nil || s.Connections != nil || s.WatchedPaths != nil {
			t.Errorf("s%d: fields from a word that was not answered: %+v", s.ID, s)
		}
	}
	if got.Servers[1].Mode != "leader" || got.Servers[1].Epoch != 2 || got.Servers[1].CurrentEpoch != 1 {
		t.Errorf("s2 = %+v, want Status's leader, epoch 2, currentEpoch 1", got.Servers[1])
	}
	if got.Actions != nil || got.Cuts != nil {
		t.Errorf("no cuts: want no heal button and no cuts, got %v %v", got.Actions, got.Cuts)
	}
}

// A standalone server's Status is just its mode: the zxid (and the epoch
// in its high bits) comes from srvr.
func TestBuildZooKeeperStandalone(t *testing.T) {
	srvr := "Zookeeper version: 3.8.4-zkafka, built on 01/01/2024 00:00 GMT\nLatency min/avg/max: 0/0.0/0\nReceived: 1\nSent: 1\nConnections: 1\nOutstanding: 0\nZxid: 0x20000000a\nMode: standalone\nNode count: 5\n"
	in := []ServerInput{{ID: 0, Addr: "127.0.0.1:2181", Up: true, Status: server.Status{Mode: "standalone", Serving: true},
		Words: map[string]string{"srvr": srvr, "mntr": "zk_znode_count\t5\nzk_watch_count\t0\nzk_global_sessions\t1\n", "cons": "\n", "wchp": ""}}}
	got := BuildZooKeeper(false, in, nil, 0)
	s := got.Servers[0]
	if s.Zxid != "0x20000000a" || s.Epoch != 2 || s.Mode != "standalone" || !s.Serving || *s.Znodes != 5 || s.Connections != nil || s.WatchedPaths != nil {
		t.Errorf("standalone server = %+v", s)
	}
	if d := cmp.Diff([]Action{{Label: "crash", Command: "crash"}, {Label: "restart", Command: "restart"}}, got.Actions); d != "" {
		t.Errorf("actions (-want +got):\n%s", d)
	}
	if got.Leader != 0 || got.Ensemble {
		t.Errorf("standalone: Leader %d Ensemble %v", got.Leader, got.Ensemble)
	}
}

func TestBuildKafka(t *testing.T) {
	md := &client.Metadata{ClusterID: "c1", ControllerID: -1,
		Brokers: []client.Broker{{NodeID: 0, Host: "127.0.0.1", Port: 9092}},
		Topics: []client.TopicInfo{
			{Name: "short", Partitions: []client.PartitionInfo{{Partition: 0, Leader: 0, Replicas: []int32{0}, ISR: []int32{0}}}},
			{Name: "demo", Partitions: []client.PartitionInfo{
				{Partition: 1, Leader: 0, Replicas: []int32{0}, ISR: []int32{0}},
				{Partition: 0, Leader: 0, Replicas: []int32{0}, ISR: []int32{0}},
			}},
			{Name: "gone", Err: errors.New("UNKNOWN_TOPIC_OR_PARTITION")},
		}}
	in := KafkaInput{
		Metadata:  md,
		Endpoints: []BrokerEndpoint{{Addr: "127.0.0.1:9092", LogDir: "/tmp/k", Up: true}, {Addr: "127.0.0.1:9093", LogDir: "/tmp/k2"}},
		Offsets:   map[TP]Offsets{{"demo", 0}: {0, 42}, {"short", 0}: {30, 31}},
		Segments: map[string]map[TP][]Segment{"127.0.0.1:9092": {
			{"demo", 0}:  {{BaseOffset: 0, LogBytes: 1000, IndexBytes: 16, TimeIndexBytes: 24}, {BaseOffset: 40, LogBytes: 150}},
			{"short", 0}: {{BaseOffset: 30, LogBytes: 80}},
		}},
	}
	got := BuildKafka(in)
	want := &Kafka{ClusterID: "c1",
		Brokers: []Broker{{ID: -1, Addr: "127.0.0.1:9093", LogDir: "/tmp/k2", Leads: []string{}},
			{ID: 0, Addr: "127.0.0.1:9092", Up: true, LogDir: "/tmp/k", Leads: []string{"demo-0", "demo-1", "short-0"}}},
		Topics: []Topic{
			{Name: "demo", Partitions: []Partition{
				{Partition: 0, Leader: 0, Replicas: []int32{0}, ISR: []int32{0}, Logs: []ReplicaLog{{Broker: 0, LogStartOffset: 0, LogEndOffset: 42, Bytes: 1150,
					Segments: []Segment{{BaseOffset: 0, LogBytes: 1000, IndexBytes: 16, TimeIndexBytes: 24}, {BaseOffset: 40, LogBytes: 150}}}}},
				// Partition 1's directory was not read: no log to show.
				{Partition: 1, Leader: 0, Replicas: []int32{0}, ISR: []int32{0}, Logs: []ReplicaLog{}},
			}},
			{Name: "gone", Error: "UNKNOWN_TOPIC_OR_PARTITION", Partitions: []Partition{}},
			{Name: "short", Partitions: []Partition{
				{Partition: 0, Leader: 0, Replicas: []int32{0}, ISR: []int32{0}, Logs: []ReplicaLog{{Broker: 0, LogStartOffset: 30, LogEndOffset: 31, Bytes: 80,
					Segments: []Segment{{BaseOffset: 30, LogBytes: 80}}}}},
			}},
		}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("BuildKafka (-want +got):\n%s", d)
	}
	if k := BuildKafka(KafkaInput{Endpoints: in.Endpoints[:1]}); len(k.Topics) != 0 || len(k.Brokers) != 1 || k.Brokers[0].ID != -1 {
		t.Errorf("no Metadata: want the stage's broker with id -1 and no topics, got %+v", k)
	}
}

func TestReadSegments(t *testing.T) {
	dir := t.TempDir()
	files := map[string]int{
		"00000000000000000000.log": 1024, "00000000000000000000.index": 16, "00000000000000000000.timeindex": 24,
		"00000000000000000017.log": 100, "00000000000000000017.index": 0, "00000000000000000017.timeindex": 0,
		"leader-epoch-checkpoint": 10, "partition.metadata": 5, "00000000000000000017.snapshot": 3,
	}
	for name, size := range files {
		if err := os.WriteFile(filepath.Join(dir, name), make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadSegments(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []Segment{{BaseOffset: 0, LogBytes: 1024, IndexBytes: 16, TimeIndexBytes: 24}, {BaseOffset: 17, LogBytes: 100}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ReadSegments (-want +got):\n%s", d)
	}
	if _, err := ReadSegments(filepath.Join(dir, "missing")); err == nil {
		t.Error("ReadSegments of a missing directory: no error")
	}
}

func TestChangesTellTheElection(t *testing.T) {
	srv := func(id int64, up bool, mode string, serving bool, leader, epoch int64) ZKServer {
		return ZKServer{ID: id, Up: up, Mode: mode, Serving: serving, Leader: leader, Epoch: epoch}
	}
	before := &State{ZooKeeper: &ZooKeeper{Ensemble: true, Leader: 3, Servers: []ZKServer{
		srv(1, true, "follower", true, 3, 1), srv(2, true, "follower", true, 3, 1), srv(3, true, "leader", true, 3, 1)}}}
	killed := &State{ZooKeeper: &ZooKeeper{Ensemble: true, Servers: []ZKServer{
		srv(1, true, "looking", false, 0, 1), srv(2, true, "looking", false, 0, 1), {ID: 3, Mode: "down"}}}}
	elected := &State{ZooKeeper: &ZooKeeper{Ensemble: true, Leader: 2, Servers: []ZKServer{
		srv(1, true, "follower", true, 2, 2), srv(2, true, "leader", true, 2, 2), {ID: 3, Mode: "down"}}, Cuts: [][2]int64{{1, 3}}}}
	healed := &State{ZooKeeper: &ZooKeeper{Ensemble: true, Leader: 2, Servers: []ZKServer{
		srv(1, true, "follower", true, 2, 2), srv(2, true, "leader", true, 2, 2), srv(3, true, "looking", false, 0, 1)}}}
	for _, c := range []struct {
		name     string
		from, to *State
		want     []string
	}{
		{"kill", before, killed, []string{"s1 is LOOKING (electing)", "s2 is LOOKING (electing)", "s3 is down", "no leader serves"}},
		{"elect", killed, elected, []string{"s1 FOLLOWS s2 in epoch 2 and serves", "s2 LEADS epoch 2 and serves", "s2 is the leader (epoch 2)", "link s1-s3 cut"}},
		{"restart", elected, healed, []string{"s3 is back (looking)", "link s1-s3 healed"}},
		{"won", killed, &State{ZooKeeper: &ZooKeeper{Ensemble: true, Servers: []ZKServer{
			srv(1, true, "follower", false, 2, 0), srv(2, true, "leader", false, 2, 0), {ID: 3, Mode: "down"}}}},
			[]string{"s1 lost the election to s2: FOLLOWING, sends FOLLOWERINFO", "s2 won the election: LEADING, gathering FOLLOWERINFO for a new epoch"}},
		{"nothing", healed, healed, nil},
	} {
		if d := cmp.Diff(c.want, Changes(c.from, c.to)); d != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, d)
		}
	}
}

func TestChangesTellTheLog(t *testing.T) {
	part := func(start int64, bases ...int64) []Partition {
		l := ReplicaLog{Broker: 0, LogStartOffset: start, LogEndOffset: 30}
		for _, b := range bases {
			l.Segments = append(l.Segments, Segment{BaseOffset: b})
		}
		return []Partition{{Partition: 0, Leader: 0, Logs: []ReplicaLog{l}}}
	}
	a := &State{Kafka: &Kafka{Brokers: []Broker{{ID: 0, Addr: "x", Up: true}}, Topics: []Topic{{Name: "demo", Partitions: part(0, 0, 10)}}}}
	b := &State{Kafka: &Kafka{Brokers: []Broker{{ID: 0, Addr: "x", Up: false}}, Topics: []Topic{
		{Name: "demo", Partitions: part(10, 10, 25)}, {Name: "short", Partitions: part(0, 0)}}}}
	want := []string{"broker 0 is down", "topic short created (1 partition)", "demo-0 rolled: a new segment at offset 25",
		"demo-0: segment 00000000000000000000 deleted", "demo-0: log start offset 0 → 10"}
	if d := cmp.Diff(want, Changes(a, b)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// A power cut: recovery truncates the torn tail.
	c := &State{Kafka: &Kafka{Brokers: b.Kafka.Brokers, Topics: []Topic{{Name: "demo", Partitions: part(10, 10, 25)}, {Name: "short", Partitions: part(0, 0)}}}}
	c.Kafka.Topics[0].Partitions[0].Logs[0].LogEndOffset = 22
	if d := cmp.Diff([]string{"demo-0: log end offset 30 → 22: truncated"}, Changes(b, c)); d != "" {
		t.Errorf("truncation (-want +got):\n%s", d)
	}
}

// Chapter 6: three brokers on ZooKeeper, broker 2 killed but still
// registered (its session has not expired), broker 3 down and gone from
// Metadata; a 3-partition topic led by the first live replica.
func TestBuildKafkaCluster(t *testing.T) {
	md := &client.Metadata{ClusterID: "c6", ControllerID: 1,
		Brokers: []client.Broker{{NodeID: 1, Host: "127.0.0.1", Port: 9092}, {NodeID: 2, Host: "127.0.0.1", Port: 9093}},
		Topics: []client.TopicInfo{{Name: "orders", Partitions: []client.PartitionInfo{
			{Partition: 0, Leader: 1, Replicas: []int32{1, 2, 3}, ISR: []int32{1, 2}},
			{Partition: 1, Leader: 2, Replicas: []int32{2, 3, 1}, ISR: []int32{2, 1}},
			{Partition: 2, Leader: 1, Replicas: []int32{3, 1, 2}, ISR: []int32{1, 2}},
		}}}}
	in := KafkaInput{Metadata: md, Cluster: true,
		Endpoints: []BrokerEndpoint{
			{ID: 1, Addr: "127.0.0.1:9092", LogDir: "/d1", Up: true, Epoch: 0x100000024},
			{ID: 2, Addr: "127.0.0.1:9093", LogDir: "/d2"},
			{ID: 3, Addr: "127.0.0.1:9094", LogDir: "/d3"},
		},
		Offsets: map[TP]Offsets{{"orders", 0}: {0, 7}, {"orders", 2}: {0, 0}},
		Segments: map[string]map[TP][]Segment{
			"127.0.0.1:9092": {{"orders", 0}: {{BaseOffset: 0, LogBytes: 700}}, {"orders", 1}: {{BaseOffset: 0}}, {"orders", 2}: {{BaseOffset: 0}}},
		},
	}
	got := BuildKafka(in)
	wantBrokers := []Broker{
		{ID: 1, Addr: "127.0.0.1:9092", Up: true, LogDir: "/d1", Registered: true, Epoch: 0x100000024, Leads: []string{"orders-0", "orders-2"}},
		{ID: 2, Addr: "127.0.0.1:9093", LogDir: "/d2", Registered: true, Leads: []string{"orders-1"}},
		{ID: 3, Addr: "127.0.0.1:9094", LogDir: "/d3", Leads: []string{}},
	}
	if d := cmp.Diff(wantBrokers, got.Brokers); d != "" {
		t.Errorf("brokers (-want +got):\n%s", d)
	}
	p := got.Topics[0].Partitions
	if len(p) != 3 || p[2].Leader != 1 || len(p[2].Logs) != 1 || p[2].Logs[0].Broker != 1 || p[0].Logs[0].LogEndOffset != 7 || p[1].Logs[0].LogEndOffset != -1 {
		t.Errorf("partitions: %+v", p)
	}
}

func TestChangesTellTheBrokers(t *testing.T) {
	br := func(id int32, up, reg bool, epoch int64) Broker {
		return Broker{ID: id, Addr: fmt.Sprint("127.0.0.1:", 9091+id), Up: up, Registered: reg, Epoch: epoch}
	}
	topic := func(leaders ...int32) []Topic {
		var ps []Partition
		for i, l := range leaders {
			ps = append(ps, Partition{Partition: int32(i), Leader: l})
		}
		return []Topic{{Name: "orders", Partitions: ps}}
	}
	up := &State{Kafka: &Kafka{Brokers: []Broker{br(1, true, true, 0x24), br(2, true, true, 0x27)}, Topics: topic(1, 2)}}
	killed := &State{Kafka: &Kafka{Brokers: []Broker{br(1, true, true, 0x24), br(2, false, true, 0)}, Topics: topic(1, 2)}}
	expired := &State{Kafka: &Kafka{Brokers: []Broker{br(1, true, true, 0x24), br(2, false, false, 0)}, Topics: topic(1, 1)}}
	back := &State{Kafka: &Kafka{Brokers: []Broker{br(1, true, true, 0x24), br(2, true, true, 0x40), br(3, true, true, 0x41)}, Topics: topic(1, 2)}}
	for _, c := range []struct {
		a, b *State
		want []string
	}{
		{up, killed, []string{"broker 2 is down"}},
		{killed, expired, []string{"broker 2 left /brokers/ids (its session ended)", "orders-1: leader 2 → 1"}},
		{expired, back, []string{"broker 2 is back", "broker 2 registered in /brokers/ids", "broker 3 joined (127.0.0.1:9094)", "orders-1: leader 1 → 2"}},
		{up, back, []string{"broker 2 has a new broker epoch: 0x27 → 0x40", "broker 3 joined (127.0.0.1:9094)"}},
		{up, &State{Kafka: &Kafka{Brokers: up.Kafka.Brokers, Topics: topic(-1, 2)}}, []string{"orders-0 is offline: no live replica (leader was 1)"}},
	} {
		if d := cmp.Diff(c.want, Changes(c.a, c.b)); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	}
}
