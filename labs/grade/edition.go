package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// A learner edition is a copy of the repository for a class: for each lab
// the teacher lists as unsolved, the reference files that the lab replaces
// hold the lab's skeleton (so the answer is not in the tree), the lab's
// worked solution is left out, and docs excerpts of those files become a
// pointer to the learner's file. Labs not listed keep their reference, so a
// teacher opening only labs 5–10 keeps ZooKeeper working.
//
//	make learner-edition OUT=../zkafka-class UNSOLVED=1-5
//	go run ./labs/grade edition -out ../zkafka-class -unsolved 1,3
//
// The edition knows it is one: it carries labs/grade/edition_list.go, which
// sets editionUnsolved. There the grader swaps in the learner's files of
// every unsolved lab (the only code there is for them), refuses SOLUTION=1
// for them, and `make test` says which labs are still open, skipping the
// reference tests that need an open lab. A lab never waits for a later
// one: where its tests need a later lab that is still open (lab 3's
// ensembles elect a leader, lab 4's subject), they run on the stand-in it
// names (Lab.StandIns), never on the later lab's skeleton.

// editionUnsolved lists the labs whose reference this tree does not hold:
// nil in the full repository; set by the generated editionListFile in a
// learner edition.
var editionUnsolved []int

// editionListFile is the file a learner edition adds to the grader.
const editionListFile = "labs/grade/edition_list.go"

func inEdition() bool { return len(editionUnsolved) > 0 }

// unsolvedHere reports whether lab n's reference is left out of this tree.
func unsolvedHere(n int) bool {
	for _, u := range editionUnsolved {
		if u == n {
			return true
		}
	}
	return false
}

// editionLabs are the labs whose reference this edition leaves out.
func editionLabs() []Lab {
	var out []Lab
	for _, l := range labs {
		if unsolvedHere(l.N) {
			out = append(out, l)
		}
	}
	return out
}

// swapSet is what the grader swaps in to test lab l: lab l's files (unless
// solution), and in a learner edition every other unsolved lab's files
// too — or, for a lab l has a stand-in for (Lab.StandIns), the stand-in.
func swapSet(l Lab, solution bool) []Lab {
	var out []Lab
	if !solution {
		out = append(out, l)
	}
	for _, u := range editionLabs() {
		if u.N != l.N {
			out = append(out, l.standIn(u))
		}
	}
	return out
}

// standIn is what lab l runs on in place of lab u's files: l's stand-in
// for u if it has one (a lab of one package), else u itself.
func (l Lab) standIn(u Lab) Lab {
	dir, ok := l.StandIns[u.N]
	if !ok || len(u.Swaps) != 1 {
		return u
	}
	return Lab{N: u.N, Slug: u.Slug, Title: u.Title + " (lab " + strconv.Itoa(l.N) + "'s stand-in)",
		Swaps: []Swap{{From: dir, To: u.Swaps[0].To}}}
}

// requireReference stops SOLUTION=1 for a lab this edition has no
// reference for.
func requireReference(l Lab) {
	if unsolvedHere(l.N) {
		fatal(fmt.Errorf("this is a learner edition: the reference of lab %d is not in it (zk/… and kafka/… hold its skeleton), so SOLUTION=1 has nothing to grade; `make test-chapter %d` grades your code", l.N, l.N))
	}
}

// parseLabList reads UNSOLVED: "1-10", "1,3,5", "2 4", "all" or "" (all).
// A range takes the labs that exist in it; a single number must be a lab.
func parseLabList(s string) ([]Lab, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "all" {
		return append([]Lab(nil), labs...), nil
	}
	want := map[int]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		lo, hi, isRange := strings.Cut(f, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("UNSOLVED=%s: %q is not a lab number or range (e.g. 1-10 or 1,3,5)", s, f)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("UNSOLVED=%s: %q is not a range (e.g. 1-10)", s, f)
			}
		} else if _, ok := findLab(a); !ok {
			return nil, fmt.Errorf("UNSOLVED=%s: chapter %d has no lab (`go run ./labs/grade list` shows the labs)", s, a)
		}
		for n := a; n <= b; n++ {
			want[n] = true
		}
	}
	var out []Lab
	for _, l := range labs {
		if want[l.N] {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("UNSOLVED=%s names no lab (`go run ./labs/grade list` shows the labs)", s)
	}
	return out, nil
}

func cmdEdition(root string, args []string) int {
	fs := flag.NewFlagSet("edition", flag.ExitOnError)
	out := fs.String("out", os.Getenv("OUT"), "the directory to write the edition into (new or empty)")
	unsolved := fs.String("unsolved", os.Getenv("UNSOLVED"), "the labs whose reference is left out: 1-10, 1,3,5 or all (the default)")
	fs.Parse(args)
	if *out == "" {
		fatal(errors.New("where? e.g. `make learner-edition OUT=../zkafka-class UNSOLVED=1-5`"))
	}
	sel, err := parseLabList(*unsolved)
	if err != nil {
		fatal(err)
	}
	rep, err := makeEdition(root, *out, sel)
	if err != nil {
		fatal(err)
	}
	var ns []int
	for _, l := range sel {
		ns = append(ns, l.N)
	}
	fmt.Printf("learner edition in %s: %d files\n", rep.Out, rep.Files)
	fmt.Printf("  lab %s: the reference files they replace hold the skeletons (%d files), their solutions left out,\n", labNames(ns), len(rep.Replaced))
	fmt.Printf("  %d docs excerpts of those files point at the learner's file\n", rep.Excerpts)
	var left []string
	for f := range rep.LeftOut {
		left = append(left, f)
	}
	sort.Strings(left)
	for _, f := range left {
		fmt.Printf("  left out %s: it holds the body of the reference %s\n", f, rep.LeftOut[f])
	}
	fmt.Printf("next: cd %s && make test-chapter %d; publish it as a new repository (no history: this one's history holds the reference)\n", rep.Out, sel[0].N)
	return 0
}

// editionReport says what makeEdition did.
type editionReport struct {
	Out      string
	Files    int
	Replaced map[string]string // reference file → the skeleton it now holds (paths from the root)
	Excerpts int               // docs excerpts rewritten
	LeftOut  map[string]string // a file left out because it holds a reference body → which
}

// makeEdition writes the learner edition of root, with the labs in
// unsolved left to the learner, into out (which must be new or empty and
// outside root).
func makeEdition(root, out string, unsolved []Lab) (*editionReport, error) {
	out, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	if rel, err := filepath.Rel(root, out); err == nil && !strings.HasPrefix(rel, "..") {
		return nil, fmt.Errorf("OUT=%s is inside the repository; choose a directory outside it", out)
	}
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("OUT=%s is not empty", out)
	}
	files, err := sourceFiles(root)
	if err != nil {
		return nil, err
	}
	rep := &editionReport{Out: out, Replaced: map[string]string{}, LeftOut: map[string]string{}}
	skip := map[string]bool{}
	ns := map[int]bool{}
	for _, l := range unsolved {
		ns[l.N] = true
		skip["solutions/"+l.Slug] = true
		for _, s := range l.Swaps {
			names, err := learnerFiles(filepath.Join(root, s.From))
			if err != nil {
				return nil, fmt.Errorf("lab %d: %w", l.N, err)
			}
			for _, n := range names {
				rep.Replaced[path.Join(s.To, n)] = path.Join(s.From, n)
			}
		}
	}
	for _, n := range editionUnsolved {
		ns[n] = true // an edition of an edition keeps what its source left out
	}
	windows, err := referenceWindows(root, rep.Replaced)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if skipped(f, skip) || f == editionListFile {
			continue
		}
		src := f
		if skel, ok := rep.Replaced[f]; ok {
			src = skel
		}
		data, err := os.ReadFile(filepath.Join(root, src))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue // deleted in the work tree, not yet in git
			}
			return nil, err
		}
		info, err := os.Stat(filepath.Join(root, src))
		if err != nil {
			return nil, err
		}
		if _, ok := rep.Replaced[f]; !ok {
			if from := windows.find(data); from != "" {
				// A copy of a reference body (a mutation test's edits of
				// the reference, say): it would hand the learner the answer.
				rep.LeftOut[f] = from
				continue
			}
		}
		if strings.HasPrefix(f, "docs/") && strings.HasSuffix(f, ".md") {
			var n int
			data, n = rewriteExcerpts(data, rep.Replaced, unsolved)
			rep.Excerpts += n
			for _, l := range unsolved {
				if f == "docs/solutions/"+l.Slug+"/index.md" {
					data = solutionStub(l)
				}
			}
		}
		if f == "README.md" {
			data = editionReadme(data, unsolved)
		}
		if err := writeFile(filepath.Join(out, f), data, info.Mode().Perm()); err != nil {
			return nil, err
		}
		rep.Files++
	}
	var list []int
	for n := range ns {
		list = append(list, n)
	}
	sort.Ints(list)
	if err := writeFile(filepath.Join(out, editionListFile), editionList(list), 0o644); err != nil {
		return nil, err
	}
	rep.Files++
	return rep, nil
}

func skipped(f string, dirs map[string]bool) bool {
	for d := range dirs {
		if f == d || strings.HasPrefix(f, d+"/") {
			return true
		}
	}
	return false
}

func writeFile(p string, data []byte, mode fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, mode)
}

// sourceFiles lists the repository's files (slash paths from root), as
// the work tree has them: what git tracks and what it would (untracked
// files .gitignore does not ignore), or, outside a git checkout (an
// edition of an edition), every file but build output and dependencies.
func sourceFiles(root string) ([]string, error) {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	if out, err := cmd.Output(); err == nil && len(out) > 0 {
		var files []string
		for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
			if f != "" {
				files = append(files, f)
			}
		}
		return files, nil
	}
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && p != root && (strings.HasPrefix(name, ".") && name != ".vitepress" || name == "node_modules" || name == "out" ||
			name == "dist" && strings.HasSuffix(filepath.Dir(p), ".vitepress") || name == "cache" && strings.HasSuffix(filepath.Dir(p), ".vitepress")) {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	return files, err
}

// excerptRE is a VitePress code excerpt line: <<< @/../zk/znode/create.go#prep-create{go}
var excerptRE = regexp.MustCompile(`^(\s*)<<<\s*@/(\S+?)(?:#([\w-]+))?(?:\{[^}]*\})?(?:\s*\[.*\])?\s*$`)

// rewriteExcerpts replaces each excerpt of a replaced file (it would show
// the skeleton's stub, or break on a region the skeleton does not have)
// with a note that sends the reader to the file they write.
func rewriteExcerpts(src []byte, replaced map[string]string, unsolved []Lab) ([]byte, int) {
	lines := strings.SplitAfter(string(src), "\n")
	n := 0
	for i, line := range lines {
		m := excerptRE.FindStringSubmatch(strings.TrimRight(line, "\r\n"))
		if m == nil {
			continue
		}
		file := path.Clean(path.Join("docs", m[2]))
		skel, ok := replaced[file]
		if !ok {
			continue
		}
		lab := 0
		for _, l := range unsolved {
			if strings.HasPrefix(skel, l.labDir()+"/") {
				lab = l.N
			}
		}
		region := ""
		if m[3] != "" {
			region = " (region `" + m[3] + "`)"
		}
		lines[i] = fmt.Sprintf("%s::: info You write this in lab %d\n%sThe full course shows the reference's code here: `%s`%s. This learner edition leaves it out: that file is yours to write, in [`%s`](src:%s). The worked solution shows it after the deadline.\n%s:::\n",
			m[1], lab, m[1], file, region, skel, skel, m[1])
		n++
	}
	return []byte(strings.Join(lines, "")), n
}

func solutionStub(l Lab) []byte {
	return fmt.Appendf(nil, `---
title: "Solution %d: %s"
---

# Worked solution: lab %d

This learner edition leaves out the worked solution of lab %d, and the
reference code it explains: [lab %d](../../labs/%s/) is yours to write.
Your teacher publishes the solution after the deadline.
`, l.N, l.Title, l.N, l.N, l.N, l.Slug)
}

// editionReadme adds, under the README's title, what this edition is.
func editionReadme(src []byte, unsolved []Lab) []byte {
	var ns []int
	for _, l := range unsolved {
		ns = append(ns, l.N)
	}
	note := fmt.Sprintf("\n> **Learner edition.** Lab %s: yours to write. In this copy the files of\n"+
		"> `zk/` and `kafka/` that those labs replace hold the labs' skeletons, and their\n"+
		"> worked solutions are not included. `make test-chapter N` grades your lab N,\n"+
		"> `make run-chapter N` runs chapter N's cluster on your labs, and `make test`\n"+
		"> says which labs are still open.\n", labNames(ns))
	sc := bufio.NewScanner(bytes.NewReader(src))
	var b bytes.Buffer
	done := false
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
		if !done && strings.HasPrefix(sc.Text(), "# ") {
			b.WriteString(note)
			done = true
		}
	}
	if !done {
		return append([]byte(note[1:]+"\n"), src...)
	}
	return b.Bytes()
}

func editionList(ns []int) []byte {
	var parts []string
	for _, n := range ns {
		parts = append(parts, strconv.Itoa(n))
	}
	src := fmt.Sprintf(`// Code generated by make learner-edition; DO NOT EDIT.

package main

// This tree is a learner edition: the reference of these labs is not in
// it (their files in zk/ and kafka/ hold the labs' skeletons).
func init() { editionUnsolved = []int{%s} }
`, strings.Join(parts, ", "))
	out, err := format.Source([]byte(src))
	if err != nil {
		panic(err)
	}
	return out
}

// refWindows indexes runs of reference code by their first line: for each
// function body of a replaced file, every run of six consecutive lines
// (trimmed, blank lines dropped; a whole body of three to five lines) that
// the skeleton does not have. Six lines of a body are the answer, not a
// coincidence.
type refWindows map[string][]refWindow

type refWindow struct {
	from  string // "zk/zab/proposals.go (Ack)"
	lines []string
}

// codeLines is src's lines, trimmed, without blank ones.
func codeLines(src []byte) []string {
	var out []string
	for _, l := range strings.Split(string(src), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func referenceWindows(root string, replaced map[string]string) (refWindows, error) {
	ws := refWindows{}
	for ref, skel := range replaced {
		src, err := os.ReadFile(filepath.Join(root, ref))
		if err != nil {
			return nil, err
		}
		skelSrc, err := os.ReadFile(filepath.Join(root, skel))
		if err != nil {
			return nil, err
		}
		skelText := "\n" + strings.Join(codeLines(skelSrc), "\n") + "\n"
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, ref, src, 0)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			lines := codeLines(src[fset.Position(fd.Body.Lbrace).Offset+1 : fset.Position(fd.Body.Rbrace).Offset])
			n := min(6, len(lines))
			if n < 3 {
				continue
			}
			for i := 0; i+n <= len(lines); i++ {
				w := lines[i : i+n]
				if !strings.Contains(skelText, "\n"+strings.Join(w, "\n")+"\n") {
					ws[w[0]] = append(ws[w[0]], refWindow{ref + " (" + fd.Name.Name + ")", w})
				}
			}
		}
	}
	return ws, nil
}

// find returns where the first run of reference code in src comes from,
// or "".
func (ws refWindows) find(src []byte) string {
	if len(ws) == 0 || bytes.IndexByte(src, 0) >= 0 {
		return ""
	}
	lines := codeLines(src)
	for i, l := range lines {
	next:
		for _, w := range ws[l] {
			if i+len(w.lines) > len(lines) {
				continue
			}
			for k, wl := range w.lines {
				if lines[i+k] != wl {
					continue next
				}
			}
			return w.from
		}
	}
	return ""
}
