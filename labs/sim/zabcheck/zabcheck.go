package zabcheck

import (
	"fmt"
	"slices"
	"strings"

	"github.com/zkafka/zkafka/labs/sim"
)

// Recorder collects broadcasts and deliveries. Not safe for concurrent use.
type Recorder struct {
	seqs         []*sequence // every delivered sequence, in start order
	current      map[sim.NodeID]*sequence
	broadcasts   []broadcast
	byZxid       map[int64]string // broadcast content per zxid
	errs         []string         // violations found while recording (bounded)
	nerrs        int
	firstOfEpoch map[int64]leaderAt // epoch -> the leader and what it had delivered at its first broadcast
}

type sequence struct {
	node  sim.NodeID
	start int64 // state before the first delivery (snapshot zxid); -1 if unknown
	zxids []int64
	txns  []string
}

type broadcast struct {
	node sim.NodeID
	zxid int64
	txn  string
}

type leaderAt struct {
	node      sim.NodeID
	delivered int64 // last zxid its state machine held
	zxid      int64 // its first broadcast in the epoch
}

// Epoch is the high half of a zxid.
func Epoch(zxid int64) int64 { return zxid >> 32 }

func (r *Recorder) init() {
	if r.current == nil {
		r.current = map[sim.NodeID]*sequence{}
		r.byZxid = map[int64]string{}
		r.firstOfEpoch = map[int64]leaderAt{}
	}
}

func (r *Recorder) fail(format string, args ...any) {
	r.nerrs++
	if len(r.errs) < 20 {
		r.errs = append(r.errs, fmt.Sprintf(format, args...))
	}
}

// Start begins node's new delivered sequence: its state machine holds
// every txn up to zxid (0 for an empty one).
func (r *Recorder) Start(node sim.NodeID, zxid int64) {
	r.init()
	s := &sequence{node: node, start: zxid}
	r.seqs = append(r.seqs, s)
	r.current[node] = s
}

func (r *Recorder) seq(node sim.NodeID) *sequence {
	r.init()
	s := r.current[node]
	if s == nil { // no Start: the starting point is unknown
		s = &sequence{node: node, start: -1}
		r.seqs = append(r.seqs, s)
		r.current[node] = s
	}
	return s
}

func (s *sequence) last() int64 {
	if len(s.zxids) > 0 {
		return s.zxids[len(s.zxids)-1]
	}
	return s.start
}

// Deliver records that node applied txn at zxid.
func (r *Recorder) Deliver(node sim.NodeID, zxid int64, txn string) {
	s := r.seq(node)
	if last := s.last(); zxid <= last {
		r.fail("total order: node %d delivered zxid %#x after %#x", node, zxid, last)
	}
	s.zxids = append(s.zxids, zxid)
	s.txns = append(s.txns, txn)
}

// Broadcast records that node, as leader, proposed txn at zxid.
func (r *Recorder) Broadcast(node sim.NodeID, zxid int64, txn string) {
	r.init()
	e := Epoch(zxid)
	first, seen := r.firstOfEpoch[e]
	switch {
	case !seen:
		r.firstOfEpoch[e] = leaderAt{node: node, delivered: r.seq(node).last(), zxid: zxid}
	case first.node != node:
		r.fail("primary order: epoch %d has two leaders, node %d (zxid %#x) and node %d (zxid %#x)", e, first.node, first.zxid, node, zxid)
	}
	for i := len(r.broadcasts) - 1; i >= 0; i-- {
		if b := r.broadcasts[i]; Epoch(b.zxid) == e {
			if zxid <= b.zxid {
				r.fail("local primary order: leader %d broadcast zxid %#x after %#x", node, zxid, b.zxid)
			}
			break
		}
	}
	if old, dup := r.byZxid[zxid]; dup && old != txn {
		r.fail("integrity: zxid %#x broadcast twice with different txns", zxid)
	}
	r.byZxid[zxid] = txn
	r.broadcasts = append(r.broadcasts, broadcast{node, zxid, txn})
}

// Check checks the whole run and returns its violations (nil if none).
func (r *Recorder) Check() []string {
	r.init()
	errs := slices.Clone(r.errs)
	n := r.nerrs
	fail := func(format string, args ...any) {
		n++
		if len(errs) < 20 {
			errs = append(errs, fmt.Sprintf(format, args...))
		}
	}
	// Agreement on content, and integrity against broadcasts.
	content := map[int64]string{}
	who := map[int64]sim.NodeID{}
	for _, s := range r.seqs {
		for i, z := range s.zxids {
			t := s.txns[i]
			if c, ok := content[z]; ok && c != t {
				fail("agreement: zxid %#x is %q at node %d but %q at node %d", z, short(c), who[z], short(t), s.node)
			} else if !ok {
				content[z], who[z] = t, s.node
			}
			if len(r.broadcasts) > 0 {
				if b, ok := r.byZxid[z]; !ok {
					fail("integrity: node %d delivered zxid %#x, which no leader broadcast", s.node, z)
				} else if b != t {
					fail("integrity: node %d delivered %q at zxid %#x, but %q was broadcast", s.node, short(t), z, short(b))
				}
			}
		}
	}
	// Total order without gaps: consecutive deliveries of a sequence are
	// consecutive in the global order of everything delivered.
	global := make([]int64, 0, len(content))
	for z := range content {
		global = append(global, z)
	}
	slices.Sort(global)
	pos := func(z int64) int { // index of the first global zxid > z
		i, found := slices.BinarySearch(global, z)
		if found {
			return i + 1
		}
		return i
	}
	for _, s := range r.seqs {
		prev := s.start
		for _, z := range s.zxids {
			if prev >= 0 {
				if i := pos(prev); i < len(global) && global[i] < z {
					fail("agreement: node %d delivered %#x right after %#x, skipping %#x (delivered by node %d)", s.node, z, prev, global[i], who[global[i]])
				}
			}
			prev = z
		}
	}
	// Primary integrity: nothing of an earlier epoch is delivered that the
	// epoch's leader did not hold before its first broadcast.
	epochs := make([]int64, 0, len(r.firstOfEpoch))
	for e := range r.firstOfEpoch {
		epochs = append(epochs, e)
	}
	slices.Sort(epochs)
	for _, e := range epochs {
		l := r.firstOfEpoch[e]
		if l.delivered < 0 {
			continue // the leader's starting point was never recorded (no Start)
		}
		// The newest delivered zxid of an epoch before e.
		i := pos(e<<32 - 1)
		if i == 0 {
			continue
		}
		if z := global[i-1]; z > l.delivered {
			fail("primary integrity: leader %d of epoch %d broadcast %#x holding only up to %#x, but %#x (epoch %d, delivered by node %d) came before it",
				l.node, e, l.zxid, l.delivered, z, Epoch(z), who[z])
		}
	}
	if n > len(errs) {
		errs = append(errs, fmt.Sprintf("... and %d more", n-len(errs)))
	}
	return errs
}

// Err is Check as one error, nil if there is no violation.
func (r *Recorder) Err() error {
	v := r.Check()
	if len(v) == 0 {
		return nil
	}
	return fmt.Errorf("zabcheck: %d violation(s):\n  %s", len(v), strings.Join(v, "\n  "))
}

func short(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
