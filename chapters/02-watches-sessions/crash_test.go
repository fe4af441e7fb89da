//go:build !grade

// Not graded: the stage's own behaviour (go test ./chapters/02-watches-sessions).
package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zkafka/zkafka/chapters/stage"
	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/server"
)

// The prompt's crash narrates what recovery did, as chapter 1's does
// (issue 8), and what it says holds: a session whose client reconnects
// in time keeps its ephemeral node.
func TestCrashNarrates(t *testing.T) {
	zk, err := stage.StartZooKeeper(server.Config{ClientAddr: "127.0.0.1:0", DataDir: t.TempDir(), TickTime: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer zk.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	states := make(chan client.State, 64)
	c, err := client.Connect([]string{zk.Addr()}, 2*time.Second,
		client.WithStateCallback(func(st client.State) { states <- st }))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Create(ctx, "/mine", nil, proto.ModeEphemeral, nil); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := crashExperiment(&stage.Narrator{W: &out}, zk).Run(nil); err != nil {
		t.Fatalf("crash: %v", err)
	}
	said := strings.Join(strings.Fields(out.String()), " ")
	for _, want := range []string{"Crashed and restarted", "replayed the txn log", "keeps its session, its ephemeral nodes and its watches", "Type cons"} {
		if !strings.Contains(said, want) {
			t.Errorf("crash said %q, want it to say %q", said, want)
		}
	}
	// The client reconnects within its timeout (wait for it to lose the
	// connection and get it back): its ephemeral is there.
	lost := false
	for reconnected := false; !reconnected; {
		select {
		case st := <-states:
			lost = lost || st != client.StateConnected
			reconnected = lost && st == client.StateConnected
		case <-ctx.Done():
			t.Fatalf("the client did not reconnect after the crash (lost the connection: %v)", lost)
		}
	}
	ok, _, err := c.Exists(ctx, "/mine")
	if err != nil || !ok {
		t.Fatalf("after the crash, /mine exists %v (%v): the session was lost", ok, err)
	}
}
