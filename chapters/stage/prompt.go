package stage

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Experiment is one command of a chapter's prompt.
type Experiment struct {
	Help string
	Run  func(args []string) error
}

// Prompt reads experiments from in until "quit", EOF or ctx ends; after
// EOF it keeps serving until ctx ends (Ctrl-C). Piped input works like
// typing, so a teacher can script a demo, each command echoed after the
// prompt and "sleep 2" pausing between steps:
//
//	printf 'status\nkill 1\nsleep 2\nstatus\nquit\n' | make run-chapter 3
//
// With no input at all (in CI, or `make run < /dev/null`) it just serves.
//
// The stage's live picture offers the same experiments as buttons; a
// button runs its line exactly as typing it would, never at the same time
// as a typed one.
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
		fmt.Fprintf(out, "  %-10s %s\n", "sleep", "sleep SECONDS: pause (for scripted demos)")
		fmt.Fprintf(out, "  %-10s %s\n", "quit", "stop the server and exit (or Ctrl-C)")
	}
	fi, err := in.Stat()
	piped := err != nil || fi.Mode()&os.ModeCharDevice == 0
	r := &runner{exps: exps}
	// The picture's buttons run the same lines, one at a time with the
	// prompt's, echoed here as if typed.
	pictureCommands(exps, func(line string) error {
		fmt.Fprintf(out, "%s   (from the picture)\n", line)
		_, err := r.runLine(line)
		if err != nil {
			fmt.Fprintf(out, "error: %v\n", err)
		}
		fmt.Fprint(out, "\nzkafka> ")
		return err
	})
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
			if piped {
				fmt.Fprintln(out, line) // the transcript reads as if typed
			}
			f := strings.Fields(line)
			if len(f) == 0 || strings.HasPrefix(f[0], "#") {
				continue
			}
			switch f[0] {
			case "quit", "exit":
				return
			case "help", "?":
				help()
				continue
			case "sleep":
				d := time.Second
				if len(f) > 1 {
					secs, err := strconv.ParseFloat(f[1], 64)
					if err != nil || secs < 0 {
						fmt.Fprintf(out, "sleep SECONDS, e.g. sleep 2\n")
						continue
					}
					d = time.Duration(secs * float64(time.Second))
				}
				select {
				case <-ctx.Done():
				case <-time.After(d):
				}
				continue
			}
			ok, err := r.runLine(line)
			if !ok {
				fmt.Fprintf(out, "unknown experiment %q; type help\n", f[0])
				continue
			}
			if err != nil {
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

// LoopbackPort reads the port of a loopback address, "127.0.0.1:2191",
// "localhost:2191" or ":2191": an ensemble's servers listen on 127.0.0.1,
// server i on that port + i - 1.
func LoopbackPort(addr string) (int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, fmt.Errorf("-addr %q: %v (want 127.0.0.1:PORT)", addr, err)
	}
	if host != "" && host != "127.0.0.1" && host != "localhost" {
		return 0, fmt.Errorf("-addr %q: an ensemble listens on 127.0.0.1 only; give 127.0.0.1:PORT", addr)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port <= 0 || port > 65535 {
		return 0, fmt.Errorf("-addr %q: %q is not a port", addr, p)
	}
	return port, nil
}
