package zkcheck

import (
	"fmt"

	"github.com/anishathalye/porcupine"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// znode is the state of one path in the write model: a register with a
// version, as ZooKeeper's create/setData/delete see it.
type znode struct {
	exists  bool
	value   string
	version int32
}

// apply runs a write against s, as the leader would: the new state and the
// result code (0 for success).
func apply(s znode, o Op) (znode, zkerr.Code) {
	switch o.Kind {
	case Create:
		if s.exists {
			return s, zkerr.NodeExists
		}
		return znode{exists: true, value: o.Value}, 0
	case Set:
		if !s.exists {
			return s, zkerr.NoNode
		}
		if o.Version != -1 && o.Version != s.version {
			return s, zkerr.BadVersion
		}
		return znode{exists: true, value: o.Value, version: s.version + 1}, 0
	case Delete:
		if !s.exists {
			return s, zkerr.NoNode
		}
		if o.Version != -1 && o.Version != s.version {
			return s, zkerr.BadVersion
		}
		return znode{}, 0
	}
	return s, 0
}

// explains reports whether applying o to s gives o's recorded result, and
// the state after.
func explains(s znode, o Op) (bool, znode) {
	next, code := apply(s, o)
	switch o.Outcome {
	case OK:
		return code == 0, next
	case Failed:
		return code == o.Code, s
	}
	return true, next
}

// writeModel is the porcupine model of writes to one path. A write whose
// outcome is unknown may or may not have happened, so the model is
// nondeterministic: both states are kept.
var writeModel = porcupine.NondeterministicModel{
	Partition: func(h []porcupine.Operation) [][]porcupine.Operation {
		byPath := map[string][]porcupine.Operation{}
		var order []string
		for _, op := range h {
			p := op.Input.(Op).Path
			if _, ok := byPath[p]; !ok {
				order = append(order, p)
			}
			byPath[p] = append(byPath[p], op)
		}
		out := make([][]porcupine.Operation, 0, len(order))
		for _, p := range order {
			out = append(out, byPath[p])
		}
		return out
	},
	Init: func() []any { return []any{znode{}} },
	Step: func(state, input, output any) []any {
		s, o := state.(znode), input.(Op)
		ok, next := explains(s, o)
		switch {
		case o.Outcome == Unknown:
			if next == s {
				return []any{s}
			}
			return []any{s, next}
		case ok:
			return []any{next}
		}
		return nil
	},
	DescribeOperation: func(input, output any) string {
		o := input.(Op)
		switch o.Outcome {
		case Unknown:
			return fmt.Sprintf("%s %s %q → ?", o.Kind, o.Path, o.Value)
		case Failed:
			return fmt.Sprintf("%s %s %q → %v", o.Kind, o.Path, o.Value, o.Code)
		}
		return fmt.Sprintf("%s %s %q → ok", o.Kind, o.Path, o.Value)
	},
	DescribeState: func(state any) string {
		s := state.(znode)
		if !s.exists {
			return "(absent)"
		}
		return fmt.Sprintf("%q v%d", s.value, s.version)
	},
}
