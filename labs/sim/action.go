package sim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Action is one change to the world a test or the nemesis makes. Its text
// form is what fault schedules are printed in and what Apply parses:
//
//	partition 1 | 2 3     nodes in different groups cannot talk (both ways); every node listed once
//	cut 1 -> 2            one-way: 1's messages to 2 are lost, 2's to 1 still arrive
//	isolate 2             short for "partition 2 | <everyone else>"
//	heal                  every link works again
//	break 1 2             reset the connection 1–2: whatever is in flight is lost
//	crash 2               power cut: memory lost, disk keeps what was fsynced
//	restart 2             start node 2 again from its crashed disk
//	arm 2 sync 3          node 2 dies at its 3rd crash point of kind sync from now
//	                      (write, sync, send or any): inside a Ready, between a
//	                      write, its fsync and a send (Env.Point)
//	arm 2 any 4 after recv NEWLEADER
//	                      the same, counting from when node 2 next receives a
//	                      NEWLEADER (or, "after send COMMIT", sends a COMMIT):
//	                      a crash aimed at a protocol phase (Config.Kind)
//	drop 1 -> 2 NEWLEADER the next NEWLEADER 1 sends 2 is lost, and with it the
//	                      connection (as when TCP gives up), (Config.Kind names messages)
//	delay 1 -> 2 COMMIT 40 the next COMMIT 1 sends 2 arrives 40 ticks late, and
//	                      everything sent after it on the link waits behind it (FIFO)
//	drop * -> 2 ACK       * is any node: the next ACK anyone sends 2 (drop and delay)
//
// Cutting a link that worked breaks its connection (in-flight messages in
// both directions are lost and both ends are told), like a TCP connection
// that times out. Healing reconnects nothing by itself: the next message
// sent opens a new connection.
type Action struct {
	Kind   ActionKind
	Groups [][]NodeID // partition
	Nodes  []NodeID   // cut, drop, delay: from, to (Any: every node); break: a, b; isolate, crash, restart, arm: the node
	Point  string     // arm: write, sync, send or any; drop, delay: the message kind
	Count  int64      // arm: the how-many-th point; delay: the ticks
	// After, for arm: the points are counted only once the node has sent
	// ("send KIND") or received ("recv KIND") a message of that kind
	// (Config.Kind); empty: from now.
	After string
}

// Any stands for every node in a drop or delay action ("*" in text).
const Any NodeID = 0

// ActionKind names an action.
type ActionKind string

const (
	ActPartition ActionKind = "partition"
	ActCut       ActionKind = "cut"
	ActIsolate   ActionKind = "isolate"
	ActHeal      ActionKind = "heal"
	ActBreak     ActionKind = "break"
	ActCrash     ActionKind = "crash"
	ActRestart   ActionKind = "restart"
	ActArm       ActionKind = "arm"
	ActDrop      ActionKind = "drop"
	ActDelay     ActionKind = "delay"
)

// Crash points a node's runtime reports (Env.Point); "any" matches each.
var armPoints = []string{"write", "sync", "send", "any"}

// String is the action's text form; ParseAction(a.String()) == a.
func (a Action) String() string {
	var b strings.Builder
	b.WriteString(string(a.Kind))
	switch a.Kind {
	case ActPartition:
		for i, g := range a.Groups {
			if i > 0 {
				b.WriteString(" |")
			}
			for _, n := range g {
				fmt.Fprintf(&b, " %d", n)
			}
		}
	case ActCut:
		if len(a.Nodes) == 2 {
			fmt.Fprintf(&b, " %d -> %d", a.Nodes[0], a.Nodes[1])
		}
	case ActArm:
		if len(a.Nodes) == 1 {
			fmt.Fprintf(&b, " %d %s %d", a.Nodes[0], a.Point, a.Count)
		}
		if a.After != "" {
			fmt.Fprintf(&b, " after %s", a.After)
		}
	case ActDrop, ActDelay:
		if len(a.Nodes) == 2 {
			fmt.Fprintf(&b, " %s -> %s %s", endpoint(a.Nodes[0]), endpoint(a.Nodes[1]), a.Point)
		}
		if a.Kind == ActDelay {
			fmt.Fprintf(&b, " %d", a.Count)
		}
	default:
		for _, n := range a.Nodes {
			fmt.Fprintf(&b, " %d", n)
		}
	}
	return b.String()
}

func endpoint(n NodeID) string {
	if n == Any {
		return "*"
	}
	return strconv.Itoa(int(n))
}

// ParseAction reads an action's text form. It checks the syntax and the
// arity; whether the nodes exist is checked by the world applying it.
func ParseAction(s string) (Action, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return Action{}, fmt.Errorf("sim: empty action")
	}
	a := Action{Kind: ActionKind(f[0])}
	args := f[1:]
	nums := func(words []string) ([]NodeID, error) {
		var ids []NodeID
		for _, w := range words {
			n, err := strconv.Atoi(w)
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("sim: %q: %q is not a node number", s, w)
			}
			ids = append(ids, NodeID(n))
		}
		return ids, nil
	}
	want := func(k int) error {
		if len(a.Nodes) != k {
			return fmt.Errorf("sim: %q: %s takes %d node(s)", s, a.Kind, k)
		}
		return nil
	}
	var err error
	switch a.Kind {
	case ActPartition:
		var group []string
		flush := func() error {
			ids, err := nums(group)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				return fmt.Errorf("sim: %q: empty group", s)
			}
			a.Groups = append(a.Groups, ids)
			group = nil
			return nil
		}
		for _, w := range args {
			if w == "|" {
				if err := flush(); err != nil {
					return Action{}, err
				}
				continue
			}
			group = append(group, w)
		}
		if err := flush(); err != nil {
			return Action{}, err
		}
		if len(a.Groups) < 2 {
			return Action{}, fmt.Errorf("sim: %q: a partition needs at least two groups separated by |", s)
		}
		return a, nil
	case ActCut:
		if len(args) != 3 || args[1] != "->" {
			return Action{}, fmt.Errorf("sim: %q: want \"cut FROM -> TO\"", s)
		}
		if a.Nodes, err = nums([]string{args[0], args[2]}); err != nil {
			return Action{}, err
		}
		return a, nil
	case ActArm:
		if len(args) == 6 && args[3] == "after" && (args[4] == "send" || args[4] == "recv") {
			a.After = args[4] + " " + args[5]
			args = args[:3]
		}
		if len(args) != 3 || !slices.Contains(armPoints, args[1]) {
			return Action{}, fmt.Errorf("sim: %q: want \"arm NODE write|sync|send|any COUNT [after send|recv KIND]\"", s)
		}
		if a.Nodes, err = nums(args[:1]); err != nil {
			return Action{}, err
		}
		a.Point = args[1]
		if a.Count, err = strconv.ParseInt(args[2], 10, 64); err != nil || a.Count <= 0 {
			return Action{}, fmt.Errorf("sim: %q: %q is not a positive count", s, args[2])
		}
		return a, nil
	case ActDrop, ActDelay:
		n := 4
		if a.Kind == ActDelay {
			n = 5
		}
		if len(args) != n || args[1] != "->" {
			return Action{}, fmt.Errorf("sim: %q: want \"%s FROM -> TO KIND%s\" (FROM, TO: a node or *)", s, a.Kind, map[bool]string{true: " TICKS"}[a.Kind == ActDelay])
		}
		for _, w := range []string{args[0], args[2]} {
			if w == "*" {
				a.Nodes = append(a.Nodes, Any)
				continue
			}
			ids, err := nums([]string{w})
			if err != nil {
				return Action{}, err
			}
			a.Nodes = append(a.Nodes, ids[0])
		}
		a.Point = args[3]
		if a.Kind == ActDelay {
			if a.Count, err = strconv.ParseInt(args[4], 10, 64); err != nil || a.Count <= 0 {
				return Action{}, fmt.Errorf("sim: %q: %q is not a positive tick count", s, args[4])
			}
		}
		return a, nil
	case ActHeal:
		a.Nodes = nil
		if len(args) != 0 {
			return Action{}, fmt.Errorf("sim: %q: heal takes no nodes", s)
		}
		return a, nil
	case ActBreak:
		if a.Nodes, err = nums(args); err != nil {
			return Action{}, err
		}
		return a, want(2)
	case ActIsolate, ActCrash, ActRestart:
		if a.Nodes, err = nums(args); err != nil {
			return Action{}, err
		}
		return a, want(1)
	}
	return Action{}, fmt.Errorf("sim: %q: unknown action %q (partition, cut, isolate, heal, break, crash, restart, arm, drop, delay)", s, f[0])
}

// Equal reports whether two actions are the same.
func (a Action) Equal(b Action) bool {
	if a.Kind != b.Kind || !slices.Equal(a.Nodes, b.Nodes) || len(a.Groups) != len(b.Groups) || a.Point != b.Point || a.Count != b.Count || a.After != b.After {
		return false
	}
	for i := range a.Groups {
		if !slices.Equal(a.Groups[i], b.Groups[i]) {
			return false
		}
	}
	return true
}
