package zabsim

import (
	"fmt"
	"slices"

	"github.com/zkafka/zkafka/labs/sim"
)

// Schedule runs one random fault schedule: sim.Nemesis draws partitions,
// one-way cuts, isolations, connection resets, crashes (keeping only what
// was fsynced) and restarts over duration world ticks, about one every gap
// ticks, from the world's seed; meanwhile clients write at random servers
// and servers take snapshots now and then. Then Recover. It returns the
// first violation, with the schedule in sim's text form.
func (c *Cluster) Schedule(duration, gap int64) error {
	sched := sim.Nemesis(sim.NewRand(c.seed, 1), NemesisConfig(len(c.IDs), duration, gap))
	c.W.Play(sched)
	for range duration {
		switch x := c.R.IntN(100); {
		case x < 20: // a client write every ~5 world ticks
			c.Write(c.IDs[c.R.IntN(len(c.IDs))])
		case x == 20:
			c.Compact(c.IDs[c.R.IntN(len(c.IDs))])
		}
		if err := c.W.RunFor(1); err != nil {
			return err
		}
	}
	if err := c.Err(); err != nil {
		return err
	}
	return c.Recover(200)
}

// Recover heals the network, restarts every crashed server and runs until
// an established leader has every server up to date, with a write made
// during recovery committed everywhere (a write proposed by a leader that
// then lost its quorum is retried). It returns the first violation, or an
// error if that takes more than maxTicks Peer ticks (liveness).
func (c *Cluster) Recover(maxTicks int) error {
	c.W.Heal()
	for _, id := range c.IDs {
		if !c.W.Up(id) {
			if err := c.W.Restart(id); err != nil {
				return err
			}
		}
	}
	writes := map[int64]bool{}
	lastWrite := -1000
	for t := 0; t < maxTicks; t++ {
		if err := c.Settle(); err != nil {
			return err
		}
		if l := c.Leader(); l != 0 && t-lastWrite >= 10 {
			if w := c.Write(l); w != 0 {
				writes[w] = true
				lastWrite = t
				if err := c.Settle(); err != nil {
					return err
				}
			}
		}
		if n := len(c.committed); n > 0 && writes[c.committed[n-1].ID] && c.allApplied() {
			return c.Err()
		}
		if err := c.W.RunFor(c.opts.TickEvery); err != nil {
			return err
		}
	}
	if err := c.Err(); err != nil {
		return err
	}
	return fmt.Errorf("liveness: no leader brought every server up to date within %d ticks of healing (leader now: %d)", maxTicks, c.Leader())
}

// allApplied: every server runs and applied the whole committed sequence.
func (c *Cluster) allApplied() bool {
	for _, id := range c.IDs {
		if a := c.Applied(id); a == nil && len(c.committed) > 0 || !slices.Equal(a, c.committed) {
			return false
		}
	}
	return true
}
