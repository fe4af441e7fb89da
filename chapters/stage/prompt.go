package stage

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
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
		console.hidePrompt(out, line+"   (from the picture)\n", true)
		_, err := r.runLine(line)
		if err != nil {
			fmt.Fprintf(out, "error: %v\n", err)
		}
		console.showPrompt(out)
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
		console.showPrompt(out)
		select {
		case <-ctx.Done():
			console.hidePrompt(out, "\n", false)
			return
		case line, ok := <-lines:
			if !ok {
				console.hidePrompt(out, "\n(stdin closed: serving until interrupted)\n", false)
				<-ctx.Done()
				return
			}
			echo := ""
			if piped {
				echo = line + "\n" // the transcript reads as if typed
			}
			console.hidePrompt(out, echo, piped)
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

// console keeps the prompt in view. Trace lines arrive while the prompt
// waits for a line; the first one moves off the prompt's line, and once
// they stop for a moment the prompt is drawn again, so "zkafka> " is
// never lost above a screenful of trace.
type consoleState struct {
	mu     sync.Mutex
	w      io.Writer // where the prompt is drawn
	shown  bool      // the prompt waits for a line
	broken bool      // lines came after it: draw it again
	timer  *time.Timer
	quiet  time.Duration                           // how long lines must stop before the prompt comes back
	after  func(time.Duration, func()) *time.Timer // time.AfterFunc; a fake one in tests
}

var console = &consoleState{quiet: 300 * time.Millisecond, after: time.AfterFunc}

const promptText = "zkafka> "

// showPrompt draws the prompt on a line of its own: it now waits.
func (c *consoleState) showPrompt(w io.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.w, c.shown, c.broken = w, true, false
	fmt.Fprint(w, "\n"+promptText)
}

// hidePrompt: a line was read (or the prompt ends), and echo is printed.
// An echo that reads as typed after the prompt (piped input, a picture
// button) gets the prompt drawn again first if trace lines broke it; a
// line typed at a terminal already shows where it was typed.
func (c *consoleState) hidePrompt(w io.Writer, echo string, afterPrompt bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.shown && c.broken && afterPrompt {
		fmt.Fprint(w, promptText)
	}
	c.shown, c.broken = false, false
	fmt.Fprint(w, echo)
}

// trace prints asynchronous lines through print, keeping the prompt.
func (c *consoleState) trace(w io.Writer, print func(io.Writer)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.shown && !c.broken {
		fmt.Fprintln(c.w) // off the prompt's line
		c.broken = true
	}
	print(w)
	if c.shown {
		if c.timer != nil {
			c.timer.Stop()
		}
		c.timer = c.after(c.quiet, c.redraw)
	}
}

// redraw draws the prompt again after trace lines, if it still waits.
func (c *consoleState) redraw() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.timer = nil
	if c.shown && c.broken {
		fmt.Fprint(c.w, promptText)
		c.broken = false
	}
}

// consoleTrace prints trace lines (they come at any time) without losing
// the prompt.
func consoleTrace(w io.Writer, print func(io.Writer)) { console.trace(w, print) }

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

// EnsemblePortFlags registers -port and -addr (what `make run-chapter N
// ADDR=…` passes) for the client port of an ensemble's server 1, server i
// listening on port+i-1. Call the function it returns after flag.Parse:
// it gives the port, or exits with status 2 on an -addr that is not a
// loopback port.
func EnsemblePortFlags(what string) func() int {
	port := flag.Int("port", 2181, "client port of "+what+" 1; server i listens on port+i-1")
	addr := flag.String("addr", "", "client address of "+what+" 1, 127.0.0.1:PORT (sets -port; `make run-chapter N ADDR=…`)")
	return func() int {
		if *addr == "" {
			return *port
		}
		p, err := LoopbackPort(*addr)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		return p
	}
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
