package stage

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/server"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// fakeTimers is a time.AfterFunc that fires only when told.
type fakeTimers struct{ fns []func() }

func (f *fakeTimers) after(_ time.Duration, fn func()) *time.Timer {
	f.fns = append(f.fns, fn)
	return time.NewTimer(time.Hour) // never fires; Stop works
}

func (f *fakeTimers) fire() {
	fns := f.fns
	f.fns = nil
	for _, fn := range fns {
		fn()
	}
}

func testTracer(w *bytes.Buffer) (*Tracer, *time.Duration, *fakeTimers) {
	var now time.Duration
	ft := &fakeTimers{}
	t := NewTracer(w)
	t.now = func() time.Duration { return now }
	t.afterFunc = ft.after
	return t, &now, ft
}

var (
	leading   = zab.SoftState{State: quorum.Leading, Leader: 3, Epoch: 1, Serving: true}
	following = zab.SoftState{State: quorum.Following, Leader: 3, Epoch: 1, Serving: true}
)

func obs(id int64, role zab.SoftState, rd zab.Ready) server.Observation {
	return server.Observation{ID: id, Status: zab.Status{ID: id, SoftState: role}, Ready: rd}
}

func entry(zxid int64, typ proto.OpCode, rec proto.Record) zab.Entry {
	return zab.Entry{Zxid: zxid, Txn: proto.Txn{Header: proto.TxnHeader{Zxid: zxid, Type: typ}, Record: rec}}
}

// lines returns the trace's lines without their timestamps.
func lines(out string) []string {
	var ls []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if _, rest, ok := strings.Cut(l, "ms  "); ok {
			ls = append(ls, rest)
		}
	}
	return ls
}

func wantLines(t *testing.T, got string, want ...string) {
	t.Helper()
	g := lines(got)
	if strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Fatalf("trace:\n  %s\nwant:\n  %s", strings.Join(g, "\n  "), strings.Join(want, "\n  "))
	}
}

// A follower's Ready observed before the leader's (it is observed only
// after it was carried out, so the race is real) is held until the
// PROPOSAL and COMMIT that caused it are printed; the serving leader's
// own Ready shows its send before its fsync; every txn is labelled.
func TestTraceIsCausalAndLabelled(t *testing.T) {
	var buf bytes.Buffer
	tr, _, _ := testTracer(&buf)
	z := quorum.MakeZxid(1, 2)
	create := entry(z, proto.OpCreate, &proto.CreateTxn{Path: "/mine", Data: []byte("hi")})

	// s1 logs and acks z before the leader's PROPOSAL is told.
	tr.Observe(obs(1, following, zab.Ready{Entries: []zab.Entry{create},
		Messages: []zab.Packet{{Type: quorum.Ack, From: 1, To: 3, Zxid: z}}}))
	if buf.Len() != 0 {
		t.Fatalf("a follower's log of an untold proposal was printed at once:\n%s", buf.String())
	}
	// The leader: PROPOSAL (sent before its own fsync), then its log.
	txn := create.Txn
	tr.Observe(obs(3, leading, zab.Ready{Entries: []zab.Entry{create}, Messages: []zab.Packet{
		{Type: quorum.Proposal, From: 3, To: 1, Zxid: z, Txn: &txn},
		{Type: quorum.Proposal, From: 3, To: 2, Zxid: z, Txn: &txn}}}))
	// s1 applies z before the leader's COMMIT is told.
	tr.Observe(obs(1, following, zab.Ready{Committed: []zab.Entry{create}}))
	tr.Observe(obs(3, leading, zab.Ready{Committed: []zab.Entry{create}, Messages: []zab.Packet{
		{Type: quorum.Commit, From: 3, To: 1, Zxid: z}, {Type: quorum.Commit, From: 3, To: 2, Zxid: z}}}))
	wantLines(t, buf.String(),
		"s3 PROPOSAL 0x100000002 create /mine → s1,s2",
		"s3 logs 0x100000002 create /mine (fsync)",
		"s1 logs 0x100000002 create /mine (fsync)",
		"s1 ACK 0x100000002 → s3",
		"s3 COMMIT 0x100000002 → s1,s2",
		"s3 applies 0x100000002 create /mine",
		"s1 applies 0x100000002 create /mine",
	)
}

// A held Ready whose cause never comes (the trace was off when it was
// sent) is printed after holdFor, and a member's later lines never
// overtake its held ones.
func TestTraceHoldIsBounded(t *testing.T) {
	var buf bytes.Buffer
	tr, now, timers := testTracer(&buf)
	z := quorum.MakeZxid(1, 5)
	tr.Observe(obs(2, following, zab.Ready{Entries: []zab.Entry{entry(z, proto.OpCreateSession, &proto.CreateSessionTxn{TimeOut: 4000})}}))
	tr.Observe(obs(2, following, zab.Ready{Messages: []zab.Packet{{Type: quorum.Request, From: 2, To: 3}}}))
	if buf.Len() != 0 {
		t.Fatalf("printed before its cause or its hold ran out:\n%s", buf.String())
	}
	*now += 50 * time.Millisecond
	timers.fire() // too early: still held
	if buf.Len() != 0 {
		t.Fatalf("printed before holdFor:\n%s", buf.String())
	}
	*now += tr.holdFor
	timers.fire()
	wantLines(t, buf.String(),
		"s2 logs 0x100000005 createSession (fsync)",
		"s2 forwards a client write (REQUEST) → s3",
	)
}

func TestLabel(t *testing.T) {
	for _, c := range []struct {
		txn  proto.Txn
		want string
	}{
		{proto.Txn{Header: proto.TxnHeader{Type: proto.OpCreateSession}, Record: &proto.CreateSessionTxn{TimeOut: 4000}}, "createSession"},
		{proto.Txn{Header: proto.TxnHeader{Type: proto.OpCloseSession}, Record: &proto.CloseSessionTxn{}}, "closeSession"},
		{proto.Txn{Header: proto.TxnHeader{Type: proto.OpCreate}, Record: &proto.CreateTxn{Path: "/x"}}, "create /x"},
		{proto.Txn{Header: proto.TxnHeader{Type: proto.OpSetData}, Record: &proto.SetDataTxn{Path: "/x"}}, "setData /x"},
		{proto.Txn{Header: proto.TxnHeader{Type: proto.OpDelete}, Record: &proto.DeleteTxn{Path: "/x"}}, "delete /x"},
		{proto.Txn{Header: proto.TxnHeader{Type: proto.OpError}, Record: &proto.ErrorTxn{Err: -110}}, "error NODEEXISTS"},
		{proto.Txn{Header: proto.TxnHeader{Type: proto.OpMulti}, Record: &proto.MultiTxn{Txns: make([]proto.SubTxn, 3)}}, "multi (3 ops)"},
	} {
		if got := Label(&c.txn); got != c.want {
			t.Errorf("Label(%v) = %q, want %q", c.txn.Header.Type, got, c.want)
		}
	}
}

// Trace lines that arrive while the prompt waits move off its line, and
// once they stop the prompt is drawn again; a piped line's echo follows
// a prompt.
func TestPromptIsRedrawnAfterTraceLines(t *testing.T) {
	var buf bytes.Buffer
	timers := &fakeTimers{}
	c := &consoleState{quiet: time.Millisecond, after: timers.after}
	c.showPrompt(&buf)
	for i := 0; i < 2; i++ {
		c.trace(&buf, func(w io.Writer) { fmt.Fprintf(w, "   trace %d\n", i) })
	}
	timers.fire()
	c.trace(&buf, func(w io.Writer) { fmt.Fprintf(w, "   trace 2\n") })
	c.hidePrompt(&buf, "status\n", true) // piped: the echo follows a prompt drawn again
	want := "\nzkafka> \n   trace 0\n   trace 1\nzkafka> \n   trace 2\nzkafka> status\n"
	if buf.String() != want {
		t.Fatalf("console:\n%q\nwant:\n%q", buf.String(), want)
	}
	// Not waiting: lines are just printed.
	buf.Reset()
	c.trace(&buf, func(w io.Writer) { fmt.Fprintf(w, "   trace 3\n") })
	timers.fire()
	if buf.String() != "   trace 3\n" {
		t.Fatalf("console without a prompt: %q", buf.String())
	}
}
