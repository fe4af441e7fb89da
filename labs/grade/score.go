package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

const modulePath = "github.com/zkafka/zkafka"

// stubLabRE finds which lab's stub a test hit.
var stubLabRE = regexp.MustCompile(`not implemented: lab (\d+)`)

// whyLines bounds the failure text shown per test; VERBOSE=1 shows all.
const whyLines = 20

type row struct {
	Item
	outcome  *Outcome // nil if its package did not compile
	subMatch string   // RUN's subtest levels, if they selected no subtest
}

type score struct {
	lab           Lab
	solution      bool
	run           string
	all           []Item // every graded test of the lab, in rubric order
	rows          []row  // the graded tests that ran (RUN selects them)
	earned, total int
	broken        []*testBin        // packages that did not compile
	buildFailed   bool              // no graded package compiled
	noMatch       bool              // RUN matched no graded test
	paths         *strings.Replacer // the learner's paths for the reference's, in test output
	goroot        string
}

// text is one line of test output as the grader prints it: the learner's
// file names, and replay hints that run the learner's code.
func (sc *score) text(line string) string {
	if sc.paths != nil {
		line = sc.paths.Replace(line)
	}
	return rewriteHints(line, sc.lab, sc.solution)
}

// grade builds a lab's graded packages (the learner's files swapped in, or
// the reference) and runs each graded test RUN selects in a process of its
// own, in rubric order.
func grade(root string, l Lab, solution bool, run string, verbose bool) (*score, error) {
	items, err := labRubric(root, l)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("lab %d has no graded tests in %s", l.N, l.labDir())
	}
	sel, sub, err := selectRun(items, run)
	if err != nil {
		return nil, err
	}
	sc := &score{lab: l, solution: solution, run: run, all: items}
	if len(sel) == 0 {
		sc.noMatch = true
		return sc, nil
	}
	s, err := buildSuite(root, l, solution)
	if err != nil {
		return nil, err
	}
	defer s.close()
	sc.broken = s.buildFailed()
	sc.buildFailed = len(sc.broken) == len(s.dirs)
	sc.paths, sc.goroot = s.paths, s.goroot

	rows := make([]row, len(sel))
	errs := make([]error, len(sel))
	runRow := func(i int, echo func(testEvent)) {
		it := sel[i]
		rows[i].Item = it
		b := s.bins[it.Package]
		if b == nil || b.Path == "" {
			return
		}
		o, err := s.runTest(b, it.Test, sub, 1, echo)
		if err != nil {
			errs[i] = err
			return
		}
		rows[i].outcome = o
		if a := o.attempt(); sub != "" && a != nil && a.Result == "pass" && len(a.Subs) == 0 {
			rows[i].subMatch = sub
		}
	}
	if verbose {
		// One test at a time, its output as it comes.
		echo := func(ev testEvent) {
			if ev.Action == "output" {
				io.WriteString(os.Stdout, sc.text(ev.Output))
			}
		}
		for i := range sel {
			runRow(i, echo)
		}
	} else {
		// The packages in parallel (as go test does), each package's
		// tests one after the other.
		var wg sync.WaitGroup
		for _, d := range s.dirs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i, it := range sel {
					if it.Package == d {
						runRow(i, nil)
					}
				}
			}()
		}
		wg.Wait()
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for _, r := range rows {
		sc.rows = append(sc.rows, r)
		sc.total += r.Points
		if r.passed() {
			sc.earned += r.Points
		}
	}
	return sc, nil
}

func (o *Outcome) attempt() *Attempt {
	if o == nil || len(o.Attempts) == 0 {
		return nil
	}
	return o.Attempts[0]
}

func (r row) attempt() *Attempt { return r.outcome.attempt() }

func (r row) passed() bool {
	a := r.attempt()
	return a != nil && a.Result == "pass" && r.subMatch == ""
}

// crashed: the test binary died before the test reported a result.
func (r row) crashed() bool {
	if r.outcome == nil {
		return false
	}
	a := r.attempt()
	return a == nil || a.Result == ""
}

// panicked: the test crashed, or panicked (which ends the binary too).
func (r row) panicked() bool {
	if r.crashed() {
		return true
	}
	if a := r.attempt(); a != nil {
		for _, l := range a.Lines {
			if t := strings.TrimSpace(l.Text); strings.HasPrefix(t, "panic: ") || strings.HasPrefix(t, "fatal error: ") {
				return true
			}
		}
	}
	return false
}

func (r row) notImplemented() string {
	if a := r.attempt(); a != nil {
		return a.notImplemented()
	}
	return ""
}

// why is the failure text of a failed row: its first failing (sub)test's
// messages, or for a crash the binary's last words.
func (r row) why() []string {
	a := r.attempt()
	if r.crashed() {
		var out []string
		if a != nil {
			for _, l := range a.Lines {
				if t := strings.TrimSpace(l.Text); !strings.HasPrefix(t, "=== ") && !logLineRE.MatchString(t) {
					out = append(out, l.Text)
				}
			}
		}
		out = append(out, r.outcome.Other...)
		for len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" {
			out = out[:len(out)-1]
		}
		return dedent(out)
	}
	if a == nil {
		return nil
	}
	if r.subMatch != "" {
		return []string{fmt.Sprintf("-run '%s/%s' ran no subtest of %s: no subtest name matches %q", runPattern(r.Test), r.subMatch, r.Test, r.subMatch)}
	}
	return a.failure(a.failedLeaves()[0])
}

// summary is the one line the rubric shows for a failed row.
func (r row) summary() string {
	if ni := r.notImplemented(); ni != "" {
		return ni
	}
	if r.crashed() {
		if r.attempt() == nil {
			return "crashed before the test started"
		}
		for _, l := range r.why() {
			if strings.HasPrefix(l, "panic:") || strings.Contains(l, "test timed out") {
				return "crashed: " + strings.TrimSpace(l)
			}
		}
		return "crashed while it ran"
	}
	if r.subMatch != "" {
		return "no subtest matches RUN"
	}
	for _, l := range r.why() {
		if t := strings.TrimSpace(l); t != "" {
			return t
		}
	}
	return ""
}

func (sc *score) print(w io.Writer) {
	l := sc.lab
	who := "your code"
	if sc.solution {
		who = "the reference solution"
	}
	fmt.Fprintf(w, "\nLab %d — %s (%s)\n\n", l.N, l.Title, who)
	if sc.noMatch {
		fmt.Fprintf(w, "  No graded test matches RUN='%s'. The graded tests of lab %d:\n\n", sc.run, l.N)
		for _, it := range sc.all {
			fmt.Fprintf(w, "    %-42s %3d points\n", it.Test, it.Points)
		}
		fmt.Fprintf(w, "\n  e.g. %s\n", makeCmd(l, runPattern(sc.all[0].Test), sc.solution))
		fmt.Fprintln(w)
		return
	}
	sc.printBuild(w)
	if sc.buildFailed {
		total := 0
		for _, r := range sc.rows {
			total += r.Points
		}
		fmt.Fprintf(w, "\n  TOTAL  0/%d  0%%\n\n", total)
		return
	}
	if sc.run != "" {
		fmt.Fprintf(w, "  RUN='%s' selects %d of the %d graded tests; the total counts only those.\n\n", sc.run, len(sc.rows), len(sc.all))
	}
	width := len("TEST")
	for _, r := range sc.rows {
		width = max(width, len(r.Test))
	}
	fmt.Fprintf(w, "  %-*s  %7s  %s\n", width, "TEST", "POINTS", "RESULT")
	var failures []row
	for _, r := range sc.rows {
		got, result := 0, "FAIL"
		switch {
		case r.outcome == nil:
			result = "FAIL  did not compile (the errors are above)"
		case r.passed():
			got, result = r.Points, "pass"
		case r.attempt() != nil && r.attempt().Result == "skip":
			result = "skip"
		}
		if !r.passed() && r.outcome != nil {
			failures = append(failures, r)
			if s := r.summary(); s != "" {
				result += "  " + clip(s, 70)
			}
		}
		fmt.Fprintf(w, "  %-*s  %3d/%-3d  %s\n", width, r.Test, got, r.Points, result)
	}
	pct := 0
	if sc.total > 0 {
		pct = sc.earned * 100 / sc.total
	}
	fmt.Fprintf(w, "  %-*s  %3d/%-3d  %d%%\n", width, "TOTAL", sc.earned, sc.total, pct)

	if len(failures) > 0 {
		fmt.Fprintf(w, "\nFailures (handout: %s):\n", l.handout())
		for _, r := range failures {
			sc.printFailure(w, r)
		}
	}
	own, others := false, map[int]bool{}
	for _, r := range sc.rows {
		a := r.attempt()
		if a == nil {
			continue
		}
		for _, ln := range a.Lines {
			for _, m := range stubLabRE.FindAllStringSubmatch(ln.Text, -1) {
				if n, _ := strconv.Atoi(m[1]); n == l.N {
					own = true
				} else {
					others[n] = true
				}
			}
		}
	}
	if own {
		fmt.Fprintf(w, "\nSome tests hit the skeleton's \"not implemented: lab %d\" stubs: that is where to start.\n", l.N)
	}
	if len(others) > 0 {
		var ns []int
		for n := range others {
			ns = append(ns, n)
		}
		sort.Ints(ns)
		fmt.Fprintf(w, "\nSome tests run on lab %s, still a skeleton in this tree: they pass once that code is written.\n", labNames(ns))
	}
	fmt.Fprintln(w)
}

// printBuild shows the compiler's messages for each package that did not
// compile, with the learner's paths, and what to do about them.
func (sc *score) printBuild(w io.Writer) {
	if len(sc.broken) == 0 {
		return
	}
	who := "your code"
	if sc.solution {
		who = "the reference"
	}
	yours := false
	// Packages that failed the same way (the learner's package does not
	// compile, so neither does anything importing it) share one listing.
	var groups [][]*testBin
	for _, b := range sc.broken {
		i := 0
		for i < len(groups) && strings.Join(groups[i][0].Build, "\n") != strings.Join(b.Build, "\n") {
			i++
		}
		if i == len(groups) {
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], b)
	}
	for _, g := range groups {
		dirs := make([]string, len(g))
		for i, b := range g {
			dirs[i] = b.Dir
		}
		fmt.Fprintf(w, "  %s did not compile with %s swapped in:\n\n", strings.Join(dirs, " and "), who)
		for _, m := range g[0].Build {
			fmt.Fprintf(w, "    %s\n", m)
			for _, s := range sc.lab.Swaps {
				yours = yours || strings.HasPrefix(strings.TrimSpace(m), s.From+"/")
			}
		}
		fmt.Fprintln(w)
	}
	if yours {
		fmt.Fprintf(w, "  Fix the errors in your files first (the lines above that start with labs/…).\n")
	} else {
		fmt.Fprintf(w, "  Your files compile, but the code that calls them does not: the graded tests and\n")
		fmt.Fprintf(w, "  the real system use your package through the skeleton's API. Keep its package name,\n")
		fmt.Fprintf(w, "  types and signatures (see %s).\n", sc.lab.handout())
	}
	if !sc.buildFailed {
		fmt.Fprintln(w)
	}
}

func (sc *score) printFailure(w io.Writer, r row) {
	fmt.Fprintf(w, "\n  %s", r.Test)
	if sum := r.checks(); sum != "" {
		fmt.Fprintf(w, " — %s", clip(sum, 110))
	}
	fmt.Fprintln(w)
	if r.Reference != "" {
		fmt.Fprintf(w, "    reference: %s\n", r.Reference)
	}
	a := r.attempt()
	var leaves []string
	if a != nil && !r.crashed() && r.subMatch == "" {
		leaves = a.failedLeaves()
		if leaves[0] != r.Test {
			fmt.Fprintf(w, "    failed:    %s\n", subtestList(leaves, a.direct()))
		}
	}
	why := r.why()
	for i, l := range why {
		why[i] = sc.text(l)
	}
	why = compactPanic(why, sc.goroot)
	if r.crashed() {
		fmt.Fprintf(w, "    why:       the test binary crashed; its last output:\n")
		if len(why) > whyLines {
			why = why[len(why)-whyLines:]
		}
		for _, l := range why {
			fmt.Fprintf(w, "               %s\n", clip(l, 300))
		}
	} else {
		label := "why:      "
		if len(leaves) > 0 && leaves[0] != r.Test {
			label = "why (" + strings.TrimPrefix(leaves[0], r.Test+"/") + "):"
			label += strings.Repeat(" ", max(0, 10-len(label)))
		}
		if len(why) == 0 {
			why = []string{"(the test printed no message)"}
		}
		// The head says what broke; a long report's tail (the diff after
		// a list of ops, the last events before a violation) says where.
		const tail = 6
		pad := "    " + strings.Repeat(" ", len([]rune(label))) + " "
		for i, l := range why {
			if len(why) > whyLines && i == whyLines-tail {
				fmt.Fprintf(w, "%s… %d more lines, VERBOSE=1 shows all; the last %d:\n", pad, len(why)-whyLines, tail)
			}
			if len(why) > whyLines && i >= whyLines-tail && i < len(why)-tail {
				continue
			}
			prefix := pad
			if i == 0 {
				prefix = "    " + label + " "
			}
			fmt.Fprintf(w, "%s%s\n", prefix, clip(l, 300))
		}
	}
	if len(leaves) == 0 {
		leaves = []string{r.Test}
	}
	const maxReplays = 3
	for i, leaf := range leaves {
		prefix := "    replay:    "
		if i > 0 {
			prefix = "               "
		}
		if i == maxReplays {
			fmt.Fprintf(w, "%s… and %d more failing subtests (each replays the same way)\n", prefix, len(leaves)-maxReplays)
			break
		}
		fmt.Fprintf(w, "%s%s\n", prefix, sc.replay(a, leaf))
	}
}

// compactPanic drops the Go runtime's and the testing package's frames
// from a panic's stack trace (and the goroutines that did not panic): what
// is left is the panic and the frames in the learner's code and the tests.
func compactPanic(lines []string, goroot string) []string {
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "panic: ") || strings.Contains(l, "fatal error: ") {
			start = i
			break
		}
	}
	if start < 0 || goroot == "" {
		return lines
	}
	out := append([]string(nil), lines[:start+1]...)
	dropped, goroutines := 0, 0
	for i := start + 1; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(l, "goroutine ") && strings.HasSuffix(l, ":"):
			goroutines++
			if goroutines > 1 {
				dropped += len(lines) - i
				i = len(lines)
				continue
			}
			out = append(out, lines[i])
		case i+1 < len(lines) && strings.HasPrefix(lines[i+1], "\t") && !strings.HasPrefix(l, "/"):
			// A frame: the function, then "\tfile:line".
			if strings.HasPrefix(strings.TrimSpace(lines[i+1]), goroot+"/") {
				dropped += 2
			} else {
				out = append(out, lines[i], lines[i+1])
			}
			i++
		default:
			out = append(out, lines[i])
		}
	}
	if dropped > 0 {
		out = append(out, fmt.Sprintf("(%d lines of Go runtime and testing frames and other goroutines left out)", dropped))
	}
	return out
}

// replay is the one command that reruns exactly this failure against the
// same code: the (sub)test alone, with its seed.
func (sc *score) replay(a *Attempt, name string) string {
	seed := ""
	if a != nil {
		seed = a.seed(name)
	}
	cmd := makeCmd(sc.lab, runPattern(name), sc.solution)
	if seed != "" {
		cmd = "SEED=" + seed + " " + cmd
	}
	return cmd
}

// direct is the number of the test's own subtests (not theirs).
func (a *Attempt) direct() int {
	n := 0
	for _, s := range a.Subs {
		if strings.Count(s, "/") == 1 {
			n++
		}
	}
	return n
}

// subtestList says which subtests failed: "subtests 7, 12 and 33 of 40".
func subtestList(leaves []string, of int) string {
	names := make([]string, len(leaves))
	for i, l := range leaves {
		names[i] = l[strings.IndexByte(l, '/')+1:]
	}
	const show = 8
	more := ""
	if len(names) > show {
		more = fmt.Sprintf(" and %d more", len(names)-show)
		names = names[:show]
	}
	list := strings.Join(names, ", ")
	if more == "" && len(names) > 1 {
		list = strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	word := "subtest"
	if len(leaves) > 1 {
		word = "subtests"
	}
	return fmt.Sprintf("%d of %d %s: %s%s", len(leaves), of, word, list, more)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
