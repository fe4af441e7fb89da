// Command kbench measures how close the Kafka side of zkafka comes to the
// disk it runs on:
//
//  1. disk: dd's sequential write bandwidth, in the same directory and the
//     same run (dd if=/dev/zero bs=1M conv=fdatasync: N MiB through the
//     page cache, one fdatasync at the end);
//  2. log: kafka/log appending RecordBatch v2 batches to a partition on
//     that disk, then one Flush (fsync) — the same work as dd plus
//     Kafka's framing, offsets and indexes — and reading it all back;
//  3. produce/consume: franz-go's kgo producing acks=1 to an in-process
//     broker over loopback, at each record size, then consuming it all;
//  4. chapter 6's cluster: the same with 1 KiB records over 3 brokers on a
//     3-member ZooKeeper ensemble, a topic of 6 partitions, and the
//     aggregate MB/s as a ratio to the single broker's figure of the same
//     run (-cluster=false skips it).
//
// Every figure is also shown as a share of dd's bandwidth (the issue asks
// for produce at 60% or more). Records/s and MB/s count record values
// only, as Kafka's own perf tools do.
//
//	go run ./kafka/cmd/kbench                   # defaults: 256 MiB, 3 s per size
//	go run ./kafka/cmd/kbench -mb 1024 -duration 10s -sizes 100,1024,10240
//
// Reference: docs/reference/kafka.md §8 (Kreps 2014: 78 MB/s, 821,557 records/s of 100 B
// from one producer to a 6-disk JBOD).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/zkafka/zkafka/kafka/broker"
	"github.com/zkafka/zkafka/kafka/client"
	klog "github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

type row struct {
	name    string
	bytes   int64
	records int64
	elapsed time.Duration
	note    string
}

func (r row) mbps() float64 { return float64(r.bytes) / 1e6 / r.elapsed.Seconds() }

func main() {
	dir := flag.String("dir", "", "directory on the disk to measure (default: the system temp dir)")
	// 2 GiB, not less: a smaller dd fits in the host's and the kernel's
	// write caches and measures memory, not the disk (here 256 MiB ran at
	// 1.5 GB/s, 2 GiB at 443 MB/s), while the produce runs below write
	// gigabytes and meet the sustained rate.
	mb := flag.Int("mb", 2048, "MiB written by dd and by the log benchmark")
	duration := flag.Duration("duration", 3*time.Second, "produce time per record size")
	sizesFlag := flag.String("sizes", "100,1024", "record value sizes for produce/consume, bytes")
	ddRuns := flag.Int("ddruns", 3, "dd runs; the fastest is the disk's bandwidth")
	withCluster := flag.Bool("cluster", true, "also run 3 brokers × 6 partitions (1 KiB records) and print the ratio to one broker")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run (client and broker) to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fatal(err)
		}
		defer pprof.StopCPUProfile()
	}

	sizes, err := parseSizes(*sizesFlag)
	if err != nil {
		fatal(err)
	}
	tmp, err := os.MkdirTemp(*dir, "kbench-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(tmp)
	fmt.Printf("kbench: %d MiB on %s, produce %v per size\n\n", *mb, tmp, *duration)

	var rows []row
	disk, err := ddBench(tmp, *mb, *ddRuns)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dd skipped: %v\n", err)
	} else {
		rows = append(rows, disk)
	}
	app, rd, err := logBench(tmp, *mb)
	if err != nil {
		fatal(err)
	}
	rows = append(rows, app, rd)
	var single, multi [2]row
	for _, size := range sizes {
		p, c, err := kgoBench(tmp, size, *duration)
		if err != nil {
			fatal(err)
		}
		rows = append(rows, p, c)
		if size == 1024 {
			single = [2]row{p, c}
		}
	}
	if *withCluster {
		if single[0].elapsed == 0 { // -sizes without 1024: measure one broker at 1 KiB too
			p, c, err := kgoBench(tmp, 1024, *duration)
			if err != nil {
				fatal(err)
			}
			rows = append(rows, p, c)
			single = [2]row{p, c}
		}
		p, c, err := clusterBench(tmp, 1024, *duration)
		if err != nil {
			fatal(err)
		}
		rows = append(rows, p, c)
		multi = [2]row{p, c}
	}
	printTable(os.Stdout, rows, disk)
	if *withCluster {
		printScaling(os.Stdout, single, multi)
	}
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("-sizes: bad size %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "kbench:", err)
	os.Exit(1)
}

// ddBench times dd writing mb MiB with one fdatasync at the end: the
// disk's sequential bandwidth as a writer that does not fsync each write
// sees it — which is how Kafka writes (docs/reference/kafka.md §3: no forced flush).
// Virtual disks vary a lot from run to run (host caches), so it keeps the
// fastest of runs: the denominator of every "of disk" share is the disk at
// its best, which makes the shares conservative.
func ddBench(dir string, mb, runs int) (row, error) {
	dd, err := exec.LookPath("dd")
	if err != nil {
		return row{}, err
	}
	out := filepath.Join(dir, "dd.bin")
	best := time.Duration(1<<63 - 1)
	for i := 0; i < max(runs, 1); i++ {
		start := time.Now()
		cmd := exec.Command(dd, "if=/dev/zero", "of="+out, "bs=1M", "count="+strconv.Itoa(mb), "conv=fdatasync")
		if msg, err := cmd.CombinedOutput(); err != nil {
			return row{}, fmt.Errorf("%v: %s", err, msg)
		}
		best = min(best, time.Since(start))
		os.Remove(out)
	}
	return row{name: fmt.Sprintf("disk: dd bs=1M conv=fdatasync (best of %d)", max(runs, 1)), bytes: int64(mb) << 20, elapsed: best}, nil
}

// logBench appends mb MiB of 1 KiB records, 64 per batch, to a partition
// log, flushes it once, and reads it back from the start in 1 MiB fetches.
func logBench(dir string, mb int) (row, row, error) {
	cfg := klog.DefaultConfig()
	l, err := klog.Open(vfs.OS{}, filepath.Join(dir, "bench-0"), cfg, klog.Recovery{}, time.Now().UnixMilli())
	if err != nil {
		return row{}, row{}, err
	}
	defer l.Close()
	value := make([]byte, 1024)
	for i := range value {
		value[i] = byte(i * 7)
	}
	recs := make([]client.Record, 64)
	for i := range recs {
		recs[i] = client.Record{Value: value, Timestamp: time.UnixMilli(1_700_000_000_000)}
	}
	batch, err := client.BuildBatch(nil, record.None, recs)
	if err != nil {
		return row{}, row{}, err
	}
	work := make([]byte, len(batch))
	total := int64(mb) << 20
	var written, records int64
	start := time.Now()
	for written < total {
		copy(work, batch) // Append stamps offsets in place
		if _, err := l.Append(work, 0, time.Now().UnixMilli()); err != nil {
			return row{}, row{}, err
		}
		written += int64(len(batch))
		records += int64(len(recs))
	}
	if err := l.Flush(); err != nil {
		return row{}, row{}, err
	}
	app := row{name: "log: append 64×1KiB batches + fsync", bytes: records * 1024, records: records, elapsed: time.Since(start)}

	start = time.Now()
	var read, readRecs int64
	for off := l.StartOffset(); off < l.EndOffset(); {
		sec, err := l.Read(off, 1<<20, l.EndOffset(), true)
		if err != nil {
			return row{}, row{}, err
		}
		b, err := sec.Bytes()
		if err != nil {
			return row{}, row{}, err
		}
		for rest := b; len(rest) > 0; {
			_, tail, h, err := record.Split(rest)
			if err != nil {
				return row{}, row{}, err
			}
			off = h.NextOffset()
			readRecs += int64(h.NumRecords)
			rest = tail
		}
		read += int64(len(b))
	}
	rd := row{name: "log: read 1 MiB sections", bytes: readRecs * 1024, records: readRecs, elapsed: time.Since(start),
		note: "page cache"}
	return app, rd, nil
}

// kgoBench runs a broker on dir and has kgo produce size-byte records with
// acks=1 for d, then consume them all.
func kgoBench(dir string, size int, d time.Duration) (row, row, error) {
	logDir := filepath.Join(dir, fmt.Sprintf("broker-%d", size))
	b, err := broker.Start(broker.Config{LogDirs: []string{logDir},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return row{}, row{}, err
	}
	defer b.Close()
	topic := "bench"
	// No compression: kgo's default is snappy, which would make the broker
	// decompress every batch to validate it and write far fewer bytes than
	// it is credited with — no longer a comparison with the disk.
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addr()), kgo.RequiredAcks(kgo.LeaderAck()),
		kgo.DisableIdempotentWrite(), kgo.DefaultProduceTopic(topic), kgo.AllowAutoTopicCreation(),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		kgo.ProducerLinger(5*time.Millisecond), kgo.MaxBufferedRecords(1<<20/size*64))
	if err != nil {
		return row{}, row{}, err
	}
	defer cl.Close()
	ctx := context.Background()
	// Create the topic and warm the connection.
	if err := cl.ProduceSync(ctx, &kgo.Record{Value: []byte("warm-up")}).FirstErr(); err != nil {
		return row{}, row{}, err
	}
	produced, elapsed, err := produceFor(ctx, cl, size, d)
	if err != nil {
		return row{}, row{}, err
	}
	p := row{name: fmt.Sprintf("kgo produce %d B, acks=1, uncompressed", size), bytes: produced * int64(size), records: produced, elapsed: elapsed}

	took, err := consumeAll(ctx, []string{b.Addr()}, topic, produced+1 /* the warm-up record */, 60*time.Second)
	if err != nil {
		return row{}, row{}, err
	}
	c := row{name: fmt.Sprintf("kgo consume %d B", size), bytes: produced * int64(size), records: produced, elapsed: took}
	return p, c, nil
}

func printTable(w io.Writer, rows []row, disk row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "benchmark\tMB/s\trecords/s\tof disk\ttime\t")
	for _, r := range rows {
		recs, share := "-", "-"
		if r.records > 0 {
			recs = fmt.Sprintf("%.0f", float64(r.records)/r.elapsed.Seconds())
		}
		if disk.bytes > 0 {
			share = fmt.Sprintf("%.0f%%", 100*r.mbps()/disk.mbps())
		}
		name := r.name
		if r.note != "" {
			name += " (" + r.note + ")"
		}
		fmt.Fprintf(tw, "%s\t%.1f\t%s\t%s\t%.2fs\t\n", name, r.mbps(), recs, share, r.elapsed.Seconds())
	}
	tw.Flush()
}
