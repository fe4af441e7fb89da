package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Each handout (labs/NN-slug/README.md) holds its lab's rubric between
// these markers. The table is generated from the graded tests' Points:
// comments, so the handout and the grader cannot disagree:
// `grade rubric N` prints it, `grade rubric -write` rewrites the handouts,
// and `grade check` and TestHandoutRubricsMatchTheGrader fail when a
// handout's table is stale.
const (
	rubricBegin = "<!-- rubric:begin -->"
	rubricEnd   = "<!-- rubric:end -->"
)

// rubricTable is the markdown table of a lab's rubric, in rubric order.
func rubricTable(l Lab, items []Item) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!-- generated from the graded tests' Points: comments by `go run ./labs/grade rubric %d -write`: edit the tests, not this table -->\n\n", l.N)
	b.WriteString("| test | file | points | checks |\n")
	b.WriteString("|---|---|---:|---|\n")
	total := 0
	for _, it := range items {
		total += it.Points
		file := it.File
		if rest, ok := strings.CutPrefix(file, l.labDir()+"/"); ok {
			file = rest
		}
		fmt.Fprintf(&b, "| %s | `%s` | %d | %s |\n", it.Test, file, it.Points, mdCell(it.checks()))
	}
	fmt.Fprintf(&b, "| **total** | | **%d** | |\n", total)
	return b.String()
}

// mdCell makes s one table cell: "|" escaped, and "<" too (the docs site
// would read "<topic>" as an HTML tag).
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "<", "&lt;")
	return strings.Join(strings.Fields(s), " ")
}

func (l Lab) handout() string { return l.labDir() + "/README.md" }

// handoutRubric returns the handout's text with its rubric block replaced
// by want, and whether the block already was want.
func handoutRubric(src []byte, want string) ([]byte, bool, error) {
	i := bytes.Index(src, []byte(rubricBegin))
	j := bytes.Index(src, []byte(rubricEnd))
	if i < 0 || j < i {
		return nil, false, fmt.Errorf("no %s … %s block", rubricBegin, rubricEnd)
	}
	start := i + len(rubricBegin)
	block := "\n" + want
	same := string(src[start:j]) == block
	var out bytes.Buffer
	out.Write(src[:start])
	out.WriteString(block)
	out.Write(src[j:])
	return out.Bytes(), same, nil
}

// checkHandout reports whether lab l's handout holds the grader's rubric;
// with write it rewrites the handout's table when it does not.
func checkHandout(root string, l Lab, write bool) error {
	items, err := labRubric(root, l)
	if err != nil {
		return err
	}
	path := filepath.Join(root, l.handout())
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, same, err := handoutRubric(src, rubricTable(l, items))
	if err != nil {
		return fmt.Errorf("%s: %w", l.handout(), err)
	}
	if same {
		return nil
	}
	if !write {
		return fmt.Errorf("%s: the rubric table differs from the graded tests (`go run ./labs/grade rubric %d -write` updates it)", l.handout(), l.N)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		return err
	}
	fmt.Printf("grade: updated the rubric in %s\n", l.handout())
	return nil
}

// cmdRubric prints lab N's rubric as the handout's markdown table, or with
// -write updates the handouts (of lab N, or of every lab).
func cmdRubric(root string, args []string) int {
	var sel []Lab
	for len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		n, err := strconv.Atoi(args[0])
		if err != nil {
			fatal(fmt.Errorf("chapter %q is not a number", args[0]))
		}
		l, ok := findLab(n)
		if !ok {
			fatal(fmt.Errorf("chapter %d has no lab yet (`go run ./labs/grade list` shows the labs)", n))
		}
		sel = append(sel, l)
		args = args[1:]
	}
	fs := flag.NewFlagSet("rubric", flag.ExitOnError)
	write := fs.Bool("write", false, "update the rubric tables in the handouts")
	fs.Parse(args)
	if len(sel) == 0 {
		if !*write {
			fatal(errors.New("which chapter? e.g. `go run ./labs/grade rubric 1` (or -write for every handout)"))
		}
		sel = labs
	}
	for _, l := range sel {
		if *write {
			if err := checkHandout(root, l, true); err != nil {
				fatal(err)
			}
			continue
		}
		items, err := labRubric(root, l)
		if err != nil {
			fatal(err)
		}
		fmt.Print(rubricTable(l, items))
	}
	return 0
}
