// Command zkcli is a ZooKeeper shell with zkCli.sh's commands and output,
// built on zk/client.
//
//	zkcli -server 127.0.0.1:2181              # interactive
//	zkcli -server 127.0.0.1:2181 get -s /a    # one command, then exit
//
// -server takes a comma-separated list (host:port,host:port). Chroot
// suffixes ("host:port/app") are not supported.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/zkafka/zkafka/zk/client"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(argv []string, in io.Reader, out, errOut io.Writer) int {
	fs := flag.NewFlagSet("zkcli", flag.ContinueOnError)
	fs.SetOutput(errOut)
	server := fs.String("server", "localhost:2181", "comma-separated host:port list")
	timeout := fs.Int("timeout", 30000, "session timeout in ms")
	verbose := fs.Bool("v", false, "log connection events to stderr")
	if err := fs.Parse(argv); err != nil {
		return 2
	}
	var opts []client.Option
	if *verbose {
		opts = append(opts, client.WithLogger(slog.New(slog.NewTextHandler(errOut, nil))))
	}
	c, err := client.Connect(strings.Split(*server, ","), time.Duration(*timeout)*time.Millisecond, opts...)
	if err != nil {
		fmt.Fprintln(errOut, err)
		return 1
	}
	defer c.Close()
	s := &shell{c: c, server: *server, out: out, errOut: errOut, loc: time.Local}
	ctx := context.Background()

	if fs.NArg() > 0 {
		// One-shot mode: bound the wait for a connection by the timeout.
		cctx, cancel := context.WithTimeout(ctx, time.Duration(*timeout)*time.Millisecond)
		defer cancel()
		if err := s.exec(cctx, joinArgs(fs.Args())); err != nil {
			fmt.Fprintln(errOut, err)
			return 1
		}
		return 0
	}

	sc := bufio.NewScanner(in)
	for !s.quit {
		fmt.Fprint(out, s.prompt())
		if !sc.Scan() {
			fmt.Fprintln(out)
			break
		}
		if err := s.exec(ctx, sc.Text()); err != nil {
			fmt.Fprintln(errOut, err)
		}
	}
	return 0
}

// joinArgs rebuilds a command line from argv, quoting words with spaces
// so that tokenize gives them back intact.
func joinArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \t'") || a == "" {
			q[i] = `"` + a + `"`
		} else {
			q[i] = a
		}
	}
	return strings.Join(q, " ")
}
