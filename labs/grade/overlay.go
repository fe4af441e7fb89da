package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// overlay builds the -overlay JSON that swaps the learner's files of the
// given labs into the reference packages, and returns its path. The map
// goes from the reference file's absolute path to the learner's file.
func overlay(root string, ls []Lab) (string, map[string]string, error) {
	replace := map[string]string{}
	for _, l := range ls {
		for _, s := range l.Swaps {
			files, err := learnerFiles(filepath.Join(root, s.From))
			if err != nil {
				return "", nil, fmt.Errorf("lab %d: %w", l.N, err)
			}
			if len(files) == 0 {
				return "", nil, fmt.Errorf("lab %d: no learner files in %s", l.N, s.From)
			}
			for _, f := range files {
				replace[filepath.Join(root, s.To, f)] = filepath.Join(root, s.From, f)
			}
		}
	}
	data, err := json.MarshalIndent(struct{ Replace map[string]string }{replace}, "", "  ")
	if err != nil {
		return "", nil, err
	}
	dir, err := os.MkdirTemp("", "zkafka-overlay-")
	if err != nil {
		return "", nil, err
	}
	path := filepath.Join(dir, "overlay.json")
	return path, replace, os.WriteFile(path, data, 0o644)
}

// learnerFiles lists the non-test Go files of a lab package directory.
func learnerFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		out = append(out, n)
	}
	sort.Strings(out)
	return out, nil
}
