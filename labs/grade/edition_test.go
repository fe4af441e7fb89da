package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestParseLabList(t *testing.T) {
	nums := func(ls []Lab) []int {
		var out []int
		for _, l := range ls {
			out = append(out, l.N)
		}
		return out
	}
	var all []int
	for _, l := range labs {
		all = append(all, l.N)
	}
	for in, want := range map[string][]int{
		"":       all,
		"all":    all,
		"1-10":   all, // a range takes the labs that exist
		"1,3":    {1, 3},
		"2 5":    {2, 5},
		"3,1-2":  {1, 2, 3},
		"5-5":    {5},
		"9":      nil, // no lab 9: an error
		"x":      nil,
		"4-2":    nil,
		"20-30":  nil,
		"1,nope": nil,
	} {
		got, err := parseLabList(in)
		if want == nil {
			if err == nil {
				t.Errorf("parseLabList(%q) = %v, want an error", in, nums(got))
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(nums(got), want) {
			t.Errorf("parseLabList(%q) = %v, %v; want %v", in, nums(got), err, want)
		}
	}
}

func TestRewriteExcerpts(t *testing.T) {
	l, _ := findLab(1)
	replaced := map[string]string{"zk/znode/create.go": "labs/01-znode-tree/znode/create.go"}
	src := "text\n<<< @/../zk/znode/create.go#prep-create{go}\n<<< @/../zk/znode/execute.go#execute{go}\n"
	out, n := rewriteExcerpts([]byte(src), replaced, []Lab{l})
	if n != 1 {
		t.Fatalf("rewrote %d excerpts, want 1:\n%s", n, out)
	}
	s := string(out)
	if strings.Contains(s, "create.go#prep-create") || !strings.Contains(s, "<<< @/../zk/znode/execute.go#execute{go}") ||
		!strings.Contains(s, "(src:labs/01-znode-tree/znode/create.go)") || !strings.Contains(s, "::: info You write this in lab 1") {
		t.Errorf("rewritten page:\n%s", s)
	}
}

// A learner edition with every lab unsolved: the replaced files hold the
// skeletons byte for byte, no reference function body is left anywhere in
// it (Go or docs), solutions/ of the labs is gone, no docs page excerpts a
// replaced file, it compiles (tests and graded tests too), its untouched
// lab 1 scores 0 and is reported open, and SOLUTION=1 is refused.
func TestLearnerEdition(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a copy of the repository")
	}
	root := testRoot(t)
	out := filepath.Join(t.TempDir(), "edition")
	rep, err := makeEdition(root, out, labs)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Replaced) == 0 || rep.Excerpts == 0 {
		t.Fatalf("replaced %d files and %d excerpts; want some of each", len(rep.Replaced), rep.Excerpts)
	}
	for ref, skel := range rep.Replaced {
		got, err := os.ReadFile(filepath.Join(out, ref))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := os.ReadFile(filepath.Join(root, skel))
		if !bytes.Equal(got, want) {
			t.Errorf("%s in the edition is not the skeleton %s", ref, skel)
		}
	}
	for _, l := range labs {
		if _, err := os.Stat(filepath.Join(out, "solutions", l.Slug)); err == nil {
			t.Errorf("solutions/%s is in the edition", l.Slug)
		}
		stub, _ := os.ReadFile(filepath.Join(out, "docs", "solutions", l.Slug, "index.md"))
		if !bytes.Contains(stub, []byte("leaves out the worked solution")) || bytes.Contains(stub, []byte("@include")) {
			t.Errorf("docs/solutions/%s/index.md in the edition:\n%s", l.Slug, stub)
		}
	}
	list, _ := os.ReadFile(filepath.Join(out, editionListFile))
	var ns []string
	for _, l := range labs {
		ns = append(ns, strconv.Itoa(l.N))
	}
	if want := "editionUnsolved = []int{" + strings.Join(ns, ", ") + "}"; !bytes.Contains(list, []byte(want)) {
		t.Errorf("%s:\n%s", editionListFile, list)
	}
	for _, leak := range referenceLeaks(t, root, out, rep.Replaced) {
		t.Error(leak)
	}
	// The leak check sees a reference file kept under another name and a
	// line of it pasted into a page.
	planted := t.TempDir()
	ref, _ := os.ReadFile(filepath.Join(root, "zk/znode/create.go"))
	os.WriteFile(filepath.Join(planted, "copy.go"), ref, 0o644)
	var pasted string
	for _, l := range strings.Split(string(ref), "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "if ") && len(l) >= 30 {
			pasted = l
			break
		}
	}
	os.WriteFile(filepath.Join(planted, "page.md"), []byte("# a page\n\n    "+pasted+"\n"), 0o644)
	if leaks := referenceLeaks(t, root, planted, rep.Replaced); len(leaks) < 2 || !strings.Contains(strings.Join(leaks, "\n"), "page.md") {
		t.Errorf("the leak check found %q in a copy of zk/znode/create.go and a page pasting %q", leaks, pasted)
	}
	for _, f := range editionFiles(t, out) {
		if !strings.HasSuffix(f, ".md") {
			continue
		}
		src, _ := os.ReadFile(filepath.Join(out, f))
		for i, line := range strings.Split(string(src), "\n") {
			if m := excerptRE.FindStringSubmatch(line); m != nil {
				if _, ok := rep.Replaced[filepath.ToSlash(filepath.Clean(filepath.Join("docs", m[2])))]; ok {
					t.Errorf("%s:%d excerpts a replaced file: %s", f, i+1, line)
				}
			}
			if strings.Contains(line, "@include:") && strings.Contains(line, "solutions/") {
				t.Errorf("%s:%d includes a solution left out: %s", f, i+1, line)
			}
		}
	}

	run := func(args ...string) (string, error) {
		cmd := exec.Command("go", args...)
		cmd.Dir = out
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	if o, err := run("vet", "-tags", "grade", "./..."); err != nil {
		t.Fatalf("the edition does not compile (go vet -tags grade ./...): %v\n%s", err, o)
	}
	if o, err := run("run", "./labs/grade", "check", "1"); err != nil || !strings.Contains(o, "open your code scores 0/") || !strings.Contains(o, "still open: lab 1") {
		t.Errorf("grade check 1 in the edition: %v\n%s", err, o)
	}
	if o, err := run("run", "./labs/grade", "test", "1", "-solution"); err == nil || !strings.Contains(o, "learner edition") {
		t.Errorf("grade test 1 -solution in the edition: %v, want a refusal\n%s", err, o)
	}
}

// A partial edition keeps the reference, the solutions and the excerpts
// of the labs not listed.
func TestPartialLearnerEdition(t *testing.T) {
	root := testRoot(t)
	out := filepath.Join(t.TempDir(), "edition")
	l5, _ := findLab(5)
	rep, err := makeEdition(root, out, []Lab{l5})
	if err != nil {
		t.Fatal(err)
	}
	for ref := range rep.Replaced {
		if !strings.HasPrefix(ref, "kafka/log/") {
			t.Errorf("lab 5's edition replaced %s", ref)
		}
	}
	for _, f := range []string{"zk/znode/create.go", "solutions/01-znode-tree/README.md"} {
		a, _ := os.ReadFile(filepath.Join(root, f))
		b, err := os.ReadFile(filepath.Join(out, f))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs in lab 5's edition (%v)", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "solutions", l5.Slug)); err == nil {
		t.Errorf("solutions/%s is in lab 5's edition", l5.Slug)
	}
	ch1, _ := os.ReadFile(filepath.Join(out, "docs/chapters/01-znode-tree/index.md"))
	if !bytes.Contains(ch1, []byte("<<< @/../zk/znode/create.go#prep-create")) {
		t.Errorf("chapter 1's excerpts of zk/znode are gone from lab 5's edition")
	}
	if _, err := makeEdition(root, out, []Lab{l5}); err == nil {
		t.Errorf("makeEdition into a non-empty directory succeeded")
	}
	if _, err := makeEdition(root, filepath.Join(root, "out", "edition"), []Lab{l5}); err == nil {
		t.Errorf("makeEdition inside the repository succeeded")
	}
}

func editionFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// referenceLeaks finds the reference's function bodies of the replaced
// files in the edition: in any file, a run of six lines of a body (a whole
// body of three to five lines) that the skeleton does not have (what
// makeEdition leaves out); in a file other than Go, also any single body
// line of 20 characters or more that the skeleton does not have.
func referenceLeaks(t *testing.T, root, out string, replaced map[string]string) []string {
	t.Helper()
	windows, err := referenceWindows(root, replaced)
	if err != nil {
		t.Fatal(err)
	}
	lineFrom := map[string]string{}
	for ref, skel := range replaced {
		src, _ := os.ReadFile(filepath.Join(root, ref))
		skelSrc, _ := os.ReadFile(filepath.Join(root, skel))
		inSkel := map[string]bool{}
		for _, l := range codeLines(skelSrc) {
			inSkel[l] = true
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, ref, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				for _, l := range codeLines(src[fset.Position(fd.Body.Lbrace).Offset+1 : fset.Position(fd.Body.Rbrace).Offset]) {
					if len(l) >= 20 && !inSkel[l] {
						lineFrom[l] = ref + " (" + fd.Name.Name + ")"
					}
				}
			}
		}
	}
	var leaks []string
	for _, f := range editionFiles(t, out) {
		src, err := os.ReadFile(filepath.Join(out, f))
		if err != nil || bytes.IndexByte(src, 0) >= 0 {
			continue // binary
		}
		if from := windows.find(src); from != "" {
			leaks = append(leaks, f+": holds the body of the reference "+from)
		}
		if strings.HasSuffix(f, ".go") {
			continue
		}
		for _, l := range codeLines(src) {
			if from, ok := lineFrom[l]; ok {
				leaks = append(leaks, f+": holds a line of the reference "+from+": "+l)
			}
		}
	}
	return leaks
}

// TestLabThreeStandsInForLabFour checks that lab 3 does not wait for lab
// 4 (issue 8, "a learner edition": labs 1–5 done in order): in an edition
// with both open, lab 3's ensembles elect their leader with the given
// stand-in (labs/03-zab-broadcast/lab4-standin) instead of lab 4's
// skeleton, and `make run-chapter 3` does the same; lab 4 itself is still
// graded on the learner's own files. The stand-in holds a file for each
// file lab 4 replaces, so no skeleton of lab 4 is left in the build. With
// lab 3's reference copied into that edition's lab 3 files, lab 3 scores
// 100% (the stand-in is a correct election and sync decision).
func TestLabThreeStandsInForLabFour(t *testing.T) {
	root := testRoot(t)
	l3, _ := findLab(3)
	l4, _ := findLab(4)
	stand, err := learnerFiles(filepath.Join(root, l3.StandIns[4]))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := learnerFiles(filepath.Join(root, l4.Swaps[0].From))
	if !reflect.DeepEqual(stand, want) {
		t.Errorf("%s holds %v, want a stand-in for each of lab 4's files %v", l3.StandIns[4], stand, want)
	}

	saved := editionUnsolved
	editionUnsolved = []int{3, 4}
	froms := func(ls []Lab) []string {
		var out []string
		for _, l := range ls {
			for _, s := range l.Swaps {
				out = append(out, s.From)
			}
		}
		return out
	}
	got3, got4 := froms(swapSet(l3, false)), froms(swapSet(l4, false))
	editionUnsolved = saved
	if w := []string{l3.Swaps[0].From, l3.StandIns[4]}; !reflect.DeepEqual(got3, w) {
		t.Errorf("lab 3 in an edition with labs 3 and 4 open swaps in %v, want %v", got3, w)
	}
	if w := []string{l4.Swaps[0].From, l3.Swaps[0].From}; !reflect.DeepEqual(got4, w) {
		t.Errorf("lab 4 in an edition with labs 3 and 4 open swaps in %v, want %v (the learner's own files)", got4, w)
	}

	if testing.Short() {
		t.Skip("builds a learner edition and grades lab 3 in it")
	}
	out := filepath.Join(t.TempDir(), "edition")
	rep, err := makeEdition(root, out, []Lab{l3, l4})
	if err != nil {
		t.Fatal(err)
	}
	for f, from := range rep.LeftOut {
		if strings.HasPrefix(f, l3.StandIns[4]+"/") {
			t.Fatalf("the edition left out the stand-in %s: it holds the body of the reference %s", f, from)
		}
	}
	files, _ := learnerFiles(filepath.Join(root, l3.Swaps[0].From))
	for _, f := range files {
		ref, err := os.ReadFile(filepath.Join(root, l3.Swaps[0].To, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, l3.Swaps[0].From, f), ref, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "run", "./labs/grade", "test", "3")
	cmd.Dir = out
	o, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(o), "100%") {
		t.Fatalf("lab 3, solved, in an edition with lab 4 open: %v\n%s", err, o)
	}
	t.Logf("%s", o)
}
