package proto

import "fmt"

// MultiHeader precedes each op of a multi request and each result of a
// multi response. The list ends with {Type: -1, Done: true, Err: -1}.
type MultiHeader struct {
	Type OpCode
	Done bool
	Err  int32
}

func (h *MultiHeader) Encode(e *Encoder) { e.Int(int32(h.Type)); e.Bool(h.Done); e.Int(h.Err) }
func (h *MultiHeader) Decode(d *Decoder) {
	h.Type = OpCode(d.Int())
	h.Done = d.Bool()
	h.Err = d.Int()
}

// MultiOp is one op of a multi (14) or multiRead (22) request.
type MultiOp struct {
	Type   OpCode
	Record Record // *CreateRequest, *DeleteRequest, *SetDataRequest, ...
}

// NewMultiOpRecord returns an empty request record for a multi op type, or
// nil if the type may not appear in a multi.
func NewMultiOpRecord(t OpCode) Record {
	switch t {
	case OpCreate, OpCreate2, OpCreateContainer:
		return &CreateRequest{}
	case OpCreateTTL:
		return &CreateTTLRequest{}
	case OpDelete:
		return &DeleteRequest{}
	case OpSetData:
		return &SetDataRequest{}
	case OpCheck:
		return &CheckVersionRequest{}
	case OpGetData, OpGetChildren:
		return &PathWatchRequest{}
	}
	return nil
}

// MultiRequest is the body of multi (14) and multiRead (22).
type MultiRequest struct{ Ops []MultiOp }

func (r *MultiRequest) Encode(e *Encoder) {
	for _, op := range r.Ops {
		h := MultiHeader{Type: op.Type, Done: false, Err: -1}
		h.Encode(e)
		op.Record.Encode(e)
	}
	end := MultiHeader{Type: -1, Done: true, Err: -1}
	end.Encode(e)
}

func (r *MultiRequest) Decode(d *Decoder) {
	r.Ops = nil
	for d.Err() == nil {
		var h MultiHeader
		h.Decode(d)
		if d.Err() != nil || h.Done {
			return
		}
		rec := NewMultiOpRecord(h.Type)
		if rec == nil {
			d.Fail("multi op", fmt.Errorf("op type %d is not allowed in a multi", int32(h.Type)))
			return
		}
		rec.Decode(d)
		r.Ops = append(r.Ops, MultiOp{Type: h.Type, Record: rec})
	}
}

// MultiResult is one result of a multi response. A failed op has Type
// OpError (-1) and its code in Err; its record is an ErrorResponse on the wire.
type MultiResult struct {
	Type   OpCode
	Err    int32
	Record Record // nil for delete and check, which have no body
}

// NewMultiResultRecord returns an empty result record for an op type.
func NewMultiResultRecord(t OpCode) Record {
	switch t {
	case OpCreate:
		return &CreateResponse{}
	case OpCreate2, OpCreateContainer, OpCreateTTL:
		return &Create2Response{}
	case OpSetData:
		return &StatResponse{}
	case OpGetData:
		return &GetDataResponse{}
	case OpGetChildren:
		return &ChildrenResponse{}
	case OpError:
		return &ErrorResponse{}
	}
	return nil // delete, check: header only
}

// MultiResponse is the body of a multi or multiRead reply.
type MultiResponse struct{ Results []MultiResult }

func (r *MultiResponse) Encode(e *Encoder) {
	for _, res := range r.Results {
		h := MultiHeader{Type: res.Type, Done: false, Err: res.Err}
		h.Encode(e)
		if res.Type == OpError {
			(&ErrorResponse{Err: res.Err}).Encode(e)
		} else if res.Record != nil {
			res.Record.Encode(e)
		}
	}
	end := MultiHeader{Type: -1, Done: true, Err: -1}
	end.Encode(e)
}

func (r *MultiResponse) Decode(d *Decoder) {
	r.Results = nil
	for d.Err() == nil {
		var h MultiHeader
		h.Decode(d)
		if d.Err() != nil || h.Done {
			return
		}
		res := MultiResult{Type: h.Type, Err: h.Err}
		if rec := NewMultiResultRecord(h.Type); rec != nil {
			rec.Decode(d)
			res.Record = rec
			if er, ok := rec.(*ErrorResponse); ok {
				res.Err = er.Err
			}
		}
		r.Results = append(r.Results, res)
	}
}
