package peernet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// MaxFrame bounds a frame. A SNAP carries a whole tree, so it is far above
// jute.maxbuffer; anything larger is refused as garbage.
const MaxFrame = 256 << 20

// protocolMagic opens a handshake (QuorumCnxManager sends a negative
// protocol version first, too).
const protocolMagic int64 = -65536

// ErrBadFrame is returned for a frame that does not decode.
var ErrBadFrame = errors.New("peernet: bad frame")

// Encode appends p's frame (length included) to buf.
//
//	int type, long from, long to, long zxid, long epoch, long currentEpoch,
//	long id, buffer txn (-1: none), buffer data,
//	int n, {long session, int timeout}*n,
//	bool note [int state, long leader, long zxid, long electionEpoch, long peerEpoch]
func Encode(buf []byte, p quorum.Packet) []byte {
	start := len(buf)
	e := proto.NewEncoder(append(buf, 0, 0, 0, 0))
	e.Int(int32(p.Type))
	e.Long(p.From)
	e.Long(p.To)
	e.Long(p.Zxid)
	e.Long(p.Epoch)
	e.Long(p.CurrentEpoch)
	e.Long(p.ID)
	if p.Txn != nil {
		e.Buffer(proto.Encode(p.Txn))
	} else {
		e.Buffer(nil)
	}
	e.Buffer(p.Data)
	e.Int(int32(len(p.Touches)))
	for _, t := range p.Touches {
		e.Long(t.Session)
		e.Int(t.TimeoutMs)
	}
	e.Bool(p.Note != nil)
	if n := p.Note; n != nil {
		e.Int(int32(n.State))
		e.Long(n.Vote.Leader)
		e.Long(n.Vote.Zxid)
		e.Long(n.Vote.ElectionEpoch)
		e.Long(n.Vote.PeerEpoch)
	}
	out := e.Bytes()
	binary.BigEndian.PutUint32(out[start:], uint32(len(out)-start-4))
	return out
}

// Decode parses a frame's payload (without its length).
func Decode(b []byte) (quorum.Packet, error) {
	var p quorum.Packet
	d := proto.NewDecoder(b)
	p.Type = quorum.Type(d.Int())
	p.From = d.Long()
	p.To = d.Long()
	p.Zxid = d.Long()
	p.Epoch = d.Long()
	p.CurrentEpoch = d.Long()
	p.ID = d.Long()
	if txn := d.Buffer(); d.Err() == nil && txn != nil {
		var t proto.Txn
		if err := proto.Decode(txn, &t); err != nil {
			return p, fmt.Errorf("%w: txn: %v", ErrBadFrame, err)
		}
		p.Txn = &t
	}
	p.Data = d.Buffer()
	n := d.VectorLen(12)
	for i := 0; i < n && d.Err() == nil; i++ {
		p.Touches = append(p.Touches, quorum.Touch{Session: d.Long(), TimeoutMs: d.Int()})
	}
	if d.Bool() && d.Err() == nil {
		p.Note = &quorum.Note{State: quorum.State(d.Int()), Vote: quorum.Vote{
			Leader: d.Long(), Zxid: d.Long(), ElectionEpoch: d.Long(), PeerEpoch: d.Long()}}
	}
	if d.Err() != nil {
		return quorum.Packet{}, fmt.Errorf("%w: %v", ErrBadFrame, d.Err())
	}
	if d.Remaining() != 0 {
		return quorum.Packet{}, fmt.Errorf("%w: %d bytes after the packet", ErrBadFrame, d.Remaining())
	}
	return p, nil
}

// readFrame reads one frame's payload.
func readFrame(r io.Reader) ([]byte, error) {
	var l [4]byte
	if _, err := io.ReadFull(r, l[:]); err != nil {
		return nil, err
	}
	n := int32(binary.BigEndian.Uint32(l[:]))
	if n < 0 || n > MaxFrame {
		return nil, fmt.Errorf("%w: length %d", ErrBadFrame, n)
	}
	buf := make([]byte, n) // never reused: decoded packets keep slices of it
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}
