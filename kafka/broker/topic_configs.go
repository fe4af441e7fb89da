package broker

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/log"
)

// The topic configs this broker implements, as Kafka 2.3's LogConfig
// names them, each with the broker config it falls back to
// (LogConfig.TopicConfigSynonyms) and that config's synonyms
// (DynamicBrokerConfig.brokerConfigSynonyms), for DescribeConfigs and
// AlterConfigs. Kafka 2.3 has more topic configs (compression.type,
// min.insync.replicas, message.timestamp.type, ...); those are refused
// by AlterConfigs and CreateTopics as INVALID_CONFIG and left out of
// DescribeConfigs, so that nothing advertises what the log does not do.
//
// Reference: AK 2.3.1 LogConfig.scala, DynamicBrokerConfig.scala,
// AdminManager.createTopicConfigEntry and configSynonyms.

// topicConfigDef is one topic config.
type topicConfigDef struct {
	name       string
	broker     string   // the broker config of highest priority
	synonyms   []string // brokerConfigSynonyms(broker), in priority order
	hasDefault bool     // broker itself has a non-null default in KafkaConfig
	kind       string   // ConfigDef type: LONG, INT, LIST
	get        func(log.Config) string
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

var topicConfigDefs = []topicConfigDef{
	{"cleanup.policy", "log.cleanup.policy", nil, true, "LIST", func(log.Config) string { return "delete" }},
	{"flush.messages", "log.flush.interval.messages", nil, true, "LONG", func(c log.Config) string { return i64(c.FlushMessages) }},
	// log.flush.interval.ms has no default (log.flush.scheduler.interval.ms
	// serves), so 2.3 lists no synonym for it unless a broker sets it.
	{"flush.ms", "log.flush.interval.ms", []string{"log.flush.interval.ms", "log.flush.scheduler.interval.ms"}, false, "LONG", func(c log.Config) string { return i64(c.FlushMs) }},
	{"index.interval.bytes", "log.index.interval.bytes", nil, true, "INT", func(c log.Config) string { return i64(int64(c.IndexIntervalBytes)) }},
	{"max.message.bytes", "message.max.bytes", nil, true, "INT", func(c log.Config) string { return i64(int64(c.MaxMessageBytes)) }},
	{"retention.bytes", "log.retention.bytes", nil, true, "LONG", func(c log.Config) string { return i64(c.RetentionBytes) }},
	// The default is log.retention.hours=168; configSynonyms drops the
	// synonyms before log.retention.ms, so a default broker lists none.
	{"retention.ms", "log.retention.ms", []string{"log.retention.ms", "log.retention.minutes", "log.retention.hours"}, false, "LONG", func(c log.Config) string { return i64(c.RetentionMs) }},
	{"segment.bytes", "log.segment.bytes", nil, true, "INT", func(c log.Config) string { return i64(c.SegmentBytes) }},
	{"segment.index.bytes", "log.index.size.max.bytes", nil, true, "INT", func(c log.Config) string { return i64(int64(c.SegmentIndexBytes)) }},
	{"segment.ms", "log.roll.ms", []string{"log.roll.ms", "log.roll.hours"}, false, "LONG", func(c log.Config) string { return i64(c.SegmentMs) }},
}

// kafka23TopicConfigs are the other topic config names of Kafka 2.3's
// LogConfig: known to Kafka, not implemented here.
var kafka23TopicConfigs = map[string]bool{
	"compression.type": true, "delete.retention.ms": true, "file.delete.delay.ms": true,
	"follower.replication.throttled.replicas": true, "leader.replication.throttled.replicas": true,
	"max.compaction.lag.ms": true, "message.downconversion.enable": true, "message.format.version": true,
	"message.timestamp.difference.max.ms": true, "message.timestamp.type": true, "min.cleanable.dirty.ratio": true,
	"min.compaction.lag.ms": true, "min.insync.replicas": true, "preallocate": true, "segment.jitter.ms": true,
	"unclean.leader.election.enable": true,
}

func topicConfigDefOf(name string) (topicConfigDef, bool) {
	for _, d := range topicConfigDefs {
		if d.name == name {
			return d, true
		}
	}
	return topicConfigDef{}, false
}

// validateTopicOverrides is LogConfig.validate for AlterConfigs: names
// first (an unknown one is INVALID_CONFIG "Unknown topic config name"),
// then the values, whose ConfigException AdminManager.alterConfigs turns
// into INVALID_REQUEST "Invalid config value for resource ...".
func validateTopicOverrides(base log.Config, resource string, configs map[string]string) error {
	names := make([]string, 0, len(configs))
	for k := range configs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, ok := topicConfigDefOf(n); !ok {
			if kafka23TopicConfigs[n] {
				return fmt.Errorf("topic config %s is not supported by this broker: %w", n, kerr.InvalidConfig)
			}
			return fmt.Errorf("Unknown topic config name: %s: %w", n, kerr.InvalidConfig)
		}
	}
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("Invalid config value for resource %s: %s: %w", resource, fmt.Sprintf(format, args...), kerr.InvalidRequest)
	}
	for _, n := range names {
		v := configs[n]
		d, _ := topicConfigDefOf(n)
		switch d.kind {
		case "LONG", "INT":
			bits := 64
			if d.kind == "INT" {
				bits = 32
			}
			if _, err := strconv.ParseInt(strings.TrimSpace(v), 10, bits); err != nil {
				return invalid("Invalid value %s for configuration %s: Not a number of type %s", v, n, d.kind)
			}
		case "LIST":
			if strings.TrimSpace(v) != "delete" {
				return fmt.Errorf("cleanup.policy=%s is not supported (no log compaction): %w", v, kerr.InvalidConfig)
			}
		}
	}
	trimmed := map[string]string{}
	for k, v := range configs {
		trimmed[k] = strings.TrimSpace(v)
	}
	if _, err := topicConfigMap(base, trimmed); err != nil {
		return invalid("%s", strings.TrimPrefix(err.Error(), kerr.InvalidConfig.Error()+": "))
	}
	return nil
}

// describeTopicConfigs is AdminManager.describeConfigs for one topic:
// every implemented config with its effective value; its source is the
// first of its synonyms — the override (TOPIC_CONFIG), the broker's own
// setting (STATIC_BROKER_CONFIG: this broker's log config differs from
// the default), the default (DEFAULT_CONFIG) — and the synonyms are
// listed from v1 when asked for. names nil: all.
func (b *Broker) describeTopicConfigs(overrides map[string]string, names []string, version int16, synonyms bool) []kmsg.DescribeConfigsResponseResourceConfig {
	eff, err := topicConfigMap(b.cfg.Log, overrides)
	if err != nil {
		eff = b.cfg.Log // as apply does: invalid overrides are ignored
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	def := log.DefaultConfig()
	var out []kmsg.DescribeConfigsResponseResourceConfig
	for _, d := range topicConfigDefs {
		if names != nil && !want[d.name] {
			continue
		}
		var syns []kmsg.DescribeConfigsResponseResourceConfigConfigSynonym
		syn := func(name, value string, src kmsg.ConfigSource) {
			s := kmsg.NewDescribeConfigsResponseResourceConfigConfigSynonym()
			s.Name, s.Value, s.Source = name, kmsg.StringPtr(value), src
			syns = append(syns, s)
		}
		if _, ok := overrides[d.name]; ok {
			syn(d.name, d.get(eff), kmsg.ConfigSourceDynamicTopicConfig)
		}
		if bv := d.get(b.cfg.Log); bv != d.get(def) {
			syn(d.broker, bv, kmsg.ConfigSourceStaticBrokerConfig)
		}
		if d.hasDefault {
			syn(d.broker, d.get(def), kmsg.ConfigSourceDefaultConfig)
		}
		c := kmsg.NewDescribeConfigsResponseResourceConfig()
		c.Name, c.Value = d.name, kmsg.StringPtr(d.get(eff))
		c.Source = kmsg.ConfigSourceDefaultConfig
		if len(syns) > 0 {
			c.Source = syns[0].Source
		}
		c.IsDefault = c.Source == kmsg.ConfigSourceDefaultConfig
		if version >= 1 && synonyms {
			c.ConfigSynonyms = syns
		}
		out = append(out, c)
	}
	return out
}

// brokerConfigs are the broker configs DescribeConfigs reports for this
// broker: read-only (this broker has no dynamic configs), each with its
// value and whether it is the default.
func (b *Broker) brokerConfigs() []struct{ name, value, def string } {
	c, d := b.cfg, log.DefaultConfig()
	dirs := strings.Join(c.LogDirs, ",")
	rows := []struct{ name, value, def string }{
		{"auto.create.topics.enable", strconv.FormatBool(!c.DisableAutoCreateTopics), "true"},
		{"broker.id", strconv.Itoa(int(c.NodeID)), "-1"},
		{"broker.rack", c.Rack, ""},
		{"default.replication.factor", strconv.Itoa(int(c.DefaultReplicationFactor)), "1"},
		{"log.dirs", dirs, "/tmp/kafka-logs"},
		{"num.partitions", strconv.Itoa(int(c.NumPartitions)), "1"},
		{"socket.request.max.bytes", strconv.Itoa(int(c.MaxRequestBytes)), "104857600"},
		{"zookeeper.connect", c.ZooKeeperConnect, ""},
		{"zookeeper.session.timeout.ms", i64(c.ZooKeeperSessionTimeout.Milliseconds()), "6000"},
	}
	for _, t := range topicConfigDefs {
		rows = append(rows, struct{ name, value, def string }{t.broker, t.get(c.Log), t.get(d)})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].name < rows[j].name })
	return rows
}
