package zkdata

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// The expected bytes below were checked against apache/kafka 2.3.1
// core/src/main/scala/kafka/zk/ZkData.scala (the XxxZNode.encode methods)
// and, for field order, against registrations read back from real 2.x
// clusters with zkCli.sh.

// TestBrokerEncode: BrokerIdZNode.encode, version 4 (BrokerInfo.apply).
func TestBrokerEncode(t *testing.T) {
	b := BrokerInfo{ID: 1, JmxPort: -1, Timestamp: 1570000000000,
		Endpoints: []Endpoint{{Listener: "PLAINTEXT", SecurityProtocol: "PLAINTEXT", Host: "h", Port: 9092}}}
	want := `{"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://h:9092"],"jmx_port":-1,"host":"h","timestamp":"1570000000000","port":9092,"version":4}`
	if got := string(EncodeBroker(b)); got != want {
		t.Errorf("EncodeBroker =\n%s\nwant\n%s", got, want)
	}
	// Two listeners, an IPv6 host, a rack; the top-level host/port is the
	// first PLAINTEXT endpoint's.
	b.Endpoints = []Endpoint{
		{Listener: "CLIENT", SecurityProtocol: "SSL", Host: "::1", Port: 9093},
		{Listener: "REPLICATION", SecurityProtocol: "PLAINTEXT", Host: "r", Port: 9094},
	}
	b.Rack = "dc1"
	want = `{"listener_security_protocol_map":{"CLIENT":"SSL","REPLICATION":"PLAINTEXT"},"endpoints":["CLIENT://[::1]:9093","REPLICATION://r:9094"],"jmx_port":-1,"host":"r","rack":"dc1","timestamp":"1570000000000","port":9094,"version":4}`
	if got := string(EncodeBroker(b)); got != want {
		t.Errorf("EncodeBroker =\n%s\nwant\n%s", got, want)
	}
	// No PLAINTEXT endpoint: host null, port -1 (new EndPoint(null, -1, ...)).
	b.Endpoints, b.Rack = b.Endpoints[:1], ""
	if got := string(EncodeBroker(b)); !strings.Contains(got, `"host":null`) || !strings.Contains(got, `"port":-1`) {
		t.Errorf("EncodeBroker without PLAINTEXT = %s", got)
	}
	back, err := DecodeBroker(1, EncodeBroker(b))
	if err != nil || !reflect.DeepEqual(back.Endpoints, b.Endpoints) || back.Host != "" || back.Port != -1 {
		t.Errorf("round trip = %+v %v", back, err)
	}
}

// TestBrokerDecode reads registrations of every version as
// BrokerIdZNode.decode does (its comment lists the version 1-4 schemas).
func TestBrokerDecode(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		want       BrokerInfo
	}{
		{"v4 as 2.x writes it",
			`{"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://kafka-1:9092"],"jmx_port":-1,"host":"kafka-1","timestamp":"1574676574001","port":9092,"version":4}`,
			BrokerInfo{ID: 7, Version: 4, JmxPort: -1, Timestamp: 1574676574001, Host: "kafka-1", Port: 9092,
				Endpoints: []Endpoint{{"PLAINTEXT", "PLAINTEXT", "kafka-1", 9092}}}},
		{"v4 named listeners, fields reordered, rack",
			`{"version":4,"rack":"dc1","host":"h","port":9092,"jmx_port":9999,"timestamp":"2233345666","endpoints":["CLIENT://h:9092","REPLICATION://h:9093"],"listener_security_protocol_map":{"CLIENT":"SSL","REPLICATION":"PLAINTEXT"}}`,
			BrokerInfo{ID: 7, Version: 4, JmxPort: 9999, Timestamp: 2233345666, Host: "h", Port: 9092, Rack: "dc1",
				Endpoints: []Endpoint{{"CLIENT", "SSL", "h", 9092}, {"REPLICATION", "PLAINTEXT", "h", 9093}}}},
		{"v3: protocols from listener names",
			`{"jmx_port":-1,"timestamp":"1571666399659","endpoints":["PLAINTEXT://n4:6667","sasl_plaintext://n4:6668"],"host":"n4","version":3,"port":6667,"rack":"/default-rack"}`,
			BrokerInfo{ID: 7, Version: 3, JmxPort: -1, Timestamp: 1571666399659, Host: "n4", Port: 6667, Rack: "/default-rack",
				Endpoints: []Endpoint{{"PLAINTEXT", "PLAINTEXT", "n4", 6667}, {"SASL_PLAINTEXT", "SASL_PLAINTEXT", "n4", 6668}}}},
		{"v1: host and port only",
			`{"version":1,"host":"localhost","port":9092,"jmx_port":9999,"timestamp":"2233345666"}`,
			BrokerInfo{ID: 7, Version: 1, JmxPort: 9999, Timestamp: 2233345666, Host: "localhost", Port: 9092,
				Endpoints: []Endpoint{{"PLAINTEXT", "PLAINTEXT", "localhost", 9092}}}},
		{"v5 (2.7) features ignored, empty host, null rack",
			`{"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://:9092"],"rack":null,"jmx_port":-1,"host":null,"timestamp":"x","port":-1,"version":5}`,
			BrokerInfo{ID: 7, Version: 5, JmxPort: -1, Port: -1,
				Endpoints: []Endpoint{{"PLAINTEXT", "PLAINTEXT", "", 9092}}}},
	} {
		got, err := DecodeBroker(7, []byte(tc.json))
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v %v\nwant %+v", tc.name, got, err, tc.want)
		}
	}
}

// TestSmallZNodes checks the encoders of ZkData.scala 2.3.1 byte for
// byte, and that each decoder reads what its encoder wrote.
func TestSmallZNodes(t *testing.T) {
	eq := func(name string, got []byte, want string) {
		t.Helper()
		if string(got) != want {
			t.Errorf("%s =\n%s\nwant\n%s", name, got, want)
		}
	}
	// ControllerZNode.encode
	eq("controller", EncodeController(Controller{BrokerID: 1001, Timestamp: 1571666282268}), `{"version":1,"brokerid":1001,"timestamp":"1571666282268"}`)
	if c, err := DecodeController([]byte(`{"version":1,"brokerid":1001,"timestamp":"1571666282268"}`)); err != nil || c != (Controller{1001, 1571666282268}) {
		t.Errorf("DecodeController = %+v %v", c, err)
	}
	// ControllerEpochZNode: a plain decimal.
	eq("controller_epoch", EncodeControllerEpoch(12), "12")
	if e, err := DecodeControllerEpoch([]byte("12")); err != nil || e != 12 {
		t.Errorf("DecodeControllerEpoch = %d %v", e, err)
	}
	// ClusterIdZNode.toJson: the version is the string "1".
	eq("cluster id", EncodeClusterID("IOejp_IKSbWbySJc0sRrKw"), `{"version":"1","id":"IOejp_IKSbWbySJc0sRrKw"}`)
	if id, err := DecodeClusterID([]byte(`{"version":"1","id":"IOejp_IKSbWbySJc0sRrKw"}`)); err != nil || id != "IOejp_IKSbWbySJc0sRrKw" {
		t.Errorf("DecodeClusterID = %q %v", id, err)
	}
	// TopicZNode.encode, version 1.
	a := TopicAssignment{Partitions: map[int32][]int32{1: {2, 3}, 0: {1, 2}, 10: {3, 1}}}
	eq("topic", EncodeTopic(a), `{"version":1,"partitions":{"0":[1,2],"1":[2,3],"10":[3,1]}}`)
	if got, err := DecodeTopic(EncodeTopic(a)); err != nil || !reflect.DeepEqual(got, a) {
		t.Errorf("DecodeTopic = %+v %v", got, err)
	}
	// TopicPartitionStateZNode.encode: the immutable Map's hash order.
	s := PartitionState{ControllerEpoch: 33, Leader: 102, LeaderEpoch: 8, ISR: []int32{102, 103}}
	eq("partition state", EncodePartitionState(s), `{"controller_epoch":33,"leader":102,"version":1,"leader_epoch":8,"isr":[102,103]}`)
	if got, err := DecodePartitionState(EncodePartitionState(s)); err != nil || !reflect.DeepEqual(got, s) {
		t.Errorf("DecodePartitionState = %+v %v", got, err)
	}
	eq("empty isr", EncodePartitionState(PartitionState{Leader: -1}), `{"controller_epoch":0,"leader":-1,"version":1,"leader_epoch":0,"isr":[]}`)
	// ConfigEntityZNode.encode
	cfg := map[string]string{"retention.ms": "1000", "cleanup.policy": "compact"}
	eq("topic config", EncodeEntityConfig(cfg), `{"version":1,"config":{"cleanup.policy":"compact","retention.ms":"1000"}}`)
	eq("empty config", EncodeEntityConfig(nil), `{"version":1,"config":{}}`)
	if got, err := DecodeEntityConfig(EncodeEntityConfig(cfg)); err != nil || !reflect.DeepEqual(got, cfg) {
		t.Errorf("DecodeEntityConfig = %v %v", got, err)
	}
	// ConfigEntityChangeNotificationSequenceZNode.encode, version 2.
	ch := ConfigChange{EntityType: "topics", EntityName: "foo"}
	eq("config change", EncodeConfigChange(ch), `{"version":2,"entity_path":"topics/foo"}`)
	for _, in := range []string{`{"version":2,"entity_path":"topics/foo"}`, `{"version" : 1, "entity_type":"topics", "entity_name" : "foo"}`} {
		if got, err := DecodeConfigChange([]byte(in)); err != nil || got != ch {
			t.Errorf("DecodeConfigChange(%s) = %+v %v", in, got, err)
		}
	}
	// IsrChangeNotificationSequenceZNode.encode (version 1,
	// IsrChangeNotificationHandler.Version).
	tps := []TopicPartition{{"t", 0}, {"u", 3}}
	eq("isr change", EncodeIsrChange(tps), `{"version":1,"partitions":[{"topic":"t","partition":0},{"topic":"u","partition":3}]}`)
	if got, err := DecodeIsrChange(EncodeIsrChange(tps)); err != nil || !reflect.DeepEqual(got, tps) {
		t.Errorf("DecodeIsrChange = %v %v", got, err)
	}
	// PreferredReplicaElectionZNode.encode
	eq("preferred election", EncodePreferredReplicaElection(tps[:1]), `{"version":1,"partitions":[{"topic":"t","partition":0}]}`)
	// ReassignPartitionsZNode.encode (Jackson over the case classes).
	rs := []ReplicaAssignment{{"foo", 0, []int32{1, 2}}}
	eq("reassignment", EncodeReassignment(rs), `{"version":1,"partitions":[{"topic":"foo","partition":0,"replicas":[1,2]}]}`)
	if got, err := DecodeReassignment(EncodeReassignment(rs)); err != nil || !reflect.DeepEqual(got, rs) {
		t.Errorf("DecodeReassignment = %v %v", got, err)
	}
	// LogDirEventNotificationSequenceZNode.encode
	eq("log dir event", EncodeLogDirEvent(2), `{"version":1,"broker":2,"event":1}`)
	// ConsumerOffset.encode: a plain decimal.
	eq("consumer offset", EncodeConsumerOffset(42), "42")
	if o, err := DecodeConsumerOffset([]byte("42")); err != nil || o != 42 {
		t.Errorf("DecodeConsumerOffset = %d %v", o, err)
	}
	// ProducerIdManager.generateProducerIdBlockJson (2.3.1).
	blk := ProducerIDBlock{BrokerID: 1, BlockStart: 1000, BlockEnd: 1999}
	eq("producer id block", EncodeProducerIDBlock(blk), `{"version":1,"broker":1,"block_start":"1000","block_end":"1999"}`)
	if got, err := DecodeProducerIDBlock(EncodeProducerIDBlock(blk)); err != nil || got != blk {
		t.Errorf("DecodeProducerIDBlock = %+v %v", got, err)
	}
	// Strings are escaped as Jackson does: quotes, backslashes and
	// control characters only.
	eq("escaping", EncodeClusterID("a\"\\\n\x01</é"), `{"version":"1","id":"a\"\\\n\u0001</é"}`)
}

// TestTopicVersion2: 2.4's TopicZNode (KIP-455) adds adding_replicas and
// removing_replicas; a 2.3 reader ignores them, ours reads them.
func TestTopicVersion2(t *testing.T) {
	in := `{"version":2,"partitions":{"0":[1,2,3],"1":[2,3,4]},"adding_replicas":{"1":[4]},"removing_replicas":{"1":[1]}}`
	got, err := DecodeTopic([]byte(in))
	want := TopicAssignment{
		Partitions: map[int32][]int32{0: {1, 2, 3}, 1: {2, 3, 4}},
		Adding:     map[int32][]int32{1: {4}},
		Removing:   map[int32][]int32{1: {1}},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("DecodeTopic(v2) = %+v %v", got, err)
	}
	got, err = DecodeTopic([]byte(`{"version":2,"partitions":{"0":[1]},"adding_replicas":{},"removing_replicas":{}}`))
	if err != nil || len(got.Partitions) != 1 || len(got.Adding) != 0 {
		t.Errorf("DecodeTopic(v2, empty sets) = %+v %v", got, err)
	}
}

// TestMalformed: bad data is a DecodeError matching ErrMalformed, never a
// panic (issue 10: "Malformed JSON in a znode ... is logged and skipped").
func TestMalformed(t *testing.T) {
	for _, tc := range []struct {
		decode func([]byte) error
		in     string
	}{
		{brokerDec, ``}, {brokerDec, `nope`}, {brokerDec, `[]`}, {brokerDec, `null`},
		{brokerDec, `{"version":0,"jmx_port":-1}`},
		{brokerDec, `{"version":"4","jmx_port":-1,"endpoints":[]}`},
		{brokerDec, `{"version":4,"endpoints":["PLAINTEXT://h:9092"]}`}, // no jmx_port
		{brokerDec, `{"version":4,"jmx_port":-1,"endpoints":["h:9092"]}`},
		{brokerDec, `{"version":4,"jmx_port":-1,"endpoints":["CLIENT://h:9092"]}`}, // no protocol for CLIENT
		{brokerDec, `{"version":4,"jmx_port":-1,"endpoints":["PLAINTEXT://h:99999999999"]}`},
		{brokerDec, `{"version":4,"jmx_port":1.5,"endpoints":[]}`},
		{brokerDec, `{"version":4,"jmx_port":-1,"endpoints":[],"listener_security_protocol_map":{"A":"TLS"}}`},
		{brokerDec, `{"version":1,"jmx_port":-1,"host":"h"}`},
		{brokerDec, `{"version":4,"jmx_port":-1,"endpoints":[]} x`},
		{func(b []byte) error { _, err := DecodeController(b); return err }, `{"version":1}`},
		{func(b []byte) error { _, err := DecodeController(b); return err }, `{"brokerid":"1"}`},
		{func(b []byte) error { _, err := DecodeControllerEpoch(b); return err }, `1.0`},
		{func(b []byte) error { _, err := DecodeControllerEpoch(b); return err }, ``},
		{func(b []byte) error { _, err := DecodeClusterID(b); return err }, `{"version":"1"}`},
		{func(b []byte) error { _, err := DecodeTopic(b); return err }, `{"version":1}`},
		{func(b []byte) error { _, err := DecodeTopic(b); return err }, `{"version":1,"partitions":{"x":[1]}}`},
		{func(b []byte) error { _, err := DecodeTopic(b); return err }, `{"version":1,"partitions":{"-1":[1]}}`},
		{func(b []byte) error { _, err := DecodeTopic(b); return err }, `{"version":1,"partitions":{"0":[1,"2"]}}`},
		{func(b []byte) error { _, err := DecodeTopic(b); return err }, `{"version":1,"partitions":{"0":null}}`},
		{func(b []byte) error { _, err := DecodePartitionState(b); return err }, `{"leader":1,"leader_epoch":0,"controller_epoch":1}`},
		{func(b []byte) error { _, err := DecodePartitionState(b); return err }, `{"leader":1,"leader_epoch":0,"isr":{},"controller_epoch":1}`},
		{func(b []byte) error { _, err := DecodeEntityConfig(b); return err }, `{"version":1,"config":{"a":1}}`},
		{func(b []byte) error { _, err := DecodeEntityConfig(b); return err }, `{"version":1,"config":[]}`},
		{func(b []byte) error { _, err := DecodeConfigChange(b); return err }, `{"version":3,"entity_path":"topics/a"}`},
		{func(b []byte) error { _, err := DecodeConfigChange(b); return err }, `{"version":2,"entity_path":"topics"}`},
		{func(b []byte) error { _, err := DecodeConfigChange(b); return err }, `{"version":2,"entity_path":"widgets/a"}`},
		{func(b []byte) error { _, err := DecodeIsrChange(b); return err }, `{"version":1,"partitions":[{"topic":"t"}]}`},
		{func(b []byte) error { _, err := DecodeIsrChange(b); return err }, `{"version":1,"partitions":[null]}`},
		{func(b []byte) error { _, err := DecodeReassignment(b); return err }, `{"version":1,"partitions":[{"topic":"t","partition":0}]}`},
		{func(b []byte) error { _, err := DecodeConsumerOffset(b); return err }, `12a`},
		{func(b []byte) error { _, err := DecodeProducerIDBlock(b); return err }, `{"version":1,"broker":1,"block_start":1000,"block_end":"1999"}`},
		{func(b []byte) error { _, err := DecodeMetaProperties(b); return err }, "version=1\nbroker.id=1\n"},
		{func(b []byte) error { _, err := DecodeMetaProperties(b); return err }, "version=0\n"},
		{func(b []byte) error { _, err := DecodeMetaProperties(b); return err }, "version=0\nbroker.id=-1\n"},
	} {
		err := tc.decode([]byte(tc.in))
		var de *DecodeError
		if !errors.Is(err, ErrMalformed) || !errors.As(err, &de) {
			t.Errorf("%q: err = %v, want a DecodeError", tc.in, err)
		}
	}
}

func brokerDec(b []byte) error { _, err := DecodeBroker(1, b); return err }

// TestPaths: the path helpers and ZkData.PersistentZkPaths of 2.3.1, in
// its order (ConfigType.all last: topics, clients, users, brokers).
func TestPaths(t *testing.T) {
	for got, want := range map[string]string{
		BrokerIDPath(3):                  "/brokers/ids/3",
		TopicPath("t"):                   "/brokers/topics/t",
		TopicPartitionsPath("t"):         "/brokers/topics/t/partitions",
		PartitionStatePath("t", 2):       "/brokers/topics/t/partitions/2/state",
		TopicConfigPath("t"):             "/config/topics/t",
		ConfigEntityPath("brokers", "1"): "/config/brokers/1",
		DeleteTopicPath("t"):             "/admin/delete_topics/t",
		ConsumerOffsetPath("g", "t", 4):  "/consumers/g/offsets/t/4",
		ConfigChangeSeqPath:              "/config/changes/config_change_",
		IsrChangeSeqPath:                 "/isr_change_notification/isr_change_",
		LogDirEventSeqPath:               "/log_dir_event_notification/log_dir_event_",
	} {
		if got != want {
			t.Errorf("%s, want %s", got, want)
		}
	}
	want := []string{"/consumers", "/brokers/ids", "/brokers/topics", "/config/changes", "/admin/delete_topics",
		"/brokers/seqid", "/isr_change_notification", "/latest_producer_id_block", "/log_dir_event_notification",
		"/config/topics", "/config/clients", "/config/users", "/config/brokers"}
	if !slices.Equal(PersistentPaths, want) {
		t.Errorf("PersistentPaths = %v", PersistentPaths)
	}
	if seq, ok := SequenceNumber("isr_change_0000000012", IsrChangePrefix); !ok || seq != "0000000012" {
		t.Errorf("SequenceNumber = %q %v", seq, ok)
	}
	if _, ok := SequenceNumber("other", IsrChangePrefix); ok {
		t.Error("SequenceNumber matched a name without the prefix")
	}
}

func TestNewClusterID(t *testing.T) {
	a, b := NewClusterID(), NewClusterID()
	if len(a) != 22 || a == b || strings.ContainsAny(a, "+/=") {
		t.Errorf("NewClusterID = %q, %q", a, b)
	}
}

// TestMetaProperties: BrokerMetadataCheckpoint (2.3.1) writes version=0
// and broker.id through Properties.store(out, ""); read accepts either
// order and any comments.
func TestMetaProperties(t *testing.T) {
	now := time.Date(2019, 10, 22, 10, 0, 0, 0, time.UTC)
	want := "#\n#Tue Oct 22 10:00:00 UTC 2019\nversion=0\nbroker.id=1\n"
	if got := string(EncodeMetaProperties(1, now)); got != want {
		t.Errorf("EncodeMetaProperties = %q", got)
	}
	for _, in := range []string{want, "#\n#Mon Jan 06 09:00:00 GMT 2020\nbroker.id=1\nversion=0\n",
		"  broker.id : 1\n! comment\nversion 0\ncluster.id=abc\n", "broker.id=\\\n  1\nversion=\\u0030\n"} {
		if id, err := DecodeMetaProperties([]byte(in)); err != nil || id != 1 {
			t.Errorf("DecodeMetaProperties(%q) = %d %v", in, id, err)
		}
	}
	fs := vfs.NewMem()
	must(t, fs.MkdirAll("/logs", 0o755))
	if _, ok, err := ReadMetaProperties(fs, "/logs"); ok || err != nil {
		t.Fatalf("read before write: %v %v", ok, err)
	}
	must(t, WriteMetaProperties(fs, "/logs", 5, now))
	// A leftover temp file from a crashed write is removed on read.
	f, err := vfs.Create(fs, "/logs/meta.properties.tmp")
	must(t, err)
	f.Close()
	id, ok, err := ReadMetaProperties(fs, "/logs")
	if err != nil || !ok || id != 5 {
		t.Errorf("ReadMetaProperties = %d %v %v", id, ok, err)
	}
	if _, err := fs.Stat("/logs/meta.properties.tmp"); err == nil {
		t.Error("meta.properties.tmp left behind")
	}
}

// TestCheckBrokerID: KafkaServer.getBrokerIdAndOfflineDirs (2.3.1).
func TestCheckBrokerID(t *testing.T) {
	for _, tc := range []struct {
		configured int32
		stored     map[string]int32
		id         int32
		generate   bool
		bad        bool
	}{
		{configured: 1, id: 1},
		{configured: 1, stored: map[string]int32{"/a": 1, "/b": 1}, id: 1},
		{configured: -1, stored: map[string]int32{"/a": 3}, id: 3},
		{configured: -1, id: -1, generate: true},
		{configured: 2, stored: map[string]int32{"/a": 1}, bad: true},
		{configured: 1, stored: map[string]int32{"/a": 1, "/b": 2}, bad: true},
		{configured: -1, stored: map[string]int32{"/a": 1, "/b": 2}, bad: true},
	} {
		id, gen, err := CheckBrokerID(tc.configured, tc.stored)
		var ie *InconsistentBrokerIDError
		if tc.bad {
			if !errors.As(err, &ie) || ie.Error() == "" {
				t.Errorf("%+v: err = %v, want InconsistentBrokerIDError", tc, err)
			}
			continue
		}
		if err != nil || id != tc.id || gen != tc.generate {
			t.Errorf("%+v: = %d %v %v", tc, id, gen, err)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
