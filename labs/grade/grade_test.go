package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRubricReadsPointsAndReference(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "labs", "99-demo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := `//go:build grade

package lab99_test

import "testing"

// TestA checks a. More words.
//
// Points: 7
// Reference: docs/reference/zookeeper.md §1.5
func TestA(t *testing.T) {}

// TestB has no points.
func TestB(t *testing.T) {}

func helper() {}

// Testlower is not a test.
func Testlower(t *testing.T) {}
`
	os.WriteFile(filepath.Join(dir, "a_test.go"), []byte(src), 0o644)
	os.WriteFile(filepath.Join(dir, "untagged_test.go"), []byte("package lab99_test\n\nimport \"testing\"\n\n// Points: 50\nfunc TestUntagged(t *testing.T) {}\n"), 0o644)

	items, err := rubric(root, "labs/99-demo", "chapters/99-demo")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Fatalf("got %d items, want 2 (TestA, TestB): %+v", len(items), items)
	}
	a := items[0]
	if a.Test != "TestA" || a.Points != 7 || a.Reference != "docs/reference/zookeeper.md §1.5" || a.Summary != "TestA checks a." {
		t.Errorf("TestA parsed as %+v", a)
	}
	if items[1].Test != "TestB" || items[1].Points != 0 {
		t.Errorf("TestB parsed as %+v", items[1])
	}
}

func TestCollectFoldsSubtestsAndFindsSeeds(t *testing.T) {
	stream := strings.Join([]string{
		`{"Action":"start","Package":"p"}`,
		`{"Action":"run","Package":"p","Test":"TestX"}`,
		`{"Action":"output","Package":"p","Test":"TestX","Output":"=== RUN   TestX\n"}`,
		`{"Action":"run","Package":"p","Test":"TestX/0"}`,
		`{"Action":"output","Package":"p","Test":"TestX/0","Output":"    x_test.go:9: fine\n"}`,
		`{"Action":"pass","Package":"p","Test":"TestX/0"}`,
		`{"Action":"run","Package":"p","Test":"TestX/1"}`,
		`{"Action":"output","Package":"p","Test":"TestX/1","Output":"    x_test.go:12: Stat(/):\n"}`,
		`{"Action":"output","Package":"p","Test":"TestX/1","Output":"        got  1\n"}`,
		`{"Action":"output","Package":"p","Test":"TestX/1","Output":"        want 2\n"}`,
		`{"Action":"output","Package":"p","Test":"TestX/1","Output":"    testlog.go:44: INFO server started\n"}`,
		`{"Action":"output","Package":"p","Test":"TestX/1","Output":"    seed.go:38: SEED=42 (replay: SEED=42 go test -run '^TestX$/^1$' <package>)\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestX/1"}`,
		`{"Action":"fail","Package":"p","Test":"TestX"}`,
		`{"Action":"output","Package":"p","Output":"FAIL\n"}`,
		`not json: the binary's own stderr`,
	}, "\n")
	o, err := collect(strings.NewReader(stream), "TestX", nil)
	if err != nil {
		t.Fatal(err)
	}
	a := o.attempt()
	if a == nil || a.Result != "fail" {
		t.Fatalf("attempt %+v, want one failed attempt", a)
	}
	if got := a.failedLeaves(); len(got) != 1 || got[0] != "TestX/1" {
		t.Errorf("failedLeaves %q, want [TestX/1]", got)
	}
	if a.seed("TestX/1") != "42" || a.seed("TestX/0") != "" {
		t.Errorf("seeds %q %q, want 42 and none", a.seed("TestX/1"), a.seed("TestX/0"))
	}
	want := []string{"x_test.go:12: Stat(/):", "    got  1", "    want 2"}
	if got := a.failure("TestX/1"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("failure lines %q, want %q (the whole message, no log lines or seed)", got, want)
	}
	if a.direct() != 2 {
		t.Errorf("direct subtests %d, want 2", a.direct())
	}
	if len(o.Other) != 2 {
		t.Errorf("output outside tests %q, want FAIL and the stderr line", o.Other)
	}
	l, _ := findLab(3)
	sc := &score{lab: l}
	if got, want := sc.replay(a, "TestX/1"), "SEED=42 RUN='^TestX$/^1$' make test-chapter 3 VERBOSE=1"; got != want {
		t.Errorf("replay %q, want %q", got, want)
	}
	if got, want := rewriteHints("SEED=42 (replay: SEED=42 go test -run '^TestX$/^1$' <package>)", l, false),
		"SEED=42 (replay: SEED=42 RUN='^TestX$/^1$' make test-chapter 3 VERBOSE=1)"; got != want {
		t.Errorf("rewriteHints: %q, want %q", got, want)
	}
}

// A test that hits a stub says so, and only that test: the grader runs each
// graded test in a process of its own.
func TestNotImplementedIsPerTest(t *testing.T) {
	stub := strings.Join([]string{
		`{"Action":"run","Package":"p","Test":"TestY"}`,
		`{"Action":"output","Package":"p","Test":"TestY","Output":"    y_test.go:3: create: not implemented: lab 1 (Tree.Create)\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestY"}`,
	}, "\n")
	o, _ := collect(strings.NewReader(stub), "TestY", nil)
	r := row{Item: Item{Test: "TestY"}, outcome: o}
	if got := r.summary(); got != "not implemented: lab 1 (Tree.Create)" {
		t.Errorf("summary %q", got)
	}
	crash := strings.Join([]string{
		`{"Action":"run","Package":"p","Test":"TestZ"}`,
		`{"Action":"output","Package":"p","Test":"TestZ","Output":"panic: runtime error: index out of range [3] with length 3\n"}`,
	}, "\n")
	o, _ = collect(strings.NewReader(crash), "TestZ", nil)
	r = row{Item: Item{Test: "TestZ"}, outcome: o}
	if !r.crashed() || !strings.Contains(r.summary(), "index out of range") {
		t.Errorf("crash: crashed=%v summary %q", r.crashed(), r.summary())
	}
}

func TestSelectRun(t *testing.T) {
	items := []Item{{Test: "TestA"}, {Test: "TestAB"}, {Test: "TestNemesis"}}
	for _, c := range []struct {
		run, sub string
		n        int
	}{
		{"", "", 3},
		{"^TestA$", "", 1},
		{"TestA", "", 2},
		{"^TestNemesis$/^7$", "^7$", 1},
		{"^Test(A|B)/x", "x", 2},
		{"^TestCreateModel$", "", 0},
	} {
		sel, sub, err := selectRun(items, c.run)
		if err != nil || len(sel) != c.n || sub != c.sub {
			t.Errorf("selectRun(%q) = %d items, sub %q, %v; want %d, %q", c.run, len(sel), sub, err, c.n, c.sub)
		}
	}
}

func TestLearnerPaths(t *testing.T) {
	root := "/r"
	replace := map[string]string{"/r/zk/znode/tree.go": "/r/labs/01-znode-tree/znode/tree.go"}
	l, _ := findLab(1)
	for in, want := range map[string]string{
		"zk/znode/tree.go:12:3: undefined: x":                   "labs/01-znode-tree/znode/tree.go:12:3: undefined: x",
		"/r/zk/znode/tree.go:12:3: undefined: x":                "labs/01-znode-tree/znode/tree.go:12:3: undefined: x",
		"./labs/01-znode-tree/znode/tree.go:51:1: syntax error": "labs/01-znode-tree/znode/tree.go:51:1: syntax error",
		"zk/znode/apply.go:62:25: not enough arguments":         "zk/znode/apply.go:62:25: not enough arguments",
		"\thave (string)":                     "\thave (string)",
		"# github.com/zkafka/zkafka/zk/znode": "# zk/znode (your files in labs/01-znode-tree/znode swapped in)",
	} {
		if got := learnerPaths(in, root, replace, l); got != want {
			t.Errorf("learnerPaths(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOverlayMapsLearnerFilesOntoTargets(t *testing.T) {
	root := t.TempDir()
	from := filepath.Join(root, "labs", "99-demo", "pkg")
	os.MkdirAll(from, 0o755)
	os.WriteFile(filepath.Join(from, "tree.go"), []byte("package pkg\n"), 0o644)
	os.WriteFile(filepath.Join(from, "tree_test.go"), []byte("package pkg\n"), 0o644)
	path, m, err := overlay(root, []Lab{{N: 99, Swaps: []Swap{{From: "labs/99-demo/pkg", To: "zk/pkg"}}}})
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(filepath.Dir(path))
	want := filepath.Join(root, "zk", "pkg", "tree.go")
	if len(m) != 1 || m[want] != filepath.Join(from, "tree.go") {
		t.Fatalf("overlay %v, want only %s (test files are never swapped)", m, want)
	}
}

// The simulator is a leaf today, and the check would see it stop being
// one: a throwaway module whose labs/sim imports its zk/ fails it.
func TestSimLeaf(t *testing.T) {
	if err := checkSimLeaf("../.."); err != nil {
		t.Fatalf("the repository's labs/sim: %v", err)
	}
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module github.com/zkafka/zkafka\n\ngo 1.21\n")
	write("zk/x/x.go", "package x\n\nconst X = 1\n")
	write("labs/sim/y/y.go", "package y\n\nimport \"github.com/zkafka/zkafka/zk/x\"\n\nconst Y = x.X\n")
	err := checkSimLeaf(dir)
	if err == nil || !strings.Contains(err.Error(), "zk/x") {
		t.Fatalf("a labs/sim that imports zk/x: got %v, want a failure naming zk/x", err)
	}
}

// Every lab's skeleton states the reference's contracts, word for word, and
// the skeleton of a lab with Contracts set (labs 1-6) states one for
// every function it stubs (issue 8: "a marked contract paragraph that the
// grader's check compares with the reference's").
func TestContractsMatchTheReference(t *testing.T) {
	root := testRoot(t)
	for _, l := range labs {
		if err := checkContracts(root, l); err != nil {
			t.Errorf("lab %d: %v", l.N, err)
		}
	}
}

func TestContractOf(t *testing.T) {
	doc := "f does x.\n\nContract: it holds,\nacross lines:\n\n 1. first  → A\n 2. second → B\n\nHow it is done: not the contract.\n"
	if got, want := contractOf(doc), "Contract: it holds, across lines: 1. first → A 2. second → B"; got != want {
		t.Errorf("contractOf = %q, want %q", got, want)
	}
	if got := contractOf("f does x.\n"); got != "" {
		t.Errorf("contractOf without a contract = %q", got)
	}
}

// TestStubsAreFound checks that checkContracts sees the stubs it must
// hold to a contract: lab 1's stubs return the "not implemented: lab 1"
// text (lab 5's too, or say it in a comment), lab 2's call its own
// notImplemented recorder (which, like Unimplemented, is no stub), labs 3
// and 4's call labs/stub.NotImplemented (no text of their own). Were they missed, Contracts: true would check nothing. It also
// checks that a stub without a contract, or with one that differs from
// the reference's, fails the check.
func TestStubsAreFound(t *testing.T) {
	root := testRoot(t)
	for file, want := range map[string][]string{
		"labs/01-znode-tree/znode/create.go":         {"Tree.prepCreate", "Tree.createNode"},
		"labs/03-zab-broadcast/zab/proposals.go":     {"Proposals.Propose", "Proposals.Ack", "IsQuorum"},
		"labs/03-zab-broadcast/zab/delivery.go":      {"Delivery.Commit", "Delivery.Truncate"},
		"labs/04-zab-election/zab/election.go":       {"TotalOrder", "Election.Receive", "Election.Tick"},
		"labs/04-zab-election/zab/syncplan.go":       {"DecideSync"},
		"labs/02-watches-sessions/watch/manager.go":  {"Manager.Add", "Manager.Trigger", "Manager.Watches"},
		"labs/02-watches-sessions/session/expiry.go": {"Tracker.Add", "Tracker.Expire", "Tracker.IDs"},
		"labs/05-segment-log/log/segment.go":         {"assignOffsets", "segment.append", "segment.shouldRoll"},
		"labs/05-segment-log/log/index.go":           {"offsetIndex.append", "timeIndex.lookup"},
	} {
		_, stubs, err := contracts(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range want {
			if !stubs[n] {
				t.Errorf("%s: %s is not seen as a stub", file, n)
			}
		}
		for _, n := range []string{"Unimplemented", "notImplemented", "NewManager", "NewTracker", "timeIndex.last"} {
			if stubs[n] {
				t.Errorf("%s: %s is seen as a stub; it is not one", file, n)
			}
		}
	}

	dir := t.TempDir()
	write := func(p, src string) {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, p), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ref := "package x\n\n// F does it.\n//\n// Contract: it holds.\nfunc F() int { return 1 }\n"
	write("ref/x.go", ref)
	lab := Lab{N: 99, Contracts: true, Swaps: []Swap{{From: "skel", To: "ref"}}}
	for _, c := range []struct{ skel, want string }{
		{"package x\n\nimport \"github.com/zkafka/zkafka/labs/stub\"\n\n// F does it.\nfunc F() int { stub.NotImplemented(99, \"F\"); return 0 }\n", "has no \"Contract:\" paragraph"},
		{"package x\n\nimport \"github.com/zkafka/zkafka/labs/stub\"\n\n// F does it.\n//\n// Contract: it holds, mostly.\nfunc F() int { stub.NotImplemented(99, \"F\"); return 0 }\n", "contract differs"},
		{"package x\n\nimport \"github.com/zkafka/zkafka/labs/stub\"\n\n// F does it.\n//\n// Contract: it holds.\nfunc F() int { stub.NotImplemented(99, \"F\"); return 0 }\n", ""},
	} {
		write("skel/x.go", c.skel)
		err := checkContracts(dir, lab)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("equal contracts: %v", err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("skeleton %q: got %v, want an error with %q", c.skel, err, c.want)
		}
	}
}
