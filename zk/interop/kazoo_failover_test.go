//go:build interop

package interop

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestKazooSurvivesFailover runs kazoo_failover.py against our 3-member
// ensemble: kazoo writes while a follower is killed (and restarted), then
// while the leader is killed, then through a rolling restart (each member
// down in turn, the next going only once the ensemble serves again). Its session must survive (same id, its
// ephemeral node still there) and every write it saw acknowledged must be
// in the tree at the end.
//
// Reference: docs/reference/zookeeper.md §1.2 (reconnect with session id + password), §5
// (reliability).
func TestKazooSurvivesFailover(t *testing.T) {
	if err := exec.Command(python, "-c", "import kazoo.client").Run(); err != nil {
		t.Skipf("kazoo is not installed for %s: %v", python, err)
	}
	c := startOurEnsemble(t)
	s := connect(t, c.Addr(1), sessionTimeout)
	root := newRoot(t, s)
	s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "kazoo_failover.py", strings.Join(c.Addrs(), ","), root)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	next := func() string {
		t.Helper()
		if !sc.Scan() {
			t.Fatalf("kazoo_failover.py ended early: %v\nstderr:\n%s", sc.Err(), stderr.String())
		}
		return sc.Text()
	}
	leader := c.Leader()
	var follower int64
	for _, id := range c.IDs() {
		if id != leader {
			follower = id
		}
	}
	if l := next(); l != "phase 0" {
		t.Fatalf("want phase 0, got %q", l)
	}
	c.Kill(follower)
	fmt.Fprintln(stdin, "go")
	if l := next(); l != "phase 1" {
		t.Fatalf("want phase 1, got %q", l)
	}
	if err := c.Restart(follower); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitServing(15 * time.Second); err != nil {
		t.Fatal(err)
	}
	c.Kill(leader)
	fmt.Fprintln(stdin, "go")
	if l := next(); l != "phase 2" {
		t.Fatalf("want phase 2, got %q", l)
	}
	// A rolling restart: the old leader comes back, then each member in
	// turn goes down while kazoo writes (phases 3-5) and comes back.
	down := leader
	for i, id := range c.IDs() {
		if err := c.Restart(down); err != nil {
			t.Fatal(err)
		}
		if _, err := c.WaitServing(15 * time.Second); err != nil {
			t.Fatal(err)
		}
		c.Kill(id)
		down = id
		fmt.Fprintln(stdin, "go")
		if want := fmt.Sprintf("phase %d", 3+i); next() != want {
			t.Fatalf("want %s", want)
		}
	}
	var res struct {
		SessionBefore int64    `json:"session_before"`
		SessionAfter  int64    `json:"session_after"`
		Ephemeral     bool     `json:"ephemeral"`
		Acked         []string `json:"acked"`
		Children      []string `json:"children"`
	}
	if err := json.Unmarshal([]byte(next()), &res); err != nil {
		t.Fatalf("result line: %v\nstderr:\n%s", err, stderr.String())
	}
	if res.SessionBefore != res.SessionAfter {
		t.Errorf("kazoo's session changed from %#x to %#x", res.SessionBefore, res.SessionAfter)
	}
	if !res.Ephemeral {
		t.Errorf("the session's ephemeral node is gone")
	}
	have := map[string]bool{}
	for _, k := range res.Children {
		have[root+"/"+k] = true
	}
	for _, p := range res.Acked {
		if !have[p] {
			t.Errorf("acknowledged write %s lost", p)
		}
	}
	if len(res.Acked) != 120 {
		t.Errorf("%d writes acknowledged, want 120", len(res.Acked))
	}
}
