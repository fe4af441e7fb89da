// Command grade is the course's grader: it swaps a learner's lab files into
// the real system with `go build -overlay`, runs the graded tests, and
// scores them by the rubric written in the tests' doc comments.
//
// It compiles each graded package once (go test -c; a compiler error is
// shown with the learner's file and line) and runs every graded test in a
// process of its own, in the rubric's order: what a test reports (the lab
// stub it called, a crash) is its own, and a crash costs only that test.
// A failure shows the test's whole message (bounded) and the one command
// that replays exactly it, subtest and seed included.
//
//	go run ./labs/grade test 1              # grade lab 1 (the learner's code)
//	go run ./labs/grade test 1 -solution    # the same tests on the reference
//	go run ./labs/grade run 2 [-solution]   # chapter 2's cluster with labs 1..2 swapped in
//	go run ./labs/grade stress 1 -runs 200  # pass rate and failing seeds
//	go run ./labs/grade check [N...]        # every lab (or lab N): reference 100%, skeleton swaps in
//	go run ./labs/grade rubric 1            # lab 1's rubric, the markdown table of its handout
//	go run ./labs/grade rubric -write       # rewrite every handout's rubric table
//	go run ./labs/grade edition -out DIR -unsolved 1-5   # a learner edition (edition.go)
//	go run ./labs/grade testref             # the reference tests (`make test`)
//
// The Makefile wraps these as `make test-chapter N`, `make run-chapter N`,
// `make stress-chapter N`, `make test` and `make learner-edition`.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

func usage() {
	fmt.Fprintf(os.Stderr, `usage:
  grade test N [-solution] [-run REGEX] [-strict] [-v]
  grade run N [-solution] [-- args...]     (ADDR=host:port picks the stage's address)
  grade stress N [-solution] [-runs 200] [-run REGEX]
  grade check [N...]
  grade rubric N | rubric [N...] -write
  grade edition -out DIR [-unsolved 1-10]
  grade testref
  grade list
`)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	root, err := repoRoot()
	if err != nil {
		fatal(err)
	}
	cmd, args := os.Args[1], os.Args[2:]
	switch cmd {
	case "test":
		os.Exit(cmdTest(root, args))
	case "run":
		os.Exit(cmdRun(root, args))
	case "stress":
		os.Exit(cmdStress(root, args))
	case "check":
		os.Exit(cmdCheck(root, args))
	case "rubric":
		os.Exit(cmdRubric(root, args))
	case "edition":
		os.Exit(cmdEdition(root, args))
	case "testref":
		os.Exit(cmdTestRef(root, args))
	case "list":
		for _, l := range labs {
			fmt.Printf("%d  %-22s %s\n", l.N, l.Slug, l.Title)
		}
	default:
		usage()
	}
}

// labArg parses the chapter number that follows a subcommand.
func labArg(args []string) (Lab, []string) {
	if len(args) == 0 {
		fatal(errors.New("which chapter? e.g. `make test-chapter 1`"))
	}
	n, err := strconv.Atoi(args[0])
	if err != nil {
		fatal(fmt.Errorf("chapter %q is not a number", args[0]))
	}
	l, ok := findLab(n)
	if !ok {
		fatal(fmt.Errorf("chapter %d has no lab yet (`go run ./labs/grade list` shows the labs)", n))
	}
	return l, args[1:]
}

// envBool reads the Makefile's SOLUTION=1 / STRICT=1 style switches.
func envBool(name string) bool {
	v := os.Getenv(name)
	return v != "" && v != "0" && v != "false"
}

func cmdTest(root string, args []string) int {
	l, rest := labArg(args)
	fs := flag.NewFlagSet("test", flag.ExitOnError)
	solution := fs.Bool("solution", envBool("SOLUTION"), "grade the reference instead of the learner's files")
	run := fs.String("run", os.Getenv("RUN"), "only tests matching this regexp")
	strict := fs.Bool("strict", envBool("STRICT"), "exit non-zero below 100%")
	verbose := fs.Bool("v", envBool("VERBOSE"), "echo the tests' output")
	fs.Parse(rest)
	if *solution {
		requireReference(l)
	}

	sc, err := grade(root, l, *solution, *run, *verbose)
	if err != nil {
		fatal(err)
	}
	sc.print(os.Stdout)
	if *strict && sc.earned < sc.total {
		return 1
	}
	if len(sc.broken) > 0 || sc.noMatch {
		return 1
	}
	return 0
}

// testDirs are the packages holding a lab's graded tests.
func testDirs(root string, l Lab) []string {
	dirs := []string{l.labDir()}
	if m, _ := filepath.Glob(filepath.Join(root, l.chapterDir(), "*_test.go")); len(m) > 0 {
		dirs = append(dirs, l.chapterDir())
	}
	return dirs
}

func cmdRun(root string, args []string) int {
	l, rest := labArg(args)
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	solution := fs.Bool("solution", envBool("SOLUTION"), "run the reference instead of the learner's labs")
	fs.Parse(rest)
	goArgs := []string{"run"}
	var swaps []Lab
	switch {
	case inEdition():
		// A learner edition: the learner's files are the only code there is
		// for its unsolved labs, and the reference of the others is in
		// place. A later lab chapter N runs on but that is still open is
		// replaced by chapter N's stand-in for it, if it has one (chapter
		// 3's ensemble elects its leader with lab 3's stand-in for lab 4).
		var ns, stand []string
		for _, u := range editionLabs() {
			if u.N > l.N {
				if s := l.standIn(u); s.Swaps[0].From != u.Swaps[0].From {
					stand = append(stand, fmt.Sprintf("lab %d (%s)", u.N, s.Swaps[0].From))
					swaps = append(swaps, s)
					continue
				}
			}
			swaps = append(swaps, u)
			ns = append(ns, strconv.Itoa(u.N))
		}
		if len(stand) > 0 {
			fmt.Fprintf(os.Stderr, "grade: chapter %d runs on given stand-ins for %s, still open here\n", l.N, strings.Join(stand, ", "))
		}
		switch {
		case len(ns) == 0:
		case *solution:
			fmt.Fprintf(os.Stderr, "grade: this learner edition has no reference for labs %s: running your files for them\n", strings.Join(ns, ", "))
		default:
			fmt.Fprintf(os.Stderr, "grade: running chapter %d with your labs %s swapped in\n", l.N, strings.Join(ns, ", "))
		}
	case !*solution:
		for _, x := range labs {
			if x.N <= l.N {
				swaps = append(swaps, x)
			}
		}
		fmt.Fprintf(os.Stderr, "grade: running chapter %d with your labs 1..%d swapped in (SOLUTION=1 runs the reference)\n", l.N, l.N)
	}
	if len(swaps) > 0 {
		ov, _, err := overlay(root, swaps)
		if err != nil {
			fatal(err)
		}
		defer os.RemoveAll(filepath.Dir(ov))
		goArgs = append(goArgs, "-overlay", ov)
	}
	goArgs = append(goArgs, "./"+l.chapterDir())
	if a := os.Getenv("ADDR"); a != "" {
		// make run ADDR=127.0.0.1:2191: every stage takes -addr (an
		// ensemble's server 1; the others follow on the next ports).
		goArgs = append(goArgs, "-addr", a)
	}
	goArgs = append(goArgs, fs.Args()...)
	cmd := exec.Command("go", goArgs...)
	cmd.Dir = root
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		fatal(err)
	}
	return 0
}

func repoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run the grader inside the zkafka repository")
	}
	return filepath.Dir(mod), nil
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "grade:", err)
	os.Exit(2)
}

// goCmd runs a go command in root and returns its combined output.
func goCmd(root string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.String(), err
}
