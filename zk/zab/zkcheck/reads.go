package zkcheck

import (
	"cmp"
	"slices"
	"sort"
)

// reads checks every answered get against the zxid order: the data it
// returned must be what its path held at the view (reply zxid) the server
// answered from. A stale view is fine (that is sequential consistency);
// data that does not match the view, or that no write ever produced, is
// not.
func (c *checker) reads() {
	for _, o := range c.ops {
		if (o.Kind != Get && o.Kind != Exists) || o.Outcome == Unknown || c.untrusted[o.Path] {
			continue
		}
		tl := c.timeline[o.Path]
		// last: the newest write on the path inside the view.
		i := sort.Search(len(tl), func(i int) bool { return tl[i].Zxid > o.Zxid })
		var last *Op
		if i > 0 {
			last = &tl[i-1]
		}
		if o.Outcome == Failed { // NoNode: the path was absent in the view
			if last == nil || last.Kind == Delete {
				continue
			}
			if t, ok := c.unsure[o.Path]; ok && t < o.Return {
				c.note("%v: absent, but a delete with unknown outcome may explain it", o)
				continue
			}
			c.violate("read value", "%v\n      found no node, but its view includes\n      %v", o, *last)
			continue
		}
		if o.Mzxid > o.Zxid {
			c.violate("read value", "%v\n      returned data modified at zxid %#x, after the view %#x it was served from", o, o.Mzxid, o.Zxid)
			continue
		}
		j, found := slices.BinarySearchFunc(tl, o.Mzxid, func(w Op, z int64) int { return cmp.Compare(w.Zxid, z) })
		if !found {
			c.unexplainedRead(o, last)
			continue
		}
		w := tl[j]
		switch {
		case w.Kind == Delete:
			c.violate("read value", "%v\n      returned data, but zxid %#x is the delete\n      %v", o, o.Mzxid, w)
		case o.Kind == Get && w.Value != o.Value:
			c.violate("read value", "%v\n      returned %q, but the write at mzxid %#x wrote %q:\n      %v", o, o.Value, o.Mzxid, w.Value, w)
		case w.Call > o.Return:
			c.violate("read value", "%v\n      saw a write invoked only after the read returned:\n      %v", o, w)
		case last != nil && last.Zxid != w.Zxid:
			c.violate("read value", "%v\n      returned the data of\n      %v\n      but its view %#x includes the later write\n      %v", o, w, o.Zxid, *last)
		}
	}
}

// unexplainedRead handles a get whose mzxid is no answered write: it may
// be a write whose answer was lost; otherwise nobody wrote that.
func (c *checker) unexplainedRead(o Op, last *Op) {
	if o.Kind == Exists {
		// No data to match: only a write whose answer was lost can have
		// taken this mzxid.
		for _, w := range c.ops {
			if w.Kind.isWrite() && w.Kind != Delete && w.Path == o.Path && w.Outcome == Unknown && w.Call < o.Return {
				return
			}
		}
		c.violate("read value", "%v\n      reports mzxid %#x, which no write to %s took", o, o.Mzxid, o.Path)
		return
	}
	var sameValue *Op
	for i := range c.ops {
		w := &c.ops[i]
		if w.Kind.isWrite() && w.Kind != Delete && w.Path == o.Path && w.Value == o.Value {
			if w.Outcome == Unknown && w.Call < o.Return {
				// The lost write happened, at zxid o.Mzxid. Nothing answered
				// may sit between it and the view.
				if last != nil && last.Zxid > o.Mzxid {
					c.violate("read value", "%v\n      returned the data of a write with unknown outcome (mzxid %#x), but its view %#x includes the later write\n      %v", o, o.Mzxid, o.Zxid, *last)
				}
				return
			}
			sameValue = w
		}
	}
	if sameValue != nil && sameValue.Call > o.Return {
		c.violate("read value", "%v\n      saw a write invoked only after the read returned:\n      %v", o, *sameValue)
		return
	}
	if sameValue != nil && sameValue.Outcome == Failed {
		c.violate("read value", "%v\n      saw the data of a write that failed:\n      %v", o, *sameValue)
		return
	}
	if sameValue != nil {
		c.violate("read value", "%v\n      reports mzxid %#x, but the write of that data has zxid %#x:\n      %v", o, o.Mzxid, sameValue.Zxid, *sameValue)
		return
	}
	c.violate("read value", "%v\n      returned data no client ever wrote", o)
}

// sessions checks each session's ops in the order it issued them:
// ZooKeeper runs a session's requests in order (FIFO), so each answered op
// must come from a view at least as new as every earlier one — its own
// writes included — and a write must come after all of them. After a
// sync, the floor rises to every write acknowledged before the sync began.
func (c *checker) sessions() {
	// acked: answered successful writes by return time, with the running
	// max of their zxids, to find "every write acknowledged before t".
	var acked []Op
	for _, o := range c.ops {
		if o.Kind.isWrite() && o.Outcome == OK {
			acked = append(acked, o)
		}
	}
	slices.SortStableFunc(acked, func(a, b Op) int { return cmp.Compare(a.Return, b.Return) })
	maxZxid := make([]int64, len(acked))
	for i, o := range acked {
		maxZxid[i] = o.Zxid
		if i > 0 && maxZxid[i-1] > o.Zxid {
			maxZxid[i] = maxZxid[i-1]
		}
	}
	ackedBefore := func(t int64) (int64, *Op) {
		i := sort.Search(len(acked), func(i int) bool { return acked[i].Return >= t })
		if i == 0 {
			return 0, nil
		}
		z := maxZxid[i-1]
		for j := i - 1; j >= 0; j-- {
			if acked[j].Zxid == z {
				return z, &acked[j]
			}
		}
		return z, nil
	}

	bySession := map[int64][]int{}
	var order []int64
	for i, o := range c.ops {
		if _, ok := bySession[o.Session]; !ok {
			order = append(order, o.Session)
		}
		bySession[o.Session] = append(bySession[o.Session], i)
	}
	for _, s := range order {
		idx := bySession[s]
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(c.ops[a].Call, c.ops[b].Call) })
		var floor int64
		var why Op     // the op that set the floor
		var covers *Op // when why is a sync: the acknowledged write it must cover
		for _, i := range idx {
			o := c.ops[i]
			if o.Outcome == Unknown {
				continue
			}
			switch {
			case o.Kind.isWrite() && o.Zxid <= floor && why.Kind != Sync:
				c.violate("session order", "%v\n      was applied at zxid %#x, not after the session's earlier\n      %v", o, o.Zxid, why)
			case !o.Kind.isWrite() && o.Zxid < floor:
				switch {
				case why.Kind == Sync && covers != nil:
					c.violate("sync", "%v\n      was served from view %#x, older than the session's\n      %v\n      which must cover the write acknowledged before it began\n      %v", o, o.Zxid, why, *covers)
				case why.Kind == Sync:
					c.violate("sync", "%v\n      was served from view %#x, older than the session's\n      %v", o, o.Zxid, why)
				case why.Kind.isWrite():
					c.violate("session order", "%v\n      was served from view %#x, which misses the session's own earlier write\n      %v", o, o.Zxid, why)
				default:
					c.violate("session order", "%v\n      went back in time: view %#x after the session had seen %#x in\n      %v", o, o.Zxid, floor, why)
				}
			}
			if o.Kind == Sync {
				z, w := ackedBefore(o.Call)
				if w != nil && o.Zxid < z {
					c.violate("sync", "%v\n      answered from view %#x, missing the write acknowledged before it began\n      %v", o, o.Zxid, *w)
				}
				if nf := max(floor, o.Zxid, z); nf > floor || why.Kind != Sync {
					floor, why, covers = nf, o, w
				}
				continue
			}
			if o.Zxid > floor {
				floor, why, covers = o.Zxid, o, nil
			}
		}
	}
}
