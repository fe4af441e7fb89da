package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/zkafka/zkafka/zk/interop"
	"github.com/zkafka/zkafka/zk/server/cluster"
)

// runEnsemble benchmarks our 3-member ensemble and a 3-member Apache
// ZooKeeper 3.8 ensemble (if installed) on loopback, one after the other,
// with the same workloads and the sessions spread over the members, and
// prints the ratio ours/apache. Both fsync every logged txn before it is
// acknowledged (forceSync=yes, the default): same durability.
func runEnsemble(cfg benchConfig, tick time.Duration, n int) error {
	dir, err := os.MkdirTemp("", "zkbench-ens-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	var ours, apache []report
	c, err := cluster.Start(cluster.Options{N: n, Dir: dir + "/ours", TickTime: tick})
	if err != nil {
		fmt.Printf("ours: not run: %v\n", err)
	} else {
		if _, err = c.WaitServing(30 * time.Second); err == nil {
			ours, err = bench(c.Addrs(), cfg)
		}
		c.Close()
		if err != nil {
			return fmt.Errorf("ours: %w", err)
		}
		printReports(fmt.Sprintf("ours (%d-member ensemble)", n), ours)
	}

	a, err := interop.StartApacheEnsemble(interop.ApacheConfig{Dir: dir, TickTime: tick}, n)
	if errors.Is(err, interop.ErrApacheNotInstalled) {
		fmt.Printf("apache: not run: %v\n", err)
	} else if err != nil {
		return fmt.Errorf("apache: %w", err)
	} else {
		apache, err = bench(a.Addrs(), cfg)
		a.Close()
		if err != nil {
			return fmt.Errorf("apache: %w", err)
		}
		printReports(fmt.Sprintf("apache (%d-member ensemble)", n), apache)
	}
	if len(ours) == 0 || len(apache) == 0 {
		return nil
	}
	fmt.Printf("ours/apache (ensemble of %d)\n  %-8s %10s %10s %10s\n", n, "workload", "ops/s", "p50", "p99")
	for i := range ours {
		o, a := ours[i], apache[i]
		fmt.Printf("  %-8s %10.2f %10.2f %10.2f\n", o.workload, o.opsPerSec()/a.opsPerSec(),
			float64(o.p50)/float64(a.p50), float64(o.p99)/float64(a.p99))
	}
	return nil
}
