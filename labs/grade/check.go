package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// cmdCheck proves, for every lab, the properties `make test` promises:
//
//  1. the skeleton compiles on its own and when swapped into the real
//     system (so skeleton and reference keep the same API);
//  2. the reference scores 100% on the graded tests;
//  3. the untouched skeleton scores 0 without crashing (a graded test that
//     passes against a stub cannot fail, so it grades nothing);
//  4. the handout's rubric table is the grader's;
//  5. the skeleton's contract paragraphs are the reference's (checkContracts);
//
// and, once for the course, that labs/sim stays a leaf (checkSimLeaf).
//
// `grade check 1 5` checks only labs 1 and 5.
func cmdCheck(root string, args []string) int {
	sel, all := labs, len(args) == 0
	if len(args) > 0 {
		sel = nil
		for len(args) > 0 {
			l, rest := labArg(args)
			sel, args = append(sel, l), rest
		}
	}
	if inEdition() {
		return editionCheck(root, sel, all)
	}
	bad := checkSimLeafPrint(root)
	for _, l := range sel {
		fmt.Printf("lab %d (%s):\n", l.N, l.Slug)
		bad += checkLab(root, l)
	}
	if bad > 0 {
		fmt.Printf("\n%d check(s) failed\n", bad)
		return 1
	}
	if len(sel) == len(labs) {
		fmt.Printf("\nall labs ok\n")
	} else {
		fmt.Printf("\nthe labs checked are ok\n")
	}
	return 0
}

// checkSimLeafPrint prints the result of checkSimLeaf; it returns the
// number of failed checks.
func checkSimLeafPrint(root string) int {
	if err := checkSimLeaf(root); err != nil {
		fmt.Printf("labs/sim, zk/ready:\n  FAIL %v\n", err)
		return 1
	}
	fmt.Printf("labs/sim, zk/ready:\n  ok   leaves: no protocol in their imports\n")
	return 0
}

// checkLab checks one lab whose reference is in the tree: the handout's
// rubric, the skeleton builds, the reference scores 100% and the untouched
// skeleton 0. It returns the number of failed checks.
func checkLab(root string, l Lab) int {
	bad := 0
	if err := checkHandout(root, l, false); err != nil {
		fmt.Printf("  FAIL %v\n", err)
		bad++
	} else {
		fmt.Printf("  ok   the handout's rubric table is the grader's\n")
	}
	if err := checkContracts(root, l); err != nil {
		fmt.Printf("  FAIL %v\n", err)
		bad++
	} else {
		fmt.Printf("  ok   the skeleton's contracts are the reference's\n")
	}
	if err := checkSkeletonBuilds(root, l); err != nil {
		fmt.Printf("  FAIL skeleton does not build: %v\n", err)
		bad++
		return bad
	}
	fmt.Printf("  ok   skeleton compiles on its own and swapped into the system\n")

	ref, err := grade(root, l, true, "", false)
	if err != nil {
		fmt.Printf("  FAIL reference: %v\n", err)
		bad++
		return bad
	}
	if len(ref.broken) > 0 || ref.earned != ref.total || ref.total == 0 {
		ref.print(os.Stdout)
		fmt.Printf("  FAIL reference scores %d/%d, want 100%%\n", ref.earned, ref.total)
		bad++
	} else {
		fmt.Printf("  ok   reference scores %d/%d\n", ref.earned, ref.total)
	}

	sk, err := grade(root, l, false, "", false)
	if err != nil {
		fmt.Printf("  FAIL skeleton: %v\n", err)
		bad++
		return bad
	}
	crashed := false
	for _, r := range sk.rows {
		crashed = crashed || r.panicked()
	}
	switch {
	case len(sk.broken) > 0:
		sk.print(os.Stdout)
		fmt.Printf("  FAIL graded tests do not build against the skeleton\n")
		bad++
	case crashed:
		sk.print(os.Stdout)
		fmt.Printf("  FAIL the skeleton crashes the tests; stubs must return \"not implemented\" errors\n")
		bad++
	case sk.earned != 0:
		sk.print(os.Stdout)
		fmt.Printf("  FAIL the untouched skeleton scores %d/%d; every graded test must fail on it\n", sk.earned, sk.total)
		bad++
	default:
		fmt.Printf("  ok   untouched skeleton scores 0/%d without crashing\n", sk.total)
	}
	return bad
}

func checkSkeletonBuilds(root string, l Lab) error {
	for _, s := range l.Swaps {
		if out, err := goCmd(root, "build", "./"+s.From); err != nil {
			return fmt.Errorf("%s on its own:\n%s", s.From, out)
		}
	}
	ov, _, err := overlay(root, swapSet(l, false))
	if err != nil {
		return err
	}
	defer os.RemoveAll(filepath.Dir(ov))
	if out, err := goCmd(root, "build", "-overlay", ov, "./..."); err != nil {
		return fmt.Errorf("swapped into the system:\n%s", out)
	}
	args := []string{"test", "-tags", "grade", "-overlay", ov, "-run", "^$"}
	for _, d := range testDirs(root, l) {
		args = append(args, "./"+d)
	}
	if out, err := goCmd(root, args...); err != nil {
		return fmt.Errorf("graded tests against the skeleton:\n%s", out)
	}
	return nil
}

// simModule is the import path prefix of the project's own packages.
const simModule = "github.com/zkafka/zkafka/"

// checkSimLeaf fails if labs/sim, or any package under it, imports —
// directly or through another package — anything from zk/ or kafka/, or
// if zk/ready (the runtime loop every protocol core is pumped by) imports
// anything from zk/ or kafka/ but itself. The simulator and the runtime
// are the course's common ground (every chapter's core is tested on
// them); a dependency on one protocol would make every other chapter's
// lab build that protocol, and a learner's broken lab 3 break lab 7's
// tests.
func checkSimLeaf(root string) error {
	for _, leaf := range []struct{ pattern, self string }{
		{"./labs/sim/...", ""},
		{"./zk/ready", "zk/ready"},
	} {
		cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", leaf.pattern)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			if _, statErr := os.Stat(filepath.Join(root, filepath.FromSlash(leaf.pattern))); leaf.self != "" && statErr != nil {
				continue // no such package in this tree
			}
			return fmt.Errorf("go list %s: %w", leaf.pattern, err)
		}
		var bad []string
		for _, p := range strings.Fields(string(out)) {
			rel, ok := strings.CutPrefix(p, simModule)
			if ok && rel != leaf.self && (strings.HasPrefix(rel, "zk/") || strings.HasPrefix(rel, "kafka/")) {
				bad = append(bad, rel)
			}
		}
		if len(bad) > 0 {
			return fmt.Errorf("%s depends on %s; it must import no protocol (move protocol-specific code next to its runtime)",
				strings.TrimPrefix(leaf.pattern, "./"), strings.Join(bad, ", "))
		}
	}
	return nil
}
