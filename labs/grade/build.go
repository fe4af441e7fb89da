package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// testBin is one package's compiled test binary (go test -c), or why it
// did not build.
type testBin struct {
	Dir        string   // the package directory, relative to the root
	ImportPath string   // modulePath + "/" + Dir
	Path       string   // the binary; "" if it did not build
	Build      []string // the compiler's messages, with the learner's paths
}

// suite is a lab's graded test packages, built with the learner's files
// swapped in (or the reference).
type suite struct {
	root     string
	lab      Lab
	solution bool
	tmp      string
	bins     map[string]*testBin // by Dir
	dirs     []string            // the order of testDirs
	// test2json is the go tool that turns a test binary's -test.v output
	// into events, as go test -json does.
	test2json string
	goroot    string
	// paths rewrites a test's output (a panic's stack) so that it names
	// the learner's files, not the reference files they replace.
	paths *strings.Replacer
}

// buildSuite compiles the test binaries of a lab's graded packages, in
// parallel. A package that does not compile is not an error: its testBin
// holds the compiler's messages. close removes the binaries.
func buildSuite(root string, l Lab, solution bool) (*suite, error) {
	tmp, err := os.MkdirTemp("", "zkafka-grade-")
	if err != nil {
		return nil, err
	}
	s := &suite{root: root, lab: l, solution: solution, tmp: tmp, bins: map[string]*testBin{}, dirs: testDirs(root, l)}
	var ov string
	var replace map[string]string
	if swaps := swapSet(l, solution); len(swaps) > 0 {
		if ov, replace, err = overlay(root, swaps); err != nil {
			s.close()
			return nil, err
		}
		defer os.RemoveAll(filepath.Dir(ov))
	}
	out, err := goCmd(root, "tool", "-n", "test2json")
	if err != nil {
		s.close()
		return nil, fmt.Errorf("go tool -n test2json: %v\n%s", err, out)
	}
	s.test2json = strings.TrimSpace(out)
	if out, err := goCmd(root, "env", "GOROOT"); err == nil {
		s.goroot = strings.TrimSpace(out)
	}
	var pairs []string
	for ref, learner := range replace {
		rel, err := filepath.Rel(root, learner)
		if err != nil {
			rel = learner
		}
		pairs = append(pairs, ref, filepath.ToSlash(rel))
	}
	s.paths = strings.NewReplacer(append(pairs, root+string(filepath.Separator), "")...)
	var wg sync.WaitGroup
	errs := make([]error, len(s.dirs))
	for i, d := range s.dirs {
		b := &testBin{Dir: d, ImportPath: modulePath + "/" + d}
		s.bins[d] = b
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.build(b, i, ov, replace)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			s.close()
			return nil, err
		}
	}
	return s, nil
}

func (s *suite) close() { os.RemoveAll(s.tmp) }

func (s *suite) build(b *testBin, i int, ov string, replace map[string]string) error {
	out := filepath.Join(s.tmp, fmt.Sprintf("%d.test", i))
	args := []string{"test", "-c", "-json", "-tags", "grade", "-o", out}
	if ov != "" {
		args = append(args, "-overlay", ov)
	}
	args = append(args, "./"+b.Dir)
	cmd := exec.Command("go", args...)
	cmd.Dir = s.root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	runErr := cmd.Wait()
	var msgs []string
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var ev struct{ Action, Output string }
		if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Action == "" {
			msgs = append(msgs, sc.Text())
			continue
		}
		if ev.Action == "build-output" {
			msgs = append(msgs, strings.TrimRight(ev.Output, "\n"))
		}
	}
	if _, err := os.Stat(out); runErr == nil && err == nil {
		b.Path = out
		return nil
	}
	if len(msgs) == 0 {
		// Not a compiler error: the go command's own (a bad overlay, a
		// missing package). It went to stderr.
		msgs = strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
	}
	if len(msgs) == 0 || (len(msgs) == 1 && msgs[0] == "") {
		msgs = []string{fmt.Sprintf("go %s: %v", strings.Join(args, " "), runErr)}
	}
	for i, m := range msgs {
		msgs[i] = learnerPaths(m, s.root, replace, s.lab)
	}
	b.Build = msgs
	return nil
}

// learnerPaths rewrites one line of compiler output so it names the files
// the learner edits: a reference file that the overlay replaced is shown as
// the learner's file (labs/01-znode-tree/znode/tree.go:12:3), other paths
// relative to the repository root, and a "# package" header says which of
// the learner's directories is swapped into it.
func learnerPaths(line, root string, replace map[string]string, l Lab) string {
	if pkg, ok := strings.CutPrefix(line, "# "); ok {
		imp, _, _ := strings.Cut(pkg, " ")
		imp = strings.TrimSuffix(strings.TrimPrefix(imp, modulePath+"/"), "_test")
		for _, sw := range l.Swaps {
			if imp == sw.To && len(replace) > 0 {
				return fmt.Sprintf("# %s (your files in %s swapped in)", sw.To, sw.From)
			}
		}
		return "# " + imp
	}
	trimmed := strings.TrimLeft(line, " \t")
	indent := line[:len(line)-len(trimmed)]
	file, rest, ok := strings.Cut(trimmed, ":")
	if !ok || !strings.HasSuffix(file, ".go") {
		return line
	}
	abs := file
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(root, abs)
	}
	if learner, ok := replace[abs]; ok {
		abs = learner
	}
	if rel, err := filepath.Rel(root, abs); err == nil && !strings.HasPrefix(rel, "..") {
		file = filepath.ToSlash(rel)
	}
	return indent + file + ":" + rest
}

// buildFailed lists the packages that did not compile.
func (s *suite) buildFailed() []*testBin {
	var out []*testBin
	for _, d := range s.dirs {
		if b := s.bins[d]; b.Path == "" {
			out = append(out, b)
		}
	}
	return out
}
