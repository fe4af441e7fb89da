// Command broker runs a zkafka Kafka broker: standalone (chapter 5), or
// one of a cluster on ZooKeeper (chapter 6) when zookeeper.connect is set.
//
//	broker server.properties
//	broker -override listeners=PLAINTEXT://127.0.0.1:9092 -override log.dirs=/tmp/k
//	broker -listen 127.0.0.1:9092 -log-dirs /tmp/k
//	broker -id 1 -listen 127.0.0.1:9092 -log-dirs /tmp/k1 -zookeeper 127.0.0.1:2181/kafka
//
// It reads Kafka's server.properties keys (see kafka/broker/config:
// broker.id, broker.rack, listeners, advertised.listeners,
// zookeeper.connect with its chroot, zookeeper.session.timeout.ms, ...);
// -override key=value (repeatable, like kafka-server-start.sh --override)
// and the flags change them. Logs go to stderr through log/slog. SIGINT and SIGTERM
// shut it down cleanly: connections close, logs are flushed, checkpoints
// and the clean-shutdown marker are written, so the next start skips
// recovery.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/zkafka/zkafka/kafka/broker"
	"github.com/zkafka/zkafka/kafka/broker/config"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "broker:", err)
		os.Exit(1)
	}
}

type overrides []string

func (o *overrides) String() string     { return strings.Join(*o, ",") }
func (o *overrides) Set(v string) error { *o = append(*o, v); return nil }

func run(args []string) error {
	fl := flag.NewFlagSet("broker", flag.ContinueOnError)
	var over overrides
	fl.Var(&over, "override", "key=value overriding server.properties (repeatable)")
	listen := fl.String("listen", "", "host:port to listen on (listeners=PLAINTEXT://host:port)")
	logDirs := fl.String("log-dirs", "", "comma-separated log dirs (log.dirs)")
	id := fl.Int("id", -1, "broker id (broker.id)")
	zk := fl.String("zookeeper", "", "ZooKeeper connect string, host:port,.../chroot (zookeeper.connect)")
	debug := fl.Bool("debug", false, "debug logging")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "usage: broker [flags] [server.properties]")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return err
	}
	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	props := config.Properties{}
	switch fl.NArg() {
	case 0:
	case 1:
		f, err := os.Open(fl.Arg(0))
		if err != nil {
			return err
		}
		props, err = config.ParseProperties(f)
		f.Close()
		if err != nil {
			return err
		}
	default:
		fl.Usage()
		return fmt.Errorf("want at most one server.properties, got %d arguments", fl.NArg())
	}
	for _, kv := range over {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("-override %q: want key=value", kv)
		}
		props[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	if *listen != "" {
		props["listeners"] = "PLAINTEXT://" + *listen
	}
	if *logDirs != "" {
		props["log.dirs"] = *logDirs
	}
	if *id >= 0 {
		props["broker.id"] = fmt.Sprint(*id)
	}
	if *zk != "" {
		props["zookeeper.connect"] = *zk
	}
	for _, k := range props.Unknown() {
		logger.Warn("the configuration was supplied but isn't a known config", "key", k)
	}
	cfg, err := props.Broker()
	if err != nil {
		return err
	}
	cfg.Logger = logger
	if cfg.ZooKeeperConnect == "" {
		logger.Info("no zookeeper.connect: a standalone broker (chapter 5)")
	}
	b, err := broker.Start(cfg)
	if err != nil {
		return err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	s := <-sig
	logger.Info("shutting down", "signal", s.String())
	return b.Close()
}
