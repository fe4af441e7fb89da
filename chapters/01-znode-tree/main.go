// Chapter 1 — the znode tree.
//
//	go run ./chapters/01-znode-tree          # the reference
//	make run-chapter 1                       # with your lab 1 swapped in
//
// Starts one ZooKeeper server on 127.0.0.1:2181, walks through the rules of
// the data tree over the real wire protocol (the same requests zkCli.sh
// sends), then stays up for you to poke at with any ZooKeeper client and
// offers experiments: crash and restart the server and see what survives.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/zkafka/zkafka/chapters/stage"
	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/server"
	"github.com/zkafka/zkafka/zk/zkerr"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:2181", "client address to listen on")
	data := flag.String("data", "", "data directory (default: a fresh temporary one)")
	quiet := flag.Bool("quiet", false, "skip the walkthrough")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	n := &stage.Narrator{W: os.Stdout}
	n.Title(1, "the znode tree")
	zk, err := stage.StartZooKeeper(server.Config{ClientAddr: *addr, DataDir: *data})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer zk.Close()
	n.Say("A ZooKeeper server is listening on %s (data in %s).", zk.Addr(), zk.DataDir())

	if !*quiet {
		if err := walkthrough(ctx, n, zk.Addr()); err != nil {
			n.Say("The walkthrough stopped: %v", err)
		}
	}

	n.Step("Your turn")
	n.Say("The server stays up. Connect with any ZooKeeper client:")
	n.Out("go run ./zk/cmd/zkcli -server %s", zk.Addr())
	n.Out("zkCli.sh -server %s        (Apache's, from Debian's zookeeper package)", zk.Addr())
	n.Out("echo srvr | nc %s", hostPort(zk.Addr()))
	stage.Prompt(ctx, os.Stdin, os.Stdout, map[string]stage.Experiment{
		"tree": {Help: "print the whole tree with each node's version and cversion", Run: func([]string) error {
			return printTree(ctx, n, zk.Addr())
		}},
		"crash": {Help: "kill the server (like kill -9) and restart it: every acknowledged write survives", Run: func([]string) error {
			if err := zk.Crash(); err != nil {
				return err
			}
			n.Say("Crashed and restarted: recovery loaded the newest snapshot and replayed the txn log. Type tree to check nothing acknowledged was lost.")
			return nil
		}},
		"restart": {Help: "shut the server down cleanly and start it again", Run: func([]string) error {
			return zk.Restart()
		}},
		"srvr": {Help: "the srvr four-letter word", Run: func([]string) error {
			out, err := stage.FourLetter(zk.Addr(), "srvr")
			fmt.Print(out)
			return err
		}},
	})
}

func hostPort(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[:i] + " " + addr[i+1:]
		}
	}
	return addr
}

func walkthrough(ctx context.Context, n *stage.Narrator, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := client.Connect([]string{addr}, 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()

	n.Step("A znode holds data and a Stat")
	n.Say("Every znode has a path, a few bytes of data, an ACL and a Stat: eleven numbers the server maintains on every write. czxid is the zxid (ZooKeeper transaction id) of the create; on a fresh node mzxid and pzxid equal it and every version is 0.")
	n.Cmd("create /course hello")
	if _, err := c.Create(ctx, "/course", []byte("hello"), proto.ModePersistent, nil); err != nil && !errors.Is(err, zkerr.NodeExists) {
		n.Err(err)
		return err
	}
	show(ctx, n, c, "/course")

	n.Step("Every setData bumps the version")
	n.Say("setData takes the version you expect; -1 means any. The version goes up by one per write, and mzxid records the write's zxid. This is ZooKeeper's compare-and-set.")
	n.Cmd("set /course chapter-1")
	if _, err := c.Set(ctx, "/course", []byte("chapter-1"), -1); err != nil {
		n.Err(err)
	}
	_, st, _ := c.Get(ctx, "/course")
	n.Cmd("set -v %d /course chapter-1-again", st.Version)
	if _, err := c.Set(ctx, "/course", []byte("chapter-1-again"), st.Version); err != nil {
		n.Err(err)
	}
	show(ctx, n, c, "/course")
	n.Say("Now a write that expects the old version %d loses the race:", st.Version)
	n.Cmd("set -v %d /course stale", st.Version)
	_, err = c.Set(ctx, "/course", []byte("stale"), st.Version)
	n.Err(err)

	n.Step("Sequential nodes count the parent's child creates")
	n.Say("A sequential create appends a counter as ten digits (%%010d): how many children the parent has ever had created, which ZooKeeper stores as the parent's cversion. A delete never lowers it, so a number is never reused.")
	for i := 0; i < 3; i++ {
		n.Cmd("create -s /course/job- ")
		p, err := c.Create(ctx, "/course/job-", nil, proto.ModePersistentSequential, nil)
		if err != nil {
			n.Err(err)
			break
		}
		n.Out("Created %s", p)
	}
	n.Cmd("delete /course/job-0000000001")
	if err := c.Delete(ctx, "/course/job-0000000001", -1); err != nil {
		n.Err(err)
	}
	n.Cmd("create -s /course/job- ")
	if p, err := c.Create(ctx, "/course/job-", nil, proto.ModePersistentSequential, nil); err != nil {
		n.Err(err)
	} else {
		n.Out("Created %s   (three creates before it; the delete freed nothing)", p)
	}
	show(ctx, n, c, "/course")
	n.Say("The Stat clients see reports cversion as creates plus deletes (4 + 1 = 5): ZooKeeper computes it as 2×creates − numChildren when it copies the Stat out (DataNode.copyStat).")

	n.Step("Ephemeral nodes belong to a session")
	n.Say("An ephemeral node's ephemeralOwner is the session that created it; it is deleted when that session closes or expires (chapter 2), and it may not have children.")
	n.Cmd("create -e /course/me")
	if _, err := c.Create(ctx, "/course/me", nil, proto.ModeEphemeral, nil); err != nil {
		n.Err(err)
	}
	show(ctx, n, c, "/course/me")
	n.Out("(our session id is %#x)", c.SessionID())
	n.Cmd("create /course/me/child")
	_, err = c.Create(ctx, "/course/me/child", nil, proto.ModePersistent, nil)
	n.Err(err)

	n.Step("multi: all or nothing")
	n.Say("A multi applies its ops atomically under one zxid. Here the check fails, so the create before it does not happen either: the ops before the failure report 0, the failing one its own error, the ones after RUNTIMEINCONSISTENCY.")
	n.Cmd("multi [create /course/a, check /course version 99, delete /course/job-0000000000]")
	res, err := c.Multi(ctx,
		client.CreateOp("/course/a", nil, proto.ModePersistent, nil),
		client.CheckOp("/course", 99),
		client.DeleteOp("/course/job-0000000000", -1))
	n.Err(err)
	for i, r := range res {
		n.Out("op %d: %v", i, r.Err)
	}
	ok, _, _ := c.Exists(ctx, "/course/a")
	n.Out("exists /course/a: %v", ok)
	return nil
}

func show(ctx context.Context, n *stage.Narrator, c *client.Conn, path string) {
	data, st, err := c.Get(ctx, path)
	if err != nil {
		n.Err(err)
		return
	}
	n.Cmd("get -s %s", path)
	n.Out("%q", data)
	n.Out("%s", stage.StatLine(st))
}

func printTree(ctx context.Context, n *stage.Narrator, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := client.Connect([]string{addr}, 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	var walk func(path, indent string) error
	walk = func(path, indent string) error {
		data, st, err := c.Get(ctx, path)
		if err != nil {
			return err
		}
		fmt.Printf("%s%s  %q  version=%d cversion=%d\n", indent, path, clip(data), st.Version, st.Cversion)
		kids, _, err := c.Children(ctx, path)
		if err != nil {
			return err
		}
		sort.Strings(kids) // the server returns children unsorted
		for _, k := range kids {
			child := path + "/" + k
			if path == "/" {
				child = "/" + k
			}
			if err := walk(child, indent+"  "); err != nil {
				return err
			}
		}
		return nil
	}
	return walk("/", "")
}

func clip(b []byte) string {
	if len(b) > 24 {
		return string(b[:24]) + "…"
	}
	return string(b)
}
