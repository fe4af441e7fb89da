// Package config reads a Kafka server.properties into a broker.Config,
// with Kafka's key names and defaults, so the properties file a Kafka
// user already has starts our broker.
//
// The file is Java's .properties format: "key=value" (or "key: value",
// or "key value"), comments starting with # or !, a trailing backslash
// continuing a line. Keys this broker does not use are reported in
// Unknown (Kafka logs "supplied but isn't a known config") rather than
// refused, so a stock Kafka config file loads.
//
// Reference: AK 2.8 KafkaConfig (key names and defaults), docs/reference/kafka.md §3
// "Defaults"; java.util.Properties.load for the format.
package config

import (
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/zkafka/zkafka/kafka/broker"
	"github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/kafka/properties"
)

// Properties is a parsed .properties file.
type Properties map[string]string

// ParseProperties reads a .properties file (package properties: Java's
// format, one reader for server.properties, meta.properties and zoo.cfg).
func ParseProperties(r io.Reader) (Properties, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	props, err := properties.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Properties(props), nil
}

// known lists the keys Broker interprets.
var known = map[string]bool{
	"broker.id": true, "listeners": true, "advertised.listeners": true, "log.dirs": true, "log.dir": true,
	"num.partitions": true, "log.segment.bytes": true, "log.roll.hours": true, "log.roll.ms": true,
	"log.retention.hours": true, "log.retention.minutes": true, "log.retention.ms": true,
	"log.retention.bytes": true, "log.retention.check.interval.ms": true,
	"log.index.interval.bytes": true, "log.index.size.max.bytes": true,
	"log.flush.interval.messages": true, "log.flush.interval.ms": true,
	"log.flush.scheduler.interval.ms": true, "log.flush.offset.checkpoint.interval.ms": true,
	"message.max.bytes": true, "auto.create.topics.enable": true, "zookeeper.connect": true,
	"socket.request.max.bytes": true, "cluster.id": true,
	"zookeeper.session.timeout.ms": true, "broker.rack": true, "default.replication.factor": true,
}

// Unknown returns the keys Broker ignores, sorted.
func (p Properties) Unknown() []string {
	var out []string
	for k := range p {
		if !known[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Load reads a server.properties file and converts it with Broker.
func Load(path string) (broker.Config, Properties, error) {
	f, err := os.Open(path)
	if err != nil {
		return broker.Config{}, nil, err
	}
	defer f.Close()
	props, err := ParseProperties(f)
	if err != nil {
		return broker.Config{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	cfg, err := props.Broker()
	if err != nil {
		return broker.Config{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, props, nil
}

// Broker converts the properties to a broker.Config. Absent keys get
// Kafka's defaults (log.dirs /tmp/kafka-logs, listeners PLAINTEXT://:9092).
// zookeeper.connect (with its chroot) makes the broker a cluster member
// (chapter 6); without it the broker is standalone (chapter 5).
func (p Properties) Broker() (broker.Config, error) {
	cfg := broker.Config{Log: log.DefaultConfig()}
	var errs []string
	num := func(key string, set func(int64)) {
		if v, ok := p[key]; ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s=%q is not an integer", key, v))
				return
			}
			set(n)
		}
	}
	num("broker.id", func(n int64) { cfg.NodeID = int32(n) })
	num("num.partitions", func(n int64) { cfg.NumPartitions = int32(n) })
	num("log.segment.bytes", func(n int64) { cfg.Log.SegmentBytes = n })
	num("log.roll.hours", func(n int64) { cfg.Log.SegmentMs = n * 3600_000 })
	num("log.roll.ms", func(n int64) { cfg.Log.SegmentMs = n })
	// Precedence as in KafkaConfig.logRetentionTimeMillis: ms, minutes, hours.
	num("log.retention.hours", func(n int64) { cfg.Log.RetentionMs = n * 3600_000 })
	num("log.retention.minutes", func(n int64) { cfg.Log.RetentionMs = n * 60_000 })
	num("log.retention.ms", func(n int64) { cfg.Log.RetentionMs = n })
	if cfg.Log.RetentionMs < 0 {
		cfg.Log.RetentionMs = -1 // any negative value: keep forever
	}
	num("log.retention.bytes", func(n int64) { cfg.Log.RetentionBytes = n })
	num("log.index.interval.bytes", func(n int64) { cfg.Log.IndexIntervalBytes = int(n) })
	num("log.index.size.max.bytes", func(n int64) { cfg.Log.SegmentIndexBytes = int(n) })
	num("log.flush.interval.messages", func(n int64) { cfg.Log.FlushMessages = n })
	num("log.flush.interval.ms", func(n int64) { cfg.Log.FlushMs = n })
	num("message.max.bytes", func(n int64) { cfg.Log.MaxMessageBytes = int(n) })
	num("socket.request.max.bytes", func(n int64) { cfg.MaxRequestBytes = int32(n) })
	ms := func(key string, set *time.Duration) {
		num(key, func(n int64) { *set = time.Duration(n) * time.Millisecond })
	}
	ms("log.retention.check.interval.ms", &cfg.RetentionCheckInterval)
	ms("log.flush.scheduler.interval.ms", &cfg.FlushCheckInterval)
	ms("log.flush.offset.checkpoint.interval.ms", &cfg.CheckpointInterval)
	ms("zookeeper.session.timeout.ms", &cfg.ZooKeeperSessionTimeout)
	num("default.replication.factor", func(n int64) { cfg.DefaultReplicationFactor = int16(n) })
	if v, ok := p["auto.create.topics.enable"]; ok {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			errs = append(errs, fmt.Sprintf("auto.create.topics.enable=%q is not a boolean", v))
		}
		cfg.DisableAutoCreateTopics = !b
	}
	dirs := p["log.dirs"]
	if dirs == "" {
		dirs = p["log.dir"]
	}
	if dirs == "" {
		dirs = "/tmp/kafka-logs"
	}
	for _, d := range strings.Split(dirs, ",") {
		if d = strings.TrimSpace(d); d != "" {
			cfg.LogDirs = append(cfg.LogDirs, d)
		}
	}
	listen := p["listeners"]
	if listen == "" {
		listen = "PLAINTEXT://:9092"
	}
	host, port, err := plaintext(listen)
	if err != nil {
		errs = append(errs, "listeners: "+err.Error())
	}
	cfg.Listen = net.JoinHostPort(host, strconv.Itoa(port))
	if adv := p["advertised.listeners"]; adv != "" {
		host, port, err := plaintext(adv)
		if err != nil {
			errs = append(errs, "advertised.listeners: "+err.Error())
		}
		cfg.AdvertisedHost, cfg.AdvertisedPort = host, int32(port)
	}
	cfg.ZooKeeperConnect = strings.TrimSpace(p["zookeeper.connect"])
	cfg.Rack = strings.TrimSpace(p["broker.rack"])
	cfg.ClusterID = p["cluster.id"]
	if len(errs) > 0 {
		return cfg, fmt.Errorf("config: %s", strings.Join(errs, "; "))
	}
	if err := cfg.Log.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// plaintext picks the PLAINTEXT endpoint of a listener list
// ("PLAINTEXT://host:port,SSL://..."). An empty host means every interface.
func plaintext(list string) (string, int, error) {
	for _, l := range strings.Split(list, ",") {
		l = strings.TrimSpace(l)
		proto, addr, ok := strings.Cut(l, "://")
		if !ok {
			return "", 0, fmt.Errorf("%q is not PROTOCOL://host:port", l)
		}
		if proto != "PLAINTEXT" {
			continue
		}
		host, ps, err := net.SplitHostPort(addr)
		if err != nil {
			return "", 0, err
		}
		port, err := strconv.Atoi(ps)
		if err != nil || port < 0 || port > 65535 {
			return "", 0, fmt.Errorf("bad port %q", ps)
		}
		return host, port, nil
	}
	return "", 0, fmt.Errorf("%q has no PLAINTEXT listener (only PLAINTEXT is supported)", list)
}
