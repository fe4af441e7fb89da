package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// Fault is an action due at a world tick.
type Fault struct {
	At     int64
	Action Action
}

// Schedule is a list of faults in tick order. Its text form, one fault a
// line, is what a failing run prints and what ParseSchedule reads back:
//
//	t=40 partition 1 2 | 3 4 5
//	t=130 heal
//	t=150 crash 3
//	t=260 restart 3
type Schedule []Fault

func (s Schedule) sort() {
	slices.SortStableFunc(s, func(a, b Fault) int { return int(a.At - b.At) })
}

// String is the schedule's text form.
func (s Schedule) String() string {
	var b strings.Builder
	for _, f := range s {
		fmt.Fprintf(&b, "t=%d %s\n", f.At, f.Action)
	}
	return b.String()
}

// ParseSchedule reads a schedule's text form. Blank lines and lines
// starting with # are skipped, so a schedule copied from a failing run can
// be pasted into a test and edited down.
func ParseSchedule(text string) (Schedule, error) {
	var s Schedule
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		at, rest, ok := strings.Cut(line, " ")
		if !ok || !strings.HasPrefix(at, "t=") {
			return nil, fmt.Errorf("sim: schedule line %d: %q: want \"t=TICK ACTION\"", i+1, line)
		}
		t, err := strconv.ParseInt(at[2:], 10, 64)
		if err != nil || t < 0 {
			return nil, fmt.Errorf("sim: schedule line %d: %q: bad tick", i+1, line)
		}
		a, err := ParseAction(rest)
		if err != nil {
			return nil, fmt.Errorf("sim: schedule line %d: %w", i+1, err)
		}
		s = append(s, Fault{At: t, Action: a})
	}
	s.sort()
	return s, nil
}

// NemesisConfig shapes the faults Nemesis draws.
type NemesisConfig struct {
	Nodes    int   // the world's node count
	Duration int64 // faults are drawn in ticks [1, Duration]
	// Gap bounds the ticks between two faults, drawn uniformly in
	// [Gap/2, Gap*3/2] (default 50).
	Gap int64
	// MaxDown is how many nodes may be crashed at once (default: a
	// minority, (Nodes-1)/2, so a quorum can still make progress).
	MaxDown int
	// Kinds are the actions to draw from, uniformly (default: all of
	// them once); list a kind twice to draw it twice as often.
	Kinds []ActionKind
	// MessageKinds, when set, lets the nemesis aim at protocol phases
	// (needs Config.Kind): drop (the connection breaks as it is sent) or
	// delay the next message of one of these kinds, on one link or from
	// or to any node (*), and arm crashes that count their points only
	// from when the node sends or receives such a message ("arm 2 any 3
	// after recv NEWLEADER": inside the Ready that handles it).
	MessageKinds []string
	// NoFinalHeal leaves the world as the last fault left it. By default
	// the schedule ends, at Duration, by healing the network and restarting
	// every crashed node, so the test can check that the system recovers.
	NoFinalHeal bool
}

// Nemesis draws a fault schedule from r: partitions (random splits),
// one-way cuts, isolations, connection resets, crashes and restarts, at
// random gaps, and (with MessageKinds) faults aimed at protocol phases.
// One fault in four comes in the same tick as the one before it (one in
// two after a drop or delay, and then aimed at the same message kind):
// bugs often need two things to go wrong at once (one follower's ACK lost
// as another's is late), which faults ~Gap apart would seldom line up. It is a pure function of r's state, so a seed gives the
// same schedule on every run; print it (String) at the start of a test so
// a failure shows what happened when. Draw r from its own stream
// (NewRand(seed, 1)) so the schedule does not depend on the network's draws.
func Nemesis(r *rand.Rand, c NemesisConfig) Schedule {
	if c.Nodes <= 0 || c.Duration <= 0 {
		return nil
	}
	if c.Gap <= 0 {
		c.Gap = 50
	}
	if c.MaxDown <= 0 {
		c.MaxDown = (c.Nodes - 1) / 2
	}
	kinds := c.Kinds
	if len(kinds) == 0 {
		kinds = []ActionKind{ActPartition, ActCut, ActIsolate, ActHeal, ActBreak, ActCrash, ActArm, ActRestart}
		if len(c.MessageKinds) > 0 {
			kinds = append(kinds, ActDrop, ActDelay)
		}
	}
	down := make([]bool, c.Nodes+1)
	nDown := 0
	node := func() NodeID { return NodeID(1 + r.IntN(c.Nodes)) }
	var s Schedule
	for t := int64(0); ; {
		aimed := len(s) > 0 && (s[len(s)-1].Action.Kind == ActDrop || s[len(s)-1].Action.Kind == ActDelay)
		burst := len(s) > 0 && (r.IntN(4) == 0 || aimed && r.IntN(3) == 0)
		if !burst {
			t += c.Gap/2 + r.Int64N(c.Gap+1)
		}
		if t >= c.Duration {
			break
		}
		k := kinds[r.IntN(len(kinds))]
		msg := "" // the message kind of a drop or delay
		if len(c.MessageKinds) > 0 {
			msg = c.MessageKinds[r.IntN(len(c.MessageKinds))]
		}
		var follow *Action // a burst after a drop or delay: aim at its message kind too
		if burst && aimed {
			follow = &s[len(s)-1].Action
			// One lost, another late (say, one follower's ACK and the
			// next one's, to the same node): the other action, mostly.
			k, msg = ActDrop, follow.Point
			if follow.Kind == ActDrop && r.IntN(4) != 0 || follow.Kind == ActDelay && r.IntN(4) == 0 {
				k = ActDelay
			}
		}
		var a Action
		switch k {
		case ActPartition:
			if c.Nodes < 2 {
				continue
			}
			// Shuffle the nodes and split them in two non-empty groups.
			ids := make([]NodeID, c.Nodes)
			for i := range ids {
				ids[i] = NodeID(i + 1)
			}
			r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
			k := 1 + r.IntN(c.Nodes-1)
			g1, g2 := slices.Clone(ids[:k]), slices.Clone(ids[k:])
			slices.Sort(g1)
			slices.Sort(g2)
			a = Action{Kind: ActPartition, Groups: [][]NodeID{g1, g2}}
		case ActCut, ActBreak:
			if c.Nodes < 2 {
				continue
			}
			x, y := node(), node()
			for y == x {
				y = node()
			}
			a = Action{Kind: k, Nodes: []NodeID{x, y}}
		case ActIsolate:
			a = Action{Kind: k, Nodes: []NodeID{node()}}
		case ActHeal:
			a = Action{Kind: k}
		case ActCrash, ActArm:
			// arm is a crash inside a Ready: at the k-th write, fsync or
			// send from now. An armed node counts as down until restarted
			// (a restart of one that never reached its point disarms it).
			if nDown >= c.MaxDown {
				continue
			}
			n := node()
			for down[n] {
				n = node()
			}
			down[n] = true
			nDown++
			a = Action{Kind: k, Nodes: []NodeID{n}}
			if k == ActArm {
				a.Point, a.Count = armPoints[r.IntN(len(armPoints))], 1+r.Int64N(8)
				if len(c.MessageKinds) > 0 && r.IntN(2) == 0 {
					// Aimed at a phase: the Ready that handles (or follows)
					// the message may hold a dozen points; reach them all.
					dir := []string{"send", "recv"}[r.IntN(2)]
					a.After = dir + " " + c.MessageKinds[r.IntN(len(c.MessageKinds))]
					a.Count = 1 + r.Int64N(16)
				}
			}
		case ActDrop, ActDelay:
			if c.Nodes < 2 || len(c.MessageKinds) == 0 {
				continue
			}
			x, y := node(), node()
			for y == x {
				y = node()
			}
			// Half the time from or to any node: a message kind that only
			// the leader sends (or only followers) then always meets its
			// target.
			switch r.IntN(6) {
			case 0:
				x = Any
			case 1:
				y = Any
			case 2:
				x, y = Any, Any
			}
			if follow != nil {
				x, y = Any, follow.Nodes[1]
			}
			a = Action{Kind: k, Nodes: []NodeID{x, y}, Point: msg}
			if k == ActDelay {
				a.Count = c.Gap/4 + r.Int64N(2*c.Gap+1)
			}
		case ActRestart:
			if nDown == 0 {
				continue
			}
			n := node()
			for !down[n] {
				n = node()
			}
			down[n] = false
			nDown--
			a = Action{Kind: k, Nodes: []NodeID{n}}
		default:
			continue
		}
		s = append(s, Fault{At: t, Action: a})
	}
	if !c.NoFinalHeal {
		s = append(s, Fault{At: c.Duration, Action: Action{Kind: ActHeal}})
		for n := 1; n <= c.Nodes; n++ {
			if down[n] {
				s = append(s, Fault{At: c.Duration, Action: Action{Kind: ActRestart, Nodes: []NodeID{NodeID(n)}}})
			}
		}
	}
	return s
}
