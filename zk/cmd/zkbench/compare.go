package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/zkafka/zkafka/zk/interop"
)

// runCompare benchmarks our server and Apache ZooKeeper with the same
// workloads, one after the other (never at once: they would share the 2
// cores and the disk), and prints the ratio ours/apache.
func runCompare(cfg benchConfig, tick time.Duration) error {
	dir, err := os.MkdirTemp("", "zkbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	var ours, apache []report
	addr, stop, err := startOurs(dir, tick)
	if err != nil {
		fmt.Printf("ours: not run: %v\n", err)
	} else {
		ours, err = bench([]string{addr}, cfg)
		stop()
		if err != nil {
			return fmt.Errorf("ours: %w", err)
		}
		printReports("ours ("+addr+")", ours)
	}

	a, err := interop.StartApache(interop.ApacheConfig{Dir: dir, TickTime: tick})
	if errors.Is(err, interop.ErrApacheNotInstalled) {
		fmt.Printf("apache: not run: %v\n", err)
	} else if err != nil {
		return fmt.Errorf("apache: %w", err)
	} else {
		apache, err = bench([]string{a.Addr()}, cfg)
		a.Close()
		if err != nil {
			return fmt.Errorf("apache: %w", err)
		}
		printReports("apache ("+a.Addr()+")", apache)
	}
	if len(ours) == 0 || len(apache) == 0 {
		return nil
	}
	fmt.Printf("ours/apache\n  %-8s %10s %10s %10s\n", "workload", "ops/s", "p50", "p99")
	for i := range ours {
		o, a := ours[i], apache[i]
		fmt.Printf("  %-8s %10.2f %10.2f %10.2f\n", o.workload, o.opsPerSec()/a.opsPerSec(),
			float64(o.p50)/float64(a.p50), float64(o.p99)/float64(a.p99))
	}
	return nil
}
