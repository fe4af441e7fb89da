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
// Reference: zookeeper.md §1.5
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
	if a.Test != "TestA" || a.Points != 7 || a.Reference != "zookeeper.md §1.5" || a.Summary != "TestA checks a." {
		t.Errorf("TestA parsed as %+v", a)
	}
	if items[1].Test != "TestB" || items[1].Points != 0 {
		t.Errorf("TestB parsed as %+v", items[1])
	}
}

func TestResultsFoldSubtestsAndFindSeeds(t *testing.T) {
	stream := strings.Join([]string{
		`{"Action":"run","Package":"p","Test":"TestX"}`,
		`{"Action":"output","Package":"p","Test":"TestX","Output":"    x_test.go:9: SEED=42 (replay ...)\n"}`,
		`{"Action":"run","Package":"p","Test":"TestX/sub"}`,
		`{"Action":"fail","Package":"p","Test":"TestX/sub"}`,
		`{"Action":"pass","Package":"p","Test":"TestX"}`,
		`{"Action":"run","Package":"p","Test":"TestY"}`,
		`{"Action":"output","Package":"p","Test":"TestY","Output":"    y_test.go:3: create: not implemented: lab 1 (Tree.Create)\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestY"}`,
		`{"Action":"run","Package":"p","Test":"TestZ"}`,
		`{"Action":"pass","Package":"p","Test":"TestZ"}`,
		`not json: a build error`,
	}, "\n")
	r := newResults()
	if err := r.read(strings.NewReader(stream), nil); err != nil {
		t.Fatal(err)
	}
	x, y, z := r.Tests[key("p", "TestX")], r.Tests[key("p", "TestY")], r.Tests[key("p", "TestZ")]
	if x.Result != "fail" {
		t.Errorf("TestX with a failed subtest: result %q, want fail", x.Result)
	}
	if x.seed() != "42" {
		t.Errorf("TestX seed %q, want 42", x.seed())
	}
	if y.Result != "fail" || y.reason() != "not implemented: lab 1 (Tree.Create)" {
		t.Errorf("TestY: %q %q", y.Result, y.reason())
	}
	if z.Result != "pass" {
		t.Errorf("TestZ: %q", z.Result)
	}
	if len(r.PkgOutput[""]) != 1 {
		t.Errorf("build output not kept: %q", r.PkgOutput[""])
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
