package client

import (
	"bufio"
	"encoding/binary"
	"net"
	"testing"
	"testing/synctest"

	"github.com/zkafka/zkafka/zk/proto"
)

// FuzzRecv feeds arbitrary bytes to the client's reply reader as if a
// server sent them, with two requests pending. Whatever arrives, the reader
// must return an error or keep going — never panic. The seed corpus runs
// under plain go test.
func FuzzRecv(f *testing.F) {
	frame := func(hdr, body proto.Record) []byte { return appendFrame(hdr, body) }
	f.Add(frame(&proto.ReplyHeader{Xid: 1, Zxid: 5}, &proto.GetDataResponse{Data: []byte("x")}))
	f.Add(frame(&proto.ReplyHeader{Xid: -1, Zxid: -1}, &proto.WatcherEvent{Type: 1, State: 3, Path: "/a"}))
	f.Add(frame(&proto.ReplyHeader{Xid: 2, Zxid: 5}, nil))
	f.Add(frame(&proto.ReplyHeader{Xid: -4, Err: -115}, nil))
	f.Add(binary.BigEndian.AppendUint32(nil, 0xffffffff))
	f.Add([]byte{0, 0, 0, 3, 1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		synctest.Test(t, func(t *testing.T) {
			c := &Conn{watches: newWatchSet(), log: defaultOptions().logger}
			cl, sv := net.Pipe()
			cn := &connection{nc: cl, br: bufio.NewReader(cl)}
			w := newOneShot(kindData, "/a")
			cn.pending = []*request{
				{op: proto.OpGetData, xid: 1, resp: &proto.GetDataResponse{}, watch: w, done: make(chan error, 1)},
				{op: proto.OpMulti, xid: 2, resp: &proto.MultiResponse{}, done: make(chan error, 1)},
			}
			done := make(chan error, 1)
			go func() { done <- c.recv(cn, 3e9) }()
			go func() { sv.Write(data); sv.Close() }()
			<-done
			cl.Close() // unblocks the writer if recv stopped early
		})
	})
}
