package client

import (
	"context"
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// Op is one operation of a Multi. Build it with CreateOp, Create2Op,
// DeleteOp, SetOp or CheckOp. Its path is the caller's: Multi adds the
// session's chroot when it sends it.
type Op struct {
	typ     proto.OpCode
	path    string
	data    []byte
	acl     []proto.ACL
	mode    proto.CreateMode
	version int32
}

// CreateOp creates a node (a nil acl means OpenACLUnsafe). Its result
// carries the created path only (create, 1), as Java's Op.create; use
// Create2Op for the new node's Stat. A container mode is sent as
// createContainer (19), whose result has the Stat too.
func CreateOp(path string, data []byte, mode proto.CreateMode, acl []proto.ACL) Op {
	typ := proto.OpCreate
	if mode.Container() {
		typ = proto.OpCreateContainer
	}
	return Op{typ: typ, path: path, data: data, acl: acl, mode: mode}
}

// Create2Op creates a node and its result carries the path and the new
// node's Stat (create2, 15: the czxid, the ephemeralOwner).
func Create2Op(path string, data []byte, mode proto.CreateMode, acl []proto.ACL) Op {
	typ := proto.OpCreate2
	if mode.Container() {
		typ = proto.OpCreateContainer
	}
	return Op{typ: typ, path: path, data: data, acl: acl, mode: mode}
}

// DeleteOp deletes a node if its version matches (-1: any).
func DeleteOp(path string, version int32) Op {
	return Op{typ: proto.OpDelete, path: path, version: version}
}

// SetOp sets a node's data if its version matches (-1: any). Its result
// carries the node's new Stat.
func SetOp(path string, data []byte, version int32) Op {
	return Op{typ: proto.OpSetData, path: path, data: data, version: version}
}

// CheckOp fails the multi unless the node's version matches (-1: the node
// exists). Kafka's controller fences every write with one on
// /controller_epoch (KafkaZkClient.wrapRequestWithControllerEpochCheck).
func CheckOp(path string, version int32) Op {
	return Op{typ: proto.OpCheck, path: path, version: version}
}

// record is the op's request record with the server's path.
func (op Op) record(path string) proto.Record {
	switch op.typ {
	case proto.OpCreate, proto.OpCreate2, proto.OpCreateContainer:
		return &proto.CreateRequest{Path: path, Data: op.data, ACL: aclOrOpen(op.acl), Flags: op.mode}
	case proto.OpDelete:
		return &proto.DeleteRequest{Path: path, Version: op.version}
	case proto.OpSetData:
		return &proto.SetDataRequest{Path: path, Data: op.data, Version: op.version}
	case proto.OpCheck:
		return &proto.CheckVersionRequest{Path: path, Version: op.version}
	}
	panic(fmt.Sprintf("zk: multi op type %v", op.typ)) // unreachable: Op is built by the constructors
}

// OpResult is the outcome of one Op.
type OpResult struct {
	Type proto.OpCode // the op's type; proto.OpError if it failed
	Path string       // create, create2: the created path (without the chroot)
	Stat proto.Stat   // setData, create2, createContainer: the node's new Stat
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
		mreq.Ops = append(mreq.Ops, proto.MultiOp{Type: op.typ, Record: op.record(c.serverPath(op.path))})
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
			res.Path = c.clientPath(rec.Path)
		case *proto.Create2Response:
			res.Path, res.Stat = c.clientPath(rec.Path), rec.Stat
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
