package zkcheck

import (
	"errors"
	"fmt"
	"math"

	"github.com/zkafka/zkafka/zk/zkerr"
)

// Kind is a client operation the checker understands.
type Kind uint8

const (
	Create Kind = iota + 1 // create Path with Value; fails NodeExists
	Set                    // setData Path to Value if Version matches (-1: any); fails NoNode, BadVersion
	Delete                 // delete Path if Version matches (-1: any); fails NoNode, BadVersion
	Get                    // getData Path: Value and Mzxid, or NoNode
	Sync                   // sync: later reads of the session see every write acknowledged before it
	Exists                 // exists Path: Mzxid (Stat.mzxid), or NoNode; no data, so Value is not checked
)

func (k Kind) String() string {
	switch k {
	case Create:
		return "create"
	case Set:
		return "set"
	case Delete:
		return "delete"
	case Get:
		return "get"
	case Sync:
		return "sync"
	case Exists:
		return "exists"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

func (k Kind) isWrite() bool { return k == Create || k == Set || k == Delete }

// Outcome is what the client learnt.
type Outcome uint8

const (
	OK      Outcome = iota + 1 // the server answered with success
	Failed                     // the server answered with an error (Code): the op did not change the tree
	Unknown                    // no answer (connection lost, timeout, session expired, still running): it may or may not have happened
)

// Op is one client operation: what was asked, when, and what came back.
// Times are world ticks (sim.World.Now).
type Op struct {
	Session int64  // the client session; its ops are FIFO
	Kind    Kind   //
	Path    string // the znode; the checker treats paths as independent registers under an existing parent
	Value   string // create, set: the data written. get: the data read
	Version int32  // set, delete: the expected version, -1 for any

	Call, Return int64 // invoke and return ticks; Return is math.MaxInt64 while Unknown
	Outcome      Outcome
	Code         zkerr.Code // Failed: NoNode, NodeExists or BadVersion (get: NoNode = absent)
	// Zxid is the reply header's zxid: for a write, its txn's zxid (failed
	// writes take one too); for a get or sync, the last zxid the server
	// had applied when it answered — the session's view.
	Zxid int64
	// Mzxid is a successful get's Stat.mzxid: the zxid of the write whose
	// data it read.
	Mzxid int64
}

func (o Op) String() string {
	var args string
	switch o.Kind {
	case Create:
		args = fmt.Sprintf("%s %q", o.Path, o.Value)
	case Set:
		args = fmt.Sprintf("%s %q v%d", o.Path, o.Value, o.Version)
	case Delete:
		args = fmt.Sprintf("%s v%d", o.Path, o.Version)
	default:
		args = o.Path
	}
	var res string
	switch o.Outcome {
	case OK:
		if o.Kind == Exists {
			res = fmt.Sprintf("mzxid=%#x zxid=%#x", o.Mzxid, o.Zxid)
		} else if o.Kind == Get {
			res = fmt.Sprintf("%q mzxid=%#x zxid=%#x", o.Value, o.Mzxid, o.Zxid)
		} else {
			res = fmt.Sprintf("ok zxid=%#x", o.Zxid)
		}
	case Failed:
		res = fmt.Sprintf("%v zxid=%#x", o.Code, o.Zxid)
	default:
		res = "unknown"
	}
	ret := "∞"
	if o.Return != math.MaxInt64 {
		ret = fmt.Sprint(o.Return)
	}
	return fmt.Sprintf("session %#x %s %s -> %s [t=%d..%s]", o.Session, o.Kind, args, res, o.Call, ret)
}

// Result is what a client call returned, for Recorder.Return.
type Result struct {
	// Err is nil on success; zkerr.NoNode, NodeExists or BadVersion for a
	// definite failure (a get's NoNode means "absent"); any other error
	// (ConnectionLoss, OperationTimeout, SessionExpired, ...) leaves the
	// outcome unknown.
	Err   error
	Value string // get: the data
	Zxid  int64  // the reply header's zxid
	Mzxid int64  // get: Stat.mzxid
}

// Recorder collects a history as a test runs: Invoke when a client sends
// an operation, Return when its answer arrives. It is not safe for
// concurrent use (the simulated world has no concurrency).
type Recorder struct {
	ops []Op
}

// Invoke records that op (Session, Kind, Path, Value, Version) was sent
// at tick now, and returns its id for Return.
func (r *Recorder) Invoke(now int64, op Op) int {
	op.Call = now
	op.Return = math.MaxInt64
	op.Outcome = Unknown
	if op.Kind == Get || op.Kind == Exists {
		op.Value = ""
	}
	r.ops = append(r.ops, op)
	return len(r.ops) - 1
}

// Return records op id's answer at tick now. An id that was never invoked
// or already returned is a harness bug and is reported as an error.
func (r *Recorder) Return(id int, now int64, res Result) error {
	if id < 0 || id >= len(r.ops) {
		return fmt.Errorf("zkcheck: Return(%d): no such op", id)
	}
	op := &r.ops[id]
	if op.Return != math.MaxInt64 {
		return fmt.Errorf("zkcheck: Return(%d): already returned at t=%d", id, op.Return)
	}
	if now < op.Call {
		return fmt.Errorf("zkcheck: Return(%d) at t=%d, before its call at t=%d", id, now, op.Call)
	}
	var code zkerr.Code
	switch {
	case res.Err == nil:
		op.Outcome = OK
	case errors.As(res.Err, &code) && (code == zkerr.NoNode || code == zkerr.NodeExists || code == zkerr.BadVersion):
		op.Outcome, op.Code = Failed, code
	default:
		return nil // unknown: as if it never came back
	}
	op.Return = now
	op.Zxid = res.Zxid
	if op.Kind == Get && op.Outcome == OK {
		op.Value, op.Mzxid = res.Value, res.Mzxid
	}
	if op.Kind == Exists && op.Outcome == OK {
		op.Mzxid = res.Mzxid
	}
	return nil
}

// Ops returns the history so far; ops still waiting are Unknown.
func (r *Recorder) Ops() []Op { return append([]Op(nil), r.ops...) }
