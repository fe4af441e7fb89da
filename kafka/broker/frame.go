package broker

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/log"
)

// frame is a response ready to send: bytes, then for a fetch any number of
// (records, bytes) pairs. The bytes are kmsg's encoding with each
// section's length already in place, so the sections can go from the page
// cache to the socket (sendfile) without being read into the process.
type frame struct {
	head  []byte
	parts []framePart
}

type framePart struct {
	rec  recordsPart
	tail []byte
}

// recordsPart is one partition's records in a fetch response: a log
// section sent from the file (v4+), or bytes in memory (a v0-3
// down-converted message set).
type recordsPart struct {
	sec    log.Section
	data   []byte
	inline bool  // data, not sec
	read   int64 // bytes read from the log for it (limits and min_bytes count these)
}

func (p recordsPart) size() int64 {
	if p.inline {
		return int64(len(p.data))
	}
	return p.sec.Size
}

// responseFrame frames resp: int32 size, response header v0 (the
// correlation id; every version we serve is non-flexible, and ApiVersions
// always uses v0), the body.
func responseFrame(corr int32, resp kmsg.Response) *frame {
	buf := make([]byte, 8, 64)
	binary.BigEndian.PutUint32(buf[4:], uint32(corr))
	buf = resp.AppendTo(buf)
	binary.BigEndian.PutUint32(buf, uint32(len(buf)-4))
	return &frame{head: buf}
}

// size is the frame's length on the wire.
func (f *frame) size() int64 {
	n := int64(len(f.head))
	for _, p := range f.parts {
		n += p.rec.size() + int64(len(p.tail))
	}
	return n
}

// sendfileMin is the smallest section worth a flush and a sendfile(2)
// instead of a copy into the write buffer.
const sendfileMin = 32 << 10

// writeTo writes the frame to w, which buffers nc.
func (f *frame) writeTo(w *bufio.Writer, nc net.Conn) error {
	if _, err := w.Write(f.head); err != nil {
		return err
	}
	for _, p := range f.parts {
		var err error
		if p.rec.inline {
			_, err = w.Write(p.rec.data)
		} else {
			err = writeSection(w, nc, p.rec.sec)
		}
		if err != nil {
			return err
		}
		if _, err := w.Write(p.tail); err != nil {
			return err
		}
	}
	return nil
}

// writeSection sends a log section: with sendfile when both ends allow it
// (an OS file and a TCP socket), else by copying through w. Either way it
// reads with an explicit offset, never the file's shared position, so
// fetches of one segment on many connections (and appends to it) do not
// disturb each other. A section shorter than promised (its segment was
// deleted or truncated meanwhile) fails the connection: the frame's
// lengths are already on the wire.
func writeSection(w *bufio.Writer, nc net.Conn, sec log.Section) error {
	if sec.Size == 0 {
		return nil
	}
	if sec.Size >= sendfileMin {
		if ok, err := trySendfile(w, nc, sec); ok {
			return err
		}
	}
	n, err := io.Copy(w, sec.Reader())
	if err == nil && n != sec.Size {
		err = fmt.Errorf("broker: section shrank from %d to %d bytes", sec.Size, n)
	}
	return err
}
