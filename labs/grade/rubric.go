package main

import (
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Item is one row of a lab's rubric, read from a graded test's doc comment:
//
//	// TestCreateSequential checks ...
//	//
//	// Points: 5
//	// Reference: docs/reference/zookeeper.md §1.5
//	func TestCreateSequential(t *testing.T)
type Item struct {
	Test      string // the test function's name
	Package   string // the directory it lives in, relative to the root
	Points    int
	Reference string // the section or source it checks
	Summary   string // the first sentence of the doc comment
	File      string // the test file, relative to the root
}

var (
	pointsRE    = regexp.MustCompile(`(?m)^\s*Points:\s*(\d+)\s*$`)
	referenceRE = regexp.MustCompile(`(?m)^\s*Reference:\s*(.+?)\s*$`)
)

// rubric reads the graded tests (files with the "grade" build tag) in dirs.
// Directories that do not exist are skipped: not every chapter has
// integration tests yet.
func rubric(root string, dirs ...string) ([]Item, error) {
	var items []Item
	for _, dir := range dirs {
		matches, err := filepath.Glob(filepath.Join(root, dir, "*_test.go"))
		if err != nil {
			return nil, err
		}
		for _, path := range matches {
			src, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			if !hasGradeTag(string(src)) {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.ParseComments)
			if err != nil {
				return nil, err
			}
			for _, decl := range f.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Recv != nil || !isTestName(fn.Name.Name) {
					continue
				}
				it := Item{Test: fn.Name.Name, Package: dir, File: filepath.ToSlash(filepath.Join(dir, filepath.Base(path)))}
				if fn.Doc != nil {
					doc := fn.Doc.Text()
					if m := pointsRE.FindStringSubmatch(doc); m != nil {
						it.Points, _ = strconv.Atoi(m[1])
					}
					if m := referenceRE.FindStringSubmatch(doc); m != nil {
						it.Reference = m[1]
					}
					it.Summary = firstSentence(doc)
				}
				items = append(items, it)
			}
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Package < items[j].Package })
	return items, nil
}

// labRubric is a lab's rubric: the graded tests of its lab and chapter
// directories, in the lab's Order (tests missing from Order come last, in
// the order they were read).
func labRubric(root string, l Lab) ([]Item, error) {
	items, err := rubric(root, l.labDir(), l.chapterDir())
	if err != nil {
		return nil, err
	}
	pos := map[string]int{}
	for i, n := range l.Order {
		pos[n] = i
	}
	rank := func(it Item) int {
		if p, ok := pos[it.Test]; ok {
			return p
		}
		return len(l.Order)
	}
	sort.SliceStable(items, func(i, j int) bool { return rank(items[i]) < rank(items[j]) })
	return items, nil
}

// checks is the summary without the test's name it starts with
// ("TestX checks…" or "TestX: five servers…").
func (it Item) checks() string {
	s, ok := strings.CutPrefix(it.Summary, it.Test)
	if !ok {
		return it.Summary
	}
	return strings.TrimLeft(s, ": ")
}

func hasGradeTag(src string) bool {
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if constraint.IsGoBuild(line) {
			// Graded: built with -tags grade and not without it (a
			// "//go:build !grade" file is a chapter's own ungraded test).
			expr, err := constraint.Parse(line)
			if err != nil {
				return false
			}
			return expr.Eval(func(tag string) bool { return tag == "grade" }) &&
				!expr.Eval(func(string) bool { return false })
		}
		if strings.HasPrefix(line, "package ") {
			return false
		}
	}
	return false
}

func isTestName(n string) bool {
	if !strings.HasPrefix(n, "Test") || n == "TestMain" {
		return false
	}
	rest := n[len("Test"):]
	return rest == "" || !(rest[0] >= 'a' && rest[0] <= 'z')
}

func firstSentence(doc string) string {
	doc = strings.Join(strings.Fields(doc), " ")
	if i := strings.Index(doc, ". "); i >= 0 {
		doc = doc[:i+1]
	}
	if i := strings.Index(doc, " Points:"); i >= 0 {
		doc = doc[:i]
	}
	return doc
}
