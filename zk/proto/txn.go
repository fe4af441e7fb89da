package proto

import "fmt"

// Transactions are what the server logs and (in an ensemble) replicates.
// A request is turned into a txn that carries its outcome — the final path
// of a sequential create, the new version of a setData — so that applying
// a txn is deterministic and idempotent: replaying it on a fuzzy snapshot
// (paper §4.3) lands in the same state. The records follow txn.jute.

// TxnHeader is logged before every txn.
type TxnHeader struct {
	ClientID int64 // session id
	Cxid     int32 // the client's xid
	Zxid     int64
	Time     int64 // ms since epoch, chosen once by whoever created the txn
	Type     OpCode
}

func (h *TxnHeader) Encode(e *Encoder) {
	e.Long(h.ClientID)
	e.Int(h.Cxid)
	e.Long(h.Zxid)
	e.Long(h.Time)
	e.Int(int32(h.Type))
}

func (h *TxnHeader) Decode(d *Decoder) {
	h.ClientID = d.Long()
	h.Cxid = d.Int()
	h.Zxid = d.Long()
	h.Time = d.Long()
	h.Type = OpCode(d.Int())
}

// CreateTxn records a create (1, 15). The owner of an ephemeral node is the
// header's ClientID.
type CreateTxn struct {
	Path           string // final path, sequence suffix included
	Data           []byte
	ACL            []ACL
	Ephemeral      bool
	ParentCVersion int32 // the parent's cversion after this create
}

func (t *CreateTxn) Encode(e *Encoder) {
	e.String(t.Path)
	e.Buffer(t.Data)
	encodeACLs(e, t.ACL)
	e.Bool(t.Ephemeral)
	e.Int(t.ParentCVersion)
}

func (t *CreateTxn) Decode(d *Decoder) {
	t.Path = d.String()
	t.Data = d.Buffer()
	t.ACL = decodeACLs(d)
	t.Ephemeral = d.Bool()
	t.ParentCVersion = d.Int()
}

// CreateContainerTxn records createContainer (19).
type CreateContainerTxn struct {
	Path           string
	Data           []byte
	ACL            []ACL
	ParentCVersion int32
}

func (t *CreateContainerTxn) Encode(e *Encoder) {
	e.String(t.Path)
	e.Buffer(t.Data)
	encodeACLs(e, t.ACL)
	e.Int(t.ParentCVersion)
}

func (t *CreateContainerTxn) Decode(d *Decoder) {
	t.Path = d.String()
	t.Data = d.Buffer()
	t.ACL = decodeACLs(d)
	t.ParentCVersion = d.Int()
}

// CreateTTLTxn records createTTL (21).
type CreateTTLTxn struct {
	Path           string
	Data           []byte
	ACL            []ACL
	ParentCVersion int32
	TTL            int64
}

func (t *CreateTTLTxn) Encode(e *Encoder) {
	e.String(t.Path)
	e.Buffer(t.Data)
	encodeACLs(e, t.ACL)
	e.Int(t.ParentCVersion)
	e.Long(t.TTL)
}

func (t *CreateTTLTxn) Decode(d *Decoder) {
	t.Path = d.String()
	t.Data = d.Buffer()
	t.ACL = decodeACLs(d)
	t.ParentCVersion = d.Int()
	t.TTL = d.Long()
}

// DeleteTxn records delete (2) and deleteContainer (20).
type DeleteTxn struct{ Path string }

func (t *DeleteTxn) Encode(e *Encoder) { e.String(t.Path) }
func (t *DeleteTxn) Decode(d *Decoder) { t.Path = d.String() }

// SetDataTxn records setData (5) with the node's new version.
type SetDataTxn struct {
	Path    string
	Data    []byte
	Version int32 // the version after this setData
}

func (t *SetDataTxn) Encode(e *Encoder) { e.String(t.Path); e.Buffer(t.Data); e.Int(t.Version) }
func (t *SetDataTxn) Decode(d *Decoder) {
	t.Path = d.String()
	t.Data = d.Buffer()
	t.Version = d.Int()
}

// SetACLTxn records setACL (7) with the node's new aversion.
type SetACLTxn struct {
	Path    string
	ACL     []ACL
	Version int32 // the aversion after this setACL
}

func (t *SetACLTxn) Encode(e *Encoder) { e.String(t.Path); encodeACLs(e, t.ACL); e.Int(t.Version) }
func (t *SetACLTxn) Decode(d *Decoder) {
	t.Path = d.String()
	t.ACL = decodeACLs(d)
	t.Version = d.Int()
}

// CheckVersionTxn records a successful check (13) inside a multi.
type CheckVersionTxn struct {
	Path    string
	Version int32
}

func (t *CheckVersionTxn) Encode(e *Encoder) { e.String(t.Path); e.Int(t.Version) }
func (t *CheckVersionTxn) Decode(d *Decoder) { t.Path = d.String(); t.Version = d.Int() }

// CreateSessionTxn records a new session (op -10) and its negotiated timeout.
type CreateSessionTxn struct{ TimeOut int32 }

func (t *CreateSessionTxn) Encode(e *Encoder) { e.Int(t.TimeOut) }
func (t *CreateSessionTxn) Decode(d *Decoder) { t.TimeOut = d.Int() }

// CloseSessionTxn records closeSession (-11) or an expiry, with the
// ephemeral nodes it deletes, so that replay needs no session table.
type CloseSessionTxn struct{ Paths2Delete []string }

func (t *CloseSessionTxn) Encode(e *Encoder) { e.Strings(t.Paths2Delete) }
func (t *CloseSessionTxn) Decode(d *Decoder) { t.Paths2Delete = d.Strings() }

// ErrorTxn records a write that failed: it still takes a zxid (paper §4.1).
type ErrorTxn struct{ Err int32 }

func (t *ErrorTxn) Encode(e *Encoder) { e.Int(t.Err) }
func (t *ErrorTxn) Decode(d *Decoder) { t.Err = d.Int() }

// MultiTxn records a multi: its sub-txns, each tagged with its type. A
// failed multi is a MultiTxn of ErrorTxns (the failing op's code, then
// RUNTIMEINCONSISTENCY for the others).
type MultiTxn struct{ Txns []SubTxn }

// SubTxn is one entry of a MultiTxn.
type SubTxn struct {
	Type OpCode
	Txn  Record
}

func (t *MultiTxn) Encode(e *Encoder) {
	e.Int(int32(len(t.Txns)))
	for _, s := range t.Txns {
		e.Int(int32(s.Type))
		e.Buffer(Encode(s.Txn))
	}
}

func (t *MultiTxn) Decode(d *Decoder) {
	n := d.VectorLen(8)
	if n < 0 {
		return
	}
	t.Txns = make([]SubTxn, 0, n)
	for i := 0; i < n && d.Err() == nil; i++ {
		typ := OpCode(d.Int())
		data := d.Buffer()
		if d.Err() != nil {
			return
		}
		rec := NewTxnRecord(typ)
		if rec == nil {
			d.Fail("multi txn", fmt.Errorf("sub-txn type %d", int32(typ)))
			return
		}
		if err := Decode(data, rec); err != nil {
			d.Fail("multi txn", err)
			return
		}
		t.Txns = append(t.Txns, SubTxn{Type: typ, Txn: rec})
	}
}

// NewTxnRecord returns an empty txn record for a txn type, or nil.
func NewTxnRecord(t OpCode) Record {
	switch t {
	case OpCreate, OpCreate2:
		return &CreateTxn{}
	case OpCreateContainer:
		return &CreateContainerTxn{}
	case OpCreateTTL:
		return &CreateTTLTxn{}
	case OpDelete, OpDeleteContainer:
		return &DeleteTxn{}
	case OpSetData:
		return &SetDataTxn{}
	case OpSetACL:
		return &SetACLTxn{}
	case OpCheck:
		return &CheckVersionTxn{}
	case OpCreateSession:
		return &CreateSessionTxn{}
	case OpCloseSession:
		return &CloseSessionTxn{}
	case OpError:
		return &ErrorTxn{}
	case OpMulti:
		return &MultiTxn{}
	}
	return nil
}

// Txn is a header and its record: the unit the log stores and ZAB ships.
type Txn struct {
	Header TxnHeader
	Record Record
}

func (t *Txn) Encode(e *Encoder) { t.Header.Encode(e); t.Record.Encode(e) }

func (t *Txn) Decode(d *Decoder) {
	t.Header.Decode(d)
	if d.Err() != nil {
		return
	}
	t.Record = NewTxnRecord(t.Header.Type)
	if t.Record == nil {
		d.Fail("txn", fmt.Errorf("unknown txn type %d", int32(t.Header.Type)))
		return
	}
	t.Record.Decode(d)
}

// TxnPath is the path a txn changes, or "" for txns that change no single
// node (sessions, errors, multi).
func TxnPath(txn Record) string {
	switch r := txn.(type) {
	case *CreateTxn:
		return r.Path
	case *CreateContainerTxn:
		return r.Path
	case *CreateTTLTxn:
		return r.Path
	case *DeleteTxn:
		return r.Path
	case *SetDataTxn:
		return r.Path
	case *SetACLTxn:
		return r.Path
	case *CheckVersionTxn:
		return r.Path
	}
	return ""
}
