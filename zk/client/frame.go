package client

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/zkafka/zkafka/zk/proto"
)

// maxFrame bounds a reply frame. Servers cap requests at jute.maxbuffer
// (about 1 MiB), but a reply — a big getChildren — may be larger; the Java
// client accepts up to its own jute.maxbuffer. 4 MiB is generous and still
// stops a corrupt length from allocating gigabytes.
const maxFrame = 4 << 20

// appendFrame returns the frame for a header and a body: a 4-byte length,
// then the records.
func appendFrame(hdr, body proto.Record) []byte {
	e := proto.NewEncoder(make([]byte, 4, 64))
	hdr.Encode(e)
	if body != nil {
		body.Encode(e)
	}
	b := e.Bytes()
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	return b
}

// readFrame reads one length-prefixed frame.
func readFrame(r io.Reader) ([]byte, error) {
	var lb [4]byte
	if _, err := io.ReadFull(r, lb[:]); err != nil {
		return nil, err
	}
	n := int32(binary.BigEndian.Uint32(lb[:]))
	if n < 0 || n > maxFrame {
		return nil, fmt.Errorf("%w: frame length %d", ErrProtocol, n)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}
