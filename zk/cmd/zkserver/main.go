// Command zkserver runs a zkafka ZooKeeper server: standalone, or one
// member of an ensemble.
//
//	zkserver zoo.cfg
//	zkserver -port 2181 -data /tmp/zk -4lw '*'
//
// With a zoo.cfg it reads every setting from it (see zk/config); flags
// override it. A zoo.cfg with two or more server.N=host:quorumPort:electionPort
// lines makes this server the member whose id is in dataDir/myid, exactly
// as ZooKeeper does; members talk to each other on their electionPort (see
// zk/server/peernet for why one port) and serve clients on clientPort. Logs go to stderr through log/slog. SIGINT and SIGTERM shut
// it down gracefully: pending txns are committed and replies flushed.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/zkafka/zkafka/zk/config"
	"github.com/zkafka/zkafka/zk/server"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "zkserver:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fl := flag.NewFlagSet("zkserver", flag.ContinueOnError)
	addr := fl.String("addr", "", "client address, host:port (overrides clientPort/clientPortAddress)")
	port := fl.Int("port", 0, "client port (overrides clientPort)")
	data := fl.String("data", "", "data directory (overrides dataDir)")
	tick := fl.Duration("tick", 0, "tick time (overrides tickTime)")
	fourLW := fl.String("4lw", "", "comma-separated 4lw whitelist, '*' for all")
	id := fl.Int64("id", 0, "server id (top byte of session ids)")
	debug := fl.Bool("debug", false, "debug logging")
	fl.Usage = func() {
		fmt.Fprintln(fl.Output(), "usage: zkserver [flags] [zoo.cfg]")
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

	var cfg server.Config
	switch fl.NArg() {
	case 0:
		cfg = server.Config{ClientAddr: ":2181", DataDir: "zkdata"}
	case 1:
		zc, err := config.ParseFile(fl.Arg(0))
		if err != nil {
			return err
		}
		cfg = server.FromZooCfg(zc)
	default:
		fl.Usage()
		return fmt.Errorf("want at most one zoo.cfg, got %d arguments", fl.NArg())
	}
	if *port != 0 {
		host, _, _ := net.SplitHostPort(cfg.ClientAddr)
		cfg.ClientAddr = net.JoinHostPort(host, strconv.Itoa(*port))
	}
	if *addr != "" {
		cfg.ClientAddr = *addr
	}
	if *data != "" {
		cfg.DataDir, cfg.DataLogDir = *data, *data
	}
	if *tick != 0 {
		cfg.TickTime = *tick
		cfg.MinSessionTimeout, cfg.MaxSessionTimeout = 0, 0
	}
	if *fourLW != "" {
		cfg.FourLetterWords = strings.Split(*fourLW, ",")
	}
	if *id != 0 {
		cfg.ServerID = *id
	}
	cfg.Logger = logger

	s, err := server.Start(cfg)
	if err != nil {
		return err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	got := <-sig
	logger.Info("shutting down", "signal", got.String())
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		return fmt.Errorf("graceful shutdown took over 10s")
	case <-sig:
		s.Kill()
		return fmt.Errorf("killed by a second signal")
	}
}
