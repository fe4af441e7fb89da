package stage

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strings"
	"time"
)

// Experiment is one command of a chapter's prompt.
type Experiment struct {
	Help string
	Run  func(args []string) error
}

// Prompt reads experiments from in until "quit", EOF or ctx ends. When
// stdin is not interactive (in CI, or `make run < /dev/null`), it just
// keeps serving until ctx ends (Ctrl-C).
func Prompt(ctx context.Context, in *os.File, out io.Writer, exps map[string]Experiment) {
	names := make([]string, 0, len(exps))
	for n := range exps {
		names = append(names, n)
	}
	sort.Strings(names)
	help := func() {
		fmt.Fprintln(out, "\nexperiments:")
		for _, n := range names {
			fmt.Fprintf(out, "  %-10s %s\n", n, exps[n].Help)
		}
		fmt.Fprintf(out, "  %-10s %s\n", "quit", "stop the server and exit (or Ctrl-C)")
	}
	if fi, err := in.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		fmt.Fprintln(out, "\n(stdin is not a terminal: serving until interrupted)")
		<-ctx.Done()
		return
	}
	help()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for {
		fmt.Fprint(out, "\nzkafka> ")
		select {
		case <-ctx.Done():
			fmt.Fprintln(out)
			return
		case line, ok := <-lines:
			if !ok {
				fmt.Fprintln(out, "\n(stdin closed: serving until interrupted)")
				<-ctx.Done()
				return
			}
			f := strings.Fields(line)
			if len(f) == 0 {
				continue
			}
			switch f[0] {
			case "quit", "exit":
				return
			case "help", "?":
				help()
				continue
			}
			e, ok := exps[f[0]]
			if !ok {
				fmt.Fprintf(out, "unknown experiment %q; type help\n", f[0])
				continue
			}
			if err := e.Run(f[1:]); err != nil {
				fmt.Fprintf(out, "error: %v\n", err)
			}
		}
	}
}

// FourLetter sends a four-letter word to addr and returns the reply.
func FourLetter(addr, cmd string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := io.WriteString(c, cmd); err != nil {
		return "", err
	}
	b, err := io.ReadAll(c)
	return string(b), err
}
