package sim

import "testing"

// BenchmarkTick: one tick of 5 probes, each sending to its 4 peers (20
// messages sent and ~20 delivered per tick).
func BenchmarkTick(b *testing.B) {
	w := newProbeWorld(b, 5, 1, nil)
	b.ReportAllocs()
	for b.Loop() {
		if err := w.step(true); err != nil {
			b.Fatal(err)
		}
	}
}
