package zabcheck

import (
	"fmt"
	"slices"
	"strings"

	"github.com/zkafka/zkafka/labs/sim"
)

// Recorder collects broadcasts and deliveries. Not safe for concurrent use.
// The zero value is ready to use; set Voters to check commits against the
// disks (see Logged).
type Recorder struct {
	// Voters is the ensemble size. When set, a txn's first delivery
	// anywhere must find it durably logged (Logged) on a majority of the
	// Voters disks: no commit without a quorum.
	Voters int

	seqs         []*sequence // every delivered sequence, in start order
	current      map[sim.NodeID]*sequence
	broadcasts   []broadcast
	byZxid       map[int64]string // broadcast content per zxid
	errs         []string         // violations found while recording (bounded)
	nerrs        int
	firstOfEpoch map[int64]leaderAt   // epoch -> the leader and what it had delivered at its first broadcast
	established  map[int64]sim.NodeID // epoch -> the leader that established it
	delivered    map[int64]string     // zxid -> content, as first delivered (for the quorum check)
	disks        map[sim.NodeID]*disk // what each node's disk durably holds
	// epochs[node] is node's durable currentEpoch (Epoch); nil until the
	// runtime reports one, and then the quorum check counts only disks
	// whose currentEpoch vouches for the txn.
	epochs map[sim.NodeID]int64
	// initial[e] is the initial history of epoch e: its established
	// leader's durable log when it established e.
	initial map[int64]*disk
	// unsafe[e]: servers whose currentEpoch e ran ahead of e's initial
	// history. A violation once e is established (I_e is then committed);
	// until then a TRUNC may legitimately cut I_e.
	unsafe map[int64][]string
}

// disk is what one node's log durably holds: zxid -> content, in the
// order logged (increasing zxid, after truncations).
type disk struct {
	base  int64 // a snapshot covers everything up to here (SNAP, boot)
	zxids []int64
	txns  []string
}

type sequence struct {
	node  sim.NodeID
	start int64 // state before the first delivery (snapshot zxid); -1 if unknown
	zxids []int64
	txns  []string
}

type broadcast struct {
	node sim.NodeID
	zxid int64
	txn  string
}

type leaderAt struct {
	node      sim.NodeID
	delivered int64 // last zxid its state machine held
	zxid      int64 // its first broadcast in the epoch
}

// Epoch is the high half of a zxid.
func Epoch(zxid int64) int64 { return zxid >> 32 }

func (r *Recorder) init() {
	if r.current == nil {
		r.current = map[sim.NodeID]*sequence{}
		r.byZxid = map[int64]string{}
		r.firstOfEpoch = map[int64]leaderAt{}
		r.established = map[int64]sim.NodeID{}
		r.delivered = map[int64]string{}
		r.disks = map[sim.NodeID]*disk{}
		r.initial = map[int64]*disk{}
		r.unsafe = map[int64][]string{}
	}
}

// epochFail reports a violation of epoch e's initial history: now if e is
// established, else when it is.
func (r *Recorder) epochFail(e int64, format string, args ...any) {
	if _, ok := r.established[e]; ok {
		r.fail(format, args...)
		return
	}
	if len(r.unsafe[e]) < 20 {
		r.unsafe[e] = append(r.unsafe[e], fmt.Sprintf(format, args...))
	}
}

func (r *Recorder) fail(format string, args ...any) {
	r.nerrs++
	if len(r.errs) < 20 {
		r.errs = append(r.errs, fmt.Sprintf(format, args...))
	}
}

// Start begins node's new delivered sequence: its state machine holds
// every txn up to zxid (0 for an empty one).
func (r *Recorder) Start(node sim.NodeID, zxid int64) {
	r.init()
	s := &sequence{node: node, start: zxid}
	r.seqs = append(r.seqs, s)
	r.current[node] = s
}

func (r *Recorder) seq(node sim.NodeID) *sequence {
	r.init()
	s := r.current[node]
	if s == nil { // no Start: the starting point is unknown
		s = &sequence{node: node, start: -1}
		r.seqs = append(r.seqs, s)
		r.current[node] = s
	}
	return s
}

func (s *sequence) last() int64 {
	if len(s.zxids) > 0 {
		return s.zxids[len(s.zxids)-1]
	}
	return s.start
}

// Deliver records that node applied txn at zxid.
func (r *Recorder) Deliver(node sim.NodeID, zxid int64, txn string) {
	s := r.seq(node)
	if last := s.last(); zxid <= last {
		r.fail("total order: node %d delivered zxid %#x after %#x", node, zxid, last)
	}
	s.zxids = append(s.zxids, zxid)
	s.txns = append(s.txns, txn)
	if _, seen := r.delivered[zxid]; seen {
		return // agreement on content is checked by Check
	}
	r.delivered[zxid] = txn
	if r.Voters <= 0 {
		return
	}
	// No commit without a quorum: the first delivery of a txn anywhere
	// means a leader committed it, which it may only do once a majority
	// of disks hold it (Zab paper §5.1; Leader.processAck). And a disk
	// counts only if its server's vote carries the txn: a server whose
	// durable currentEpoch is older than the txn's epoch loses an
	// election to any server of that epoch, even one with a shorter log,
	// and is TRUNCated (so a follower ACKs a txn of epoch e only after
	// it acked NEWLEADER of e, with currentEpoch e on disk:
	// Learner.syncWithLeader; issue 9's lost write).
	holders, stale := 0, 0
	for n, d := range r.disks {
		if d.holds(zxid, txn) {
			if r.epochs != nil && r.epochs[n] < Epoch(zxid) {
				stale++
				continue
			}
			holders++
		}
	}
	if holders < r.Voters/2+1 {
		r.fail("quorum: node %d delivered zxid %#x (first delivery anywhere) while only %d of %d disks hold it under its epoch (%d more hold it with an older currentEpoch)", node, zxid, holders, r.Voters, stale)
	}
}

// Epoch records that node's currentEpoch file now durably holds
// currentEpoch (call it as soon as the file is written, before anything
// else of that Ready), and at every boot through Recovered.
//
// currentEpoch never runs ahead of the log: a durable currentEpoch e
// promises that the disk holds e's initial history I_e (Zab paper §4,
// phase 2: a follower accepts NEWLEADER(e) by taking the leader's
// history; ZOOKEEPER-4643: the synced txns are fsynced before
// currentEpoch is set). Otherwise a crash now leaves a server whose vote
// (e, short log) beats every server of an older epoch: it can lead and
// TRUNC committed txns away. The first server to report e is e's leader,
// which writes it at the epoch quorum, before any NEWLEADER leaves: its
// log then is I_e.
func (r *Recorder) Epoch(node sim.NodeID, currentEpoch int64) {
	r.init()
	if r.epochs == nil {
		r.epochs = map[sim.NodeID]int64{}
	}
	r.epochs[node] = currentEpoch
	d := r.disk(node)
	h := r.initial[currentEpoch]
	if h == nil {
		if currentEpoch > 0 {
			r.initial[currentEpoch] = d.clone()
		}
		return
	}
	if z, ok := d.covers(h); !ok {
		r.epochFail(currentEpoch, "epoch order: node %d's currentEpoch is %d on disk while zxid %#x of that epoch's initial history is not (its log is durable to %#x)", node, currentEpoch, z, d.last())
	}
}

// Acked records that node sent an ACK of zxid (a proposal), or of
// NEWLEADER (counter 0: zxid is epoch<<32), and checks what the ACK
// promises the leader, which counts it toward a quorum:
//   - of a proposal: the txn is durably logged (paper §5.1: "logged to
//     non-volatile store before sending acknowledgments"), and the
//     server's durable currentEpoch is at least the txn's — a follower
//     still syncing (currentEpoch older) would lose an election to a
//     shorter log of the txn's epoch and be TRUNCated
//     (Learner.syncWithLeader ACKs proposals only after NEWLEADER);
//   - of NEWLEADER(e): currentEpoch e is durable, and so is e's initial
//     history (ZOOKEEPER-4646).
func (r *Recorder) Acked(node sim.NodeID, zxid int64) {
	r.init()
	if r.epochs == nil {
		return // the runtime does not report epochs
	}
	e, cur := Epoch(zxid), r.epochs[node]
	d := r.disk(node)
	if zxid&0xffffffff == 0 {
		if cur < e {
			r.fail("ack: node %d acked NEWLEADER of epoch %d with currentEpoch %d on disk", node, e, cur)
			return
		}
		if h := r.initial[e]; h != nil {
			if z, ok := d.covers(h); !ok {
				r.epochFail(e, "ack: node %d acked NEWLEADER of epoch %d while zxid %#x of its initial history is not on its disk", node, e, z)
			}
		}
		return
	}
	if _, found := slices.BinarySearch(d.zxids, zxid); zxid > d.base && !found {
		r.fail("ack: node %d acked zxid %#x, which is not on its disk", node, zxid)
	}
	if cur < e {
		r.fail("ack: node %d acked zxid %#x (epoch %d) with currentEpoch %d on disk: its vote does not carry it", node, zxid, e, cur)
	}
}

// Recovered records what node's disk gave back at boot: its currentEpoch,
// the snapshot's zxid and the log after it (zxids and txns). The disk may
// hold more than was fsynced (bytes written but not synced can survive a
// crash): from now on it holds what it gave back. Its currentEpoch must
// not be ahead of its log (see Epoch).
func (r *Recorder) Recovered(node sim.NodeID, currentEpoch, snapZxid int64, zxids []int64, txns []string) {
	r.init()
	d := r.disk(node)
	d.base, d.zxids, d.txns = snapZxid, slices.Clone(zxids), slices.Clone(txns)
	if h := r.initial[currentEpoch]; h != nil {
		if z, ok := d.covers(h); !ok {
			r.epochFail(currentEpoch, "durability: node %d restarted with currentEpoch %d but without zxid %#x of that epoch's initial history (snapshot at %#x, %d txns logged after it)", node, currentEpoch, z, snapZxid, len(zxids))
		}
	}
	r.Epoch(node, currentEpoch)
}

func (d *disk) clone() *disk {
	return &disk{base: d.base, zxids: slices.Clone(d.zxids), txns: slices.Clone(d.txns)}
}

func (d *disk) last() int64 {
	if n := len(d.zxids); n > 0 {
		return d.zxids[n-1]
	}
	return d.base
}

// covers reports whether d holds history h: every txn of h above d's
// snapshot (what a snapshot covers is committed, so of the same
// history). If not, it returns the first zxid missing.
func (d *disk) covers(h *disk) (int64, bool) {
	for i, z := range h.zxids {
		if z > d.base && !d.holds(z, h.txns[i]) {
			return z, false
		}
	}
	return 0, true
}

func (r *Recorder) disk(node sim.NodeID) *disk {
	r.init()
	d := r.disks[node]
	if d == nil {
		d = &disk{}
		r.disks[node] = d
	}
	return d
}

func (d *disk) holds(zxid int64, txn string) bool {
	i, found := slices.BinarySearch(d.zxids, zxid)
	return found && d.txns[i] == txn
}

// Logged records that node's disk now durably holds txn at zxid: the log
// entry was fsynced. A disk survives crashes and restarts, so call it once
// per fsynced entry, not again at recovery.
func (r *Recorder) Logged(node sim.NodeID, zxid int64, txn string) {
	d := r.disk(node)
	if n := len(d.zxids); n > 0 && d.zxids[n-1] >= zxid {
		// A log only grows upwards; anything at or above zxid was dropped
		// on the way here (a SNAP), so forget it.
		i, _ := slices.BinarySearch(d.zxids, zxid)
		d.zxids, d.txns = d.zxids[:i], d.txns[:i]
	}
	d.zxids = append(d.zxids, zxid)
	d.txns = append(d.txns, txn)
}

// Truncated records that node cut its log after zxid (TRUNC). A txn that
// has been delivered anywhere is committed, and truncating it is a
// violation (docs/reference/zookeeper.md §3: TRUNC removes only what the new leader does
// not have, which is never committed).
func (r *Recorder) Truncated(node sim.NodeID, zxid int64) {
	d := r.disk(node)
	i, _ := slices.BinarySearch(d.zxids, zxid+1)
	for j := i; j < len(d.zxids); j++ {
		if c, ok := r.delivered[d.zxids[j]]; ok && c == d.txns[j] {
			r.fail("truncation: node %d truncated zxid %#x, which is committed (delivered)", node, d.zxids[j])
		}
	}
	d.zxids, d.txns = d.zxids[:i], d.txns[:i]
}

// Replaced records that node replaced its log by a snapshot at zxid
// (SNAP): logged entries above zxid are gone (the leader sends them again
// after the snapshot), and no check is made. Those at or below it are
// forgotten too: they may be of a history the snapshot does not hold,
// and what it does hold is committed already.
func (r *Recorder) Replaced(node sim.NodeID, zxid int64) {
	d := r.disk(node)
	d.base, d.zxids, d.txns = zxid, nil, nil
}

// Established records that node became the established leader of epoch
// (a quorum acked its NEWLEADER). At most one leader establishes an epoch
// (Zab.tla; docs/reference/zookeeper.md §3).
func (r *Recorder) Established(node sim.NodeID, epoch int64) {
	r.init()
	if l, ok := r.established[epoch]; ok && l != node {
		r.fail("primary uniqueness: epoch %d was established by node %d and by node %d", epoch, l, node)
		return
	}
	r.established[epoch] = node
	if r.initial[epoch] == nil { // the runtime does not report epochs
		r.initial[epoch] = r.disk(node).clone()
	}
	for _, v := range r.unsafe[epoch] {
		r.fail("%s (epoch %d is now established)", v, epoch)
	}
	delete(r.unsafe, epoch)
	if f, ok := r.firstOfEpoch[epoch]; ok && f.node != node {
		r.fail("primary uniqueness: node %d established epoch %d, in which node %d broadcast %#x", node, epoch, f.node, f.zxid)
	}
}

// Broadcast records that node, as leader, proposed txn at zxid.
func (r *Recorder) Broadcast(node sim.NodeID, zxid int64, txn string) {
	r.init()
	e := Epoch(zxid)
	first, seen := r.firstOfEpoch[e]
	switch {
	case !seen:
		r.firstOfEpoch[e] = leaderAt{node: node, delivered: r.seq(node).last(), zxid: zxid}
	case first.node != node:
		r.fail("primary order: epoch %d has two leaders, node %d (zxid %#x) and node %d (zxid %#x)", e, first.node, first.zxid, node, zxid)
	}
	if l, ok := r.established[e]; ok && l != node {
		r.fail("primary uniqueness: node %d broadcast %#x in epoch %d, established by node %d", node, zxid, e, l)
	}
	for i := len(r.broadcasts) - 1; i >= 0; i-- {
		if b := r.broadcasts[i]; Epoch(b.zxid) == e {
			if zxid <= b.zxid {
				r.fail("local primary order: leader %d broadcast zxid %#x after %#x", node, zxid, b.zxid)
			}
			break
		}
	}
	if old, dup := r.byZxid[zxid]; dup && old != txn {
		r.fail("integrity: zxid %#x broadcast twice with different txns", zxid)
	}
	r.byZxid[zxid] = txn
	r.broadcasts = append(r.broadcasts, broadcast{node, zxid, txn})
}

// Check checks the whole run and returns its violations (nil if none).
func (r *Recorder) Check() []string {
	r.init()
	errs := slices.Clone(r.errs)
	n := r.nerrs
	fail := func(format string, args ...any) {
		n++
		if len(errs) < 20 {
			errs = append(errs, fmt.Sprintf(format, args...))
		}
	}
	// Agreement on content, and integrity against broadcasts.
	content := map[int64]string{}
	who := map[int64]sim.NodeID{}
	for _, s := range r.seqs {
		for i, z := range s.zxids {
			t := s.txns[i]
			if c, ok := content[z]; ok && c != t {
				fail("agreement: zxid %#x is %q at node %d but %q at node %d", z, short(c), who[z], short(t), s.node)
			} else if !ok {
				content[z], who[z] = t, s.node
			}
			if len(r.broadcasts) > 0 {
				if b, ok := r.byZxid[z]; !ok {
					fail("integrity: node %d delivered zxid %#x, which no leader broadcast", s.node, z)
				} else if b != t {
					fail("integrity: node %d delivered %q at zxid %#x, but %q was broadcast", s.node, short(t), z, short(b))
				}
			}
		}
	}
	// Total order without gaps: consecutive deliveries of a sequence are
	// consecutive in the global order of everything delivered.
	global := make([]int64, 0, len(content))
	for z := range content {
		global = append(global, z)
	}
	slices.Sort(global)
	pos := func(z int64) int { // index of the first global zxid > z
		i, found := slices.BinarySearch(global, z)
		if found {
			return i + 1
		}
		return i
	}
	for _, s := range r.seqs {
		prev := s.start
		for _, z := range s.zxids {
			if prev >= 0 {
				if i := pos(prev); i < len(global) && global[i] < z {
					fail("agreement: node %d delivered %#x right after %#x, skipping %#x (delivered by node %d)", s.node, z, prev, global[i], who[global[i]])
				}
			}
			prev = z
		}
	}
	// Primary order without gaps: a leader proposes counters 1, 2, 3, ...
	// in its epoch and commits them in order (Leader.tryToCommit), so the
	// committed zxids of an epoch are exactly (e,1)..(e,k).
	for i, z := range global {
		switch {
		case (i == 0 || Epoch(global[i-1]) != Epoch(z)) && z&0xffffffff != 1:
			fail("primary order: %#x is the first delivered zxid of epoch %d, not its first proposal (counter 1)", z, Epoch(z))
		case i > 0 && Epoch(global[i-1]) == Epoch(z) && z != global[i-1]+1:
			fail("primary order: epoch %d delivered %#x right after %#x: a proposal in between was skipped", Epoch(z), z, global[i-1])
		}
	}
	// Primary integrity: nothing of an earlier epoch is delivered that the
	// epoch's leader did not hold before its first broadcast.
	epochs := make([]int64, 0, len(r.firstOfEpoch))
	for e := range r.firstOfEpoch {
		epochs = append(epochs, e)
	}
	slices.Sort(epochs)
	for _, e := range epochs {
		l := r.firstOfEpoch[e]
		if l.delivered < 0 {
			continue // the leader's starting point was never recorded (no Start)
		}
		// The newest delivered zxid of an epoch before e.
		i := pos(e<<32 - 1)
		if i == 0 {
			continue
		}
		if z := global[i-1]; z > l.delivered {
			fail("primary integrity: leader %d of epoch %d broadcast %#x holding only up to %#x, but %#x (epoch %d, delivered by node %d) came before it",
				l.node, e, l.zxid, l.delivered, z, Epoch(z), who[z])
		}
	}
	if n > len(errs) {
		errs = append(errs, fmt.Sprintf("... and %d more", n-len(errs)))
	}
	return errs
}

// Err is Check as one error, nil if there is no violation.
func (r *Recorder) Err() error {
	v := r.Check()
	if len(v) == 0 {
		return nil
	}
	return fmt.Errorf("zabcheck: %d violation(s):\n  %s", len(v), strings.Join(v, "\n  "))
}

func short(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
