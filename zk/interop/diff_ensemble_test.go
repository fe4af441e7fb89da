//go:build interop

package interop

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
)

// TestDifferentialEnsemble is TestDifferential with our side a 3-member
// ensemble: the two sessions live on different members (one of them
// usually a follower, whose writes are forwarded to the leader), and both
// sync before every op, so that reads see every earlier write
// (docs/reference/zookeeper.md §5: reads are local; sync, then read). Apache stays a
// single server: the outcomes of a linearizable ensemble must be the same.
//
// Reference: docs/reference/zookeeper.md §3 (broadcast), §5 (consistency, sync).
func TestDifferentialEnsemble(t *testing.T) {
	r := sim.Rand(t)
	apache := getTarget(t, "apache")
	c := startOurEnsemble(t)
	ours := &target{name: "ours-ensemble", addr: c.Addr(1)}
	worlds := []*diffWorld{newDiffWorld(t, apache), {tg: ours, zxids: map[int64]string{}, labels: map[int64]string{}}}
	w := worlds[1]
	for i := range w.sess {
		w.sess[i] = connect(t, c.Addr(int64(i+1)), sessionTimeout)
		w.gen[i]++
		w.labels[w.sess[i].SessionID()] = fmt.Sprintf("s%d.%d", i, w.gen[i])
	}
	w.root = newRoot(t, w.sess[0])
	if known(ours, "cversion") {
		worlds[0].hideCversion, worlds[1].hideCversion = true, true
	}
	g := &diffGen{r: r}
	const ops = 500
	var history []string
	for i := 0; i < ops; i++ {
		op := g.next()
		history = append(history, op.String())
		for _, s := range w.sess {
			if _, err := s.Sync(w.root); err != nil {
				t.Fatalf("op %d: sync: %v", i, err)
			}
		}
		outs := []string{worlds[0].do(t, op), worlds[1].do(t, op)}
		if outs[0] != outs[1] {
			from := max(0, len(history)-8)
			t.Fatalf("op %d diverges: %s\n apache:   %s\n ensemble: %s\nlast ops:\n  %s",
				i, op, outs[0], outs[1], strings.Join(history[from:], "\n  "))
		}
		g.learn(op, outs[0])
	}
	t.Logf("%d ops agree between Apache and our 3-member ensemble", ops)
}
