package zabsim

import (
	"fmt"
	"slices"
)

// Step takes one random step of the world: deliver a packet, have a
// server carry out its Ready, advance time, or submit a client write.
// Delivery and flushing dominate, so the protocol makes progress between
// ticks, as it would with millisecond networks and 2-second ticks.
func (c *Cluster) Step() {
	switch x := c.R.IntN(100); {
	case x < 55:
		if !c.DeliverOne() {
			c.flushRandom()
		}
	case x < 88:
		c.flushRandom()
	case x < 92:
		c.TickAll()
	default:
		c.Write(c.IDs[c.R.IntN(len(c.IDs))])
	}
}

func (c *Cluster) flushRandom() {
	id := c.IDs[c.R.IntN(len(c.IDs))]
	c.Flush(id)
}

// Settle delivers and flushes until nothing is in flight or pending.
func (c *Cluster) Settle() {
	for i := 0; i < 100000; i++ {
		c.FlushAll()
		if !c.DeliverOne() {
			busy := false
			for _, id := range c.IDs {
				if p := c.Nodes[id].Peer; p != nil && p.HasReady() {
					busy = true
				}
			}
			if !busy {
				return
			}
		}
	}
}

// RunTicks runs ticks rounds of: settle, then tick.
func (c *Cluster) RunTicks(ticks int) {
	for i := 0; i < ticks; i++ {
		c.Settle()
		c.TickAll()
	}
	c.Settle()
}

// Nemesis takes one random fault action: crash or restart a server, cut a
// random partition, isolate one server, or heal.
func (c *Cluster) Nemesis() {
	id := c.IDs[c.R.IntN(len(c.IDs))]
	switch c.R.IntN(6) {
	case 0:
		c.Crash(id)
	case 1:
		// Persist a Ready, then crash before sending it.
		c.FlushCrash(id)
		c.Crash(id)
	case 2:
		for _, d := range c.IDs {
			if !c.Alive(d) {
				c.Restart(d)
				break
			}
		}
	case 3:
		perm := slices.Clone(c.IDs)
		c.R.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		k := 1 + c.R.IntN(len(perm)-1)
		c.Heal()
		c.Partition(perm[:k], perm[k:])
	case 4:
		c.Isolate(id)
	default:
		c.Heal()
	}
}

// Recover heals the network, restarts every crashed server and runs until
// an established leader has every server up to date, with a write made
// during recovery committed everywhere (a write proposed by a leader that
// then lost its quorum is retried). It returns the first violation, or an
// error if that takes more than maxTicks ticks (liveness).
func (c *Cluster) Recover(maxTicks int) error {
	c.Heal()
	for _, id := range c.IDs {
		c.Restart(id)
	}
	writes := map[int64]bool{}
	lastWrite := -1000
	for t := 0; t < maxTicks && c.Err == nil; t++ {
		c.Settle()
		if l := c.Leader(); l != 0 && t-lastWrite >= 10 {
			if w := c.Write(l); w != 0 {
				writes[w] = true
				lastWrite = t
				c.Settle()
			}
		}
		if seq := c.hist.seq; len(seq) > 0 && writes[seq[len(seq)-1].ID] && c.allApplied() {
			return c.Err
		}
		c.TickAll()
	}
	if c.Err != nil {
		return c.Err
	}
	return fmt.Errorf("liveness: no leader brought every server up to date within %d ticks (leader now: %d)", maxTicks, c.Leader())
}

// allApplied: every server runs and applied the whole committed sequence.
func (c *Cluster) allApplied() bool {
	for _, id := range c.IDs {
		n := c.Nodes[id]
		if n.Peer == nil || !slices.Equal(n.Applied, c.hist.seq) {
			return false
		}
	}
	return true
}

// Schedule runs one random fault schedule of steps steps (a nemesis
// action every ~nemesisEvery steps), then Recover.
func (c *Cluster) Schedule(steps, nemesisEvery int) error {
	for i := 0; i < steps && c.Err == nil; i++ {
		if c.R.IntN(nemesisEvery) == 0 {
			c.Nemesis()
		}
		if c.R.IntN(200) == 0 {
			c.Compact(c.IDs[c.R.IntN(len(c.IDs))])
		}
		c.Step()
	}
	if c.Err != nil {
		return c.Err
	}
	return c.Recover(200)
}
