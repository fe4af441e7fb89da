package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// runPython runs script with /usr/bin/python3 (Debian's, where
// python3-kafka installs), the partition count as its argument and one
// hex key a line on stdin; it reads one partition a line back.
func runPython(script string, keys []string, np int32) ([]int32, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var in strings.Builder
	for _, k := range keys {
		fmt.Fprintln(&in, hex.EncodeToString([]byte(k)))
	}
	cmd := exec.CommandContext(ctx, "/usr/bin/python3", "-c", script, strconv.Itoa(int(np)))
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("kafka-python: %w", err)
	}
	lines := strings.Fields(string(out))
	if len(lines) != len(keys) {
		return nil, fmt.Errorf("kafka-python printed %d partitions for %d keys", len(lines), len(keys))
	}
	res := make([]int32, len(keys))
	for i, l := range lines {
		v, err := strconv.Atoi(l)
		if err != nil {
			return nil, fmt.Errorf("kafka-python: %q", l)
		}
		res[i] = int32(v)
	}
	return res, nil
}
