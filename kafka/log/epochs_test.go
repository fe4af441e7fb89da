package log

import (
	"errors"
	"path"
	"slices"
	"testing"

	"github.com/zkafka/zkafka/kafka/replica"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// appendAt appends one 2-record batch as leader of epoch.
func appendAt(t *testing.T, l *Log, epoch int32) {
	t.Helper()
	if _, err := l.Append(mkBatch(1000, 2, 10), epoch, 1000); err != nil {
		t.Fatalf("Append at epoch %d: %v", epoch, err)
	}
}

func checkpointOf(t *testing.T, fs vfs.FS) string {
	t.Helper()
	b, err := vfs.ReadFile(fs, path.Join(testDir, replica.EpochCheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every append assigns its batches' epochs and the leader-epoch-checkpoint
// file follows (Log.append → leaderEpochCache.assign); a truncation cuts
// the history with the log (Log.truncateTo → truncateFromEnd); a reopen
// reads it back. Reference: KIP-101; AK 2.3.1 Log.scala, LeaderEpochFileCache.
func TestLogKeepsLeaderEpochs(t *testing.T) {
	fs := vfs.NewMem()
	l := mustOpen(t, fs, smallConfig(), Recovery{})
	appendAt(t, l, 0) // offsets 0-1
	appendAt(t, l, 0) // 2-3
	appendAt(t, l, 3) // 4-5
	appendAt(t, l, 5) // 6-7
	if got, want := checkpointOf(t, fs), "0\n3\n0 0\n3 4\n5 6\n"; got != want {
		t.Fatalf("checkpoint %q, want %q", got, want)
	}
	if e, end, ok := l.EndOffsetForEpoch(3); !ok || e != 3 || end != 6 {
		t.Fatalf("EndOffsetForEpoch(3) = %d, %d, %v; want 3, 6", e, end, ok)
	}
	// Batches are whole: cutting at 6 keeps epoch 3's batch (4-5) and
	// drops epoch 5's; cutting at 5 would drop both.
	if err := l.TruncateTo(6); err != nil {
		t.Fatal(err)
	}
	if got, want := checkpointOf(t, fs), "0\n2\n0 0\n3 4\n"; got != want {
		t.Fatalf("after TruncateTo(6): checkpoint %q, want %q", got, want)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = mustOpen(t, fs, smallConfig(), Recovery{})
	defer l.Close()
	if got := l.Epochs(); !slices.Equal(got, []replica.EpochEntry{{Epoch: 0, StartOffset: 0}, {Epoch: 3, StartOffset: 4}}) {
		t.Fatalf("reopened: epochs %v", got)
	}
	if l.LatestEpoch() != 3 {
		t.Fatalf("LatestEpoch %d, want 3", l.LatestEpoch())
	}
}

// A damaged or missing checkpoint is rebuilt from the batches'
// partitionLeaderEpoch, and the damage is reported; the history is cut to
// what recovery kept.
func TestLogRebuildsLeaderEpochs(t *testing.T) {
	fs := vfs.NewMem()
	l := mustOpen(t, fs, smallConfig(), Recovery{})
	appendAt(t, l, 1)
	appendAt(t, l, 2)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	file := path.Join(testDir, replica.EpochCheckpointFile)
	if err := vfs.WriteFileAtomic(fs, file, []byte("0\n7\ngarbage\n")); err != nil {
		t.Fatal(err)
	}
	l = mustOpen(t, fs, smallConfig(), Recovery{})
	if !errors.Is(l.EpochCheckpointRebuilt(), replica.ErrMalformedCheckpoint) {
		t.Fatalf("EpochCheckpointRebuilt() = %v, want the decode error", l.EpochCheckpointRebuilt())
	}
	if got := l.Epochs(); !slices.Equal(got, []replica.EpochEntry{{Epoch: 1, StartOffset: 0}, {Epoch: 2, StartOffset: 2}}) {
		t.Fatalf("rebuilt epochs %v", got)
	}
	if got, want := checkpointOf(t, fs), "0\n2\n1 0\n2 2\n"; got != want {
		t.Fatalf("rewritten checkpoint %q, want %q", got, want)
	}
	l.Close()
	if err := fs.Remove(file); err != nil {
		t.Fatal(err)
	}
	l = mustOpen(t, fs, smallConfig(), Recovery{})
	defer l.Close()
	if got := l.Epochs(); !slices.Equal(got, []replica.EpochEntry{{Epoch: 1, StartOffset: 0}, {Epoch: 2, StartOffset: 2}}) {
		t.Fatalf("epochs from a log with no checkpoint %v", got)
	}
}

// Retention moves the log start: the first epoch kept starts there
// (Log.deleteSegments → truncateFromStart).
func TestRetentionCutsLeaderEpochs(t *testing.T) {
	fs := vfs.NewMem()
	cfg := smallConfig()
	cfg.RetentionMs = 10
	l := mustOpen(t, fs, cfg, Recovery{})
	defer l.Close()
	for i := range 12 {
		appendAt(t, l, int32(i/4)) // epochs 0, 1, 2: four batches each
	}
	if _, err := l.DeleteOldSegments(1_000_000, l.EndOffset()); err != nil {
		t.Fatal(err)
	}
	start := l.StartOffset()
	if start == 0 {
		t.Fatal("retention deleted nothing: the test needs it to")
	}
	got := l.Epochs()
	if len(got) == 0 || got[0].StartOffset != start {
		t.Fatalf("after retention to %d: epochs %v, want the first to start at %d", start, got, start)
	}
}

// A new leader records its epoch's start before writing anything
// (Partition.makeLeader → maybeAssignEpochStartOffset), so a follower
// asking about the previous epoch learns where it ended.
func TestAssignEpochStart(t *testing.T) {
	fs := vfs.NewMem()
	l := mustOpen(t, fs, smallConfig(), Recovery{})
	defer l.Close()
	appendAt(t, l, 2) // offsets 0-1 in epoch 2
	if err := l.AssignEpochStart(5, l.EndOffset()); err != nil {
		t.Fatal(err)
	}
	if e, end, ok := l.EndOffsetForEpoch(2); !ok || e != 2 || end != 2 {
		t.Fatalf("EndOffsetForEpoch(2) = %d, %d, %v; want 2, 2", e, end, ok)
	}
	if got, want := checkpointOf(t, fs), "0\n2\n2 0\n5 2\n"; got != want {
		t.Fatalf("checkpoint %q, want %q", got, want)
	}
}
