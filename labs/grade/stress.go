package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
)

// cmdStress runs each of a lab's graded tests RUNS times (each run draws
// fresh seeds, all runs of a test in one process of its own) and reports
// how often each failed and the seeds that failed, so a learner can replay
// exactly the failing schedules.
func cmdStress(root string, args []string) int {
	l, rest := labArg(args)
	fs := flag.NewFlagSet("stress", flag.ExitOnError)
	solution := fs.Bool("solution", envBool("SOLUTION"), "stress the reference")
	runs := fs.Int("runs", envInt("RUNS", 200), "how many times to run each test")
	run := fs.String("run", os.Getenv("RUN"), "only tests matching this regexp")
	fs.Parse(rest)
	if *solution {
		requireReference(l)
	}

	items, err := labRubric(root, l)
	if err != nil {
		fatal(err)
	}
	sel, sub, err := selectRun(items, *run)
	if err != nil {
		fatal(err)
	}
	sc := &score{lab: l, solution: *solution, run: *run, all: items, noMatch: len(sel) == 0}
	if sc.noMatch {
		sc.print(os.Stdout)
		return 1
	}
	s, err := buildSuite(root, l, *solution)
	if err != nil {
		fatal(err)
	}
	defer s.close()
	sc.broken = s.buildFailed()
	sc.buildFailed = len(sc.broken) == len(s.dirs)
	sc.paths, sc.goroot = s.paths, s.goroot
	if len(sc.broken) > 0 {
		fmt.Println()
		sc.printBuild(os.Stdout)
		if sc.buildFailed {
			fmt.Println()
			return 1
		}
	}
	fmt.Printf("stress: lab %d, %d runs of each graded test", l.N, *runs)
	if *run != "" {
		fmt.Printf(" (RUN='%s' selects %d of %d)", *run, len(sel), len(items))
	}
	fmt.Printf("...\n\n")

	outs := make([]*Outcome, len(sel))
	errs := make([]error, len(sel))
	var wg sync.WaitGroup
	for _, d := range s.dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := s.bins[d]
			if b.Path == "" {
				return
			}
			for i, it := range sel {
				if it.Package == d {
					outs[i], errs[i] = s.runTest(b, it.Test, sub, *runs, nil)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			fatal(err)
		}
	}
	width := 0
	for _, it := range sel {
		width = max(width, len(it.Test))
	}
	failed := false
	for i, it := range sel {
		failed = printStress(os.Stdout, sc, it, outs[i], *runs, width) || failed
	}
	fmt.Println()
	if failed {
		return 1
	}
	return 0
}

// printStress prints one test's line of a stress run, and for failures
// the seeds and the command that replays the first; it reports whether
// the test failed at all.
func printStress(w io.Writer, sc *score, it Item, o *Outcome, runs, width int) bool {
	fmt.Fprintf(w, "  %-*s  ", width, it.Test)
	if o == nil {
		fmt.Fprintf(w, "did not compile\n")
		return true
	}
	var pass, fail, skip int
	var fails []*Attempt
	var crash *Attempt
	for _, a := range o.Attempts {
		switch a.Result {
		case "pass":
			pass++
		case "fail":
			fail++
			fails = append(fails, a)
		case "skip":
			skip++
		default:
			crash = a
		}
	}
	done := pass + fail + skip
	// For a test with subtests (a nemesis runs 40 schedules), how many of
	// them failed over all runs.
	subs, subFails := 0, 0
	for _, a := range o.Attempts {
		subs += a.direct()
		if a.Result == "fail" {
			if l := a.failedLeaves(); l[0] != it.Test {
				subFails += len(l)
			}
		}
	}
	subNote := ""
	if subs > 0 && subFails > 0 {
		subNote = fmt.Sprintf("%d of %d subtests", subFails, subs)
	}
	one := func(a *Attempt) row {
		return row{Item: it, outcome: &Outcome{Test: it.Test, Attempts: []*Attempt{a}, Other: o.Other}}
	}
	switch {
	case crash != nil || done < runs:
		// The binary died (a panic ends the process, the runs after it
		// never happen).
		r := row{Item: it, outcome: &Outcome{Test: it.Test, Other: o.Other}}
		var last *Attempt
		if n := len(o.Attempts); n > 0 {
			last = o.Attempts[n-1]
			r = one(last)
			if last.Result == "fail" {
				fail--
			}
		}
		fmt.Fprintf(w, "crashed in run %d of %d (%d passed, %d failed before it): %s\n", len(o.Attempts), runs, pass, fail, clip(sc.text(r.summary()), 90))
		fmt.Fprintf(w, "      replay: %s\n", sc.replay(last, it.Test))
		return true
	case done == 0:
		fmt.Fprintf(w, "did not run\n")
		return true
	case fail == 0 && skip == done:
		fmt.Fprintf(w, "skipped (%d/%d runs)\n", skip, done)
		return false
	case fail == 0:
		fmt.Fprintf(w, "passes %d/%d\n", pass, done)
		return false
	case fail == done:
		if subNote != "" {
			subNote = ", " + subNote
		}
		fmt.Fprintf(w, "always fails (%d/%d runs%s): %s\n", fail, done, subNote, clip(sc.text(one(fails[0]).summary()), 90))
	default:
		fmt.Fprintf(w, "fails %d of %d runs", fail, done)
		if subNote != "" {
			fmt.Fprintf(w, " (%s)", subNote)
		}
		var cases []string
		for _, a := range fails {
			leaf := a.failedLeaves()[0]
			seed := a.seed(leaf)
			switch {
			case leaf != it.Test && seed != "":
				cases = append(cases, fmt.Sprintf("%s (seed %s)", strings.TrimPrefix(leaf, it.Test+"/"), seed))
			case seed != "":
				cases = append(cases, seed)
			}
		}
		if len(cases) > 0 {
			more := ""
			if len(cases) > 5 {
				more = fmt.Sprintf(" … and %d more", len(cases)-5)
				cases = cases[:5]
			}
			word := "seeds"
			if strings.Contains(cases[0], "(seed") {
				word = "failing subtests"
			}
			fmt.Fprintf(w, ": %s %s%s", word, strings.Join(cases, ", "), more)
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "      first failure: %s\n", clip(sc.text(one(fails[0]).summary()), 100))
	}
	a := fails[0]
	fmt.Fprintf(w, "      replay: %s\n", sc.replay(a, a.failedLeaves()[0]))
	return true
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
