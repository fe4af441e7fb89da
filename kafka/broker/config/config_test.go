package config

import (
	"strings"
	"testing"
	"time"
)

// TestServerProperties: Kafka's stock server.properties keys map to the
// broker's fields, with KafkaConfig's precedence for retention.
//
// Reference: AK 2.8 config/server.properties, KafkaConfig.logRetentionTimeMillis.
func TestServerProperties(t *testing.T) {
	props, err := ParseProperties(strings.NewReader(`
# comment
! also a comment
broker.id=3
listeners=PLAINTEXT://127.0.0.1:19092
advertised.listeners = PLAINTEXT://kafka.example:9093
log.dirs=/data/a, /data/b
num.partitions : 6
log.segment.bytes=1073741824
log.retention.hours=168
log.retention.minutes=10
log.retention.check.interval.ms=300000
zookeeper.connect=localhost:2181/kafka
zookeeper.session.timeout.ms=18000
broker.rack=rack-a
default.replication.factor=3
auto.create.topics.enable=false
log.flush.interval.messages=10000
log.flush.interval.ms=1000
group.initial.rebalance.delay.ms=0
long.key=a\
  b
`))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := props.Broker()
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"broker.id", cfg.NodeID, int32(3)},
		{"listen", cfg.Listen, "127.0.0.1:19092"},
		{"advertised host", cfg.AdvertisedHost, "kafka.example"},
		{"advertised port", cfg.AdvertisedPort, int32(9093)},
		{"log.dirs", strings.Join(cfg.LogDirs, "|"), "/data/a|/data/b"},
		{"num.partitions", cfg.NumPartitions, int32(6)},
		{"retention: minutes beat hours", cfg.Log.RetentionMs, int64(600_000)},
		{"check interval", cfg.RetentionCheckInterval, 5 * time.Minute},
		{"zookeeper.connect", cfg.ZooKeeperConnect, "localhost:2181/kafka"},
		{"zookeeper.session.timeout.ms", cfg.ZooKeeperSessionTimeout, 18 * time.Second},
		{"broker.rack", cfg.Rack, "rack-a"},
		{"default.replication.factor", cfg.DefaultReplicationFactor, int16(3)},
		{"auto create", cfg.DisableAutoCreateTopics, true},
		{"flush messages", cfg.Log.FlushMessages, int64(10000)},
		{"flush ms", cfg.Log.FlushMs, int64(1000)},
		{"continuation", props["long.key"], "ab"},
		{"unknown", strings.Join(props.Unknown(), ","), "group.initial.rebalance.delay.ms,long.key"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestDefaults: an empty file is Kafka's defaults.
func TestDefaults(t *testing.T) {
	cfg, err := Properties{}.Broker()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != ":9092" || cfg.LogDirs[0] != "/tmp/kafka-logs" || cfg.DisableAutoCreateTopics || cfg.Log.RetentionMs != 168*3600_000 {
		t.Fatalf("defaults: %+v", cfg)
	}
}

// TestBadValues are refused with the key named.
func TestBadValues(t *testing.T) {
	for _, in := range []string{
		"broker.id=x",
		"listeners=SSL://:9093",
		"listeners=PLAINTEXT://:99999",
		"auto.create.topics.enable=maybe",
		"log.segment.bytes=1",
	} {
		props, _ := ParseProperties(strings.NewReader(in))
		if _, err := props.Broker(); err == nil {
			t.Errorf("%s: accepted", in)
		}
	}
}
