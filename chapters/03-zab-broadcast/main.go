// Chapter 3 — ZAB broadcast.
//
//	go run ./chapters/03-zab-broadcast          # the reference
//	go run ./chapters/03-zab-broadcast -n 5     # five servers
//	make run-chapter 3                          # with your labs swapped in
//
// Starts a 3-server ZooKeeper ensemble in this process on 127.0.0.1:2181-2183
// (their peers talk over loopback TCP), traces the zab traffic — proposals,
// acknowledgments after fsync, commits in zxid order — while a client
// writes through a follower, then stays up with experiments: kill,
// restart, partition and heal servers, and watch what still commits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/zkafka/zkafka/chapters/stage"
	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
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
	nr.Title(3, "ZAB broadcast")
	var ports []int
	for i := 0; i < *n; i++ {
		ports = append(ports, port+i)
	}
	nr.Step("An ensemble starts")
	nr.Say("%d servers start with empty disks, tickTime=%v. Each is LOOKING and votes for itself; fast leader election compares (epoch, zxid, server id): all epochs and zxids are 0, so the largest id wins.", *n, tick)
	ens, err := stage.StartEnsemble(*n, ports, tick, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer ens.Close()
	leader, err := ens.WaitServing(30 * time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	time.Sleep(50 * time.Millisecond) // let the trace of the last UPTODATE print before the narration goes on
	nr.Say("s%d leads. The followers synchronized with it (DIFF, nothing to send), acknowledged NEWLEADER, and everyone serves.", leader)
	ens.StatusTable(os.Stdout)

	if !*quiet {
		if err := walkthrough(ctx, nr, ens, leader); err != nil {
			nr.Say("The walkthrough stopped: %v", err)
		}
	}

	nr.Step("Your turn")
	nr.Say("The ensemble stays up. Connect any ZooKeeper client to one server or all:")
	nr.Out("go run ./zk/cmd/zkcli -server %s", strings.Join(ens.Addrs(), ","))
	nr.Say("Try: kill the leader (kill %d) and write again; partition a follower away (partition 1 | 2 3) and see it stop serving; heal.", leader)
	stage.Prompt(ctx, os.Stdin, os.Stdout, stage.MergeExperiments(ens.Experiments(os.Stdout), map[string]stage.Experiment{
		"write": {Help: "write N PATH DATA: create or set PATH through server N", Run: func(args []string) error {
			if len(args) != 3 {
				return fmt.Errorf("want: write N PATH DATA")
			}
			ids, err := stage.ParseIDs(args[:1])
			if err != nil {
				return err
			}
			return write(ctx, ens.Addr(ids[0]), args[1], args[2])
		}},
		"read": {Help: "read PATH: sync and read PATH on every server", Run: func(args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("want: read PATH")
			}
			readEverywhere(ctx, nr, ens, args[0])
			return nil
		}},
	}))
}

func dial(addr string) (*client.Conn, error) {
	return client.Connect([]string{addr}, 10*time.Second)
}

func write(ctx context.Context, addr, path, data string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Create(ctx, path, []byte(data), proto.ModePersistent, nil)
	if errors.Is(err, zkerr.NodeExists) {
		_, err = c.Set(ctx, path, []byte(data), -1)
	}
	return err
}

func readEverywhere(ctx context.Context, nr *stage.Narrator, ens *stage.Ensemble, path string) {
	for _, id := range ens.IDs() {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		c, err := dial(ens.Addr(id))
		if err != nil {
			nr.Out("s%d: %v", id, err)
			cancel()
			continue
		}
		c.Sync(ctx, path)
		data, st, err := c.Get(ctx, path)
		if err != nil {
			nr.Out("s%d: %v", id, err)
		} else {
			nr.Out("s%d: %q mzxid=%#x version=%d", id, data, st.Mzxid, st.Version)
		}
		c.Close()
		cancel()
	}
}

func walkthrough(ctx context.Context, nr *stage.Narrator, ens *stage.Ensemble, leader int64) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	var follower int64
	for _, id := range ens.IDs() {
		if id != leader {
			follower = id
			break
		}
	}
	nr.Step("A write through a follower")
	nr.Say("A client connects to s%d, a follower. Creating a session is itself a write: s%d forwards it to s%d (REQUEST). The leader executes it, gives it the next zxid and sends a PROPOSAL to every follower. Each follower appends it to its log and fsyncs BEFORE it ACKs. With a majority of ACKs (the leader's own fsync counts) the leader COMMITs, in zxid order, and every server applies it.", follower, follower, leader)
	c, err := dial(ens.Addr(follower))
	if err != nil {
		return err
	}
	defer c.Close()
	time.Sleep(100 * time.Millisecond) // let the trace print
	nr.Cmd("create /ch3 hello   (through s%d)", follower)
	p, st, err := c.Create2(ctx, "/ch3", []byte("hello"), proto.ModePersistent, nil)
	if err != nil && !errors.Is(err, zkerr.NodeExists) {
		return err
	}
	time.Sleep(100 * time.Millisecond)
	nr.Out("created %s czxid=%#x (epoch %d, counter %d)", p, st.Czxid, st.Czxid>>32, st.Czxid&0xffffffff)
	nr.Say("The reply came from s%d only once s%d had applied the COMMIT: the client never sees a write that could still be lost.", follower, follower)

	nr.Step("Many writes, one order")
	nr.Say("Five writes go through different servers at once. The leader orders them: every server applies them in the same zxid order, and a burst shares one fsync per server (group commit).")
	ens.Trace.Set(false)
	errs := make(chan error, 5)
	for i := 0; i < 5; i++ {
		id := ens.IDs()[i%len(ens.IDs())]
		go func() { errs <- write(ctx, ens.Addr(id), fmt.Sprintf("/ch3-%d", i), fmt.Sprintf("via s%d", id)) }()
	}
	for i := 0; i < 5; i++ {
		if err := <-errs; err != nil {
			return err
		}
	}
	ens.Trace.Set(true)
	for i := 0; i < 5; i++ {
		_, st, _ := c.Get(ctx, fmt.Sprintf("/ch3-%d", i))
		nr.Out("/ch3-%d czxid=%#x", i, st.Czxid)
	}

	nr.Step("Read anywhere, after sync")
	nr.Say("Reads are answered by the server you are connected to, from its own copy: it may lag. sync() goes through the leader and returns once this server has applied everything the leader had committed.")
	readEverywhere(ctx, nr, ens, "/ch3")
	ens.StatusTable(os.Stdout)
	return nil
}
