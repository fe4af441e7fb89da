package broker

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// conn is one client connection: a reader goroutine that reads a frame,
// handles the request and queues the response, and a writer goroutine
// that sends the queued responses in order. Requests are handled one at
// a time, in arrival order, so responses leave in request order — what
// every client's correlation-id check expects (docs/reference/kafka.md §1.1) — while a
// client may pipeline as many requests as it likes.
type conn struct {
	b   *Broker
	nc  net.Conn
	log *slog.Logger
	out chan *frame // the FIFO of responses; nil frames are never queued
}

func newConn(b *Broker, nc net.Conn) *conn {
	return &conn{b: b, nc: nc, log: b.cfg.Logger.With("remote", nc.RemoteAddr().String()),
		out: make(chan *frame, 64)}
}

// requestHeader is request header v1 (docs/reference/kafka.md §1.1): api_key,
// api_version, correlation_id, client_id (nullable int16 string).
type requestHeader struct {
	key      int16
	version  int16
	corr     int32
	clientID string
}

// errFraming marks requests that close the connection: Kafka cannot
// answer what it cannot parse.
var errFraming = errors.New("broker: bad request")

// parseHeader splits a request frame into its header and body.
func parseHeader(b []byte) (requestHeader, []byte, error) {
	if len(b) < 10 {
		return requestHeader{}, nil, fmt.Errorf("%w: %d-byte frame is shorter than a request header", errFraming, len(b))
	}
	h := requestHeader{
		key:     int16(binary.BigEndian.Uint16(b)),
		version: int16(binary.BigEndian.Uint16(b[2:])),
		corr:    int32(binary.BigEndian.Uint32(b[4:])),
	}
	n := int(int16(binary.BigEndian.Uint16(b[8:])))
	b = b[10:]
	switch {
	case n == -1: // null client id
	case n < 0 || n > len(b):
		return h, nil, fmt.Errorf("%w: client id length %d", errFraming, n)
	default:
		h.clientID, b = string(b[:n]), b[n:]
	}
	return h, b, nil
}

func (c *conn) serve() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.writeLoop()
	}()
	defer func() {
		if r := recover(); r != nil {
			// A handler bug must not take the other connections down:
			// log it loudly and drop only this connection.
			c.log.Error("panic serving connection", "panic", r, "stack", string(debug.Stack()))
		}
		close(c.out)
		wg.Wait()
		c.nc.Close()
	}()
	r := bufio.NewReaderSize(c.nc, 64<<10)
	var sizeBuf [4]byte
	for {
		if _, err := io.ReadFull(r, sizeBuf[:]); err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				c.log.Debug("connection closed", "err", err)
			}
			return
		}
		size := int32(binary.BigEndian.Uint32(sizeBuf[:]))
		if size < 0 || size > c.b.cfg.MaxRequestBytes {
			// AK SocketServer: InvalidReceiveException closes the channel.
			c.log.Warn("closing connection: bad frame size", "size", size, "max", c.b.cfg.MaxRequestBytes)
			return
		}
		buf := make([]byte, size)
		if _, err := io.ReadFull(r, buf); err != nil {
			c.log.Debug("connection closed mid-frame", "err", err)
			return
		}
		f, err := c.b.handle(buf, c)
		if f != nil {
			c.out <- f
		}
		if err != nil {
			c.log.Warn("closing connection", "err", err)
			return
		}
	}
}

// writeLoop sends the queued responses in order. Responses are buffered
// and flushed when the queue runs dry, so pipelined small responses go
// out in one write. After a write error the rest is drained unsent.
func (c *conn) writeLoop() {
	w := bufio.NewWriterSize(c.nc, 64<<10)
	var failed error
	for f := range c.out {
		if failed != nil {
			continue
		}
		if err := f.writeTo(w, c.nc); err != nil {
			failed = err
		} else if len(c.out) == 0 {
			failed = w.Flush()
		}
		if failed != nil {
			c.log.Debug("write failed", "err", failed)
			c.nc.Close() // unblocks the reader
		}
	}
	if failed == nil {
		w.Flush()
	}
}

// handle routes one request frame: header → registry → kmsg decode →
// handler. It returns the response frame (nil when there is none:
// acks=0) and an error when the connection must close. It knows no API:
// every one is a registered handler (handler.go).
func (b *Broker) handle(frame []byte, c *conn) (*frame, error) {
	h, body, err := parseHeader(frame)
	if err != nil {
		return nil, err
	}
	if h.key == apiVersionsKey && h.version > apiVersionsMax {
		// Answered without reading the body: a newer client's body may
		// use a layout we do not know (docs/reference/kafka.md §1.2).
		return responseFrame(h.corr, unsupportedApiVersions()), nil
	}
	a, ok := lookup(h.key, h.version)
	if !ok {
		// AK 2.3 fails to parse the request (InvalidRequestException) and
		// closes the connection.
		return nil, fmt.Errorf("%w: unsupported api key %d (%s) version %d", errFraming, h.key, kmsg.NameForKey(h.key), h.version)
	}
	req := kmsg.RequestForKey(h.key)
	req.SetVersion(h.version)
	if err := req.ReadFrom(body); err != nil {
		return nil, fmt.Errorf("%w: %s v%d: %v", errFraming, kmsg.NameForKey(h.key), h.version, err)
	}
	if b.cfg.OnRequest != nil {
		b.cfg.OnRequest(h.clientID, h.key, h.version)
	}
	return a.handle(b, &request{h: h, conn: c}, req)
}
