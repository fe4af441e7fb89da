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
//
// Cutting a link that worked breaks its connection (in-flight messages in
// both directions are lost and both ends are told), like a TCP connection
// that times out. Healing reconnects nothing by itself: the next message
// sent opens a new connection.
type Action struct {
	Kind   ActionKind
	Groups [][]NodeID // partition
	Nodes  []NodeID   // cut: from, to; break: a, b; isolate, crash, restart: the node
}

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
)

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
	default:
		for _, n := range a.Nodes {
			fmt.Fprintf(&b, " %d", n)
		}
	}
	return b.String()
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
	return Action{}, fmt.Errorf("sim: %q: unknown action %q (partition, cut, isolate, heal, break, crash, restart)", s, f[0])
}

// Equal reports whether two actions are the same.
func (a Action) Equal(b Action) bool {
	if a.Kind != b.Kind || !slices.Equal(a.Nodes, b.Nodes) || len(a.Groups) != len(b.Groups) {
		return false
	}
	for i := range a.Groups {
		if !slices.Equal(a.Groups[i], b.Groups[i]) {
			return false
		}
	}
	return true
}
