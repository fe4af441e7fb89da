package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// cmdStress runs a lab's graded tests RUNS times (each run draws fresh
// seeds) and reports each test's pass rate and the seeds that failed, so a
// learner can replay exactly the failing schedules.
func cmdStress(root string, args []string) int {
	l, rest := labArg(args)
	fs := flag.NewFlagSet("stress", flag.ExitOnError)
	solution := fs.Bool("solution", envBool("SOLUTION"), "stress the reference")
	runs := fs.Int("runs", envInt("RUNS", 200), "how many times to run each test")
	run := fs.String("run", os.Getenv("RUN"), "only tests matching this regexp")
	fs.Parse(rest)

	goArgs := []string{"test", "-json", "-tags", "grade", "-count", strconv.Itoa(*runs)}
	if !*solution {
		ov, _, err := overlay(root, []Lab{l})
		if err != nil {
			fatal(err)
		}
		defer os.RemoveAll(filepath.Dir(ov))
		goArgs = append(goArgs, "-overlay", ov)
	}
	if *run != "" {
		goArgs = append(goArgs, "-run", *run)
	}
	for _, d := range testDirs(root, l) {
		goArgs = append(goArgs, "./"+d)
	}
	fmt.Printf("stress: lab %d, %d runs of every graded test...\n", l.N, *runs)
	cmd := exec.Command("go", goArgs...)
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fatal(err)
	}
	if err := cmd.Start(); err != nil {
		fatal(err)
	}
	type tally struct {
		pass, fail int
		seeds      []string
	}
	tallies := map[string]*tally{}
	buf := map[string][]string{}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var ev testEvent
		if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Test == "" || strings.Contains(ev.Test, "/") {
			continue
		}
		t := tallies[ev.Test]
		if t == nil {
			t = &tally{}
			tallies[ev.Test] = t
		}
		switch ev.Action {
		case "run":
			buf[ev.Test] = nil
		case "output":
			buf[ev.Test] = append(buf[ev.Test], ev.Output)
		case "pass":
			t.pass++
		case "fail":
			t.fail++
			o := Outcome{Output: buf[ev.Test]}
			if s := o.seed(); s != "" {
				t.seeds = append(t.seeds, s)
			}
		}
	}
	cmd.Wait()
	names := make([]string, 0, len(tallies))
	for n := range tallies {
		names = append(names, n)
	}
	sort.Strings(names)
	failedAny := false
	for _, n := range names {
		t := tallies[n]
		total := t.pass + t.fail
		if total == 0 {
			continue
		}
		fmt.Printf("  %-40s %5d/%-5d pass (%.1f%%)\n", n, t.pass, total, 100*float64(t.pass)/float64(total))
		if t.fail > 0 {
			failedAny = true
			seeds := t.seeds
			if len(seeds) > 10 {
				seeds = seeds[:10]
			}
			if len(seeds) > 0 {
				fmt.Printf("      failing seeds: %s\n", strings.Join(seeds, " "))
				fmt.Printf("      replay: SEED=%s make test-chapter %d RUN='^%s$' VERBOSE=1\n", seeds[0], l.N, n)
			}
		}
	}
	if failedAny {
		return 1
	}
	return 0
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
