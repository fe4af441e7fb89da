package client

import (
	"context"
	"log/slog"
	"net"
	"time"
)

// Dialer opens a connection to one server address ("host:port"). Tests
// pass one that returns an end of a net.Pipe.
type Dialer func(ctx context.Context, network, addr string) (net.Conn, error)

// Option configures Connect.
type Option func(*options)

type options struct {
	logger  *slog.Logger
	dial    Dialer
	onState func(State)
	backoff time.Duration
	chroot  string // "" for none; see chroot.go
}

func defaultOptions() options {
	var d net.Dialer
	return options{
		logger:  slog.New(slog.DiscardHandler),
		dial:    d.DialContext,
		backoff: time.Second,
	}
}

// WithLogger logs connection events (connects, disconnects, protocol
// errors) to l. The default logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.logger = l
		}
	}
}

// WithDialer replaces net.Dialer.DialContext.
func WithDialer(d Dialer) Option { return func(o *options) { o.dial = d } }

// WithStateCallback calls fn on every State change, in order, from the
// client's connection goroutine. fn must return quickly and must not wait
// on the Conn (it may call Conn.State).
func WithStateCallback(fn func(State)) Option { return func(o *options) { o.onState = fn } }

// WithBackoff sets the pause after every server in the list has failed
// once in a row (default 1s), so a client cut off from the ensemble does
// not spin.
func WithBackoff(d time.Duration) Option { return func(o *options) { o.backoff = d } }
