package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
)

// A contract is the marked paragraph of a function's doc comment that
// says what must hold, not how: it starts with "Contract:" and runs to
// the next paragraph that is not indented (a list under it belongs to
// it). The skeleton states the contract of each function the learner
// writes, and the reference states the same one, word for word: the how
// lives in the handout's hints. checkContracts holds them together.

// contracts reads the contract paragraphs of a Go file's functions, by
// "Recv.Name" (or "Name"), and which functions are lab stubs.
func contracts(path string) (map[string]string, map[string]bool, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		return nil, nil, err
	}
	out, stubs := map[string]string{}, map[string]bool{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		name := fd.Name.Name
		if fd.Recv != nil && len(fd.Recv.List) > 0 {
			t := fd.Recv.List[0].Type
			if s, ok := t.(*ast.StarExpr); ok {
				t = s.X
			}
			if id, ok := t.(*ast.Ident); ok {
				name = id.Name + "." + name
			}
		}
		if fd.Doc != nil {
			if c := contractOf(fd.Doc.Text()); c != "" {
				out[name] = c
			}
		}
		if fd.Body != nil && !isStubRecorder(fd.Name.Name) {
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if isStubMark(n) {
					stubs[name] = true
				}
				return true
			})
			// A stub with nothing to return but a zero value may say so
			// only in a comment (lab 5's shouldRoll: "return false //
			// not implemented: lab 5 (segment.shouldRoll)").
			for _, cg := range f.Comments {
				if cg.Pos() > fd.Body.Lbrace && cg.End() < fd.Body.Rbrace &&
					strings.Contains(cg.Text(), "not implemented: lab") {
					stubs[name] = true
				}
			}
		}
	}
	return out, stubs, nil
}

// isStubRecorder reports whether a function is a skeleton's stub
// recorder rather than a stub: lab 2's notImplemented, which records a
// stub's name, and Unimplemented, which reports it with the "not
// implemented: lab 2" text.
func isStubRecorder(name string) bool {
	return name == "Unimplemented" || strings.EqualFold(name, "notImplemented")
}

// isStubMark reports whether n marks its function as a lab stub: the
// "not implemented: lab N" text itself (labs 1 and 5; in a comment
// when the stub has no error to return, see contracts), or a call that
// records the stub — labs/stub.NotImplemented (labs 3 and 4), or a
// skeleton's own notImplemented helper (lab 2).
func isStubMark(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.BasicLit:
		return strings.Contains(n.Value, "not implemented: lab")
	case *ast.CallExpr:
		var name string
		switch f := n.Fun.(type) {
		case *ast.Ident:
			name = f.Name
		case *ast.SelectorExpr:
			name = f.Sel.Name
		}
		return strings.HasSuffix(strings.ToLower(name), "notimplemented")
	}
	return false
}

// contractOf extracts the contract from a doc comment's text, with its
// white space folded, or "".
func contractOf(doc string) string {
	lines := strings.Split(doc, "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "Contract:") {
			start = i
			break
		}
	}
	if start < 0 {
		return ""
	}
	end := len(lines)
	for i := start + 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "" {
			continue
		}
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
			j++
		}
		if j < len(lines) && lines[j] != "" && lines[j][0] != ' ' && lines[j][0] != '\t' {
			end = i
			break
		}
	}
	return strings.Join(strings.Fields(strings.Join(lines[start:end], "\n")), " ")
}

// checkContracts compares, for each learner file of lab l, the skeleton's
// contracts with the reference's: every contract the skeleton states, the
// reference states word for word; and where the lab has Contracts set,
// every stub has one.
func checkContracts(root string, l Lab) error {
	var bad []string
	for _, s := range l.Swaps {
		files, err := learnerFiles(filepath.Join(root, s.From))
		if err != nil {
			return err
		}
		for _, f := range files {
			skel, stubs, err := contracts(filepath.Join(root, s.From, f))
			if err != nil {
				return err
			}
			ref, _, err := contracts(filepath.Join(root, s.To, f))
			if err != nil {
				return err
			}
			var names []string
			for n := range stubs {
				names = append(names, n)
			}
			for n := range skel {
				if !stubs[n] {
					names = append(names, n)
				}
			}
			sort.Strings(names)
			for _, n := range names {
				sc, rc := skel[n], ref[n]
				switch {
				case sc == "" && l.Contracts:
					bad = append(bad, fmt.Sprintf("%s/%s: %s has no \"Contract:\" paragraph", s.From, f, n))
				case sc == "":
				case rc == "":
					bad = append(bad, fmt.Sprintf("%s/%s: %s states a contract, and %s/%s's %s has none", s.From, f, n, s.To, f, n))
				case sc != rc:
					bad = append(bad, fmt.Sprintf("%s/%s: %s's contract differs from %s/%s's:\n      skeleton:  %s\n      reference: %s", s.From, f, n, s.To, f, clip(sc, 300), clip(rc, 300)))
				}
			}
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("contracts: %s", strings.Join(bad, "\n    "))
	}
	return nil
}
