package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// cmdTestRef runs the reference tests, `make test`'s first step: `go test
// ./...`. In a learner edition they run after the labs are graded (in
// editionCheck), since which of them can run depends on which labs are
// still open.
func cmdTestRef(root string, args []string) int {
	if inEdition() {
		fmt.Println("learner edition: the reference tests run after your labs are graded (the next step),")
		fmt.Println("skipping those that need a lab that is still open")
		return 0
	}
	return goStream(root, append([]string{"test", "-count=1"}, append(args, "./...")...)...)
}

// goStream runs a go command in root with the terminal's output and
// returns its exit code.
func goStream(root string, args ...string) int {
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		fatal(err)
	}
	return 0
}

// editionCheck is `grade check` in a learner edition, `make test`'s last
// step there. It grades the learner's labs (an unsolved lab is open until
// it scores 100%); checks the labs whose reference is in the tree as in
// the full repository, unless their tests need an open lab; and, when
// checking every lab, runs the reference tests that need no open lab, with
// the learner's finished labs swapped in. Open labs are not failures: the
// summary lists them.
func editionCheck(root string, sel []Lab, all bool) int {
	bad := checkSimLeafPrint(root)
	open := map[int]bool{}
	for _, l := range editionLabs() {
		open[l.N] = true // until graded below
	}
	selected := map[int]bool{}
	for _, l := range sel {
		selected[l.N] = true
	}
	for _, l := range editionLabs() {
		if !selected[l.N] {
			continue
		}
		fmt.Printf("lab %d (%s): yours in this edition (its reference is not here)\n", l.N, l.Slug)
		if err := checkHandout(root, l, false); err != nil {
			fmt.Printf("  FAIL %v\n", err)
			bad++
		}
		if err := checkSkeletonBuilds(root, l); err != nil {
			fmt.Printf("  FAIL your files do not build: %v\n", err)
			bad++
			continue
		}
		sc, err := grade(root, l, false, "", false)
		if err != nil {
			fmt.Printf("  FAIL %v\n", err)
			bad++
			continue
		}
		if len(sc.broken) == 0 && sc.total > 0 && sc.earned == sc.total {
			delete(open, l.N)
			fmt.Printf("  ok   done: your code scores %d/%d\n", sc.earned, sc.total)
		} else {
			fmt.Printf("  open your code scores %d/%d (`make test-chapter %d` shows the rubric and each failure)\n", sc.earned, sc.total, l.N)
		}
	}
	for _, l := range sel {
		if unsolvedHere(l.N) {
			continue
		}
		fmt.Printf("lab %d (%s):\n", l.N, l.Slug)
		need, err := needsLabs(root, l.N, testDirs(root, l), open)
		if err != nil {
			fmt.Printf("  FAIL %v\n", err)
			bad++
			continue
		}
		if len(need) > 0 {
			fmt.Printf("  skip its tests run on lab %s, still open here: checked once %s\n", labNames(need), map[bool]string{true: "it scores 100%", false: "they score 100%"}[len(need) == 1])
			continue
		}
		bad += checkLab(root, l)
	}
	if all {
		bad += editionRefTests(root, open)
	}
	var ns []int
	for n := range open {
		if selected[n] {
			ns = append(ns, n)
		}
	}
	sort.Ints(ns)
	fmt.Println()
	if len(ns) > 0 {
		fmt.Printf("still open: lab %s (`make test-chapter N` grades lab N)\n", labNames(ns))
	} else if all {
		fmt.Printf("every lab of this edition scores 100%%\n")
	}
	if bad > 0 {
		fmt.Printf("%d check(s) failed\n", bad)
		return 1
	}
	return 0
}

// labNames is "1", "1 and 3", "1, 3 and 4".
func labNames(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// openPackages maps the import path of each package an open lab replaces
// files of to the labs that do.
func openPackages(open map[int]bool) map[string][]int {
	out := map[string][]int{}
	for _, l := range labs {
		if !open[l.N] {
			continue
		}
		for _, s := range l.Swaps {
			p := modulePath + "/" + s.To
			if len(out[p]) == 0 || out[p][len(out[p])-1] != l.N {
				out[p] = append(out[p], l.N)
			}
		}
	}
	return out
}

// needsLabs lists the open labs (other than self) whose packages the test
// packages dirs depend on, tests included.
func needsLabs(root string, self int, dirs []string, open map[int]bool) ([]int, error) {
	pk := openPackages(open)
	args := []string{"list", "-deps", "-test", "-tags", "grade", "-f", "{{.ImportPath}}"}
	for _, d := range dirs {
		args = append(args, "./"+d)
	}
	out, err := goCmd(root, args...)
	if err != nil {
		return nil, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	need := map[int]bool{}
	for _, p := range strings.Fields(out) {
		for _, n := range pk[p] {
			if n != self {
				need[n] = true
			}
		}
	}
	var ns []int
	for n := range need {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	return ns, nil
}

// editionRefTests runs the reference tests of every package whose test
// binary needs no open lab, with the learner's files of the edition's labs
// swapped in, and says which packages it skipped for which lab.
func editionRefTests(root string, open map[int]bool) int {
	fmt.Printf("reference tests:\n")
	pk := openPackages(open)
	out, err := goCmd(root, "list", "-test", "-f", "{{.ImportPath}}\t{{join .Deps \" \"}}", "./...")
	if err != nil {
		fmt.Printf("  FAIL go list: %v\n%s", err, out)
		return 1
	}
	var run []string
	skipped := map[int][]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		imp, deps, _ := strings.Cut(line, "\t")
		pkg, ok := strings.CutSuffix(imp, ".test")
		if !ok || strings.Contains(imp, " ") {
			continue // not a test binary
		}
		need := map[int]bool{}
		for _, d := range append(strings.Fields(deps), pkg) {
			d, _, _ = strings.Cut(d, " ")
			for _, n := range pk[d] {
				need[n] = true
			}
		}
		if len(need) == 0 {
			run = append(run, pkg)
			continue
		}
		for n := range need {
			skipped[n] = append(skipped[n], strings.TrimPrefix(pkg, modulePath+"/"))
		}
	}
	var ns []int
	for n := range skipped {
		ns = append(ns, n)
	}
	sort.Ints(ns)
	for _, n := range ns {
		ps := skipped[n]
		sort.Strings(ps)
		fmt.Printf("  skip %d packages need lab %d, still open: %s\n", len(ps), n, strings.Join(ps, " "))
	}
	if len(run) == 0 {
		return 0
	}
	args := []string{"test", "-count=1"}
	if swaps := editionLabs(); len(swaps) > 0 {
		ov, _, err := overlay(root, swaps)
		if err != nil {
			fmt.Printf("  FAIL %v\n", err)
			return 1
		}
		defer os.RemoveAll(filepath.Dir(ov))
		args = append(args, "-overlay", ov)
	}
	fmt.Printf("  run  go test on the other %d packages (with your labs' files swapped in)\n", len(run))
	if goStream(root, append(args, run...)...) != 0 {
		fmt.Printf("  FAIL reference tests\n")
		return 1
	}
	return 0
}
