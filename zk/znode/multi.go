package znode

import (
	"errors"
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/zpath"
)

// A multi (op 14) is all or nothing, and each op sees the ops before it:
// "create /a; create /a/b" works. ZooKeeper checks each op against a list
// of pending changes (PrepRequestProcessor's outstandingChanges) and
// throws them away if one op fails. We do the equivalent with an undo
// log: apply each op as soon as it passes its check, remember what the
// nodes it touches looked like before, and put them back if a later op
// fails. An op touches at most its node and its node's parent.
//
// All the ops share the multi's zxid and time (DataTree.processTxn).
//
// The reply header's err is 0 even when an op failed; the results tell:
// ops before the failing one report 0, the failing op its code, the ops
// after it RUNTIMEINCONSISTENCY (-2), each as an error result (type -1).
// We log a failed multi as a MultiTxn of ErrorTxns with exactly those
// codes. (ZooKeeper's log keeps the earlier ops' real sub-txns and
// processTxn rewrites them to ErrorTxn(0) on apply; applyMulti accepts
// both forms, so a log written either way replays the same.)

// saved is a node as it was before an op of a multi touched it.
type saved struct {
	path    string
	present bool
	node    NodeData
}

func (t *Tree) save(path string) saved {
	n, ok := t.nodeData(path)
	return saved{path: path, present: ok, node: n}
}

// rollback restores saved nodes, newest first. It can only fail if
// putNode or deleteNode is broken (say, an unfinished lab): the error then
// says so instead of crashing the server.
func (t *Tree) rollback(undo []saved) error {
	for i := len(undo) - 1; i >= 0; i-- {
		s := undo[i]
		if s.present {
			if err := t.putNode(s.path, s.node.Data, s.node.ACL, s.node.Stat); err != nil {
				return fmt.Errorf("%w: multi rollback of %s: %w", zkerr.SystemError, s.path, err)
			}
		} else if _, ok := t.nodeData(s.path); ok {
			// A node the multi created. zxid 0 leaves the parent's pzxid
			// alone; the parent is restored right after anyway.
			if _, err := t.deleteNode(s.path, 0); err != nil {
				return fmt.Errorf("%w: multi rollback of %s: %w", zkerr.SystemError, s.path, err)
			}
		}
	}
	return nil
}

func (t *Tree) executeMulti(req Request) Result {
	hdr := req.Header
	mr, ok := req.Record.(*proto.MultiRequest)
	if !ok {
		return failed(hdr, fmt.Errorf("%w: multi with a %T body", zkerr.MarshallingError, req.Record))
	}
	var (
		undo    []saved
		subs    []proto.SubTxn
		results []proto.MultiResult
		events  []proto.WatcherEvent
		failAt  = -1
		failErr error
	)
	for i, op := range mr.Ops {
		sub := hdr
		sub.Type = op.Type
		rec, err := t.prep(op.Type, hdr.ClientID, op.Record, req.Auth)
		if err == nil {
			if p := proto.TxnPath(rec); op.Type != proto.OpCheck {
				// Parent first, so the rollback (newest first) restores the
				// node before its parent.
				if parent := zpath.Parent(p); parent != "" {
					undo = append(undo, t.save(parent))
				}
				undo = append(undo, t.save(p))
			}
			var stat proto.Stat
			var evs []proto.WatcherEvent
			stat, evs, err = t.applyTxn(sub, rec)
			if err == nil {
				subs = append(subs, proto.SubTxn{Type: op.Type, Txn: rec})
				results = append(results, multiResult(op.Type, rec, stat))
				events = append(events, evs...)
				continue
			}
		}
		failAt, failErr = i, err
		break
	}
	if failAt < 0 {
		return Result{
			Txn:      proto.Txn{Header: hdr, Record: &proto.MultiTxn{Txns: subs}},
			Response: &proto.MultiResponse{Results: results},
			Events:   events,
		}
	}
	rollbackErr := t.rollback(undo)
	failSubs := make([]proto.SubTxn, len(mr.Ops))
	failResults := make([]proto.MultiResult, len(mr.Ops))
	for i := range mr.Ops {
		code := zkerr.OK
		switch {
		case i == failAt:
			code = zkerr.CodeOf(failErr)
		case i > failAt:
			code = zkerr.RuntimeInconsistency
		}
		failSubs[i] = proto.SubTxn{Type: proto.OpError, Txn: &proto.ErrorTxn{Err: int32(code)}}
		failResults[i] = proto.MultiResult{Type: proto.OpError, Err: int32(code)}
	}
	res := Result{
		Txn:      proto.Txn{Header: hdr, Record: &proto.MultiTxn{Txns: failSubs}},
		Response: &proto.MultiResponse{Results: failResults},
	}
	var code zkerr.Code
	if !errors.As(failErr, &code) {
		// Not a ZooKeeper outcome but a bug (e.g. an unfinished lab
		// function): surface it rather than hide it in a result.
		res.Err = failErr
	}
	if rollbackErr != nil {
		res.Err = rollbackErr
	}
	return res
}

// multiResult is one successful op's entry in a MultiResponse.
func multiResult(op proto.OpCode, txn proto.Record, stat proto.Stat) proto.MultiResult {
	res := proto.MultiResult{Type: op}
	switch op {
	case proto.OpCreate:
		res.Record = &proto.CreateResponse{Path: proto.TxnPath(txn)}
	case proto.OpCreate2, proto.OpCreateContainer, proto.OpCreateTTL:
		res.Record = &proto.Create2Response{Path: proto.TxnPath(txn), Stat: stat}
	case proto.OpSetData:
		res.Record = &proto.StatResponse{Stat: stat}
	}
	return res
}

// applyMulti applies a logged MultiTxn. If any sub-txn is an ErrorTxn the
// multi failed and changes nothing; otherwise each sub-txn is applied in
// order under the multi's zxid and time. It returns the Stat each sub-txn
// left its node with (none for a failed multi).
func (t *Tree) applyMulti(hdr proto.TxnHeader, m *proto.MultiTxn) ([]proto.Stat, []proto.WatcherEvent, error) {
	for _, s := range m.Txns {
		if s.Type == proto.OpError {
			return nil, nil, nil
		}
	}
	var events []proto.WatcherEvent
	var first error
	stats := make([]proto.Stat, 0, len(m.Txns))
	for _, s := range m.Txns {
		sub := hdr
		sub.Type = s.Type
		stat, evs, err := t.applyTxn(sub, s.Txn)
		stats = append(stats, stat)
		events = append(events, evs...)
		if err != nil && first == nil {
			first = err
		}
	}
	return stats, events, first
}
