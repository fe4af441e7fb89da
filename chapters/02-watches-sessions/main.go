// Chapter 2 — watches and sessions.
//
//	go run ./chapters/02-watches-sessions    # the reference
//	make run-chapter 2                       # with your labs 1 and 2 swapped in
//
// Starts one ZooKeeper server on 127.0.0.1:2181 with a short tickTime
// (500 ms, so sessions may be as short as 1 s), shows watches firing between
// two sessions — one-shot, child, persistent-recursive — and a session
// expiring with its ephemeral node, then stays up with experiments.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/zkafka/zkafka/chapters/stage"
	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/server"
	"github.com/zkafka/zkafka/zk/zkerr"
)

const tick = 500 * time.Millisecond

func main() {
	addr := flag.String("addr", "127.0.0.1:2181", "client address to listen on")
	data := flag.String("data", "", "data directory (default: a fresh temporary one)")
	quiet := flag.Bool("quiet", false, "skip the walkthrough")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	n := &stage.Narrator{W: os.Stdout}
	n.Title(2, "watches and sessions")
	zk, err := stage.StartZooKeeper(server.Config{ClientAddr: *addr, DataDir: *data, TickTime: tick})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer zk.Close()
	n.Say("A ZooKeeper server is listening on %s with tickTime=%v, so session timeouts are clamped to [%v, %v] (2 and 20 ticks).", zk.Addr(), tick, 2*tick, 20*tick)

	if !*quiet {
		if err := walkthrough(ctx, n, zk.Addr()); err != nil {
			n.Say("The walkthrough stopped: %v", err)
		}
	}

	n.Step("Your turn")
	n.Say("The server stays up. Try a watch from two terminals:")
	n.Out("go run ./zk/cmd/zkcli -server %s      then: get -w /app/config", zk.Addr())
	n.Out("go run ./zk/cmd/zkcli -server %s      then: set /app/config v9", zk.Addr())
	stage.Prompt(ctx, os.Stdin, os.Stdout, map[string]stage.Experiment{
		"expire": {Help: "open a 1 s session that owns an ephemeral node, cut its connection, watch it expire", Run: func([]string) error {
			return expire(ctx, n, zk.Addr())
		}},
		"crash": crashExperiment(n, zk),
		"wchs": {Help: "the wchs four-letter word: watches by connection", Run: func([]string) error {
			out, err := stage.FourLetter(zk.Addr(), "wchs")
			fmt.Println(out)
			return err
		}},
		"cons": {Help: "the cons four-letter word: every connection and its session", Run: func([]string) error {
			out, err := stage.FourLetter(zk.Addr(), "cons")
			fmt.Print(out)
			return err
		}},
	})
}

// crashExperiment is the prompt's crash: kill -9 and restart, then say
// what recovery did and what to look at, as chapter 1's crash does.
func crashExperiment(n *stage.Narrator, zk *stage.ZooKeeper) stage.Experiment {
	return stage.Experiment{
		Help: "kill the server (like kill -9) and restart it; sessions survive a restart shorter than their timeout",
		Run: func([]string) error {
			if err := zk.Crash(); err != nil {
				return err
			}
			n.Say("Crashed and restarted: recovery loaded the newest snapshot and replayed the txn log, sessions included — createSession and closeSession are txns like any write. Every session gets its whole timeout again from now: a client that reconnects in time keeps its session, its ephemeral nodes and its watches (the client sends setWatches with the last zxid it saw, and a watch whose event it missed fires at once). A session nobody reconnects expires, and its ephemerals go with it. Type cons to see which sessions came back.")
			return nil
		},
	}
}

func walkthrough(ctx context.Context, n *stage.Narrator, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	alice, err := client.Connect([]string{addr}, 10*time.Second)
	if err != nil {
		return err
	}
	defer alice.Close()
	bob, err := client.Connect([]string{addr}, 10*time.Second)
	if err != nil {
		return err
	}
	defer bob.Close()
	for _, p := range []string{"/app", "/app/config"} {
		if _, err := bob.Create(ctx, p, []byte("v1"), proto.ModePersistent, nil); err != nil && !errors.Is(err, zkerr.NodeExists) {
			return err
		}
	}

	n.Step("A data watch fires once")
	n.Say("Alice reads /app/config and leaves a watch (get -w). Bob changes it. The server sends Alice a notification — what changed and where, never the new value — and removes the watch: watches are one-shot.")
	n.Cmd("(alice) get -w /app/config")
	data, _, w, err := alice.GetW(ctx, "/app/config")
	if err != nil {
		return err
	}
	n.Out("%q", data)
	n.Cmd("(bob)   set /app/config v2")
	if _, err := bob.Set(ctx, "/app/config", []byte("v2"), -1); err != nil {
		return err
	}
	ev, err := next(ctx, w)
	if err != nil {
		return err
	}
	n.Out("alice hears: WatchedEvent type:%v path:%s", ev.Type, ev.Path)
	n.Say("ZooKeeper promises Alice sees this event before any reply that shows her the new data: the server queues the notification on her connection ahead of later replies.")
	data, _, _ = alice.Get(ctx, "/app/config")
	n.Out("alice reads %q", data)
	n.Cmd("(bob)   set /app/config v3")
	bob.Set(ctx, "/app/config", []byte("v3"), -1)
	n.Say("No second event: the watch was used up. A client that wants every change re-reads with a new watch — and can miss intermediate values — or uses a persistent watch.")

	n.Step("A child watch")
	n.Cmd("(alice) ls -w /app")
	_, _, cw, err := alice.ChildrenW(ctx, "/app")
	if err != nil {
		return err
	}
	n.Cmd("(bob)   create /app/worker-1")
	if _, err := bob.Create(ctx, "/app/worker-1", nil, proto.ModePersistent, nil); err != nil && !errors.Is(err, zkerr.NodeExists) {
		return err
	}
	if ev, err = next(ctx, cw); err != nil {
		return err
	}
	n.Out("alice hears: WatchedEvent type:%v path:%s", ev.Type, ev.Path)

	n.Step("A persistent recursive watch")
	n.Say("addWatch -m PERSISTENT_RECURSIVE (ZooKeeper 3.6+) stays until removed and covers the whole subtree. It reports creates, changes and deletes below /app, but never NodeChildrenChanged: the NodeCreated of the child already says it.")
	n.Cmd("(alice) addWatch -m PERSISTENT_RECURSIVE /app")
	rw, err := alice.AddWatch(ctx, "/app", true)
	if err != nil {
		return err
	}
	n.Cmd("(bob)   create /app/worker-1/task ; set /app/worker-1/task x ; delete /app/worker-1/task")
	bob.Create(ctx, "/app/worker-1/task", nil, proto.ModePersistent, nil)
	bob.Set(ctx, "/app/worker-1/task", []byte("x"), -1)
	bob.Delete(ctx, "/app/worker-1/task", -1)
	for i := 0; i < 3; i++ {
		if ev, err = next(ctx, rw); err != nil {
			return err
		}
		n.Out("alice hears: WatchedEvent type:%v path:%s", ev.Type, ev.Path)
	}

	n.Step("A session expires, and its ephemeral node goes with it")
	return expire(ctx, n, addr)
}

// expire opens a short session that owns an ephemeral node, cuts its
// network without closing it, and shows the server expiring it.
func expire(ctx context.Context, n *stage.Narrator, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	watcher, err := client.Connect([]string{addr}, 10*time.Second)
	if err != nil {
		return err
	}
	defer watcher.Close()
	cut := newCutter()
	carol, err := client.Connect([]string{addr}, 2*tick, client.WithDialer(cut.dial))
	if err != nil {
		return err
	}
	defer carol.Close()
	if _, err := carol.Create(ctx, "/leader", []byte("carol"), proto.ModeEphemeral, nil); err != nil {
		return err
	}
	n.Say("Carol connects asking for a %v session (the server grants %v) and creates the ephemeral /leader; its ephemeralOwner is her session %#x. The watcher sets an exists watch on it.", 2*tick, carol.SessionTimeout(), carol.SessionID())
	_, _, w, err := watcher.ExistsW(ctx, "/leader")
	if err != nil {
		return err
	}
	start := time.Now()
	cut.cut()
	n.Say("Now Carol's network is cut. She does not close her session: the server only knows that it hears nothing. It keeps sessions in buckets of one tick by expiry time, and on each tick expires the bucket that has passed, logging a closeSession txn that deletes the session's ephemeral nodes.")
	ev, err := next(ctx, w)
	if err != nil {
		return err
	}
	n.Out("watcher hears: WatchedEvent type:%v path:%s  (%v after the cut)", ev.Type, ev.Path, time.Since(start).Round(100*time.Millisecond))
	n.Say("Carol learns her session expired only when she reaches a server again and is told so (timeout 0 in the ConnectResponse).")
	return nil
}

func next(ctx context.Context, w <-chan client.Event) (client.Event, error) {
	select {
	case ev, ok := <-w:
		if !ok {
			return client.Event{}, errors.New("watch channel closed")
		}
		return ev, nil
	case <-ctx.Done():
		return client.Event{}, fmt.Errorf("no watch event: %w", ctx.Err())
	}
}
