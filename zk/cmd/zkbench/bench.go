package main

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/zkafka/zkafka/zk/proto"
)

type benchConfig struct {
	sessions, inflight, requests, size int
	workloads                          []string
	warmup                             int // unmeasured requests per session first
}

// A workload makes request i of a session whose nodes live under prefix.
type workload func(prefix string, i int, payload []byte) (proto.OpCode, proto.Record)

func node(prefix string, i int) string { return fmt.Sprintf("%s-%08d", prefix, i) }

var openACL = []proto.ACL{{Perms: proto.PermAll, ID: proto.Id{Scheme: "world", ID: "anyone"}}}

var workloads = map[string]workload{
	"create": func(p string, i int, d []byte) (proto.OpCode, proto.Record) {
		return proto.OpCreate, &proto.CreateRequest{Path: node(p, i), Data: d, ACL: openACL}
	},
	"set": func(p string, i int, d []byte) (proto.OpCode, proto.Record) {
		return proto.OpSetData, &proto.SetDataRequest{Path: node(p, i), Data: d, Version: -1}
	},
	"get": func(p string, i int, _ []byte) (proto.OpCode, proto.Record) {
		return proto.OpGetData, &proto.PathWatchRequest{Path: node(p, i)}
	},
	// mix: 80% reads, 20% writes, interleaved deterministically (every
	// fifth request is a set), over the nodes create made.
	"mix": func(p string, i int, d []byte) (proto.OpCode, proto.Record) {
		if i%5 == 4 {
			return proto.OpSetData, &proto.SetDataRequest{Path: node(p, i), Data: d, Version: -1}
		}
		return proto.OpGetData, &proto.PathWatchRequest{Path: node(p, i)}
	},
	"delete": func(p string, i int, _ []byte) (proto.OpCode, proto.Record) {
		return proto.OpDelete, &proto.DeleteRequest{Path: node(p, i), Version: -1}
	},
}

// report is one workload's outcome on one server.
type report struct {
	workload string
	ops      int
	elapsed  time.Duration
	p50, p99 time.Duration
	errs     map[int32]int
}

func (r report) opsPerSec() float64 { return float64(r.ops) / r.elapsed.Seconds() }

// bench runs every workload of cfg against servers and returns a report per
// workload. Nodes go under a fresh /zkbench-<ns> root, removed at the end.
func bench(servers []string, cfg benchConfig) ([]report, error) {
	if cfg.warmup > 0 {
		warm := cfg
		warm.warmup, warm.requests, warm.workloads = 0, cfg.warmup, []string{"create", "get", "delete"}
		if _, err := bench(servers, warm); err != nil {
			return nil, fmt.Errorf("warm-up: %w", err)
		}
	}
	root := fmt.Sprintf("/zkbench-%d", time.Now().UnixNano())
	setup, err := dial(servers[0], 10*time.Second)
	if err != nil {
		return nil, err
	}
	one := setup.run(1, 1, func(int) (proto.OpCode, proto.Record) {
		return proto.OpCreate, &proto.CreateRequest{Path: root, ACL: openACL}
	}, closed())
	if one.failed != nil || len(one.errs) > 0 {
		return nil, fmt.Errorf("creating %s: %v %v", root, one.failed, one.errs)
	}
	sess := make([]*session, cfg.sessions)
	for i := range sess {
		if sess[i], err = dial(servers[i%len(servers)], 10*time.Second); err != nil {
			return nil, err
		}
	}
	defer func() {
		for _, s := range sess {
			s.close()
		}
		setup.run(1, 1, func(int) (proto.OpCode, proto.Record) {
			return proto.OpDelete, &proto.DeleteRequest{Path: root, Version: -1}
		}, closed())
		setup.close()
	}()
	payload := make([]byte, cfg.size)
	for i := range payload {
		payload[i] = byte('a' + i%26)
	}
	var reports []report
	for _, name := range cfg.workloads {
		w := workloads[name]
		start := make(chan struct{})
		results := make([]result, len(sess))
		var wg sync.WaitGroup
		for k, s := range sess {
			prefix := fmt.Sprintf("%s/s%d", root, k)
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[k] = s.run(cfg.requests, cfg.inflight, func(i int) (proto.OpCode, proto.Record) {
					return w(prefix, i, payload)
				}, start)
			}()
		}
		t0 := time.Now()
		close(start)
		wg.Wait()
		rep := report{workload: name, elapsed: time.Since(t0), errs: map[int32]int{}}
		var all []time.Duration
		for _, r := range results {
			if r.failed != nil {
				return nil, fmt.Errorf("workload %s: %w", name, r.failed)
			}
			all = append(all, r.lat...)
			for c, n := range r.errs {
				rep.errs[c] += n
			}
		}
		slices.Sort(all)
		rep.ops = len(all)
		if len(all) > 0 {
			rep.p50, rep.p99 = all[len(all)/2], all[len(all)*99/100]
		}
		reports = append(reports, rep)
	}
	return reports, nil
}

func closed() <-chan struct{} { c := make(chan struct{}); close(c); return c }

func printReports(target string, reps []report) {
	fmt.Printf("%s\n  %-8s %10s %10s %10s  %s\n", target, "workload", "ops/s", "p50", "p99", "errors")
	for _, r := range reps {
		errs := ""
		if len(r.errs) > 0 {
			errs = fmt.Sprint(r.errs)
		}
		fmt.Printf("  %-8s %10.0f %10s %10s  %s\n", r.workload, r.opsPerSec(), round(r.p50), round(r.p99), errs)
	}
}

func round(d time.Duration) time.Duration {
	switch {
	case d > 10*time.Millisecond:
		return d.Round(100 * time.Microsecond)
	case d > 100*time.Microsecond:
		return d.Round(time.Microsecond)
	}
	return d
}
