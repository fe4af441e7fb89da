package picture

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// fakeZK is a Source whose ensemble the test changes.
type fakeZK struct {
	mu sync.Mutex
	zk ZooKeeper
}

func (f *fakeZK) Fill(_ context.Context, s *State) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	z := f.zk
	z.Servers = append([]ZKServer{}, f.zk.Servers...)
	for i := range z.Servers {
		z.Servers[i].Actions = append([]Action{}, f.zk.Servers[i].Actions...)
	}
	s.ZooKeeper = &z
	return nil
}

func (f *fakeZK) set(fn func(z *ZooKeeper)) {
	f.mu.Lock()
	fn(&f.zk)
	f.mu.Unlock()
}

func threeServers() *fakeZK {
	var servers []ZKServer
	for id := int64(1); id <= 3; id++ {
		mode := "follower"
		if id == 3 {
			mode = "leader"
		}
		servers = append(servers, ZKServer{ID: id, Up: true, Mode: mode, Serving: true, Leader: 3, Epoch: 1,
			Actions: []Action{{Label: "kill", Command: fmt.Sprintf("kill %d", id)}, {Label: "poke", Command: "poke"}}})
	}
	return &fakeZK{zk: ZooKeeper{Ensemble: true, Leader: 3, Servers: servers}}
}

func newPage(src Source) *Page {
	p := New(StageInfo{Chapter: 4, Title: "ZAB election and recovery"})
	p.AddSource(src)
	return p
}

func TestRefreshBumpsSeqOnlyOnChange(t *testing.T) {
	src := threeServers()
	p := newPage(src)
	p.SetCommands([]Command{{Name: "kill", Help: "kill N"}}, func(string) error { return nil })
	ctx := context.Background()
	s0 := p.Refresh(ctx)
	if s0.Seq != 0 || len(s0.Events) != 0 {
		t.Fatalf("first read: seq %d events %v", s0.Seq, s0.Events)
	}
	// Buttons whose command the prompt lacks ("poke") are dropped.
	if d := s0.ZooKeeper.Servers[0].Actions; len(d) != 1 || d[0].Command != "kill 1" {
		t.Errorf("actions = %v, want only kill 1", d)
	}
	if s1 := p.Refresh(ctx); s1.Seq != 0 {
		t.Errorf("nothing changed, seq went to %d", s1.Seq)
	}
	src.set(func(z *ZooKeeper) { z.Servers[2] = ZKServer{ID: 3, Mode: "down"}; z.Leader = 0 })
	s2 := p.Refresh(ctx)
	if s2.Seq != 1 {
		t.Errorf("s3 went down, seq = %d, want 1", s2.Seq)
	}
	if got := texts(s2.Events); strings.Join(got, "; ") != "s3 is down; no leader serves" {
		t.Errorf("events = %q", got)
	}
	p.Note("page: kill 3")
	if s3 := p.Refresh(ctx); s3.Seq != 2 || s3.Events[len(s3.Events)-1].Text != "page: kill 3" {
		t.Errorf("a noted event: seq %d events %v", s3.Seq, s3.Events)
	}
}

func texts(evs []Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Text)
	}
	return out
}

func TestEventsKeepTheLatest(t *testing.T) {
	var evs []Event
	for i := 0; i < MaxEvents+10; i++ {
		evs = appendEvent(evs, Event{AtMs: int64(i)})
	}
	if len(evs) != MaxEvents || evs[0].AtMs != 10 {
		t.Errorf("kept %d events from %d, want %d from 10", len(evs), evs[0].AtMs, MaxEvents)
	}
}

// sseWriter is a ResponseWriter whose flushed writes the test reads as
// server-sent events.
type sseWriter struct {
	h      http.Header
	mu     sync.Mutex
	buf    strings.Builder
	chunks chan string
}

func (w *sseWriter) Header() http.Header { return w.h }
func (w *sseWriter) WriteHeader(int)     {}
func (w *sseWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(b)
}
func (w *sseWriter) Flush() {
	w.mu.Lock()
	s := w.buf.String()
	w.buf.Reset()
	w.mu.Unlock()
	if s != "" {
		w.chunks <- s
	}
}

// next reads the next "state" event's State.
func (w *sseWriter) next(t *testing.T) *State {
	t.Helper()
	for chunk := range w.chunks {
		sc := bufio.NewScanner(strings.NewReader(chunk))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var st State
				if err := json.Unmarshal([]byte(data), &st); err != nil {
					t.Fatal(err)
				}
				return &st
			}
		}
	}
	t.Fatal("the stream ended")
	return nil
}

// The event stream sends the State at once, then again on each change,
// soon after it happens: a leader kill shows within one read interval.
func TestEventStreamFollowsChanges(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := threeServers()
		p := newPage(src)
		ctx, cancel := context.WithCancel(context.Background())
		p.Start(ctx)

		w := &sseWriter{h: http.Header{}, chunks: make(chan string, 16)}
		req := httptest.NewRequest("GET", "/api/events", nil).WithContext(ctx)
		done := make(chan struct{})
		go func() { p.Handler().ServeHTTP(w, req); close(done) }()

		first := w.next(t)
		if first.ZooKeeper == nil || first.ZooKeeper.Leader != 3 || len(first.ZooKeeper.Servers) != 3 {
			t.Fatalf("first event: %+v", first.ZooKeeper)
		}
		if ct := w.h.Get("Content-Type"); ct != "text/event-stream" {
			t.Errorf("Content-Type %q", ct)
		}
		start := time.Now()
		src.set(func(z *ZooKeeper) { z.Servers[2] = ZKServer{ID: 3, Mode: "down"}; z.Leader = 0 })
		second := w.next(t)
		if second.Seq != first.Seq+1 || second.ZooKeeper.Servers[2].Up || second.ZooKeeper.Leader != 0 {
			t.Errorf("second event: seq %d, s3 %+v", second.Seq, second.ZooKeeper.Servers[2])
		}
		if waited := time.Since(start); waited > 500*time.Millisecond {
			t.Errorf("the change took %v to show, want at most one interval (500ms) with a page open", waited)
		}
		cancel()
		<-done
		synctest.Wait()
	})
}

func TestStateEndpoint(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := threeServers()
		p := newPage(src)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		p.Start(ctx)
		rec := httptest.NewRecorder()
		p.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/state", nil))
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("GET /api/state: %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		var st State
		if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
			t.Fatal(err)
		}
		if st.Stage.Chapter != 4 || st.ZooKeeper == nil || len(st.ZooKeeper.Servers) != 3 || st.Kafka != nil {
			t.Errorf("state = %+v", st)
		}
		// The JSON is the documented one: absent parts are left out.
		if strings.Contains(rec.Body.String(), `"kafka"`) {
			t.Error(`a stage with no Kafka has a "kafka" field`)
		}
	})
}

func TestRunEndpoint(t *testing.T) {
	var ran []string
	p := newPage(threeServers())
	p.SetCommands([]Command{{Name: "kill", Help: "kill N"}}, func(line string) error {
		ran = append(ran, line)
		if line == "kill 9" {
			return errors.New("want one server id between 1 and 3")
		}
		return nil
	})
	post := func(body, ctype, origin string) (int, RunResult) {
		req := httptest.NewRequest("POST", "http://127.0.0.1:8080/api/run", strings.NewReader(body))
		req.Host = "127.0.0.1:8080"
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		rec := httptest.NewRecorder()
		p.Handler().ServeHTTP(rec, req)
		var res RunResult
		json.Unmarshal(rec.Body.Bytes(), &res)
		return rec.Code, res
	}
	if code, _ := post(`{"command":"kill 1"}`, "text/plain", ""); code != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain body: %d, want 415 (a cross-site form could send it)", code)
	}
	if code, _ := post(`{"command":"kill 1"}`, "application/json", "http://evil.example"); code != http.StatusForbidden {
		t.Errorf("foreign Origin: %d, want 403", code)
	}
	if code, _ := post(`{"command":"rm -rf /"}`, "application/json", ""); code != http.StatusBadRequest {
		t.Errorf("unknown command: %d, want 400", code)
	}
	if code, res := post(`{"command":"  kill   1 "}`, "application/json", "http://127.0.0.1:8080"); code != 200 || !res.OK {
		t.Errorf("kill 1: %d %+v", code, res)
	}
	if code, res := post(`{"command":"kill 9"}`, "application/json", ""); code != 200 || res.OK || !strings.Contains(res.Error, "between 1 and 3") {
		t.Errorf("kill 9: %d %+v, want the experiment's error", code, res)
	}
	if strings.Join(ran, ",") != "kill 1,kill 9" {
		t.Errorf("ran %q", ran)
	}
	if got := texts(p.events); strings.Join(got, "; ") != "page: kill 1; page: kill 9; kill 9: error: want one server id between 1 and 3" {
		t.Errorf("events = %q", got)
	}
	req := httptest.NewRequest("POST", "/api/run", strings.NewReader(`{"command":"kill 1"}`))
	req.Host = "attacker.example:8080" // DNS rebinding
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	p.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("foreign Host: %d, want 403", rec.Code)
	}
}

type fakeTree map[string]Znode

func (f fakeTree) Znode(_ context.Context, path string) (Znode, error) {
	z, ok := f[path]
	if !ok {
		return Znode{}, fmt.Errorf("get %s: %w", path, zkerr.NoNode)
	}
	return z, nil
}

func TestZnodeEndpoint(t *testing.T) {
	src := threeServers()
	src.zk.Servers[0].WatchedPaths = []WatchedPath{{Path: "/app", Sessions: []string{"0x100000000"}}}
	p := newPage(src)
	p.SetTree(fakeTree{"/app": {Path: "/app", Data: "v1", Children: []string{"a"}, Server: "127.0.0.1:2181"}})
	p.Refresh(context.Background())
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		p.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/znode?path="+path, nil))
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, string(b)
	}
	code, body := get("/app")
	var z Znode
	json.Unmarshal([]byte(body), &z)
	if code != 200 || z.Data != "v1" || len(z.Watches) != 1 || z.Watches[0] != (ZnodeWatch{Server: 1, Session: "0x100000000"}) {
		t.Errorf("GET /app: %d %s", code, body)
	}
	if code, _ := get("/nope"); code != http.StatusNotFound {
		t.Errorf("GET /nope: %d, want 404", code)
	}
}

func TestPageIsEmbedded(t *testing.T) {
	p := New(StageInfo{})
	for _, path := range []string{"/", "/app.js", "/style.css"} {
		rec := httptest.NewRecorder()
		p.Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 || rec.Body.Len() == 0 {
			t.Errorf("GET %s: %d, %d bytes", path, rec.Code, rec.Body.Len())
		}
		// No CDN, no fonts or scripts from elsewhere.
		if b := rec.Body.String(); strings.Contains(b, "http://") && !strings.Contains(b, "http://www.w3.org/2000/svg") || strings.Contains(b, "https://") {
			t.Errorf("%s refers to another origin", path)
		}
	}
}

func TestBuildZnode(t *testing.T) {
	z := BuildZnode("/b", []byte{0xff, 0x00, 0x10}, zstat(), []string{"z", "a"}, "s")
	if !z.Binary || z.Data != "ff 00 10" || strings.Join(z.Children, ",") != "a,z" || z.Stat.EphemeralOwner != "0x100000000" {
		t.Errorf("BuildZnode = %+v", z)
	}
}

func zstat() proto.Stat { return proto.Stat{Czxid: 1, EphemeralOwner: 0x100000000} }
