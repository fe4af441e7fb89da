package log

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// Checkpoint files in the log.dir root (docs/reference/kafka.md §3 "Checkpoint files";
// AK CheckpointFile.scala, OffsetCheckpointFile.scala):
//
//	0                  version
//	2                  number of entries
//	orders 0 1234      topic partition offset
//	orders 1 99
//
// written to a temp file, fsynced and renamed over the old one, so a
// crash leaves the old or the new checkpoint, never a mix.
const (
	RecoveryPointCheckpoint  = "recovery-point-offset-checkpoint"
	LogStartOffsetCheckpoint = "log-start-offset-checkpoint"
	CleanShutdownFile        = ".kafka_cleanshutdown"
)

// TopicPartition names a partition.
type TopicPartition struct {
	Topic     string
	Partition int32
}

func (tp TopicPartition) String() string { return DirName(tp.Topic, tp.Partition) }

// WriteCheckpoint atomically replaces the checkpoint file name.
func WriteCheckpoint(fsys vfs.FS, name string, offsets map[TopicPartition]int64) error {
	tps := make([]TopicPartition, 0, len(offsets))
	for tp := range offsets {
		tps = append(tps, tp)
	}
	sort.Slice(tps, func(i, j int) bool {
		if tps[i].Topic != tps[j].Topic {
			return tps[i].Topic < tps[j].Topic
		}
		return tps[i].Partition < tps[j].Partition
	})
	var b bytes.Buffer
	fmt.Fprintf(&b, "0\n%d\n", len(tps))
	for _, tp := range tps {
		fmt.Fprintf(&b, "%s %d %d\n", tp.Topic, tp.Partition, offsets[tp])
	}
	return vfs.WriteFileAtomic(fsys, name, b.Bytes())
}

// ReadCheckpoint reads a checkpoint file; a missing file is an empty map.
// A malformed one is an error (Kafka refuses to start on it too).
func ReadCheckpoint(fsys vfs.FS, name string) (map[TopicPartition]int64, error) {
	data, err := vfs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return map[TopicPartition]int64{}, nil
	}
	if err != nil {
		return nil, err
	}
	bad := func(why string) error { return fmt.Errorf("log: checkpoint %s: %s", name, why) }
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) < 2 || lines[0] != "0" {
		return nil, bad("want version 0")
	}
	n, err := strconv.Atoi(lines[1])
	if err != nil || n < 0 || n != len(lines)-2 {
		return nil, bad("entry count does not match")
	}
	out := make(map[TopicPartition]int64, n)
	for _, line := range lines[2:] {
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, bad(fmt.Sprintf("malformed line %q", line))
		}
		p, err1 := strconv.ParseInt(f[1], 10, 32)
		off, err2 := strconv.ParseInt(f[2], 10, 64)
		if err1 != nil || err2 != nil || p < 0 {
			return nil, bad(fmt.Sprintf("malformed line %q", line))
		}
		out[TopicPartition{f[0], int32(p)}] = off
	}
	return out, nil
}
