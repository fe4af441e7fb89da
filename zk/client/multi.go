package client

import (
	"context"
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// Op is one operation of a Multi. Build it with CreateOp, DeleteOp, SetOp
// or CheckOp.
type Op struct {
	typ  proto.OpCode
	path string
	rec  proto.Record
}

// CreateOp creates a node (a nil acl means OpenACLUnsafe).
func CreateOp(path string, data []byte, mode proto.CreateMode, acl []proto.ACL) Op {
	typ := proto.OpCreate
	if mode.Container() {
		typ = proto.OpCreateContainer
	}
	return Op{typ: typ, path: path, rec: &proto.CreateRequest{Path: path, Data: data, ACL: aclOrOpen(acl), Flags: mode}}
}

// DeleteOp deletes a node if its version matches (-1: any).
func DeleteOp(path string, version int32) Op {
	return Op{typ: proto.OpDelete, path: path, rec: &proto.DeleteRequest{Path: path, Version: version}}
}

// SetOp sets a node's data if its version matches (-1: any).
func SetOp(path string, data []byte, version int32) Op {
	return Op{typ: proto.OpSetData, path: path, rec: &proto.SetDataRequest{Path: path, Data: data, Version: version}}
}

// CheckOp fails the multi unless the node's version matches.
func CheckOp(path string, version int32) Op {
	return Op{typ: proto.OpCheck, path: path, rec: &proto.CheckVersionRequest{Path: path, Version: version}}
}

// OpResult is the outcome of one Op.
type OpResult struct {
	Type proto.OpCode // the op's type; proto.OpError if it failed
	Path string       // create: the created path
	Stat proto.Stat   // setData, createContainer: the node's new Stat
	Err  error        // nil, or this op's zkerr.Code
}

// Multi runs ops atomically (multi, 14): all of them apply, with one zxid,
// or none does. When one fails the server reports, per op, OK for the ops
// before it (they were rolled back), the op's own code, and
// RUNTIMEINCONSISTENCY for the ops after it (docs/reference/zookeeper.md §1.7). Multi
// then returns every result and an error wrapping the failing op's code,
// so errors.Is(err, zkerr.NodeExists) works.
func (c *Conn) Multi(ctx context.Context, ops ...Op) ([]OpResult, error) {
	mreq := &proto.MultiRequest{}
	for _, op := range ops {
		mreq.Ops = append(mreq.Ops, proto.MultiOp{Type: op.typ, Record: op.rec})
	}
	var resp proto.MultiResponse
	if err := c.do(ctx, newRequest(proto.OpMulti, mreq, &resp)); err != nil {
		return nil, err
	}
	if len(resp.Results) != len(ops) {
		return nil, fmt.Errorf("%w: multi sent %d ops, got %d results", ErrProtocol, len(ops), len(resp.Results))
	}
	results := make([]OpResult, len(ops))
	var first error
	for i, r := range resp.Results {
		res := OpResult{Type: r.Type}
		switch rec := r.Record.(type) {
		case *proto.CreateResponse:
			res.Path = rec.Path
		case *proto.Create2Response:
			res.Path, res.Stat = rec.Path, rec.Stat
		case *proto.StatResponse:
			res.Stat = rec.Stat
		}
		if r.Type == proto.OpError && r.Err != 0 {
			res.Err = zkerr.Code(r.Err)
			// The failing op is the one whose code is not the "rolled
			// back" marker RUNTIMEINCONSISTENCY (ops after it carry that).
			if first == nil && res.Err != zkerr.RuntimeInconsistency {
				first = fmt.Errorf("zk: multi op %d (%v %s): %w", i, ops[i].typ, ops[i].path, res.Err)
			}
		}
		results[i] = res
	}
	if first == nil {
		for i, r := range results {
			if r.Err != nil {
				first = fmt.Errorf("zk: multi op %d (%v %s): %w", i, ops[i].typ, ops[i].path, r.Err)
				break
			}
		}
	}
	return results, first
}
