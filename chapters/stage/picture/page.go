package picture

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/zkafka/zkafka/zk/zkerr"
)

//go:embed web
var web embed.FS

// A Source fills its part of a State (ZooKeeperSource, KafkaSource, and
// whatever a later chapter adds). Sources run one after another on the
// page's reading goroutine; an error is shown on the page and the part
// keeps what the source managed to fill.
type Source interface {
	Fill(ctx context.Context, s *State) error
}

// Runner runs one command line of the stage's prompt, e.g. "kill 3".
type Runner func(line string) error

// Page is the live picture of one stage: it reads its Sources every
// Interval (and at once after a command or a Poke), keeps the latest
// State and serves it.
type Page struct {
	Stage StageInfo
	// Interval is the time between reads while a page or an event stream
	// is open (default 500 ms); with none open, reads are 4 times rarer.
	Interval time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time

	mu       sync.Mutex
	start    time.Time
	sources  []Source
	tree     Tree
	cmds     []Command
	run      Runner
	state    *State
	events   []Event
	dirty    bool // an event was noted since the last read
	watchers int
	changed  chan struct{} // closed and replaced after every read
	poke     chan struct{}
}

// New returns a page for a stage; Start begins reading.
func New(stage StageInfo) *Page {
	return &Page{Stage: stage, changed: make(chan struct{}), poke: make(chan struct{}, 1)}
}

func (p *Page) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Page) interval() time.Duration {
	d := p.Interval
	if d <= 0 {
		d = 500 * time.Millisecond
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.watchers == 0 {
		d *= 4
	}
	return d
}

// AddSource adds a part of the picture.
func (p *Page) AddSource(s Source) {
	p.mu.Lock()
	p.sources = append(p.sources, s)
	p.mu.Unlock()
	p.Poke()
}

// SetTree sets what the tree browser reads znodes with.
func (p *Page) SetTree(t Tree) {
	p.mu.Lock()
	p.tree = t
	p.mu.Unlock()
}

// SetCommands sets the prompt's experiments and how to run one: the
// page's buttons run exactly what typing the line at the prompt runs.
func (p *Page) SetCommands(cmds []Command, run Runner) {
	p.mu.Lock()
	p.cmds, p.run = append([]Command{}, cmds...), run
	p.mu.Unlock()
	p.Poke()
}

// Note adds an event (a command someone ran, a step of the narration).
func (p *Page) Note(format string, args ...any) {
	p.mu.Lock()
	p.events = appendEvent(p.events, Event{AtMs: p.sinceStart(), Text: oneLine(fmt.Sprintf(format, args...))})
	p.dirty = true
	p.mu.Unlock()
	p.Poke()
}

func appendEvent(evs []Event, e Event) []Event {
	evs = append(evs, e)
	if len(evs) > MaxEvents {
		evs = append([]Event{}, evs[len(evs)-MaxEvents:]...)
	}
	return evs
}

// sinceStart is ms since Start; p.mu held.
func (p *Page) sinceStart() int64 {
	if p.start.IsZero() {
		return 0
	}
	return p.now().Sub(p.start).Milliseconds()
}

// Poke asks for a read now (after a change the page should show at once).
func (p *Page) Poke() {
	select {
	case p.poke <- struct{}{}:
	default:
	}
}

// Start reads the sources until ctx ends.
func (p *Page) Start(ctx context.Context) {
	p.mu.Lock()
	p.start = p.now()
	p.mu.Unlock()
	go func() {
		t := time.NewTimer(0)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-p.poke:
			}
			p.Refresh(ctx)
			t.Reset(p.interval())
		}
	}()
}

// Refresh reads every source once and, if the picture changed, makes the
// new State current with a higher Seq and the changes as events.
func (p *Page) Refresh(ctx context.Context) *State {
	p.mu.Lock()
	sources := append([]Source{}, p.sources...)
	st := &State{Stage: p.Stage, Commands: append([]Command{}, p.cmds...)}
	p.mu.Unlock()
	for _, src := range sources {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if err := src.Fill(rctx, st); err != nil {
			st.Errors = append(st.Errors, err.Error())
		}
		cancel()
	}
	filterActions(st)

	p.mu.Lock()
	defer p.mu.Unlock()
	prev := p.state
	at := p.sinceStart()
	if prev != nil && sameState(prev, st) && !p.dirty {
		st = prev
	} else {
		if prev != nil {
			st.Seq = prev.Seq + 1
			for _, c := range Changes(prev, st) {
				p.events = appendEvent(p.events, Event{AtMs: at, Text: c})
			}
		}
		st.Events = append([]Event{}, p.events...)
		st.AtMs = at
		p.dirty = false
		p.state = st
	}
	close(p.changed)
	p.changed = make(chan struct{})
	return st
}

// filterActions keeps the buttons whose command the prompt has.
func filterActions(st *State) {
	have := map[string]bool{}
	for _, c := range st.Commands {
		have[c.Name] = true
	}
	keep := func(acts []Action) []Action {
		var out []Action
		for _, a := range acts {
			if f := strings.Fields(a.Command); len(f) > 0 && have[f[0]] {
				out = append(out, a)
			}
		}
		return out
	}
	if z := st.ZooKeeper; z != nil {
		z.Actions = keep(z.Actions)
		for i := range z.Servers {
			z.Servers[i].Actions = keep(z.Servers[i].Actions)
		}
	}
	if k := st.Kafka; k != nil {
		k.Actions = keep(k.Actions)
		for i := range k.Brokers {
			k.Brokers[i].Actions = keep(k.Brokers[i].Actions)
		}
		for i := range k.Topics {
			k.Topics[i].Actions = keep(k.Topics[i].Actions)
		}
	}
}

// Current is the latest State (nil before the first read).
func (p *Page) Current() *State {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state
}

func (p *Page) changes() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.changed
}

// fresh waits for a read that starts after the call (at most 5 s).
func (p *Page) fresh(ctx context.Context) *State {
	ch := p.changes()
	p.Poke()
	select {
	case <-ch:
		// That read may have started before the call; wait for one more.
		ch = p.changes()
		p.Poke()
		select {
		case <-ch:
		case <-ctx.Done():
		case <-time.After(5 * time.Second):
		}
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
	}
	return p.Current()
}

// Handler serves the page and its API.
func (p *Page) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(web, "web")
	mux.Handle("GET /", http.FileServerFS(static))
	mux.HandleFunc("GET /api/state", p.serveState)
	mux.HandleFunc("GET /api/events", p.serveEvents)
	mux.HandleFunc("GET /api/znode", p.serveZnode)
	mux.HandleFunc("POST /api/run", p.serveRun)
	return mux
}

func (p *Page) serveState(w http.ResponseWriter, r *http.Request) {
	st := p.fresh(r.Context())
	if st == nil {
		httpError(w, http.StatusServiceUnavailable, errors.New("no state read yet"))
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// serveEvents streams the State as server-sent events: one "state"
// event at once, then one on every change, and a comment line every
// 15 s so proxies keep the stream open.
func (p *Page) serveEvents(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		httpError(w, http.StatusInternalServerError, errors.New("streaming unsupported"))
		return
	}
	p.mu.Lock()
	p.watchers++
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.watchers--
		p.mu.Unlock()
	}()
	p.Poke()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fl.Flush()
	var sent uint64
	first := true
	keep := time.NewTicker(15 * time.Second)
	defer keep.Stop()
	for {
		ch := p.changes()
		if st := p.Current(); st != nil && (first || st.Seq != sent) {
			if _, err := fmt.Fprintf(w, "event: state\nid: %d\ndata: %s\n\n", st.Seq, mustJSON(st)); err != nil {
				return
			}
			fl.Flush()
			sent, first = st.Seq, false
		}
		select {
		case <-r.Context().Done():
			return
		case <-ch:
		case <-keep.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
			fl.Flush()
		}
	}
}

func (p *Page) serveZnode(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	tree := p.tree
	p.mu.Unlock()
	if tree == nil {
		httpError(w, http.StatusNotFound, errNoTree)
		return
	}
	path := r.URL.Query().Get("path")
	if path == "" {
		path = "/"
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	z, err := tree.Znode(ctx, path)
	switch {
	case errors.Is(err, zkerr.NoNode):
		httpError(w, http.StatusNotFound, err)
		return
	case err != nil:
		httpError(w, http.StatusBadGateway, err)
		return
	}
	if st := p.Current(); st != nil {
		z.Watches = WatchesOn(st.ZooKeeper, path)
	}
	writeJSON(w, http.StatusOK, z)
}

// RunRequest is POST /api/run's body.
type RunRequest struct {
	Command string `json:"command"`
}

// RunResult is its answer: ok, or the experiment's error.
type RunResult struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

// serveRun runs a prompt command. Only a JSON body from a page of this
// server is taken: a cross-site form cannot send one, and a script on
// another origin would need a CORS preflight this server never grants.
func (p *Page) serveRun(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		httpError(w, http.StatusUnsupportedMediaType, errors.New(`want Content-Type: application/json and {"command":"..."}`))
		return
	}
	if o := r.Header.Get("Origin"); o != "" {
		if u, err := url.Parse(o); err != nil || u.Host != r.Host {
			httpError(w, http.StatusForbidden, fmt.Errorf("origin %q is not this page", o))
			return
		}
	}
	if !loopbackOrSame(r) {
		httpError(w, http.StatusForbidden, fmt.Errorf("host %q is not this server", r.Host))
		return
	}
	var req RunRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&req); err != nil {
		httpError(w, http.StatusBadRequest, err)
		return
	}
	line := oneLine(req.Command)
	p.mu.Lock()
	run, cmds := p.run, p.cmds
	p.mu.Unlock()
	known := false
	for _, c := range cmds {
		if f := strings.Fields(line); len(f) > 0 && f[0] == c.Name {
			known = true
		}
	}
	if run == nil || !known {
		httpError(w, http.StatusBadRequest, fmt.Errorf("no experiment %q (the prompt offers: %s)", line, names(cmds)))
		return
	}
	p.Note("page: %s", line)
	err := run(line)
	p.Poke()
	if err != nil {
		p.Note("%s: error: %v", line, err)
		writeJSON(w, http.StatusOK, RunResult{Error: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, RunResult{OK: true})
}

// loopbackOrSame refuses a request whose Host names another machine (a
// DNS rebinding attack reaches 127.0.0.1 under a foreign name).
func loopbackOrSame(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if host == "localhost" {
		return true
	}
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil {
		if ip.IsLoopback() {
			return true
		}
		if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			if h, _, err := net.SplitHostPort(la.String()); err == nil && net.ParseIP(h).Equal(ip) {
				return true
			}
		}
	}
	return false
}

func names(cmds []Command) string {
	var ns []string
	for _, c := range cmds {
		ns = append(ns, c.Name)
	}
	if len(ns) == 0 {
		return "nothing yet"
	}
	return strings.Join(ns, ", ")
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func httpError(w http.ResponseWriter, code int, err error) {
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain structs are encoded
	}
	return string(b)
}

// Serve serves the page on ln until ctx ends.
func Serve(ctx context.Context, ln net.Listener, p *Page) {
	srv := &http.Server{Handler: p.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	go srv.Serve(ln)
}
