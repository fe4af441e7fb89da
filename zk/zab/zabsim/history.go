package zabsim

import (
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// history is the checker's record: the global committed sequence and the
// established leader of each epoch.
type history struct {
	seq     []Write
	leaders map[int64]int64 // epoch → established leader
}

// apply checks that server id applying w as its i-th write agrees with
// every other server (total order, agreement), keeps zxid order and
// primary order, and that a quorum logged w before anyone applied it.
func (h *history) apply(c *Cluster, id int64, i int, w Write) {
	if i < len(h.seq) {
		if h.seq[i] != w {
			c.fail("agreement: server %d applied %v as write #%d, others applied %v", id, w, i+1, h.seq[i])
		}
		return
	}
	if i > len(h.seq) {
		c.fail("server %d applied write #%d but only %d are committed", id, i+1, len(h.seq))
		return
	}
	if i > 0 {
		prev := h.seq[i-1]
		pe, we := quorum.EpochOf(prev.Zxid), quorum.EpochOf(w.Zxid)
		switch {
		case we < pe:
			c.fail("global primary order: %v committed after %v of a later epoch", w, prev)
		case we == pe && w.Zxid != prev.Zxid+1:
			c.fail("local primary order: %v committed right after %v (a proposal of the epoch is missing)", w, prev)
		case we > pe && quorum.CounterOf(w.Zxid) != 1:
			c.fail("local primary order: %v is the first commit of its epoch but not its first proposal", w)
		}
	} else if quorum.CounterOf(w.Zxid) != 1 {
		c.fail("local primary order: %v is the first commit ever but not its epoch's first proposal", w)
	}
	// No commit without a quorum: a majority of disks hold w.
	holders := 0
	for _, sid := range c.IDs {
		if onDisk(c.Nodes[sid], w) {
			holders++
		}
	}
	if holders < quorum.Majority(len(c.IDs)) {
		c.fail("quorum: %v committed (first by server %d) while only %d of %d disks hold it", w, id, holders, len(c.IDs))
	}
	h.seq = append(h.seq, w)
}

func onDisk(n *Node, w Write) bool {
	if w.Zxid <= n.disk.snapZxid {
		for _, s := range n.disk.snap {
			if s.Zxid == w.Zxid {
				return s == w
			}
		}
		return false
	}
	for _, e := range n.disk.entries {
		if e.Zxid == w.Zxid {
			return e.Txn.Header.ClientID == w.ID
		}
	}
	return false
}

// checkPrefix: a snapshot a server installs is a prefix of the sequence.
func (h *history) checkPrefix(c *Cluster, id int64, ws []Write) {
	for i, w := range ws {
		if i >= len(h.seq) || h.seq[i] != w {
			c.fail("agreement: server %d installed a snapshot whose write #%d is %v", id, i+1, w)
			return
		}
	}
}

// truncated: a committed txn must never be cut from a log.
func (h *history) truncated(c *Cluster, id int64, e zab.Entry) {
	for _, w := range h.seq {
		if w.Zxid == e.Zxid && w.ID == e.Txn.Header.ClientID {
			c.fail("server %d truncated committed %v", id, w)
		}
	}
}

// proposing: primary integrity — before proposing in epoch e, the leader
// has applied every committed txn of earlier epochs.
func (h *history) proposing(c *Cluster, id, zxid int64) {
	e := quorum.EpochOf(zxid)
	need := 0
	for need < len(h.seq) && quorum.EpochOf(h.seq[need].Zxid) < e {
		need++
	}
	if got := len(c.Nodes[id].Applied); got < need {
		c.fail("primary integrity: server %d proposes %s having applied %d of the %d earlier-epoch commits", id, quorum.FormatZxid(zxid), got, need)
	}
}

// established: one established leader per epoch.
func (h *history) established(c *Cluster, id, epoch int64) {
	if l, ok := h.leaders[epoch]; ok && l != id {
		c.fail("two leaders established epoch %d: %d and %d", epoch, l, id)
	}
	h.leaders[epoch] = id
}
