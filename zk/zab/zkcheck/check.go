package zkcheck

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/zkafka/zkafka/labs/sim"
)

// Options bound and decorate a check. The zero value is fine.
type Options struct {
	// Timeout bounds the linearizability search (default 10s). Past it the
	// verdict is inconclusive, never a false violation.
	Timeout time.Duration
	// MaxViolations bounds the report (default 10); the count is exact.
	MaxViolations int
	// Name prefixes the visualization file (e.g. the test name).
	Name string
	// Faults, if set, are drawn on the visualization's timeline.
	Faults sim.Schedule
	// MaxVisualizedOps skips the HTML for a path with more writes than
	// this (default 5000), so a failure never writes a giant file.
	MaxVisualizedOps int
}

// Violation is one broken guarantee.
type Violation struct {
	Rule   string // "linearizable writes", "session order", "read value", "sync", "zxid order"
	Detail string // what happened, with the ops involved
}

func (v Violation) String() string { return v.Rule + ": " + v.Detail }

// Report is the verdict on a history.
type Report struct {
	Ops        int
	Violations []Violation // the first MaxViolations
	Count      int         // how many violations in all
	// Linearizable is porcupine's verdict on the writes: Ok, Illegal, or
	// Unknown when it timed out.
	Linearizable porcupine.CheckResult
	// Visualization is the HTML file porcupine drew for the first path
	// whose writes are not linearizable ("" if none).
	Visualization string
	// Notes are things the checker could not decide (an unknown-outcome
	// write that might explain a result, a timeout). They do not fail.
	Notes []string
}

// OK reports whether no violation was found.
func (r Report) OK() bool { return r.Count == 0 }

// String is the report for a failure message.
func (r Report) String() string {
	var b strings.Builder
	if r.OK() {
		fmt.Fprintf(&b, "zkcheck: %d ops, no violation (writes: %s)\n", r.Ops, r.Linearizable)
	} else {
		fmt.Fprintf(&b, "zkcheck: %d ops, %d violation(s) (writes: %s)\n", r.Ops, r.Count, r.Linearizable)
	}
	for _, v := range r.Violations {
		fmt.Fprintf(&b, "  - %s\n", v)
	}
	if r.Count > len(r.Violations) {
		fmt.Fprintf(&b, "  ... and %d more\n", r.Count-len(r.Violations))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	if r.Visualization != "" {
		fmt.Fprintf(&b, "  porcupine visualization (open in a browser): %s\n", r.Visualization)
	}
	return b.String()
}

type checker struct {
	opt    Options
	ops    []Op
	report Report
	// unsure[path]: the earliest call of an unknown-outcome write on it.
	unsure map[string]int64
	// timeline[path]: its known successful writes in zxid order.
	timeline map[string][]Op
	// untrusted[path]: its writes have no consistent zxid order, so reads
	// of it are not measured.
	untrusted map[string]bool
}

func (c *checker) violate(rule, format string, args ...any) {
	c.report.Count++
	if len(c.report.Violations) < c.opt.MaxViolations {
		c.report.Violations = append(c.report.Violations, Violation{Rule: rule, Detail: fmt.Sprintf(format, args...)})
	}
}

func (c *checker) note(format string, args ...any) {
	if len(c.report.Notes) < c.opt.MaxViolations {
		c.report.Notes = append(c.report.Notes, fmt.Sprintf(format, args...))
	}
}

// Check checks a history against ZooKeeper's guarantees (see the package
// doc): linearizable writes (porcupine), a zxid order that explains them,
// reads that match a state the session could see, per-session FIFO and
// monotonic views, and sync.
func Check(ops []Op, opt Options) Report {
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	if opt.MaxViolations <= 0 {
		opt.MaxViolations = 10
	}
	if opt.MaxVisualizedOps <= 0 {
		opt.MaxVisualizedOps = 5000
	}
	c := &checker{opt: opt, ops: ops, unsure: map[string]int64{}, timeline: map[string][]Op{}, untrusted: map[string]bool{}}
	c.report.Ops = len(ops)
	for _, o := range ops {
		if o.Kind.isWrite() && o.Outcome == Unknown {
			if t, ok := c.unsure[o.Path]; !ok || o.Call < t {
				c.unsure[o.Path] = o.Call
			}
		}
	}
	c.linearizable()
	c.zxidOrder()
	c.reads()
	c.sessions()
	return c.report
}

// linearizable runs porcupine on the writes, path by path.
func (c *checker) linearizable() {
	var hist []porcupine.Operation
	for i, o := range c.ops {
		if o.Kind.isWrite() {
			hist = append(hist, porcupine.Operation{ClientId: i, Input: o, Call: o.Call, Return: o.Return})
		}
	}
	model := writeModel.ToModel()
	res := porcupine.CheckOperationsTimeout(model, hist, c.opt.Timeout)
	c.report.Linearizable = res
	switch res {
	case porcupine.Unknown:
		c.note("the linearizability search timed out after %v: writes not checked", c.opt.Timeout)
		return
	case porcupine.Ok:
		return
	}
	// Find the first illegal path and draw it.
	for _, part := range model.Partition(hist) {
		r, info := porcupine.CheckOperationsVerbose(model, renumber(part), c.opt.Timeout)
		if r != porcupine.Illegal {
			continue
		}
		path := part[0].Input.(Op).Path
		c.violate("linearizable writes", "no order of the writes to %s explains their results (%d writes)", path, len(part))
		if len(part) > c.opt.MaxVisualizedOps {
			c.note("%s has %d writes, more than MaxVisualizedOps: no visualization", path, len(part))
			return
		}
		c.report.Visualization = c.visualize(model, info)
		return
	}
}

// renumber gives porcupine's visualization one row per session.
func renumber(part []porcupine.Operation) []porcupine.Operation {
	out := slices.Clone(part)
	ids := map[int64]int{}
	for i := range out {
		s := out[i].Input.(Op).Session
		if _, ok := ids[s]; !ok {
			ids[s] = len(ids)
		}
		out[i].ClientId = ids[s]
		if out[i].Return == math.MaxInt64 {
			out[i].Return = math.MaxInt64 / 2 // keep the visualizer's arithmetic finite
		}
	}
	return out
}

// visualize writes porcupine's HTML next to the test output: under
// $ZKAFKA_ARTIFACTS if set, else the system temp dir (not t.TempDir,
// which is deleted when the test ends).
func (c *checker) visualize(model porcupine.Model, info porcupine.LinearizationInfo) string {
	var notes []porcupine.Annotation
	for _, f := range c.opt.Faults {
		notes = append(notes, porcupine.Annotation{Tag: "nemesis", Start: f.At, Description: f.Action.String()})
	}
	info.AddAnnotations(notes)
	dir := os.Getenv("ZKAFKA_ARTIFACTS")
	if dir == "" {
		dir = os.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		c.note("cannot write the visualization: %v", err)
		return ""
	}
	name := strings.NewReplacer("/", "_", " ", "_").Replace(c.opt.Name)
	f, err := os.CreateTemp(dir, "zkcheck-"+name+"-*.html")
	if err != nil {
		c.note("cannot write the visualization: %v", err)
		return ""
	}
	defer f.Close()
	if err := porcupine.Visualize(model, info, f); err != nil {
		c.note("cannot write the visualization: %v", err)
		return ""
	}
	return f.Name()
}

// zxidOrder checks that the zxids the servers reported are a witness: a
// total order of the answered writes that respects real time and, replayed
// path by path, gives every recorded result. The read checks then measure
// staleness against it.
func (c *checker) zxidOrder() {
	var known []Op
	for _, o := range c.ops {
		if o.Kind.isWrite() && o.Outcome != Unknown {
			known = append(known, o)
		}
	}
	slices.SortStableFunc(known, func(a, b Op) int { return cmp.Compare(a.Zxid, b.Zxid) })
	for i := 1; i < len(known); i++ {
		if known[i].Zxid == known[i-1].Zxid {
			c.violate("zxid order", "two writes answered with the same zxid %#x:\n      %v\n      %v", known[i].Zxid, known[i-1], known[i])
		}
	}
	// Real time: a write that returned before another was called must have
	// the smaller zxid. Walk zxids downwards keeping the earliest return.
	minRet := int64(math.MaxInt64)
	var minOp Op
	for i := len(known) - 1; i >= 0; i-- {
		if minRet < known[i].Call {
			c.violate("linearizable writes", "a write acknowledged before another began has the larger zxid:\n      %v\n      %v", minOp, known[i])
		}
		if known[i].Return < minRet {
			minRet, minOp = known[i].Return, known[i]
		}
	}
	// Replay each path in zxid order.
	state := map[string]znode{}
	broken := map[string]bool{}
	for _, o := range known {
		if broken[o.Path] {
			continue
		}
		ok, next := explains(state[o.Path], o)
		if !ok {
			broken[o.Path] = true
			if t, unsure := c.unsure[o.Path]; unsure && t < o.Return {
				c.note("replaying %s in zxid order does not explain %v, but a write with unknown outcome may: %s not checked further", o.Path, o, o.Path)
			} else {
				c.violate("zxid order", "replaying %s in zxid order, %v does not follow from %s", o.Path, o, writeModel.DescribeState(state[o.Path]))
			}
			continue
		}
		state[o.Path] = next
		if o.Outcome == OK {
			c.timeline[o.Path] = append(c.timeline[o.Path], o)
		}
	}
	for p := range broken {
		delete(c.timeline, p) // no trustworthy order to measure reads against
		c.untrusted[p] = true
	}
}
