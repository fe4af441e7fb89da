package log

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// File naming (docs/reference/kafka.md §3 "Directory"; AK Log.filenamePrefixFromOffset):
// a partition lives in <log.dir>/<topic>-<partition>/, each segment in
// files named by its base offset as 20 zero-padded digits, so a directory
// listing is in offset order.
const (
	LogSuffix       = ".log"
	IndexSuffix     = ".index"
	TimeIndexSuffix = ".timeindex"
	// Kafka's transient suffixes; we never write them, but remove any we
	// find on open so a log.dir written by Kafka loads.
	deletedSuffix = ".deleted"
	cleanedSuffix = ".cleaned"
	swapSuffix    = ".swap"
)

// FilenamePrefix is the base offset as %020d: 00000000000000000042.
func FilenamePrefix(base int64) string { return fmt.Sprintf("%020d", base) }

func segmentPath(dir string, base int64, suffix string) string {
	return path.Join(dir, FilenamePrefix(base)+suffix)
}

// parseSegmentName splits "00000000000000000042.log" into 42 and ".log".
func parseSegmentName(name string) (base int64, suffix string, ok bool) {
	i := strings.IndexByte(name, '.')
	if i != 20 {
		return 0, "", false
	}
	base, err := strconv.ParseInt(name[:i], 10, 64)
	if err != nil || base < 0 {
		return 0, "", false
	}
	return base, name[i:], true
}

// DirName is a partition's directory name: "<topic>-<partition>".
func DirName(topic string, partition int32) string {
	return topic + "-" + strconv.Itoa(int(partition))
}

// ParseDirName splits a partition directory name at its last '-'.
func ParseDirName(name string) (topic string, partition int32, ok bool) {
	i := strings.LastIndexByte(name, '-')
	if i <= 0 {
		return "", 0, false
	}
	p, err := strconv.ParseInt(name[i+1:], 10, 32)
	if err != nil || p < 0 || name[i+1:] != strconv.Itoa(int(p)) {
		return "", 0, false
	}
	return name[:i], int32(p), true
}

// openSegment opens (create: creates, truncating any leftovers) the three
// files of the segment at base and wraps them.
func openSegment(fsys vfs.FS, dir string, base int64, c segmentConfig, create bool, nowMs int64) (*segment, error) {
	flag := os.O_RDWR
	if create {
		flag |= os.O_CREATE | os.O_TRUNC
	}
	lf, err := fsys.OpenFile(segmentPath(dir, base, LogSuffix), flag, 0o644)
	if err != nil {
		return nil, err
	}
	// A missing index is rebuilt, so always allow creating them.
	xf, err := fsys.OpenFile(segmentPath(dir, base, IndexSuffix), flag|os.O_CREATE, 0o644)
	if err != nil {
		lf.Close()
		return nil, err
	}
	tf, err := fsys.OpenFile(segmentPath(dir, base, TimeIndexSuffix), flag|os.O_CREATE, 0o644)
	if err != nil {
		lf.Close()
		xf.Close()
		return nil, err
	}
	return newSegment(lf, xf, tf, base, c, nowMs), nil
}

// sync fsyncs the segment's three files.
func (s *segment) sync() error {
	return errors.Join(s.log.Sync(), s.index.file.Sync(), s.timeIndex.file.Sync())
}

// close closes the segment's files.
func (s *segment) close() error {
	return errors.Join(s.log.Close(), s.index.file.Close(), s.timeIndex.file.Close())
}

// removeSegmentFiles deletes a segment's files, the .log first: a crash
// in between leaves index files without a log, which Open removes.
func removeSegmentFiles(fsys vfs.FS, dir string, base int64) error {
	var errs []error
	for _, suf := range []string{LogSuffix, IndexSuffix, TimeIndexSuffix} {
		if err := fsys.Remove(segmentPath(dir, base, suf)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
