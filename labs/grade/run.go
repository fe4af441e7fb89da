package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// testEvent is one line of `go test -json` (cmd/test2json).
type testEvent struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

// outLine is one line a test printed, and which (sub)test printed it.
type outLine struct {
	Test string // "TestX" or "TestX/7"
	Text string // without the trailing newline
}

// Attempt is one run of a top-level test and its subtests (a graded test
// runs once; stress runs it -count times in one process).
type Attempt struct {
	Test      string
	Result    string // "pass", "fail", "skip", or "" if it never finished (a crash)
	Elapsed   float64
	Lines     []outLine
	Subs      []string          // the subtests, in the order they started
	SubResult map[string]string // subtest → pass/fail/skip
}

// Outcome is what happened to one graded test, run in a process of its own
// so that what it reports (a stub it called, a crash) is its own.
type Outcome struct {
	Test     string
	Package  string
	Attempts []*Attempt
	Other    []string // the process's output outside any test: a crash, a timeout
}

// collect folds a test2json stream for one top-level test into an Outcome.
func collect(in io.Reader, test string, echo func(testEvent)) (*Outcome, error) {
	o := &Outcome{Test: test}
	var cur *Attempt
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var ev testEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || ev.Action == "" {
			o.Other = append(o.Other, sc.Text())
			continue
		}
		if o.Package == "" {
			o.Package = ev.Package
		}
		if echo != nil {
			echo(ev)
		}
		top, _, _ := strings.Cut(ev.Test, "/")
		if top == "" || top != test {
			if ev.Action == "output" {
				o.Other = append(o.Other, strings.TrimRight(ev.Output, "\n"))
			}
			continue
		}
		if cur == nil || (ev.Action == "run" && ev.Test == top) {
			cur = &Attempt{Test: top, SubResult: map[string]string{}}
			o.Attempts = append(o.Attempts, cur)
		}
		switch ev.Action {
		case "run":
			if ev.Test != top {
				cur.Subs = append(cur.Subs, ev.Test)
			}
		case "output":
			cur.Lines = append(cur.Lines, outLine{Test: ev.Test, Text: strings.TrimRight(ev.Output, "\n")})
		case "pass", "fail", "skip":
			if ev.Test == top {
				cur.Result, cur.Elapsed = ev.Action, ev.Elapsed
			} else {
				cur.SubResult[ev.Test] = ev.Action
			}
		}
	}
	return o, sc.Err()
}

// runTest runs one graded test of a built package in a process of its
// own: -run '^TestX$' (plus the subtest levels of the learner's RUN), count
// times. The process's working directory is the package's, as under go
// test. echo, if set, sees every event as it arrives.
func (s *suite) runTest(b *testBin, test, sub string, count int, echo func(testEvent)) (*Outcome, error) {
	pattern := "^" + regexp.QuoteMeta(test) + "$"
	if sub != "" {
		pattern += "/" + sub
	}
	cmd := exec.Command(s.test2json, "-t", "-p", b.ImportPath, b.Path,
		"-test.v=test2json", "-test.run="+pattern, "-test.count="+strconv.Itoa(count),
		"-test.timeout=10m", "-test.paniconexit0")
	cmd.Dir = filepath.Join(s.root, b.Dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	o, err := collect(out, test, echo)
	cmd.Wait() // a failing test exits non-zero; the outcome says why
	if err != nil {
		return nil, err
	}
	o.Package = b.ImportPath
	return o, nil
}

// splitRun splits a -run pattern into its levels the way the testing
// package does: at each "/" outside brackets and parentheses.
func splitRun(pattern string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '[', '(':
			depth++
		case ']', ')':
			if depth > 0 {
				depth--
			}
		case '\\':
			i++
		case '/':
			if depth == 0 {
				out = append(out, pattern[start:i])
				start = i + 1
			}
		}
	}
	return append(out, pattern[start:])
}

// selectRun returns the items whose test name RUN's first level matches,
// and RUN's subtest levels ("" if none).
func selectRun(items []Item, run string) ([]Item, string, error) {
	if run == "" {
		return items, "", nil
	}
	levels := splitRun(run)
	re, err := regexp.Compile(levels[0])
	if err != nil {
		return nil, "", fmt.Errorf("RUN=%q is not a regexp: %v", run, err)
	}
	var out []Item
	for _, it := range items {
		if re.MatchString(it.Test) {
			out = append(out, it)
		}
	}
	return out, strings.Join(levels[1:], "/"), nil
}

var (
	seedRE   = regexp.MustCompile(`SEED=(\d+)`)
	notImpRE = regexp.MustCompile(`not implemented: lab \d+( \([^)\n]*\))?`)
	// logLineRE matches a server log line routed into the test output by
	// sim.Logger: context, not the reason a test failed.
	logLineRE = regexp.MustCompile(`^testlog\.go:\d+: (DEBUG|INFO|WARN|ERROR) `)
	// hintRE matches the replay hint labs/sim prints next to a seed
	// ("SEED=7 (replay: SEED=7 go test -run '^TestX$/^3$' <package>)"): a
	// go test command runs the reference, not the learner's files, so the
	// grader rewrites it.
	hintRE = regexp.MustCompile(`SEED=(\d+) go test -run '([^']*)' [^\s)]+`)
)

// rewriteHints turns a test log's go test replay hint into the command
// that replays the failure against the learner's code.
func rewriteHints(text string, l Lab, solution bool) string {
	return hintRE.ReplaceAllStringFunc(text, func(m string) string {
		sm := hintRE.FindStringSubmatch(m)
		return "SEED=" + sm[1] + " " + makeCmd(l, sm[2], solution)
	})
}

// makeCmd is the make command that reruns the tests matching pattern.
// RUN goes before make, in the environment: on make's command line a "$"
// inside the value is make's ("$/" expands to nothing, so
// RUN='^TestX$/^7$' would reach the grader as ^TestX^7$).
func makeCmd(l Lab, pattern string, solution bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "RUN='%s' make test-chapter %d", pattern, l.N)
	if solution {
		b.WriteString(" SOLUTION=1")
	}
	b.WriteString(" VERBOSE=1")
	return b.String()
}

// runPattern is the -run pattern that selects exactly the (sub)test name
// (the same as labs/sim.RunPattern): "^TestX$/^7$".
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// failedLeaves are the failing subtests with no failing subtest of their
// own, in the order they ran; or the test itself if no subtest failed.
func (a *Attempt) failedLeaves() []string {
	var out []string
	for i, s := range a.Subs {
		if a.SubResult[s] != "fail" {
			continue
		}
		leaf := true
		for _, t := range a.Subs[i+1:] {
			if strings.HasPrefix(t, s+"/") && a.SubResult[t] == "fail" {
				leaf = false
				break
			}
		}
		if leaf {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		out = []string{a.Test}
	}
	return out
}

// seed is the SEED=… the (sub)test name logged, or one of its parents.
func (a *Attempt) seed(name string) string {
	for n := name; n != ""; {
		for _, l := range a.Lines {
			if l.Test == n {
				if m := seedRE.FindStringSubmatch(l.Text); m != nil {
					return m[1]
				}
			}
		}
		i := strings.LastIndexByte(n, '/')
		if i < 0 {
			break
		}
		n = n[:i]
	}
	return ""
}

// notImplemented is the first "not implemented: lab N (…)" this attempt
// printed: a stub the test itself called.
func (a *Attempt) notImplemented() string {
	for _, l := range a.Lines {
		if m := notImpRE.FindString(l.Text); m != "" {
			return strings.TrimSpace(m)
		}
	}
	return ""
}

// failure is what the (sub)test name printed, minus the framing (=== RUN,
// --- FAIL), the server log lines and the seed: its t.Error/t.Fatal
// messages, dedented.
func (a *Attempt) failure(name string) []string {
	var out []string
	for _, l := range a.Lines {
		if l.Test != name {
			continue
		}
		t := strings.TrimSpace(l.Text)
		switch {
		case t == "", strings.HasPrefix(t, "=== "), strings.HasPrefix(t, "--- "),
			logLineRE.MatchString(t), seedRE.MatchString(t) && strings.Contains(t, "replay"):
			continue
		}
		out = append(out, strings.TrimRight(l.Text, " \t"))
	}
	return dedent(out)
}

// dedent removes the indentation all lines share.
func dedent(lines []string) []string {
	common := -1
	for _, l := range lines {
		n := len(l) - len(strings.TrimLeft(l, " "))
		if common < 0 || n < common {
			common = n
		}
	}
	for i, l := range lines {
		lines[i] = l[max(common, 0):]
	}
	return lines
}
