//go:build interop

package interop

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Debian's zookeeper package installs the CLI here; ZKCLI overrides it.
const defaultZkCli = "/usr/share/zookeeper/bin/zkCli.sh"

// zkCliScript is fed to one zkCli.sh session on stdin; $R is the
// scenario's root. It covers create -s -e, get -s -w, set (with a bad
// version), ls -s -R, stat, delete (not empty, missing), deleteall,
// addauth, setAcl and getAcl.
const zkCliScript = `create $R/a data1
create -s -e $R/a/s- x
create -e $R/eph e
get -s $R/a
set $R/a data2
set -v 5 $R/a bad
get -s -w $R/a
set $R/a data3
ls -s $R
ls -R $R/a
ls -s -R $R/a
stat $R/a
delete $R/a
create $R/b
create $R/b/c
create $R/b/c/d dd
deleteall $R/b
ls $R
addauth digest alice:secret
create $R/secure s
setAcl $R/secure auth::cdrwa
getAcl $R/secure
setAcl $R/a world:anyone:r
getAcl $R/a
set $R/a denied
delete $R/missing
create $R/eph again
get $R/missing
ls $R
quit
`

// zkCliMust are lines every correct server makes zkCli print (after
// normalisation): the transcript comparison alone would pass if both
// servers were wrong the same way, these pin the facts.
var zkCliMust = []string{
	"Created /R/a/s-0000000000",
	"version No is not valid : /R/a",
	"WatchedEvent state:SyncConnected type:NodeDataChanged path:/R/a",
	"Node not empty: /R/a",
	"'digest,'alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=",
	": cdrwa",
	"Insufficient permission : /R/a",
	"Node does not exist: /R/missing",
	"Node already exists: /R/eph",
	"[a, eph, secure]",
}

// TestZkCli runs zkCli.sh 3.8 against each target and compares its
// transcripts after normalising zxids (to Z1, Z2, ... in order of first
// appearance), times and session ids.
//
// Reference: docs/reference/zookeeper.md §1.9 (zkCli's ops: ls → getChildren2, deleteall →
// getChildren + multi); ZooKeeper CLI docs (zookeeperCLI.md).
func TestZkCli(t *testing.T) {
	cli := os.Getenv("ZKCLI")
	if cli == "" {
		cli = defaultZkCli
	}
	if _, err := os.Stat(cli); err != nil {
		t.Skipf("zkCli.sh not found at %s (apt-get install -y zookeeper, or set ZKCLI): %v", cli, err)
	}
	transcripts := map[string]string{}
	forEachTarget(t, func(t *testing.T, tg *target) {
		s := connect(t, tg.addr, sessionTimeout)
		root := newRoot(t, s)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, cli, "-server", tg.addr)
		cmd.Stdin = strings.NewReader(strings.ReplaceAll(zkCliScript, "$R", root))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out // one stream keeps zkCli's order
		err := cmd.Run()
		norm, events := normaliseZkCli(out.String(), root)
		t.Logf("zkCli exit: %v", err)
		for _, must := range zkCliMust {
			if !strings.Contains(norm+events, must) {
				t.Errorf("zkCli output lacks %q", must)
			}
		}
		transcripts[tg.name] = norm + "--- events ---\n" + events
		if t.Failed() {
			t.Logf("normalised transcript:\n%s", transcripts[tg.name])
		}
		if tg.name == "apache" {
			return
		}
		if ref, ok := transcripts["apache"]; ok {
			if diff := cmp.Diff(ref, transcripts[tg.name]); diff != "" {
				t.Errorf("zkCli transcript differs from Apache's (-apache +%s):\n%s", tg.name, diff)
			}
		}
	})
}

var (
	zxidLine  = regexp.MustCompile(`^([cmp]Zxid) = (0x[0-9a-f]+)$`)
	timeLine  = regexp.MustCompile(`^([cm]time) = .*$`)
	ownerLine = regexp.MustCompile(`^ephemeralOwner = 0x[0-9a-f]*[1-9a-f][0-9a-f]*$`)
)

// normaliseZkCli rewrites a zkCli transcript into the part that must not
// differ between correct servers: the root becomes /R, zxids become Z<n>
// in order of first appearance, times TIME, non-zero session ids SESSION;
// logging noise is dropped. Watch notifications are printed by zkCli's
// event thread, so they can land anywhere between command outputs: they
// are returned separately, in order.
func normaliseZkCli(out, root string) (transcript, events string) {
	out = strings.ReplaceAll(out, root, "/R")
	zxids := map[string]string{}
	var tb, eb strings.Builder
	for _, line := range strings.Split(out, "\n") {
		switch {
		case line == "" || line == "WATCHER::" || strings.HasPrefix(line, "SLF4J:") ||
			strings.HasPrefix(line, "Connecting to ") || strings.HasPrefix(line, "Welcome to") ||
			strings.HasPrefix(line, "JLine support"):
			continue
		case strings.HasPrefix(line, "WatchedEvent state:Closed"):
			// zkCli prints its own close event from another thread while
			// quitting; whether it makes it out before exit is a race.
			continue
		case strings.HasPrefix(line, "WatchedEvent "):
			eb.WriteString(line + "\n")
			continue
		}
		if m := zxidLine.FindStringSubmatch(line); m != nil {
			z, ok := zxids[m[2]]
			if !ok {
				z = fmt.Sprintf("Z%d", len(zxids)+1)
				zxids[m[2]] = z
			}
			line = m[1] + " = " + z
		} else if m := timeLine.FindStringSubmatch(line); m != nil {
			line = m[1] + " = TIME"
		} else if ownerLine.MatchString(line) {
			line = "ephemeralOwner = SESSION"
		}
		tb.WriteString(line + "\n")
	}
	return tb.String(), eb.String()
}
