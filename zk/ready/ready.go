package ready

import "errors"

// Point names a place inside a Ready where the process may die: just
// before a durable write (a file created, written, truncated, renamed or
// removed), just before an fsync, or just before a message is sent.
type Point string

const (
	PointWrite Point = "write"
	PointSync  Point = "sync"
	PointSend  Point = "send"
)

// Faults decides, at each crash point, whether the process dies there
// (it returns true, and the process must then stop at once). The
// simulator supplies one per node; over TCP it is nil.
type Faults func(Point) bool

// ErrCrashed is returned by everything that met a crash point at which
// Faults killed the process. It is not a failure of the code: the caller
// unwinds and does nothing more.
var ErrCrashed = errors.New("ready: the process crashed here")

// At reports a crash at point p: ErrCrashed if f kills the process there,
// nil otherwise (and always for a nil f).
func (f Faults) At(p Point) error {
	if f != nil && f(p) {
		return ErrCrashed
	}
	return nil
}

// Core is a deterministic protocol core as its runtime sees it: it has
// outputs (a Ready of type R) to hand out, and is told when one has been
// carried out.
type Core[R any] interface {
	HasReady() bool
	Ready() R
	Advance(R)
}

// Pump carries out c's Readys with do, Advancing after each, until c asks
// for nothing more. It stops at the first error, without Advancing; an
// ErrCrashed from do (wrapped or not) means the process is gone.
func Pump[R any](c Core[R], do func(R) error) error {
	for c.HasReady() {
		rd := c.Ready()
		if err := do(rd); err != nil {
			return err
		}
		c.Advance(rd)
	}
	return nil
}

// Sender wraps send with a crash point before every message.
func Sender[M any](send func(M), f Faults) func(M) error {
	return func(m M) error {
		if err := f.At(PointSend); err != nil {
			return err
		}
		send(m)
		return nil
	}
}
