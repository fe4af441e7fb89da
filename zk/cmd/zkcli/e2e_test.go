package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/server"
)

// TestShellAgainstServer runs a zkCli-style session against our server
// and compares the output a learner would compare with zkCli.sh's.
// Reference: zkCli.sh 3.8 command output (ZooKeeperMain, cli/*Command).
func TestShellAgainstServer(t *testing.T) {
	s, err := server.Start(server.Config{ClientAddr: "127.0.0.1:0", DataDir: "/data",
		TickTime: 100 * time.Millisecond, FS: vfs.NewMem(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addr := s.Addr().String()

	script := strings.Join([]string{
		`create /a "hello world"`,
		`create /a`,
		`create -s /a/s- x`,
		`get /a`,
		`set -v 7 /a y`,
		`ls /`,
		`ls -R /a`,
		`getAcl /a`,
		`setAcl /a world:anyone:r`,
		`set /a z`,
		`getAllChildrenNumber /a`,
		`sync /a`,
		`delete /a`,
		`stat /nope`,
		`quit`,
	}, "\n") + "\n"
	var out, errOut bytes.Buffer
	if code := run([]string{"-server", addr}, strings.NewReader(script), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	// Drop the prompts: keep what the commands printed.
	var lines []string
	for _, l := range strings.Split(out.String(), "\n") {
		for strings.HasPrefix(l, "[zk: ") {
			l = l[strings.Index(l, "] ")+2:]
		}
		if l != "" {
			lines = append(lines, l)
		}
	}
	wantOut := []string{
		"Created /a",
		"Created /a/s-0000000000",
		"hello world",
		"[a, zookeeper]",
		"/a", "/a/s-0000000000",
		"'world,'anyone", ": cdrwa",
		"1",
		"Sync is OK",
	}
	if strings.Join(lines, "\n") != strings.Join(wantOut, "\n") {
		t.Errorf("stdout:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(wantOut, "\n"))
	}
	wantErr := "Node already exists: /a\nversion No is not valid : /a\nInsufficient permission : /a\nNode not empty: /a\nNode does not exist: /nope\n"
	if errOut.String() != wantErr {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut.String(), wantErr)
	}
	if !strings.Contains(out.String(), "[zk: "+addr+"(CONNECTED) 3] ") {
		t.Errorf("prompt not in zkCli's form: %q", out.String()[:80])
	}

	// One-shot mode.
	out.Reset()
	errOut.Reset()
	if code := run([]string{"-server", addr, "stat", "/a"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("one-shot exit %d: %s", code, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "cZxid = 0x") || !strings.Contains(out.String(), "numChildren = 1\n") {
		t.Errorf("stat output:\n%s", out.String())
	}
}
