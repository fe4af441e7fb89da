package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"time"

	"github.com/zkafka/zkafka/zk/proto"
)

// session is one raw client connection: a handshake, then requests written
// back to back and replies read as they come. The server must answer in
// request order (docs/reference/zookeeper.md §1.3), so the reader matches each reply to
// the oldest outstanding request; a reply with another xid is a bug it
// reports.
type session struct {
	nc net.Conn
	r  *bufio.Reader
	w  *bufio.Writer
	id int64
}

func dial(addr string, timeout time.Duration) (*session, error) {
	nc, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	s := &session{nc: nc, r: bufio.NewReaderSize(nc, 64<<10), w: bufio.NewWriterSize(nc, 64<<10)}
	req := &proto.ConnectRequest{TimeOut: 30000, Passwd: make([]byte, 16)}
	if err := s.writeFrame(nil, req); err != nil {
		nc.Close()
		return nil, err
	}
	if err := s.w.Flush(); err != nil {
		nc.Close()
		return nil, err
	}
	nc.SetReadDeadline(time.Now().Add(timeout))
	body, err := s.readFrame()
	nc.SetReadDeadline(time.Time{})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("handshake with %s: %w", addr, err)
	}
	var resp proto.ConnectResponse
	if err := proto.Decode(body, &resp); err != nil || resp.SessionID == 0 {
		nc.Close()
		return nil, fmt.Errorf("handshake with %s: bad response (%v, session %#x)", addr, err, resp.SessionID)
	}
	s.id = resp.SessionID
	return s, nil
}

// writeFrame buffers one length-prefixed frame: the header (if any) and body.
func (s *session) writeFrame(h *proto.RequestHeader, body proto.Record) error {
	e := proto.NewEncoder(make([]byte, 4, 64))
	if h != nil {
		h.Encode(e)
	}
	body.Encode(e)
	b := e.Bytes()
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	_, err := s.w.Write(b)
	return err
}

const maxFrame = 1 << 20

func (s *session) readFrame() ([]byte, error) {
	var lb [4]byte
	if _, err := io.ReadFull(s.r, lb[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(lb[:])
	if n > maxFrame {
		return nil, fmt.Errorf("frame of %d bytes", n)
	}
	b := make([]byte, n)
	_, err := io.ReadFull(s.r, b)
	return b, err
}

// close ends the session politely (closeSession, -11) so that the server
// does not keep it until it expires.
func (s *session) close() {
	s.writeFrame(&proto.RequestHeader{Xid: 1 << 30, Type: proto.OpCloseSession}, proto.Empty{})
	s.w.Flush()
	s.nc.SetReadDeadline(time.Now().Add(2 * time.Second))
	for {
		if _, err := s.readFrame(); err != nil {
			break
		}
	}
	s.nc.Close()
}

// result is what one session measured in one phase.
type result struct {
	lat    []time.Duration
	errs   map[int32]int
	failed error
}

var errOutOfOrder = errors.New("reply out of order")

// run sends n requests made by mk, keeping up to inflight outstanding,
// and measures each one's latency from write to reply. start is closed
// when every session is ready, so all sessions begin together.
func (s *session) run(n, inflight int, mk func(i int) (proto.OpCode, proto.Record), start <-chan struct{}) result {
	res := result{lat: make([]time.Duration, 0, n), errs: map[int32]int{}}
	// Send times as nanoseconds since base, atomically: the reader learns
	// of a send through the network, which the race detector cannot see.
	base := time.Now()
	sent := make([]atomic.Int64, n)
	window := make(chan struct{}, inflight)
	readErr := make(chan error, 1)
	<-start
	go func() {
		for i := 0; i < n; i++ {
			body, err := s.readFrame()
			if err != nil {
				readErr <- err
				return
			}
			var h proto.ReplyHeader
			d := proto.NewDecoder(body)
			h.Decode(d)
			if d.Err() != nil {
				readErr <- d.Err()
				return
			}
			if h.Xid < 0 { // a ping reply or a notification: not ours
				i--
				continue
			}
			if int(h.Xid) != i+1 {
				readErr <- fmt.Errorf("%w: got xid %d, want %d", errOutOfOrder, h.Xid, i+1)
				return
			}
			res.lat = append(res.lat, time.Since(base)-time.Duration(sent[i].Load()))
			if h.Err != 0 {
				res.errs[h.Err]++
			}
			<-window
		}
		readErr <- nil
	}()
	for i := 0; i < n; i++ {
		window <- struct{}{}
		op, body := mk(i)
		sent[i].Store(int64(time.Since(base)))
		if err := s.writeFrame(&proto.RequestHeader{Xid: int32(i + 1), Type: op}, body); err != nil {
			res.failed = err
			break
		}
		// Flush when the window is full or nothing more is ready, so that
		// pipelined requests share a write without delaying any of them.
		if len(window) == cap(window) || i == n-1 {
			if err := s.w.Flush(); err != nil {
				res.failed = err
				break
			}
		}
	}
	if res.failed == nil {
		res.failed = <-readErr
	}
	return res
}
