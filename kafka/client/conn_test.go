package client

import (
	"context"
	"errors"
	"net"
	"testing"
	"testing/synctest"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// pipeConn connects a client conn to a fake broker run by serve, inside
// the synctest bubble. It returns the conn and a channel with serve's error.
func pipeConn(t *testing.T, serve func(nc net.Conn) error) (*conn, chan error) {
	t.Helper()
	cli, srv := net.Pipe()
	done := make(chan error, 1)
	go func() {
		defer srv.Close()
		if _, err := serveHandshake(srv); err != nil {
			done <- err
			return
		}
		done <- serve(srv)
	}()
	c, err := newConn(context.Background(), cli, "pipe", "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.close)
	return c, done
}

// TestHandshakeFallsBack checks the ApiVersions negotiation against a
// Kafka 2.3 broker: our newest ApiVersions gets UNSUPPORTED_VERSION with a
// v0 body naming key 18's range, we retry at v2, and then send each API at
// the highest version both sides know.
//
// Reference: docs/reference/kafka.md §1.2 (franz-go's and librdkafka's fallback), §1.3.
func TestHandshakeFallsBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cli, srv := net.Pipe()
		seen := make(chan []int16, 1)
		go func() {
			v, _ := serveHandshake(srv)
			seen <- v
			srv.Close()
		}()
		c, err := newConn(context.Background(), cli, "pipe", "test")
		if err != nil {
			t.Fatal(err)
		}
		defer c.close()
		got := <-seen
		want := []int16{kmsg.NewPtrApiVersionsRequest().MaxVersion(), 2}
		if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("ApiVersions versions sent = %v, want %v", got, want)
		}
		for _, c2 := range []struct {
			req  kmsg.Request
			want int16
		}{
			{kmsg.NewPtrProduceRequest(), 7},
			{kmsg.NewPtrFetchRequest(), 11},
			{kmsg.NewPtrMetadataRequest(), 8},
		} {
			v, err := c.version(c2.req)
			if err != nil || v != c2.want {
				t.Errorf("%s: version %d, %v; want %d", kmsg.NameForKey(c2.req.Key()), v, err, c2.want)
			}
		}
		if _, err := c.version(kmsg.NewPtrJoinGroupRequest()); !errors.Is(err, ErrUnsupported) {
			t.Errorf("JoinGroup (not advertised): err = %v, want ErrUnsupported", err)
		}
	})
}

// TestPipelining checks that requests are written without waiting for
// earlier responses (the fake broker reads all of them before answering)
// and that each caller gets its own response, matched in order.
//
// Reference: docs/reference/kafka.md §1.1 "Response order".
func TestPipelining(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 20
		c, done := pipeConn(t, func(nc net.Conn) error {
			var reqs []fakeReq
			for len(reqs) < n {
				r, err := readReq(nc)
				if err != nil {
					return err
				}
				reqs = append(reqs, r)
			}
			for _, r := range reqs {
				resp := kmsg.NewPtrMetadataResponse()
				resp.SetVersion(r.version)
				resp.ControllerID = r.corr // tell the caller which request this answers
				if err := writeResp(nc, r.corr, resp); err != nil {
					return err
				}
			}
			return nil
		})
		type res struct {
			asked, got int32
			err        error
		}
		results := make(chan res, n)
		for i := 0; i < n; i++ {
			go func() {
				req := kmsg.NewPtrMetadataRequest()
				r, err := c.request(context.Background(), req)
				if err != nil {
					results <- res{err: err}
					return
				}
				results <- res{got: r.(*kmsg.MetadataResponse).ControllerID}
			}()
		}
		seen := map[int32]bool{}
		for i := 0; i < n; i++ {
			r := <-results
			if r.err != nil {
				t.Fatal(r.err)
			}
			if seen[r.got] {
				t.Fatalf("two callers got the response to correlation id %d", r.got)
			}
			seen[r.got] = true
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// TestAbandonedRequestKeepsOrder checks that a caller giving up (its
// context ends) does not shift the responses of later requests.
//
// Reference: docs/reference/kafka.md §1.1 (kafka-python's CorrelationIdError is what
// happens otherwise).
func TestAbandonedRequestKeepsOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		c, done := pipeConn(t, func(nc net.Conn) error {
			var reqs []fakeReq
			for i := 0; i < 2; i++ {
				r, err := readReq(nc)
				if err != nil {
					return err
				}
				reqs = append(reqs, r)
			}
			<-release
			for _, r := range reqs {
				resp := kmsg.NewPtrMetadataResponse()
				resp.SetVersion(r.version)
				resp.ControllerID = r.corr
				if err := writeResp(nc, r.corr, resp); err != nil {
					return err
				}
			}
			return nil
		})
		ctx, cancel := context.WithCancel(context.Background())
		first := make(chan error, 1)
		go func() {
			_, err := c.request(ctx, kmsg.NewPtrMetadataRequest())
			first <- err
		}()
		synctest.Wait() // the first request is written and waiting
		second := make(chan kmsg.Response, 1)
		go func() {
			r, err := c.request(context.Background(), kmsg.NewPtrMetadataRequest())
			if err != nil {
				t.Error(err)
			}
			second <- r
		}()
		synctest.Wait()
		c.wmu.Lock()
		secondCorr := c.corr // the last id written is the second request's
		c.wmu.Unlock()
		cancel()
		if err := <-first; !errors.Is(err, context.Canceled) {
			t.Fatalf("abandoned request: err = %v, want context.Canceled", err)
		}
		close(release)
		r := <-second
		if got := r.(*kmsg.MetadataResponse).ControllerID; got != secondCorr {
			t.Fatalf("second request got the response to correlation id %d, want %d", got, secondCorr)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// TestWrongCorrelationIDClosesConn checks that a response out of order
// fails the call and the connection instead of being misattributed.
//
// Reference: docs/reference/kafka.md §1.1.
func TestWrongCorrelationIDClosesConn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, done := pipeConn(t, func(nc net.Conn) error {
			r, err := readReq(nc)
			if err != nil {
				return err
			}
			resp := kmsg.NewPtrMetadataResponse()
			resp.SetVersion(r.version)
			return writeResp(nc, r.corr+1, resp)
		})
		_, err := c.request(context.Background(), kmsg.NewPtrMetadataRequest())
		if err == nil {
			t.Fatal("a response with the wrong correlation id was accepted")
		}
		if !c.isDead() {
			t.Fatal("the connection survived a correlation id mismatch")
		}
		if _, err := c.request(context.Background(), kmsg.NewPtrMetadataRequest()); err == nil {
			t.Fatal("a request on a dead connection succeeded")
		}
		<-done
	})
}

// TestAcksZeroExpectsNoResponse checks that a Produce with acks=0 is not
// queued for a response (the broker sends none), so the next request's
// response is matched to the next request.
//
// Reference: docs/reference/kafka.md §1.1 "acks=0".
func TestAcksZeroExpectsNoResponse(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, done := pipeConn(t, func(nc net.Conn) error {
			for i := 0; i < 2; i++ {
				r, err := readReq(nc)
				if err != nil {
					return err
				}
				if r.key == 0 {
					continue // acks=0: no response
				}
				resp := kmsg.NewPtrMetadataResponse()
				resp.SetVersion(r.version)
				resp.ControllerID = 42
				if err := writeResp(nc, r.corr, resp); err != nil {
					return err
				}
			}
			return nil
		})
		p := kmsg.NewPtrProduceRequest()
		p.Acks = 0
		if r, err := c.request(context.Background(), p); err != nil || r != nil {
			t.Fatalf("acks=0 produce: %v, %v; want nil, nil", r, err)
		}
		r, err := c.request(context.Background(), kmsg.NewPtrMetadataRequest())
		if err != nil {
			t.Fatal(err)
		}
		if got := r.(*kmsg.MetadataResponse).ControllerID; got != 42 {
			t.Fatalf("controller %d, want 42", got)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
