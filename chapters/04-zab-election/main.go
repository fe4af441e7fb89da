// Chapter 4 — ZAB election and recovery.
//
//	go run ./chapters/04-zab-election          # the reference
//	go run ./chapters/04-zab-election -n 5     # five servers
//	make run-chapter 4                         # with your labs swapped in
//
// Starts a 3-server ensemble on 127.0.0.1:2181-2183, then kills the leader
// and narrates the election that follows (votes, epochs, who wins and
// why), how the survivors agree on a new epoch (discovery) and bring
// their logs in line (synchronization: DIFF, TRUNC or SNAP), and how the
// old leader catches up when it comes back. Then it stays up with the
// same experiments as chapter 3.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/zkafka/zkafka/chapters/stage"
	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
)

const tick = 500 * time.Millisecond

func main() {
	n := flag.Int("n", 3, "servers in the ensemble (3 or 5)")
	clientPort := stage.EnsemblePortFlags("server")
	quiet := flag.Bool("quiet", false, "skip the walkthrough")
	flag.Parse()
	port := clientPort()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	nr := &stage.Narrator{W: os.Stdout}
	nr.Title(4, "ZAB election and recovery")
	var ports []int
	for i := 0; i < *n; i++ {
		ports = append(ports, port+i)
	}
	ens, err := stage.StartEnsemble(*n, ports, tick, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer ens.Close()
	ens.Trace.Set(false)
	leader, err := ens.WaitServing(30 * time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	nr.Step("The ensemble is up")
	nr.Say("%d servers elected s%d (same epoch and zxid everywhere, so the largest id won).", *n, leader)
	ens.StatusTable(os.Stdout)

	if !*quiet {
		if err := walkthrough(ctx, nr, ens, leader); err != nil {
			nr.Say("The walkthrough stopped: %v", err)
		}
	}
	ens.Trace.Set(true)
	nr.Step("Your turn")
	nr.Say("Try: partition the leader away from the others (partition L | A B) and watch the majority elect a new leader while the old one stops serving; heal and watch it rejoin as a follower. `votes on` shows every notification.")
	stage.Prompt(ctx, os.Stdin, os.Stdout, ens.Experiments(os.Stdout))
}

func walkthrough(ctx context.Context, nr *stage.Narrator, ens *stage.Ensemble, leader int64) error {
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	c, err := client.Connect(ens.Addrs(), 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	nr.Step("Acknowledged writes")
	for i := 0; i < 5; i++ {
		if _, err := c.Create(ctx, fmt.Sprintf("/ch4-%d", i), []byte("before"), proto.ModePersistent, nil); err != nil {
			return err
		}
	}
	nr.Say("Five znodes /ch4-0..4 are created and acknowledged: each is on the disks of a majority.")
	ens.StatusTable(os.Stdout)

	nr.Step("Kill the leader")
	nr.Say("s%d dies like kill -9. The followers stop hearing its pings; after syncLimit ticks (or at once, as their TCP connection breaks) they go LOOKING. Each votes for itself with (currentEpoch, last logged zxid, id) and switches to any better vote it hears: a higher epoch wins, then a higher zxid, then — a tie — the larger server id. A vote wins once a majority holds it.", leader)
	ens.Trace.SetVotes(true)
	ens.Trace.Set(true)
	ens.Kill(leader)
	newLeader, err := ens.WaitServing(30 * time.Second)
	if err != nil {
		return err
	}
	time.Sleep(50 * time.Millisecond) // let the trace finish printing
	ens.Trace.Set(false)
	nr.Say("s%d leads epoch %d. Discovery: it collected FOLLOWERINFO (each follower's acceptedEpoch) from a majority and proposed one more than any of them, so no two leaders ever share an epoch; every follower persisted acceptedEpoch before its ACKEPOCH. Synchronization: the followers' logs matched the leader's, so DIFF had nothing to send.", newLeader, statusEpoch(ens, newLeader))
	ens.StatusTable(os.Stdout)
	for i := 0; i < 5; i++ {
		if _, _, err := c.Get(ctx, fmt.Sprintf("/ch4-%d", i)); err != nil {
			return fmt.Errorf("acknowledged write /ch4-%d lost: %w", i, err)
		}
	}
	nr.Say("All five acknowledged znodes are still there: a new leader must come from a majority, and any majority includes a server that logged them.")

	nr.Step(fmt.Sprintf("Writes while s%d is down, then it comes back", leader))
	for i := 0; i < 3; i++ {
		if _, err := c.Create(ctx, fmt.Sprintf("/ch4-late-%d", i), nil, proto.ModePersistent, nil); err != nil {
			return err
		}
	}
	nr.Say("Three more writes commit with only two servers up (2 of 3 is a majority). Now s%d restarts from its disk: it votes for itself, hears that s%d leads (a server not LOOKING answers with its vote), follows it, and the leader sends it what it missed (DIFF: the missing PROPOSALs and COMMITs).", leader, newLeader)
	ens.Trace.SetVotes(false)
	ens.Trace.Set(true)
	if err := ens.Restart(leader); err != nil {
		return err
	}
	if _, err := ens.WaitServing(30 * time.Second); err != nil {
		return err
	}
	time.Sleep(50 * time.Millisecond)
	ens.Trace.Set(false)
	ens.StatusTable(os.Stdout)
	return nil
}

func statusEpoch(ens *stage.Ensemble, id int64) int64 {
	st, _ := ens.Status(id)
	return st.Epoch
}
