package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func testRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no repository root at %s: %v", root, err)
	}
	return root
}

// Every handout's rubric table is the one the grader prints.
func TestHandoutRubricsMatchTheGrader(t *testing.T) {
	root := testRoot(t)
	for _, l := range labs {
		if err := checkHandout(root, l, false); err != nil {
			t.Error(err)
		}
	}
}

// Every graded test has its place in its lab's Order, and Order names only
// graded tests: the rubric's order is chosen, not an accident of file names.
func TestRubricOrderListsEveryGradedTest(t *testing.T) {
	root := testRoot(t)
	for _, l := range labs {
		items, err := labRubric(root, l)
		if err != nil {
			t.Fatal(err)
		}
		graded := map[string]bool{}
		for _, it := range items {
			graded[it.Test] = true
			if it.Points <= 0 {
				t.Errorf("lab %d: %s (%s) has no Points: line", l.N, it.Test, it.File)
			}
		}
		inOrder := map[string]bool{}
		for _, n := range l.Order {
			if inOrder[n] {
				t.Errorf("lab %d: Order lists %s twice", l.N, n)
			}
			inOrder[n] = true
			if !graded[n] {
				t.Errorf("lab %d: Order lists %s, which is not a graded test", l.N, n)
			}
		}
		for _, it := range items {
			if !inOrder[it.Test] {
				t.Errorf("lab %d: graded test %s (%s) is missing from the lab's Order in labs/grade/labs.go", l.N, it.Test, it.File)
			}
		}
	}
}

// docCommand is one grader command printed in the docs.
type docCommand struct {
	where string // file:line
	text  string
}

var (
	// A command starts at an optional run of VAR=value assignments and
	// ends at a shell comment.
	commandRE = regexp.MustCompile(`(?:[A-Z_]+=\S+\s+)*(?:make\s+(?:test|run|stress)-chapter\b|go\s+run\s+\./labs/grade\b)[^#]*`)
	inlineRE  = regexp.MustCompile("`([^`]+)`")
)

// docCommands extracts the grader commands shown in the markdown file:
// in code blocks (fenced or indented) and in inline code spans.
func docCommands(path, rel string) ([]docCommand, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []docCommand
	fenced := false
	for i, line := range strings.Split(string(src), "\n") {
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~") {
			fenced = !fenced
			continue
		}
		var code []string
		if fenced || (strings.HasPrefix(line, "    ") && !strings.Contains(line, "`")) {
			code = []string{line}
		} else {
			for _, m := range inlineRE.FindAllStringSubmatch(line, -1) {
				code = append(code, m[1])
			}
		}
		for _, c := range code {
			for _, m := range commandRE.FindAllString(c, -1) {
				out = append(out, docCommand{where: rel + ":" + strconv.Itoa(i+1), text: strings.TrimSpace(m)})
			}
		}
	}
	return out, nil
}

// shellWords splits a command line at spaces outside quotes and removes
// the quotes, and the [ ] of optional arguments in a usage line.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ' || c == '\t' || c == '[' || c == ']':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// checkCommand reports what is wrong with one grader command, or "".
func checkCommand(root, cmd string) []string {
	words := shellWords(cmd)
	var env, makeVars []string
	for len(words) > 0 && strings.Contains(words[0], "=") {
		env, words = append(env, words[0]), words[1:]
	}
	var chapter, runPat string
	var runOnMakeLine bool
	switch {
	case len(words) >= 2 && words[0] == "make":
		if len(words) >= 3 {
			chapter = words[2]
		}
		for _, w := range words[3:] {
			if strings.Contains(w, "=") {
				makeVars = append(makeVars, w)
			}
		}
	case len(words) >= 3 && words[0] == "go" && words[1] == "run":
		args := words[3:]
		if len(args) == 0 {
			return []string{"no grader subcommand"}
		}
		sub := args[0]
		switch sub {
		case "test", "run", "stress", "rubric":
		case "check", "list":
			chapter = "-"
		default:
			return []string{"no grader subcommand " + strconv.Quote(sub)}
		}
		for i, a := range args[1:] {
			if i == 0 && !strings.HasPrefix(a, "-") {
				chapter = a
			}
			if a == "-run" && i+2 < len(args) {
				runPat = args[i+2]
			}
		}
	default:
		return []string{"not a grader command"}
	}
	for _, v := range env {
		if p, ok := strings.CutPrefix(v, "RUN="); ok {
			runPat = p
		}
	}
	for _, v := range makeVars {
		if p, ok := strings.CutPrefix(v, "RUN="); ok {
			runPat, runOnMakeLine = p, true
		}
		if strings.HasPrefix(v, "SEED=") {
			return []string{"SEED= after make: write it first, as the grader prints a replay (SEED=… RUN='…' make …)"}
		}
	}
	if chapter == "-" {
		return nil
	}
	for _, v := range env {
		if strings.HasPrefix(v, "SEED=") && runPat == "" && words[0] == "make" {
			return []string{"SEED= without RUN=: a seed replays one test, as the grader prints it: SEED=… RUN='^TestX$' make test-chapter N VERBOSE=1"}
		}
	}
	if chapter == "" {
		return []string{"names no chapter"}
	}
	if chapter == "N" || chapter == "NN" {
		return nil // a placeholder in a usage line
	}
	n, err := strconv.Atoi(chapter)
	if err != nil {
		return []string{"chapter " + strconv.Quote(chapter) + " is not a number"}
	}
	l, ok := findLab(n)
	if !ok {
		return []string{"chapter " + chapter + " has no lab"}
	}
	if runPat == "" || runPat == "REGEX" || runPat == "regexp" {
		return nil
	}
	var bad []string
	if runOnMakeLine {
		bad = append(bad, "RUN= after make: write it as the grader prints a replay, RUN='"+runPat+"' make "+words[1]+" "+chapter)
	}
	if rawRun := regexp.MustCompile(`\bRUN=(\S)`).FindStringSubmatch(cmd); rawRun != nil && rawRun[1] != "'" {
		bad = append(bad, "RUN="+runPat+" unquoted: write it as the grader prints it, RUN='"+runPat+"'")
	}
	items, err := labRubric(root, l)
	if err != nil {
		return append(bad, err.Error())
	}
	sel, _, err := selectRun(items, runPat)
	if err != nil {
		return append(bad, err.Error())
	}
	if len(sel) == 0 {
		bad = append(bad, "RUN='"+runPat+"' matches no graded test of lab "+chapter)
	}
	return bad
}

// Every make test-chapter / run-chapter / stress-chapter and go run
// ./labs/grade command the READMEs (top level, handouts, worked solutions)
// and the docs print names a chapter that has a lab, its RUN names graded
// tests of that lab, and SEED= and RUN= are written as the grader prints a
// replay: SEED=… RUN='…' make test-chapter N. (A static check: nothing is
// run.)
func TestCommandsInDocsNameRealChaptersAndTests(t *testing.T) {
	root := testRoot(t)
	files := []string{"README.md"}
	m, _ := filepath.Glob(filepath.Join(root, "labs", "*", "README.md"))
	s, _ := filepath.Glob(filepath.Join(root, "solutions", "*", "README.md"))
	for _, p := range append(m, s...) {
		rel, _ := filepath.Rel(root, p)
		files = append(files, rel)
	}
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "dist" || d.Name() == "cache") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") {
			rel, _ := filepath.Rel(root, p)
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, f := range files {
		cmds, err := docCommands(filepath.Join(root, f), filepath.ToSlash(f))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cmds {
			total++
			t.Logf("%s: %s", c.where, c.text)
			for _, why := range checkCommand(root, c.text) {
				t.Errorf("%s: %s: %s", c.where, c.text, why)
			}
		}
	}
	if total < 10 {
		t.Errorf("found only %d grader commands in %d files; is the extraction broken?", total, len(files))
	}
}

func TestCheckCommandCatchesBadCommands(t *testing.T) {
	root := testRoot(t)
	for cmd, bad := range map[string]bool{
		"make test-chapter 1":            false,
		"make test-chapter N SOLUTION=1": false,
		"SEED=1234 RUN='^TestRandomAgainstModel$' make test-chapter 1 VERBOSE=1": false,
		"SEED=1 RUN='^TestBroadcastNemesis$/^7$' make test-chapter 3":            false,
		"go run ./labs/grade test 2 [-solution] [-run REGEX] [-v]":               false,
		"go run ./labs/grade check":                                              false,
		"make test-chapter 1 RUN='^TestCreateModel$'":                            true, // no such test
		"make test-chapter 9":                                                    true, // no lab 9
		"make test-chapter 3 RUN='^TestBroadcastNemesis$/^7$'":                   true, // not the grader's form
		"SEED=1234 make test-chapter 1 RUN='^TestRandomAgainstModel$' VERBOSE=1": true, // the old form
		"make test-chapter 1 SEED=1":                                             true,
		"SEED=1 make test-chapter 1":                                             true, // which test?
		"RUN=TestMulti make test-chapter 1":                                      true, // unquoted
		"go run ./labs/grade test 5 -run '^TestNope$'":                           true,
	} {
		if got := checkCommand(root, cmd); (len(got) > 0) != bad {
			t.Errorf("checkCommand(%q) = %q, want bad=%v", cmd, got, bad)
		}
	}
}

// docs/developing.md's map of the repository names every package, so a
// new package cannot arrive without its line there.
func TestDevelopingMapsEveryPackage(t *testing.T) {
	root := testRoot(t)
	page, err := os.ReadFile(filepath.Join(root, "docs", "developing.md"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list ./...: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		rel := strings.TrimPrefix(p, simModule)
		if !strings.Contains(string(page), "`"+rel+"`") {
			t.Errorf("docs/developing.md does not name package `%s`: add it to the map of the repository", rel)
		}
	}
}
