package main

import (
	"fmt"
	"io"
	"strings"
)

const modulePath = "github.com/zkafka/zkafka"

type row struct {
	Item
	outcome *Outcome
}

type score struct {
	rows          []row
	earned, total int
	buildFailed   bool
	buildOutput   []string
	crashOutput   map[string][]string // package → output outside tests, when tests never reported
	filtered      bool                // -run selected a subset
}

func newScore(root string, l Lab, items []Item, res *Results, run string) *score {
	sc := &score{crashOutput: map[string][]string{}, filtered: run != ""}
	ran := 0
	for _, it := range items {
		o := res.Tests[key(modulePath+"/"+it.Package, it.Test)]
		if o != nil {
			ran++
		}
		if sc.filtered && o == nil {
			continue // not selected by -run
		}
		sc.rows = append(sc.rows, row{Item: it, outcome: o})
		sc.total += it.Points
		if o != nil && o.Result == "pass" {
			sc.earned += it.Points
		}
	}
	if ran == 0 {
		// Nothing ran: the packages did not build. Show why.
		sc.buildFailed = true
		sc.buildOutput = append(sc.buildOutput, res.PkgOutput[""]...)
		for pkg, out := range res.PkgOutput {
			if pkg != "" {
				sc.buildOutput = append(sc.buildOutput, out...)
			}
		}
	}
	for pkg, failed := range res.PkgFailed {
		if failed {
			sc.crashOutput[pkg] = res.PkgOutput[pkg]
		}
	}
	return sc
}

func (sc *score) print(w io.Writer, l Lab, solution bool) {
	who := "your code"
	if solution {
		who = "the reference solution"
	}
	fmt.Fprintf(w, "\nLab %d — %s (%s)\n\n", l.N, l.Title, who)
	if sc.buildFailed {
		fmt.Fprintf(w, "  The graded tests did not build with %s swapped in:\n\n", who)
		for _, line := range sc.buildOutput {
			fmt.Fprintf(w, "    %s\n", strings.TrimRight(line, "\n"))
		}
		fmt.Fprintf(w, "\n  Your files must keep the package name and API of the skeleton (see %s/README.md).\n", l.labDir())
		fmt.Fprintf(w, "\n  TOTAL  0/%d  0%%\n", sc.total)
		return
	}
	width := len("TEST")
	for _, r := range sc.rows {
		if len(r.Test) > width {
			width = len(r.Test)
		}
	}
	fmt.Fprintf(w, "  %-*s  %7s  %s\n", width, "TEST", "POINTS", "RESULT")
	var failures []row
	for _, r := range sc.rows {
		got, result := 0, "FAIL"
		switch {
		case r.outcome == nil:
			result = "FAIL  (no result: the test binary crashed before it ran)"
		case r.outcome.Result == "pass":
			got, result = r.Points, "pass"
		case r.outcome.Result == "skip":
			result = "skip"
		case r.outcome.Result == "":
			result = "FAIL  (no result: the test binary crashed while it ran)"
		}
		if result != "pass" {
			failures = append(failures, r)
			if reason := r.reason(); reason != "" && r.outcome != nil {
				result += "  " + clip(reason, 70)
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
		fmt.Fprintf(w, "\nFailures (handout: %s/README.md):\n", l.labDir())
		for _, r := range failures {
			fmt.Fprintf(w, "\n  %s", r.Test)
			if sum := strings.TrimPrefix(r.Summary, r.Test+" "); sum != "" {
				fmt.Fprintf(w, " — %s", clip(sum, 110))
			}
			fmt.Fprintln(w)
			if r.Reference != "" {
				fmt.Fprintf(w, "    reference: %s\n", r.Reference)
			}
			if reason := r.reason(); reason != "" {
				fmt.Fprintf(w, "    why:       %s\n", clip(reason, 200))
			}
			fmt.Fprintf(w, "    replay:    %s\n", replay(l, r, solution))
		}
	}
	for pkg, out := range sc.crashOutput {
		if panicked(out) {
			fmt.Fprintf(w, "\nThe test binary of %s crashed; its last output:\n", strings.TrimPrefix(pkg, modulePath+"/"))
			start := len(out) - 15
			if start < 0 {
				start = 0
			}
			for _, line := range out[start:] {
				fmt.Fprintf(w, "    %s\n", strings.TrimRight(line, "\n"))
			}
		}
	}
	if anyNotImplemented(sc.rows) {
		fmt.Fprintf(w, "\nSome tests hit the skeleton's \"not implemented: lab %d\" stubs: that is where to start.\n", l.N)
	}
	fmt.Fprintln(w)
}

func (r row) reason() string {
	if r.outcome == nil {
		return ""
	}
	return r.outcome.reason()
}

func anyNotImplemented(rows []row) bool {
	for _, r := range rows {
		if r.outcome != nil && strings.HasPrefix(r.outcome.reason(), "not implemented") {
			return true
		}
	}
	return false
}

func panicked(out []string) bool {
	for _, l := range out {
		if strings.HasPrefix(l, "panic:") || strings.Contains(l, "fatal error:") {
			return true
		}
	}
	return false
}

// replay is the one command that reruns a failed test exactly.
func replay(l Lab, r row, solution bool) string {
	var b strings.Builder
	if r.outcome != nil {
		if s := r.outcome.seed(); s != "" {
			fmt.Fprintf(&b, "SEED=%s ", s)
		}
	}
	fmt.Fprintf(&b, "make test-chapter %d RUN='^%s$'", l.N, r.Test)
	if solution {
		b.WriteString(" SOLUTION=1")
	}
	b.WriteString(" VERBOSE=1")
	return b.String()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
