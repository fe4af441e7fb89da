// Command zkbench is a load generator for ZooKeeper servers, in the spirit
// of zk-smoketest's zk-latencies.py: N sessions, each keeping M requests in
// flight on a raw pipelined connection, run the workloads create, set,
// get, mix and delete, and the tool reports throughput and p50/p99
// latency per workload.
//
// It speaks the wire protocol directly (zk/proto) rather than through a
// client library, so what it measures is the server: no client-side
// locking, watch bookkeeping or per-call goroutines between the clock and
// the socket.
//
//	zkbench -servers 127.0.0.1:2181 -sessions 8 -inflight 100 -requests 2000
//	zkbench -compare            # our server in process vs Apache ZooKeeper
//	zkbench -ensemble           # our 3-member ensemble vs Apache's, on loopback
//
// With -compare it starts our server on a temporary directory and, if it
// is installed, Apache ZooKeeper 3.8 (see zk/interop.StartApache), runs the
// same workloads against both, and prints the ratio ours/apache.
// Reference: docs/reference/zookeeper.md §6 (Hunt et al. Table 1; zk-smoketest).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"time"
)

func main() {
	var (
		servers  = flag.String("servers", "127.0.0.1:2181", "comma-separated host:port list; sessions are spread over them")
		sessions = flag.Int("sessions", 8, "concurrent sessions")
		inflight = flag.Int("inflight", 100, "requests in flight per session (1 = synchronous)")
		requests = flag.Int("requests", 2000, "requests per session per workload")
		size     = flag.Int("size", 1024, "payload bytes for create and set (e.g. 100 or 1024)")
		work     = flag.String("workloads", "create,set,get,mix,delete", "workloads in order; mix is 80% get, 20% set")
		compare  = flag.Bool("compare", false, "start our server and Apache ZooKeeper (if installed) and compare")
		ensemble = flag.Bool("ensemble", false, "like -compare, with a 3-member ensemble of each (sessions spread over the members)")
		members  = flag.Int("members", 3, "ensemble size for -ensemble")
		cpuprof  = flag.String("cpuprofile", "", "write a CPU profile of this process (our in-process servers and the load) to this file")
		ticks    = flag.Duration("tick", 2*time.Second, "tickTime of the servers -compare starts")
		warmup   = flag.Int("warmup", 500, "unmeasured create/get/delete requests per session first (JIT warm-up for Apache)")
	)
	flag.Parse()
	if *cpuprof != "" {
		f, err := os.Create(*cpuprof)
		if err != nil {
			fatalf("%v", err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	cfg := benchConfig{
		sessions: *sessions, inflight: *inflight, requests: *requests, size: *size,
		workloads: strings.Split(*work, ","), warmup: *warmup,
	}
	for _, w := range cfg.workloads {
		if _, ok := workloads[w]; !ok {
			fatalf("unknown workload %q (want create, set, get, mix, delete)", w)
		}
	}
	fmt.Printf("zkbench: %d sessions × %d in flight, %d requests/session/workload, %d-byte payloads\n",
		cfg.sessions, cfg.inflight, cfg.requests, cfg.size)
	if *ensemble {
		if err := runEnsemble(cfg, *ticks, *members); err != nil {
			fatalf("%v", err)
		}
		return
	}
	if !*compare {
		reports, err := bench(strings.Split(*servers, ","), cfg)
		if err != nil {
			fatalf("%v", err)
		}
		printReports(*servers, reports)
		return
	}
	if err := runCompare(cfg, *ticks); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "zkbench: "+format+"\n", args...)
	os.Exit(1)
}
