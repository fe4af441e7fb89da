package server

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/zkafka/zkafka/zk/proto"
)

// readFrame reads one length-prefixed frame. A length below 0 or above
// jute.maxbuffer is refused (NIOServerCnxn.readLength): the caller closes.
func readFrame(r io.Reader, first *[4]byte) ([]byte, error) {
	var lenBuf [4]byte
	if first != nil {
		lenBuf = *first
	} else if _, err := io.ReadFull(r, lenBuf[:]); err != nil {
		return nil, err
	}
	n := int32(binary.BigEndian.Uint32(lenBuf[:]))
	if n < 0 || n > proto.MaxBuffer {
		return nil, fmt.Errorf("frame length %d outside 0..%d", n, proto.MaxBuffer)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// frame encodes records behind a 4-byte length.
func frame(recs ...proto.Record) []byte {
	e := proto.NewEncoder(make([]byte, 4, 64))
	for _, r := range recs {
		if r != nil {
			r.Encode(e)
		}
	}
	b := e.Bytes()
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	return b
}

// replyFrame is a reply: the header, and the body only when err is 0.
func replyFrame(xid int32, zxid int64, err int32, body proto.Record) []byte {
	h := &proto.ReplyHeader{Xid: xid, Zxid: zxid, Err: err}
	if err != 0 {
		body = nil
	}
	return frame(h, body)
}

// notificationFrame is a watch event: ReplyHeader(-1, -1, 0) + WatcherEvent.
func notificationFrame(ev proto.WatcherEvent) []byte {
	ev.State = proto.StateSyncConnected
	return frame(&proto.ReplyHeader{Xid: proto.XidNotification, Zxid: -1}, &ev)
}
