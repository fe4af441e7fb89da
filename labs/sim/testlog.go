package sim

import (
	"context"
	"log/slog"
	"strings"
	"testing"
)

// Logger returns a slog.Logger that writes through t.Log, so a server's log
// lines appear with the test that caused them (and only if it fails or runs
// with -v). Lines logged after the test ends are dropped.
func Logger(t testing.TB) *slog.Logger {
	return slog.New(&tlogHandler{t: t, level: slog.LevelInfo})
}

type tlogHandler struct {
	t     testing.TB
	level slog.Level
	attrs []slog.Attr
}

func (h *tlogHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *tlogHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String())
	b.WriteString(" ")
	b.WriteString(r.Message)
	add := func(a slog.Attr) bool {
		b.WriteString(" ")
		b.WriteString(a.Key)
		b.WriteString("=")
		b.WriteString(a.Value.String())
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	defer func() { recover() }() // t.Log after the test has ended panics
	h.t.Log(b.String())
	return nil
}

func (h *tlogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &tlogHandler{t: h.t, level: h.level, attrs: append(append([]slog.Attr{}, h.attrs...), as...)}
}

func (h *tlogHandler) WithGroup(string) slog.Handler { return h }
