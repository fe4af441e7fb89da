package stage

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/server"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// Tracer prints a compact line per notable zab event: votes, role
// changes, proposals with their acks and commits, each txn labelled with
// what it does (createSession, create /x, closeSession), so a learner can
// find their own write. Pings are left out.
//
// The lines come in causal order. A member's Ready is observed only after
// it was carried out, so a follower may report logging a proposal before
// the leader reports having sent it; and a serving leader sends before it
// fsyncs (quorumpeer's carry-out). So each Ready is printed in the order
// the runtime carried it out (a serving leader's messages before its own
// log), and a follower's Ready that logs a zxid whose PROPOSAL has not
// been printed yet, or applies one whose COMMIT (or UPTODATE) has not, is
// held until it has — at most holdFor, in case that line never comes
// (the trace was off, a packet the tracer does not show). A member's
// lines never overtake each other.
type Tracer struct {
	W  io.Writer
	On bool
	// Votes, when false, hides election notifications (they are chatty).
	Votes bool

	mu      sync.Mutex
	start   time.Time
	now     func() time.Duration // since start; a fixed clock in tests
	lastMs  int64                // the last time printed: held lines never go back
	holdFor time.Duration

	proposed  map[int64]bool // zxids whose PROPOSAL line is printed
	committed int64          // the largest zxid a printed COMMIT or UPTODATE released
	held      []heldReady    // Readys waiting for their causes, in arrival order
	timer     *time.Timer    // flushes held Readys after holdFor
	afterFunc func(time.Duration, func()) *time.Timer
}

// heldReady is one member's rendered Ready waiting for the lines that
// cause it.
type heldReady struct {
	id      int64
	ms      int64
	lines   []string
	logs    []int64 // zxids it logged: wait for their PROPOSAL
	applies int64   // the largest zxid it applied: wait for a COMMIT or UPTODATE at or above it
	since   time.Duration

	proposes []int64 // the PROPOSALs its lines tell, noted when they are printed
	commits  int64   // the largest zxid a COMMIT or UPTODATE of its lines releases
}

// NewTracer returns a Tracer printing to w, on, without votes.
func NewTracer(w io.Writer) *Tracer {
	t := &Tracer{W: w, On: true, start: time.Now(), holdFor: 200 * time.Millisecond}
	t.now = func() time.Duration { return time.Since(t.start) }
	return t
}

// Set turns the trace on or off.
func (t *Tracer) Set(on bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.On = on
	if !on {
		t.flushAll() // what was observed while on is still told
	}
}

// SetVotes shows or hides election notifications.
func (t *Tracer) SetVotes(on bool) { t.mu.Lock(); t.Votes = on; t.mu.Unlock() }

// Observe is the cluster's Observe hook: one Ready of one member.
func (t *Tracer) Observe(o server.Observation) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	rd, id := o.Ready, o.ID
	if !t.On {
		return
	}
	h := heldReady{id: id, ms: t.now().Milliseconds(), since: t.now()}
	h.lines = t.render(o, &h)
	if roleOf(o).State != quorum.Leading {
		for _, e := range rd.Entries {
			h.logs = append(h.logs, e.Zxid)
		}
		if n := len(rd.Committed); n > 0 {
			h.applies = rd.Committed[n-1].Zxid
		}
	}
	t.held = append(t.held, h)
	t.release()
	if len(t.held) > 0 && t.timer == nil {
		t.timer = t.afterFunc(t.holdFor, t.expire)
	}
}

func (t *Tracer) init() {
	if t.proposed == nil {
		t.proposed = map[int64]bool{}
	}
	if t.now == nil {
		t.now = func() time.Duration { return time.Since(t.start) }
	}
	if t.afterFunc == nil {
		t.afterFunc = time.AfterFunc
	}
	if t.holdFor == 0 {
		t.holdFor = 200 * time.Millisecond
	}
}

// release prints every held Ready whose causes are printed, keeping each
// member's order, until none moves.
func (t *Tracer) release() {
	for moved := true; moved; {
		moved = false
		blocked := map[int64]bool{}
		for i := 0; i < len(t.held); i++ {
			h := t.held[i]
			if blocked[h.id] || !t.ready(h) {
				blocked[h.id] = true
				continue
			}
			t.emit(h)
			t.held = append(t.held[:i], t.held[i+1:]...)
			i--
			moved = true
		}
	}
}

// ready reports whether h's causes are printed.
func (t *Tracer) ready(h heldReady) bool {
	for _, z := range h.logs {
		if !t.proposed[z] {
			return false
		}
	}
	return h.applies <= t.committed
}

// expire is the hold timer: it prints the Readys held longer than
// holdFor (and those of their members behind them), then waits again.
func (t *Tracer) expire() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.timer = nil
	now := t.now()
	late := map[int64]bool{}
	for i := 0; i < len(t.held); i++ {
		h := t.held[i]
		if late[h.id] || now-h.since >= t.holdFor {
			late[h.id] = true
			t.emit(h)
			t.held = append(t.held[:i], t.held[i+1:]...)
			i--
		}
	}
	t.release()
	if len(t.held) > 0 {
		t.timer = t.afterFunc(t.holdFor, t.expire)
	}
}

// flushAll prints every held Ready.
func (t *Tracer) flushAll() {
	for _, h := range t.held {
		t.emit(h)
	}
	t.held = nil
}

// emit prints h's lines and notes what they tell.
func (t *Tracer) emit(h heldReady) {
	for _, z := range h.proposes {
		t.proposed[z] = true
	}
	if len(t.proposed) > 1<<14 {
		t.proposed = map[int64]bool{} // bounded: a long-running stage forgets old zxids
	}
	t.committed = max(t.committed, h.commits)
	ms := max(h.ms, t.lastMs)
	t.lastMs = ms
	if len(h.lines) == 0 {
		return
	}
	consoleTrace(t.W, func(w io.Writer) {
		for _, l := range h.lines {
			fmt.Fprintf(w, "   %6dms  %s\n", ms, l)
		}
	})
}

// render turns one Ready into its lines, in the order the runtime
// carried it out (quorumpeer's carryOut): role, SNAP, TRUNC, a serving
// leader's messages (it sends before its own fsync), the log, the
// epochs, the commits applied, everyone else's messages. It notes in h
// the PROPOSALs and COMMITs they tell.
func (t *Tracer) render(o server.Observation, h *heldReady) []string {
	rd, id := o.Ready, o.ID
	var out []string
	say := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if s := rd.SoftState; s != nil {
		switch {
		case s.State == quorum.Looking:
			say("s%d is LOOKING: starts an election (round %d), voting for itself %s", id, o.Status.Clock, short(o.Status.Vote))
		case s.Serving && s.State == quorum.Leading:
			say("s%d LEADS epoch %d: a quorum acked NEWLEADER, it serves", id, s.Epoch)
		case s.Serving:
			say("s%d FOLLOWS s%d in epoch %d: got UPTODATE, it serves", id, s.Leader, s.Epoch)
		case s.State == quorum.Leading && s.Epoch == 0:
			say("s%d won the election: LEADING, gathering FOLLOWERINFO", id)
		case s.State == quorum.Following && s.Epoch == 0:
			say("s%d lost the election to s%d: FOLLOWING, sends FOLLOWERINFO", id, s.Leader)
		}
	}
	if rd.Snapshot != nil {
		say("s%d installs a SNAP at %s", id, zx(rd.Snapshot.Zxid))
	}
	if rd.Truncate {
		say("s%d TRUNCATES its log after %s", id, zx(rd.TruncateZxid))
	}
	role := roleOf(o)
	early := role.State == quorum.Leading && role.Serving && rd.Epochs == nil && rd.Snapshot == nil && !rd.Truncate && !hasSnapPacket(rd.Messages)
	if early {
		out = append(out, t.messages(id, rd.Messages, h)...)
	}
	if len(rd.Entries) > 0 {
		say("s%d logs %s (fsync)", id, zxRange(rd.Entries))
	}
	if rd.Epochs != nil {
		say("s%d persists acceptedEpoch=%d currentEpoch=%d (fsync before it answers)", id, rd.Epochs.Accepted, rd.Epochs.Current)
	}
	if len(rd.Committed) > 0 {
		say("s%d applies %s", id, zxRange(rd.Committed))
	}
	if !early {
		out = append(out, t.messages(id, rd.Messages, h)...)
	}
	return out
}

// roleOf is the member's role while it carried the Ready out: the
// runtime takes a Ready's SoftState first, and a role changes only in a
// Ready, so otherwise it is the one Status reports after it.
func roleOf(o server.Observation) zab.SoftState {
	if o.Ready.SoftState != nil {
		return *o.Ready.SoftState
	}
	return o.Status.SoftState
}

func hasSnapPacket(ms []zab.Packet) bool {
	for _, m := range ms {
		if m.Type == quorum.Snap {
			return true
		}
	}
	return false
}

// messages renders a Ready's messages, grouped: the same type and zxid
// to several members is one line naming them all.
func (t *Tracer) messages(id int64, ms []zab.Packet, h *heldReady) []string {
	type key struct {
		typ  quorum.Type
		zxid int64
	}
	var order []key
	to := map[key][]string{}
	txns := map[int64]*proto.Txn{}
	var note *quorum.Note
	for _, m := range ms {
		if m.Type == quorum.Ping {
			continue
		}
		k := key{m.Type, m.Zxid}
		switch m.Type {
		case quorum.Notification:
			k.zxid = 0
			note = m.Note
		case quorum.Proposal:
			txns[m.Zxid] = m.Txn
		}
		if _, ok := to[k]; !ok {
			order = append(order, k)
		}
		to[k] = append(to[k], "s"+strconv.FormatInt(m.To, 10))
	}
	var out []string
	for _, k := range order {
		recv := strings.Join(to[k], ",")
		switch k.typ {
		case quorum.Notification:
			if !t.Votes || note == nil {
				continue
			}
			out = append(out, fmt.Sprintf("s%d → %s: NOTIFICATION %v votes %s", id, recv, note.State, short(note.Vote)))
		case quorum.Proposal:
			h.proposes = append(h.proposes, k.zxid)
			out = append(out, fmt.Sprintf("s%d PROPOSAL %s%s → %s", id, zx(k.zxid), labelOf(txns[k.zxid]), recv))
		case quorum.Ack:
			out = append(out, fmt.Sprintf("s%d ACK %s → %s", id, zx(k.zxid), recv))
		case quorum.Commit:
			h.commits = max(h.commits, k.zxid)
			out = append(out, fmt.Sprintf("s%d COMMIT %s → %s", id, zx(k.zxid), recv))
		case quorum.UpToDate:
			h.commits = max(h.commits, k.zxid)
			out = append(out, fmt.Sprintf("s%d UPTODATE %s → %s", id, zx(k.zxid), recv))
		case quorum.Request:
			out = append(out, fmt.Sprintf("s%d forwards a client write (REQUEST) → %s", id, recv))
		default:
			out = append(out, fmt.Sprintf("s%d %v %s → %s", id, k.typ, zx(k.zxid), recv))
		}
	}
	return out
}

// Label says what a txn does, as a learner typed it: "createSession",
// "create /x", "setData /x", "delete /x", "closeSession", "multi (3 ops)",
// "error NODEEXISTS" (a failed write still takes a zxid).
func Label(txn *proto.Txn) string {
	if txn == nil {
		return ""
	}
	switch r := txn.Record.(type) {
	case *proto.ErrorTxn:
		return "error " + zkerr.Code(r.Err).Name()
	case *proto.MultiTxn:
		return fmt.Sprintf("multi (%d ops)", len(r.Txns))
	}
	op := txn.Header.Type.String()
	if p := proto.TxnPath(txn.Record); p != "" {
		return op + " " + p
	}
	return op
}

func labelOf(txn *proto.Txn) string {
	if l := Label(txn); l != "" {
		return " " + l
	}
	return ""
}

func zx(z int64) string { return fmt.Sprintf("%#x", z) }

// zxRange names a run of entries with what each does: "0x100000002
// create /x", or "0x100000003..0x100000007 (5 txns: create /a, …)".
func zxRange(es []zab.Entry) string {
	if len(es) == 1 {
		return zx(es[0].Zxid) + labelOf(&es[0].Txn)
	}
	var ls []string
	for i := range es {
		if i == 3 {
			ls = append(ls, "…")
			break
		}
		ls = append(ls, Label(&es[i].Txn))
	}
	return fmt.Sprintf("%s..%s (%d txns: %s)", zx(es[0].Zxid), zx(es[len(es)-1].Zxid), len(es), strings.Join(ls, ", "))
}

func short(v quorum.Vote) string {
	return fmt.Sprintf("(leader=s%d zxid=%#x peerEpoch=%d)", v.Leader, v.Zxid, v.PeerEpoch)
}
