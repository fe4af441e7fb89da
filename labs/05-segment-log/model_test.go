//go:build grade

package lab05_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/kafka/record"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// TestModel runs seeded random appends, reads, rolls, flushes, crashes
// and reopens against a model (a slice of batches): every read returns
// the model's batches, and after a crash the log is a prefix of the model
// that keeps every batch below the recovery point. A failure prints the
// operations and the seed to replay them.
//
// Points: 10
// Reference: docs/reference/kafka.md §3; solutions/05-segment-log invariants
func TestModel(t *testing.T) {
	r := sim.Rand(t)
	for run := 0; run < 20; run++ {
		var ops []string
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("run %d: %s\nops:\n  %s", run, fmt.Sprintf(format, args...), strings.Join(ops, "\n  "))
		}
		mem := vfs.NewMem()
		cfg := cfgSmall()
		cfg.SegmentBytes = int64(1200 + r.IntN(1500))
		cfg.IndexIntervalBytes = r.IntN(300)
		l := open(t, mem, cfg, log.Recovery{})
		var model [][]byte
		now := int64(1000)
		for step := 0; step < 120; step++ {
			now += int64(r.IntN(50))
			switch op := r.IntN(10); {
			case op < 6:
				var req []byte
				n := 1 + r.IntN(3)
				for i := 0; i < n; i++ {
					req = append(req, batchOf(now, 1+r.IntN(3), r.IntN(80))...)
				}
				ops = append(ops, fmt.Sprintf("append %d batches, %d bytes", n, len(req)))
				if _, err := l.Append(req, 1, now); err != nil {
					fail("Append: %v", err)
				}
				for rest := req; len(rest) > 0; {
					b, tail, _, _ := record.Split(rest)
					model = append(model, b)
					rest = tail
				}
			case op < 7:
				ops = append(ops, "roll")
				if err := l.Roll(now); err != nil {
					fail("Roll: %v", err)
				}
			case op < 8:
				ops = append(ops, "flush")
				if err := l.Flush(); err != nil {
					fail("Flush: %v", err)
				}
			default:
				rp := l.RecoveryPoint()
				ops = append(ops, fmt.Sprintf("crash (recovery point %d)", rp))
				mem = mem.Crash(r)
				var err error
				if l, err = log.Open(mem, dir, cfg, log.Recovery{RecoveryPoint: 0}, now); err != nil {
					fail("Open after crash: %v", err)
				}
				got := batches(t, l)
				if len(got) > len(model) {
					fail("%d batches after the crash, only %d appended", len(got), len(model))
				}
				for _, b := range model[len(got):] {
					if h, _ := record.ParseHeader(b); h.NextOffset() <= rp {
						fail("batch at offset %d lost, below the recovery point %d", h.BaseOffset, rp)
					}
				}
				model = model[:len(got)]
			}
			got := batches(t, l)
			if len(got) != len(model) {
				fail("%d batches readable, model has %d", len(got), len(model))
			}
			for i := range got {
				if !bytes.Equal(got[i], model[i]) {
					fail("batch %d differs from the model", i)
				}
			}
		}
	}
}
