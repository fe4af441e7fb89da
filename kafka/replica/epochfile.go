package replica

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// EpochCheckpointFile is the file in each partition directory that holds
// its EpochCache (LeaderEpochCheckpointFile).
const EpochCheckpointFile = "leader-epoch-checkpoint"

// ErrMalformedCheckpoint is wrapped by every DecodeEpochCheckpoint error.
var ErrMalformedCheckpoint = errors.New("replica: malformed leader-epoch-checkpoint")

// EncodeEpochCheckpoint is the file's text as Kafka writes it
// (CheckpointFile): the version (0), the number of entries, then one
// "epoch startOffset" line per entry.
func EncodeEpochCheckpoint(entries []EpochEntry) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "0\n%d\n", len(entries))
	for _, e := range entries {
		fmt.Fprintf(&b, "%d %d\n", e.Epoch, e.StartOffset)
	}
	return []byte(b.String())
}

var whitespace = regexp.MustCompile(`\s+`)

// DecodeEpochCheckpoint reads the file's text (CheckpointFile.read): an
// empty file, or one that ends after its version, is an empty history;
// another version, a line that is not two numbers, or a count that does
// not match the lines is an error — Kafka then marks the log dir offline
// rather than guess; the broker recovers the history from the log's
// batches instead.
func DecodeEpochCheckpoint(data []byte) ([]EpochEntry, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrMalformedCheckpoint, fmt.Sprintf(format, args...))
	}
	lines := strings.Split(string(data), "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1] // the final newline
	}
	if len(lines) == 0 {
		return nil, nil
	}
	if v, err := strconv.Atoi(lines[0]); err != nil || v != 0 {
		return nil, bad("version %q, want 0", lines[0])
	}
	if len(lines) == 1 {
		return nil, nil
	}
	want, err := strconv.Atoi(lines[1])
	if err != nil || want < 0 {
		return nil, bad("entry count %q", lines[1])
	}
	var out []EpochEntry
	for _, l := range lines[2:] {
		f := whitespace.Split(l, -1)
		if len(f) != 2 {
			return nil, bad("line %q", l)
		}
		epoch, err1 := strconv.ParseInt(f[0], 10, 32)
		off, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, bad("line %q", l)
		}
		out = append(out, EpochEntry{int32(epoch), off})
	}
	if len(out) != want {
		return nil, bad("%d entries, the file says %d", len(out), want)
	}
	return out, nil
}
