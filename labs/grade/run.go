package main

import (
	"bufio"
	"encoding/json"
	"io"
	"regexp"
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

// Outcome is what happened to one test.
type Outcome struct {
	Test    string
	Package string
	Result  string // "pass", "fail", "skip", or "" if it never ran (e.g. a crash)
	Output  []string
	Elapsed float64
}

// Results collects the outcomes of a `go test -json` run.
type Results struct {
	Tests     map[string]*Outcome // keyed by package + "." + test (top level only)
	PkgOutput map[string][]string // output outside any test: build errors, panics
	PkgFailed map[string]bool
}

func newResults() *Results {
	return &Results{Tests: map[string]*Outcome{}, PkgOutput: map[string][]string{}, PkgFailed: map[string]bool{}}
}

func key(pkg, test string) string { return pkg + "." + test }

// read parses a `go test -json` stream. Subtests fold into their top-level
// test: a test passes only if it and all its subtests pass.
func (r *Results) read(in io.Reader, echo io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var ev testEvent
		if err := json.Unmarshal(line, &ev); err != nil || ev.Action == "" {
			// Not JSON: the go command's own output (build errors).
			r.PkgOutput[""] = append(r.PkgOutput[""], string(line))
			continue
		}
		if echo != nil && ev.Action == "output" {
			io.WriteString(echo, ev.Output)
		}
		top := ev.Test
		if i := strings.IndexByte(top, '/'); i >= 0 {
			top = top[:i]
		}
		if top == "" {
			switch ev.Action {
			case "output":
				r.PkgOutput[ev.Package] = append(r.PkgOutput[ev.Package], ev.Output)
			case "fail":
				r.PkgFailed[ev.Package] = true
			}
			continue
		}
		o := r.Tests[key(ev.Package, top)]
		if o == nil {
			o = &Outcome{Test: top, Package: ev.Package}
			r.Tests[key(ev.Package, top)] = o
		}
		switch ev.Action {
		case "output":
			o.Output = append(o.Output, ev.Output)
		case "pass", "skip":
			if ev.Test == top {
				if o.Result != "fail" {
					o.Result = ev.Action
				}
				o.Elapsed = ev.Elapsed
			}
		case "fail":
			o.Result = "fail"
			if ev.Test == top {
				o.Elapsed = ev.Elapsed
			}
		}
	}
	return sc.Err()
}

var (
	seedRE   = regexp.MustCompile(`SEED=(\d+)`)
	notImpRE = regexp.MustCompile(`not implemented: lab \d+[^\n"]*`)
	// logLineRE matches a server log line routed into the test output by
	// sim.Logger: context, not the reason a test failed.
	logLineRE = regexp.MustCompile(`^testlog\.go:\d+: (DEBUG|INFO|WARN|ERROR) `)
)

// seed finds the SEED=… a randomized test logged, if any.
func (o *Outcome) seed() string {
	for _, l := range o.Output {
		if m := seedRE.FindStringSubmatch(l); m != nil {
			return m[1]
		}
	}
	return ""
}

// reason is the most telling line of a failure: a "not implemented" stub,
// else the first assertion or error line.
func (o *Outcome) reason() string {
	for _, l := range o.Output {
		if m := notImpRE.FindString(l); m != "" {
			return strings.TrimSpace(m)
		}
	}
	for _, l := range o.Output {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") || strings.HasPrefix(t, "SEED=") {
			continue
		}
		if strings.Contains(t, "SEED=") || logLineRE.MatchString(t) {
			continue
		}
		return t
	}
	return ""
}
