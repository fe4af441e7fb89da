package client

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// conn is one TCP connection to one broker. Requests are pipelined: any
// number may be in flight, and Kafka answers them in the order they were
// sent (docs/reference/kafka.md §1.1: the broker mutes the socket until each response is
// written). So the connection keeps a FIFO of calls awaiting a response,
// and one reader goroutine pops the head for every frame it reads, checking
// that the correlation ids match — a mismatch means the stream is broken
// and the connection is closed.
type conn struct {
	addr     string
	nc       net.Conn
	clientID string

	// versions is the negotiated range per API key: [broker min,
	// min(our max, broker max)]. Written once during the handshake.
	versions map[int16][2]int16

	wmu  sync.Mutex // serializes writes and keeps pending in write order
	corr int32
	wbuf []byte
	fmt  *kmsg.RequestFormatter

	pending chan *call // calls awaiting a response, in write order

	dead     chan struct{} // closed when the connection fails or is closed
	deadOnce sync.Once
	deadErr  error
}

// call is one request waiting for its response.
type call struct {
	corr int32
	resp kmsg.Response // an empty response of the request's kind and version
	done chan error    // buffered: the reader never blocks on an abandoned call
}

// maxPipeline bounds the requests in flight on one connection; a writer
// beyond it waits (back-pressure instead of unbounded memory).
const maxPipeline = 256

// maxResponseBytes bounds a response frame, so a corrupt size cannot make
// us allocate gigabytes.
const maxResponseBytes = 256 << 20

// ourMax caps the versions we send below kmsg's maximum where a newer
// version needs something this client does not do: Fetch 13+ and Produce
// 13+ name topics by topic ID (KIP-516), which a ZooKeeper-era broker does
// not have (docs/reference/kafka.md §1.3 note on kgo and Fetch).
var ourMax = map[int16]int16{0: 12, 1: 12}

func maxVersionFor(r kmsg.Request) int16 {
	if v, ok := ourMax[r.Key()]; ok && v < r.MaxVersion() {
		return v
	}
	return r.MaxVersion()
}

// dial connects to addr and negotiates versions with ApiVersions.
func dial(ctx context.Context, addr, clientID string, timeout time.Duration) (*conn, error) {
	d := net.Dialer{Timeout: timeout}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("client: dial %s: %w", addr, err)
	}
	c, err := newConn(ctx, nc, addr, clientID)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return c, nil
}

// newConn runs the ApiVersions handshake on nc, then starts the reader.
func newConn(ctx context.Context, nc net.Conn, addr, clientID string) (*conn, error) {
	c := &conn{
		addr: addr, nc: nc, clientID: clientID,
		fmt:     kmsg.NewRequestFormatter(kmsg.FormatterClientID(clientID)),
		pending: make(chan *call, maxPipeline),
		dead:    make(chan struct{}),
	}
	if dl, ok := ctx.Deadline(); ok {
		nc.SetDeadline(dl)
	}
	if err := c.handshake(); err != nil {
		return nil, fmt.Errorf("client: ApiVersions with %s: %w", addr, err)
	}
	nc.SetDeadline(time.Time{})
	go c.readLoop()
	return c, nil
}

// handshake asks for the broker's versions, starting with the newest
// ApiVersions we know. A broker that does not know that version answers
// with a v0 body and UNSUPPORTED_VERSION, listing (since KIP-511) the
// ApiVersions versions it does know; we retry with the highest common one
// (docs/reference/kafka.md §1.2). Requests are synchronous here: the reader is not running.
func (c *conn) handshake() error {
	version := kmsg.NewPtrApiVersionsRequest().MaxVersion()
	for attempt := 0; attempt < 3; attempt++ {
		req := kmsg.NewPtrApiVersionsRequest()
		req.SetVersion(version)
		req.ClientSoftwareName = "zkafka"
		req.ClientSoftwareVersion = "0.1"
		body, err := c.roundTrip(req)
		if err != nil {
			return err
		}
		if len(body) < 2 {
			return errors.New("short ApiVersions response")
		}
		// error_code is the first field in every version, so it can be
		// read before we know which version the body is.
		code := int16(binary.BigEndian.Uint16(body))
		resp := kmsg.NewPtrApiVersionsResponse()
		if code == kerr.UnsupportedVersion.Code {
			resp.SetVersion(0)
			if err := resp.ReadFrom(body); err != nil {
				return fmt.Errorf("decode v0 fallback: %w", err)
			}
			next := int16(0)
			for _, k := range resp.ApiKeys {
				if k.ApiKey == 18 {
					next = min(k.MaxVersion, version-1)
				}
			}
			if next >= version {
				return kerr.UnsupportedVersion
			}
			version = max(next, 0)
			continue
		}
		resp.SetVersion(version)
		if err := resp.ReadFrom(body); err != nil {
			return fmt.Errorf("decode v%d: %w", version, err)
		}
		if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
			return err
		}
		c.versions = make(map[int16][2]int16, len(resp.ApiKeys))
		for _, k := range resp.ApiKeys {
			c.versions[k.ApiKey] = [2]int16{k.MinVersion, k.MaxVersion}
		}
		return nil
	}
	return errors.New("no common ApiVersions version")
}

// roundTrip writes req and reads one response frame, synchronously, and
// returns its body (after the correlation id). Used only before readLoop.
func (c *conn) roundTrip(req kmsg.Request) ([]byte, error) {
	c.corr++
	corr := c.corr
	if _, err := c.nc.Write(c.fmt.AppendRequest(nil, req, corr)); err != nil {
		return nil, err
	}
	frame, err := readFrame(c.nc)
	if err != nil {
		return nil, err
	}
	if len(frame) < 4 || int32(binary.BigEndian.Uint32(frame)) != corr {
		return nil, fmt.Errorf("response correlation id does not match %d", corr)
	}
	return frame[4:], nil // ApiVersions responses always use header v0
}

func readFrame(r io.Reader) ([]byte, error) {
	var size [4]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return nil, err
	}
	n := int32(binary.BigEndian.Uint32(size[:]))
	if n < 0 || n > maxResponseBytes {
		return nil, fmt.Errorf("response frame of %d bytes", n)
	}
	frame := make([]byte, n)
	_, err := io.ReadFull(r, frame)
	return frame, err
}

// version picks the version to send req at: the highest both sides know.
func (c *conn) version(req kmsg.Request) (int16, error) {
	r, ok := c.versions[req.Key()]
	if !ok {
		return 0, fmt.Errorf("%w: broker %s does not support %s", ErrUnsupported, c.addr, kmsg.NameForKey(req.Key()))
	}
	v := min(maxVersionFor(req), r[1])
	if v < r[0] {
		return 0, fmt.Errorf("%w: broker %s wants %s v%d+, we know up to v%d", ErrUnsupported, c.addr, kmsg.NameForKey(req.Key()), r[0], maxVersionFor(req))
	}
	return v, nil
}

// request sends req at the negotiated version and waits for its response.
// A Produce with acks=0 gets no response (docs/reference/kafka.md §1.1): it returns
// (nil, nil) once written. If ctx ends first the call is abandoned — its
// response will still be read and dropped, keeping the stream in order.
func (c *conn) request(ctx context.Context, req kmsg.Request) (kmsg.Response, error) {
	v, err := c.version(req)
	if err != nil {
		return nil, err
	}
	req.SetVersion(v)
	noResponse := false
	if p, ok := req.(*kmsg.ProduceRequest); ok && p.Acks == 0 {
		noResponse = true
	}
	cl := &call{resp: req.ResponseKind(), done: make(chan error, 1)}

	c.wmu.Lock()
	select {
	case <-c.dead:
		c.wmu.Unlock()
		return nil, c.deadErr
	default:
	}
	c.corr++
	cl.corr = c.corr
	c.wbuf = c.fmt.AppendRequest(c.wbuf[:0], req, cl.corr)
	if !noResponse {
		// Enqueue before writing: the response may arrive before Write returns.
		select {
		case c.pending <- cl:
		case <-ctx.Done():
			c.wmu.Unlock()
			return nil, ctx.Err()
		case <-c.dead:
			c.wmu.Unlock()
			return nil, c.deadErr
		}
	}
	if dl, ok := ctx.Deadline(); ok {
		c.nc.SetWriteDeadline(dl)
	} else {
		c.nc.SetWriteDeadline(time.Time{})
	}
	_, err = c.nc.Write(c.wbuf)
	c.wmu.Unlock()
	if err != nil {
		// A partial write leaves the stream unusable.
		c.fail(fmt.Errorf("client: write to %s: %w", c.addr, err))
		return nil, c.deadErr
	}
	if noResponse {
		return nil, nil
	}
	select {
	case err := <-cl.done:
		if err != nil {
			return nil, err
		}
		return cl.resp, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// readLoop reads responses and hands each to the oldest pending call.
func (c *conn) readLoop() {
	br := bufio.NewReaderSize(c.nc, 64<<10)
	for {
		frame, err := readFrame(br)
		if err != nil {
			c.fail(fmt.Errorf("client: read from %s: %w", c.addr, err))
			return
		}
		var cl *call
		select {
		case cl = <-c.pending:
		default:
			c.fail(fmt.Errorf("client: %s sent a response nobody asked for", c.addr))
			return
		}
		if len(frame) < 4 {
			c.failCall(cl, fmt.Errorf("client: %s sent a %d-byte response", c.addr, len(frame)))
			return
		}
		if corr := int32(binary.BigEndian.Uint32(frame)); corr != cl.corr {
			c.failCall(cl, fmt.Errorf("client: %s answered correlation id %d, expected %d (responses must come in request order)", c.addr, corr, cl.corr))
			return
		}
		body := frame[4:]
		// Flexible responses (header v1) carry tagged fields after the
		// correlation id; ApiVersions always uses header v0.
		if cl.resp.IsFlexible() && cl.resp.Key() != 18 {
			if body, err = skipTags(body); err != nil {
				c.failCall(cl, fmt.Errorf("client: %s response header: %w", c.addr, err))
				return
			}
		}
		if err := cl.resp.ReadFrom(body); err != nil {
			cl.done <- fmt.Errorf("client: decode %s v%d from %s: %w", kmsg.NameForKey(cl.resp.Key()), cl.resp.GetVersion(), c.addr, err)
			continue // the frame was whole: the stream is still in step
		}
		cl.done <- nil
	}
}

// skipTags skips a tagged-field section (KIP-482): a count, then per
// field a tag and a size, as unsigned varints, and size bytes.
func skipTags(b []byte) ([]byte, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 {
		return nil, errors.New("bad tag count")
	}
	b = b[k:]
	for ; n > 0; n-- {
		if _, k = binary.Uvarint(b); k <= 0 {
			return nil, errors.New("bad tag")
		}
		b = b[k:]
		size, k := binary.Uvarint(b)
		if k <= 0 || size > uint64(len(b)-k) {
			return nil, errors.New("bad tag size")
		}
		b = b[k+int(size):]
	}
	return b, nil
}

func (c *conn) failCall(cl *call, err error) {
	cl.done <- err
	c.fail(err)
}

// fail marks the connection dead with err, closes it, and fails every
// pending call.
func (c *conn) fail(err error) {
	c.deadOnce.Do(func() {
		c.deadErr = err
		close(c.dead)
		c.nc.Close()
	})
	for {
		select {
		case cl := <-c.pending:
			cl.done <- c.deadErr
		default:
			return
		}
	}
}

// isDead reports whether the connection has failed or been closed.
func (c *conn) isDead() bool {
	select {
	case <-c.dead:
		return true
	default:
		return false
	}
}

func (c *conn) close() { c.fail(ErrClosed) }
