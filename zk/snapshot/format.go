package snapshot

import (
	"errors"
	"fmt"
	"hash/adler32"
	"strconv"
	"strings"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/txnlog"
)

// Magic is "ZKSN" as a big-endian int.
const Magic int32 = 0x5a4b534e

// Version is the snapshot format version.
const Version int32 = 2

// ErrInvalid means a snapshot file is incomplete or corrupt.
var ErrInvalid = errors.New("snapshot: invalid snapshot")

// Session is one entry of the session table.
type Session struct {
	ID      int64
	Timeout int32 // ms
}

// Node is one znode as stored in a snapshot.
type Node struct {
	Path string
	Data []byte
	ACL  []proto.ACL
	Stat proto.Stat
}

func (n *Node) encode(e *proto.Encoder) {
	e.String(n.Path)
	e.Buffer(n.Data)
	e.Int(int32(len(n.ACL)))
	for i := range n.ACL {
		n.ACL[i].Encode(e)
	}
	n.Stat.Encode(e)
}

// FileName is the name of the snapshot taken when the last applied zxid was zxid.
func FileName(zxid int64) string { return "snapshot." + strconv.FormatInt(zxid, 16) }

// ParseFileName is FileName's inverse.
func ParseFileName(name string) (int64, bool) {
	hex, ok := strings.CutPrefix(name, "snapshot.")
	if !ok || hex == "" {
		return 0, false
	}
	z, err := strconv.ParseUint(hex, 16, 64)
	if err != nil {
		return 0, false
	}
	return int64(z), true
}

// Decode parses a whole snapshot file, calling node for each node in file
// order. It returns the session table. Any damage gives ErrInvalid; node's
// own error stops decoding and is returned as is.
func Decode(b []byte, node func(Node) error) ([]Session, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	// The trailer: long checksum + ustring "/" = 13 bytes.
	if len(b) < txnlog.HeaderSize+4+1+13 {
		return nil, bad("%d bytes is too short", len(b))
	}
	body, trailer := b[:len(b)-13], b[len(b)-13:]
	td := proto.NewDecoder(trailer)
	sum := td.Long()
	if end := td.String(); td.Err() != nil || end != "/" {
		return nil, bad("missing end marker")
	}
	if sum != int64(adler32.Checksum(body)) {
		return nil, bad("checksum mismatch")
	}
	d := proto.NewDecoder(body)
	var h txnlog.FileHeader
	h.Decode(d)
	if d.Err() == nil && (h.Magic != Magic || h.Version != Version) {
		return nil, bad("header magic %#x version %d", h.Magic, h.Version)
	}
	n := d.VectorLen(12)
	if n < 0 {
		n = 0
	}
	sessions := make([]Session, 0, n)
	for i := 0; i < n && d.Err() == nil; i++ {
		sessions = append(sessions, Session{ID: d.Long(), Timeout: d.Int()})
	}
	for d.Err() == nil {
		var nd Node
		nd.Path = d.String()
		if d.Err() != nil || nd.Path == "" {
			break
		}
		nd.Data = d.Buffer()
		na := d.VectorLen(12)
		for i := 0; i < na && d.Err() == nil; i++ {
			var a proto.ACL
			a.Decode(d)
			nd.ACL = append(nd.ACL, a)
		}
		nd.Stat.Decode(d)
		if d.Err() != nil {
			break
		}
		if err := node(nd); err != nil {
			return nil, err
		}
	}
	if d.Err() != nil {
		return nil, bad("%v", d.Err())
	}
	if d.Remaining() != 0 {
		return nil, bad("%d bytes after the last node", d.Remaining())
	}
	return sessions, nil
}
