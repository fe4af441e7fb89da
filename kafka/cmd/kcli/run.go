package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/zkafka/zkafka/kafka/client"
	"github.com/zkafka/zkafka/kafka/record"
)

// options are the parsed flags.
type options struct {
	brokers   string
	topic     string
	partition int
	list      bool
	produce   bool
	consume   bool
	key       string
	keySet    bool
	keyDelim  string
	msgDelim  string
	codec     string
	offset    string
	exitEOF   bool
	count     int
	format    string
	quiet     bool
	acks      string
	timeout   time.Duration
}

// run is main without the process: testable against an in-process broker.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "topics" || args[0] == "configs") {
		return runAdmin(args[0], args[1:], stdout, stderr) // admin.go
	}
	fs := flag.NewFlagSet("kcli", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.brokers, "b", "127.0.0.1:9092", "bootstrap broker(s), host:port[,host:port...]")
	fs.StringVar(&o.topic, "t", "", "topic to produce to, consume from, or list")
	fs.IntVar(&o.partition, "p", -1, "partition (default: all for -C, murmur2 of the key for -P)")
	fs.BoolVar(&o.list, "L", false, "metadata list mode")
	fs.BoolVar(&o.produce, "P", false, "producer mode: one record per line of stdin")
	fs.BoolVar(&o.consume, "C", false, "consumer mode")
	fs.Func("k", "fixed key for every produced record", func(s string) error { o.key, o.keySet = s, true; return nil })
	fs.StringVar(&o.keyDelim, "K", "", "key delimiter: produce key<delim>value lines; consume prints %k<delim>%s")
	fs.StringVar(&o.msgDelim, "D", "\\n", "message delimiter (produce)")
	fs.StringVar(&o.codec, "z", "none", "compression codec: none, gzip, snappy, lz4, zstd")
	fs.StringVar(&o.offset, "o", "beginning", "start offset: beginning, end, N, -N (N before the end), s@<ms timestamp>")
	fs.BoolVar(&o.exitEOF, "e", false, "exit when every partition has been read to its end")
	fs.IntVar(&o.count, "c", 0, "exit after this many records")
	fs.StringVar(&o.format, "f", "", "output format: %t topic, %p partition, %o offset, %k key, %K key length, %s value, %S value length, %T timestamp, %h headers, \\n \\t")
	fs.BoolVar(&o.quiet, "q", false, "no informational messages on stderr")
	fs.StringVar(&o.acks, "X", "acks=all", "acks=0|1|all (kcat's -X request.required.acks)")
	fs.DurationVar(&o.timeout, "m", 10*time.Second, "metadata and request timeout")
	if err := fs.Parse(getoptArgs(args)); err != nil {
		return 2
	}
	modes := 0
	for _, m := range []bool{o.list, o.produce, o.consume} {
		if m {
			modes++
		}
	}
	if modes != 1 {
		fmt.Fprintln(stderr, "% ERROR: give exactly one of -L, -P, -C")
		fs.Usage()
		return 2
	}
	if (o.produce || o.consume) && o.topic == "" {
		fmt.Fprintln(stderr, "% ERROR: -t <topic> is required with -P and -C")
		return 2
	}
	// Like librdkafka, a producer asks for missing topics to be created.
	c, err := client.New(client.Config{Brokers: strings.Split(o.brokers, ","), ClientID: "kcli", AutoCreateTopics: o.produce})
	if err != nil {
		return fatal(stderr, err)
	}
	defer c.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	switch {
	case o.list:
		err = list(ctx, c, o, stdout)
	case o.produce:
		err = produce(ctx, c, o, stdin, stderr)
	default:
		err = consume(ctx, c, o, stdout, stderr)
	}
	if err != nil {
		return fatal(stderr, err)
	}
	return 0
}

// getoptArgs splits kcat-style attached values ("-K:", "-o-2", "-p0")
// into flag and value, which Go's flag package wants apart.
func getoptArgs(args []string) []string {
	const withValue = "btpkKDzocfXm"
	var out []string
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' && strings.IndexByte(withValue, a[1]) >= 0 && !strings.Contains(a[:2], "=") && a[2] != '=' {
			out = append(out, a[:2], a[2:])
			continue
		}
		out = append(out, a)
	}
	return out
}

func fatal(w io.Writer, err error) int {
	fmt.Fprintf(w, "%% ERROR: %v\n", err)
	return 1
}

// list prints metadata as kcat -L does (kcat.c metadata_print).
func list(ctx context.Context, c *client.Client, o options, w io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	var md *client.Metadata
	var err error
	what := "all topics"
	if o.topic != "" {
		md, err = c.Metadata(ctx, o.topic)
		what = o.topic
	} else {
		md, err = c.Metadata(ctx)
	}
	if err != nil {
		return fmt.Errorf("Failed to acquire metadata: %w", err)
	}
	fmt.Fprintf(w, "Metadata for %s (from broker -1: %s/bootstrap):\n", what, md.Asked)
	fmt.Fprintf(w, " %d brokers:\n", len(md.Brokers))
	for _, b := range md.Brokers {
		ctrl := ""
		if b.NodeID == md.ControllerID {
			ctrl = " (controller)"
		}
		fmt.Fprintf(w, "  broker %d at %s:%d%s\n", b.NodeID, b.Host, b.Port, ctrl)
	}
	fmt.Fprintf(w, " %d topics:\n", len(md.Topics))
	for _, t := range md.Topics {
		fmt.Fprintf(w, "  topic %q with %d partitions:", t.Name, len(t.Partitions))
		if t.Err != nil {
			fmt.Fprintf(w, " %s", brokerErr(t.Err))
		}
		fmt.Fprintln(w)
		for _, p := range t.Partitions {
			fmt.Fprintf(w, "    partition %d, leader %d, replicas: %s, isrs: %s", p.Partition, p.Leader, ints(p.Replicas), ints(p.ISR))
			if p.Err != nil {
				fmt.Fprintf(w, ", %s", brokerErr(p.Err))
			}
			fmt.Fprintln(w)
		}
	}
	return nil
}

// brokerErr names a Kafka error code the way librdkafka's err2str does
// ("Broker: ..."), with Kafka's own name for it.
func brokerErr(err error) string {
	var e *client.Error
	if errors.As(err, &e) {
		return "Broker: " + e.Err.Message
	}
	return err.Error()
}

func ints(xs []int32) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(int(x))
	}
	return strings.Join(s, ",")
}

func parseCodec(s string) (record.Codec, error) {
	for c := record.None; c <= record.Zstd; c++ {
		if c.String() == s {
			return c, nil
		}
	}
	return 0, fmt.Errorf("unknown codec %q (none, gzip, snappy, lz4, zstd)", s)
}

func parseAcks(s string) (client.Acks, error) {
	k, v, _ := strings.Cut(s, "=")
	if k != "acks" && k != "request.required.acks" {
		return 0, fmt.Errorf("-X %s: only acks=0|1|all is supported", s)
	}
	switch v {
	case "0":
		return client.AcksNone, nil
	case "1":
		return client.AcksLeader, nil
	case "all", "-1":
		return client.AcksAll, nil
	}
	return 0, fmt.Errorf("-X %s: acks must be 0, 1 or all", s)
}

// unescape turns kcat's delimiter escapes (\n, \t, \r, \\, \xNN) into bytes.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\':
			b.WriteByte('\\')
		case 'x':
			if i+2 < len(s) {
				if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
					b.WriteByte(byte(v))
					i += 2
					continue
				}
			}
			b.WriteString(`\x`)
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// produce sends stdin, split at the message delimiter, one record per
// non-empty message (kcat skips empty lines too).
func produce(ctx context.Context, c *client.Client, o options, in io.Reader, stderr io.Writer) error {
	codec, err := parseCodec(o.codec)
	if err != nil {
		return err
	}
	acks, err := parseAcks(o.acks)
	if err != nil {
		return err
	}
	cfg := client.DefaultProducerConfig()
	cfg.Acks, cfg.Codec = acks, codec
	if o.partition >= 0 {
		cfg.ManualPartition = true
	}
	p := client.NewProducer(c, cfg)
	delim := unescape(o.msgDelim)
	keyDelim := unescape(o.keyDelim)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	sc.Split(splitAt(delim))
	n, sent := 0, 0
	flush := func() error {
		res, err := p.Flush(ctx)
		sent += len(res)
		if err != nil {
			return fmt.Errorf("delivery failed: %w", err)
		}
		return nil
	}
	for sc.Scan() {
		msg := sc.Bytes()
		if len(msg) == 0 {
			continue
		}
		rec := client.Record{Topic: o.topic, Partition: int32(o.partition)}
		if keyDelim != "" {
			if k, v, ok := strings.Cut(string(msg), keyDelim); ok {
				rec.Key, msg = []byte(k), []byte(v)
			}
		}
		if rec.Key == nil && o.keySet {
			rec.Key = []byte(o.key)
		}
		rec.Value = append([]byte(nil), msg...)
		p.Buffer(rec)
		n++
		if n%1000 == 0 {
			if err := flush(); err != nil {
				return err
			}
		}
		if o.count > 0 && n >= o.count {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("Unable to read message: %w", err)
	}
	if err := flush(); err != nil {
		return err
	}
	if !o.quiet {
		fmt.Fprintf(stderr, "%% Produced %d messages to %s\n", sent, o.topic)
	}
	return nil
}

// splitAt is a bufio.SplitFunc cutting at delim.
func splitAt(delim string) bufio.SplitFunc {
	return func(data []byte, atEOF bool) (int, []byte, error) {
		if i := strings.Index(string(data), delim); i >= 0 {
			return i + len(delim), data[:i], nil
		}
		if atEOF && len(data) > 0 {
			return len(data), data, nil
		}
		return 0, nil, nil
	}
}

func parseOffset(s string) (client.Offset, error) {
	switch {
	case s == "beginning":
		return client.Beginning(), nil
	case s == "end":
		return client.End(), nil
	case strings.HasPrefix(s, "s@"):
		ms, err := strconv.ParseInt(s[2:], 10, 64)
		return client.AtTime(ms), err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return client.Offset{}, fmt.Errorf("-o %s: want beginning, end, N, -N or s@<ms>", s)
	}
	if n < 0 {
		return client.Tail(-n), nil
	}
	return client.At(n), nil
}

// consume prints records as kcat -C does.
func consume(ctx context.Context, c *client.Client, o options, stdout, stderr io.Writer) error {
	at, err := parseOffset(o.offset)
	if err != nil {
		return err
	}
	format := o.format
	if format == "" {
		format = "%s\\n"
		if o.keyDelim != "" {
			format = "%k" + o.keyDelim + "%s\\n"
		}
	}
	mctx, cancel := context.WithTimeout(ctx, o.timeout)
	t, err := c.Topic(mctx, o.topic)
	cancel()
	if err != nil {
		return fmt.Errorf("Topic %s error: %w", o.topic, err)
	}
	var parts []int32
	for _, p := range t.Partitions {
		if o.partition < 0 || int(p.Partition) == o.partition {
			parts = append(parts, p.Partition)
		}
	}
	if len(parts) == 0 {
		return fmt.Errorf("Topic %s (with partitions 0..%d): partition %d does not exist", o.topic, len(t.Partitions)-1, o.partition)
	}
	co := client.NewConsumer(c, client.ConsumerConfig{MaxWait: 100 * time.Millisecond})
	for _, p := range parts {
		actx, cancel := context.WithTimeout(ctx, o.timeout)
		err := co.Assign(actx, o.topic, p, at)
		cancel()
		if err != nil {
			return err
		}
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	atEOF := map[int32]bool{}
	n := 0
	for {
		recs, err := co.Poll(ctx)
		if ctx.Err() != nil {
			return nil // interrupted
		}
		if err != nil {
			return err
		}
		for _, r := range recs {
			writeFormat(out, format, r)
			atEOF[r.Partition] = false
			n++
			if o.count > 0 && n >= o.count {
				return nil
			}
		}
		out.Flush()
		for _, p := range parts {
			pos, _ := co.Position(o.topic, p)
			hw := co.HighWatermark(o.topic, p)
			if hw >= 0 && pos >= hw && !atEOF[p] {
				atEOF[p] = true
				eofs := 0
				for _, q := range parts {
					if atEOF[q] {
						eofs++
					}
				}
				exiting := ""
				if o.exitEOF && eofs == len(parts) {
					exiting = ": exiting"
				}
				if !o.quiet {
					fmt.Fprintf(stderr, "%% Reached end of topic %s [%d] at offset %d%s\n", o.topic, p, pos, exiting)
				}
				if exiting != "" {
					return nil
				}
			}
		}
	}
}

// writeFormat expands kcat's -f tokens for one record (kcat format.c).
func writeFormat(w *bufio.Writer, format string, r client.Record) {
	for i := 0; i < len(format); i++ {
		ch := format[i]
		if i+1 < len(format) && (ch == '%' || ch == '\\') {
			i++
			if ch == '\\' {
				switch format[i] {
				case 'n':
					w.WriteByte('\n')
				case 't':
					w.WriteByte('\t')
				case 'r':
					w.WriteByte('\r')
				case '\\':
					w.WriteByte('\\')
				default:
					w.WriteByte('\\')
					w.WriteByte(format[i])
				}
				continue
			}
			switch format[i] {
			case 's':
				w.Write(r.Value)
			case 'S':
				fmt.Fprint(w, lenOrNull(r.Value))
			case 'k':
				w.Write(r.Key)
			case 'K':
				fmt.Fprint(w, lenOrNull(r.Key))
			case 't':
				w.WriteString(r.Topic)
			case 'p':
				fmt.Fprint(w, r.Partition)
			case 'o':
				fmt.Fprint(w, r.Offset)
			case 'T':
				fmt.Fprint(w, r.Timestamp.UnixMilli())
			case 'h':
				for j, h := range r.Headers {
					if j > 0 {
						w.WriteByte(',')
					}
					fmt.Fprintf(w, "%s=%s", h.Key, h.Value)
				}
			case '%':
				w.WriteByte('%')
			default:
				w.WriteByte('%')
				w.WriteByte(format[i])
			}
			continue
		}
		w.WriteByte(ch)
	}
}

// lenOrNull is kcat's %S/%K: -1 for null.
func lenOrNull(b []byte) int {
	if b == nil {
		return -1
	}
	return len(b)
}
