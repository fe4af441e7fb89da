package zabsim

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// Write is one applied txn: its zxid and the id of the client write.
type Write struct {
	Zxid int64
	ID   int64
}

func (w Write) String() string { return fmt.Sprintf("w%d@%s", w.ID, quorum.FormatZxid(w.Zxid)) }

// Options shapes a cluster.
type Options struct {
	N            int // servers, ids 1..N (default 3)
	InitLimit    int // ticks (default 10)
	SyncLimit    int // ticks (default 5)
	FinalizeWait int // ticks (default 1)
}

// Node is one server: its Peer (nil while crashed), disk and state machine.
type Node struct {
	ID      int64
	Peer    *zab.Peer
	Applied []Write // the state machine
	Role    zab.SoftState
	disk    disk
	Boots   int
}

type disk struct {
	accepted, current int64
	snapZxid          int64
	snap              []Write
	entries           []zab.Entry
}

type link struct{ from, to int64 }

// Cluster is a simulated ensemble.
type Cluster struct {
	R     *rand.Rand
	opts  Options
	IDs   []int64
	Nodes map[int64]*Node

	inflight map[link][]zab.Packet
	cut      map[link]bool

	nextWrite int64
	Proposed  map[int64]int64 // write id → zxid it was proposed at (last time)

	hist  history
	trace []string
	// Err is the first violation seen (nil if none).
	Err error
	// Ticks counts TickAll calls.
	Ticks int64
	// Stats counts notable events ("truncate", "snap", "elected", ...),
	// so tests can check a schedule exercised what it meant to.
	Stats map[string]int
}

// New builds an ensemble of opts.N fresh servers.
func New(r *rand.Rand, opts Options) *Cluster {
	if opts.N <= 0 {
		opts.N = 3
	}
	c := &Cluster{R: r, opts: opts, Nodes: map[int64]*Node{}, inflight: map[link][]zab.Packet{},
		cut: map[link]bool{}, Stats: map[string]int{}, Proposed: map[int64]int64{}, hist: history{leaders: map[int64]int64{}}}
	for i := 1; i <= opts.N; i++ {
		id := int64(i)
		c.IDs = append(c.IDs, id)
		c.Nodes[id] = &Node{ID: id}
	}
	for _, id := range c.IDs {
		c.boot(id)
	}
	return c
}

func (c *Cluster) config(id int64) zab.Config {
	n := c.Nodes[id]
	return zab.Config{
		ID: id, Voters: c.IDs,
		InitLimit: c.opts.InitLimit, SyncLimit: c.opts.SyncLimit, FinalizeWait: c.opts.FinalizeWait,
		Storage: zab.Storage{
			AcceptedEpoch: n.disk.accepted, CurrentEpoch: n.disk.current,
			SnapshotZxid: n.disk.snapZxid, Entries: slices.Clone(n.disk.entries),
		},
	}
}

func (c *Cluster) boot(id int64) {
	n := c.Nodes[id]
	p, err := zab.New(c.config(id))
	if err != nil {
		c.fail("boot %d: %v", id, err)
		return
	}
	n.Peer = p
	n.Boots++
	n.Applied = slices.Clone(n.disk.snap)
	n.Role = zab.SoftState{}
	c.logf("boot %d (log %d entries after %s, epochs %d/%d)", id, len(n.disk.entries), quorum.FormatZxid(n.disk.snapZxid), n.disk.accepted, n.disk.current)
}

// Alive reports whether server id is running.
func (c *Cluster) Alive(id int64) bool { return c.Nodes[id].Peer != nil }

func (c *Cluster) logf(format string, args ...any) {
	const keep = 400
	if len(c.trace) >= keep {
		c.trace = c.trace[len(c.trace)-keep/2:]
	}
	c.trace = append(c.trace, fmt.Sprintf("[t%d] ", c.Ticks)+fmt.Sprintf(format, args...))
}

func (c *Cluster) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.logf("VIOLATION: %s", msg)
	if c.Err == nil {
		c.Err = fmt.Errorf("%s", msg)
	}
}

// Trace is the recent event log (for failure messages).
func (c *Cluster) Trace() string { return strings.Join(c.trace, "\n") }

// send puts a packet on its channel, or loses it.
func (c *Cluster) send(m zab.Packet) {
	l := link{m.From, m.To}
	if c.cut[l] || !c.Alive(m.To) {
		return
	}
	c.inflight[l] = append(c.inflight[l], m)
}

// InFlight is the number of packets on the wire.
func (c *Cluster) InFlight() int {
	n := 0
	for _, q := range c.inflight {
		n += len(q)
	}
	return n
}

func (c *Cluster) busyLinks() []link {
	var ls []link
	for l, q := range c.inflight {
		if len(q) > 0 {
			ls = append(ls, l)
		}
	}
	slices.SortFunc(ls, func(a, b link) int {
		if a.from != b.from {
			return int(a.from - b.from)
		}
		return int(a.to - b.to)
	})
	return ls
}

// DeliverOne delivers the oldest packet of a random busy channel. It
// reports false when nothing is in flight.
func (c *Cluster) DeliverOne() bool {
	ls := c.busyLinks()
	if len(ls) == 0 {
		return false
	}
	l := ls[c.R.IntN(len(ls))]
	m := c.inflight[l][0]
	c.inflight[l] = c.inflight[l][1:]
	c.deliver(m)
	return true
}

func (c *Cluster) deliver(m zab.Packet) {
	n := c.Nodes[m.To]
	if n.Peer == nil {
		return
	}
	if m.Type != quorum.Ping {
		c.logf("deliver %v", m)
	}
	if err := n.Peer.Step(m); err != nil {
		c.fail("server %d: Step(%v): %v", m.To, m, err)
	}
}

// Flush has server id carry out its Ready (persist, apply, send).
func (c *Cluster) Flush(id int64) { c.flush(id, false) }

// FlushCrash has server id persist its Ready and then crash before it
// sends anything: the disk is ahead of what the others know.
func (c *Cluster) FlushCrash(id int64) { c.flush(id, true) }

func (c *Cluster) flush(id int64, crashBeforeSend bool) {
	n := c.Nodes[id]
	if n.Peer == nil || !n.Peer.HasReady() {
		return
	}
	rd := n.Peer.Ready()
	if rd.SoftState != nil {
		n.Role = *rd.SoftState
		c.logf("server %d is %v", id, *rd.SoftState)
		if rd.SoftState.State == quorum.Leading && rd.SoftState.Serving {
			c.hist.established(c, id, rd.SoftState.Epoch)
			c.Stats["established"]++
		}
	}
	if rd.Snapshot != nil {
		ws, err := decodeWrites(rd.Snapshot.Data)
		if err != nil {
			c.fail("server %d: bad snapshot: %v", id, err)
			return
		}
		c.logf("server %d installs snapshot at %s (%d writes)", id, quorum.FormatZxid(rd.Snapshot.Zxid), len(ws))
		c.hist.checkPrefix(c, id, ws)
		c.Stats["snap"]++
		n.Applied = ws
		n.disk.snap, n.disk.snapZxid, n.disk.entries = slices.Clone(ws), rd.Snapshot.Zxid, nil
	}
	if rd.Truncate {
		i := len(n.disk.entries)
		for i > 0 && n.disk.entries[i-1].Zxid > rd.TruncateZxid {
			i--
		}
		c.Stats["trunc"]++
		c.Stats["truncated entries"] += len(n.disk.entries) - i
		for _, e := range n.disk.entries[i:] {
			c.hist.truncated(c, id, e)
		}
		c.logf("server %d truncates its log after %s (%d entries)", id, quorum.FormatZxid(rd.TruncateZxid), len(n.disk.entries)-i)
		n.disk.entries = n.disk.entries[:i:i]
	}
	if rd.Epochs != nil {
		n.disk.accepted, n.disk.current = rd.Epochs.Accepted, rd.Epochs.Current
	}
	for _, e := range rd.Entries {
		last := n.disk.snapZxid
		if k := len(n.disk.entries); k > 0 {
			last = n.disk.entries[k-1].Zxid
		}
		if e.Zxid <= last {
			c.fail("server %d: logged %s after %s", id, quorum.FormatZxid(e.Zxid), quorum.FormatZxid(last))
		}
		n.disk.entries = append(n.disk.entries, e)
	}
	if crashBeforeSend {
		c.Crash(id)
		return
	}
	for _, e := range rd.Committed {
		w := Write{Zxid: e.Zxid, ID: e.Txn.Header.ClientID}
		if k := len(n.Applied); k > 0 && n.Applied[k-1].Zxid >= w.Zxid {
			c.fail("server %d applied %v after %v: commit order is not zxid order", id, w, n.Applied[k-1])
		}
		c.hist.apply(c, id, len(n.Applied), w)
		n.Applied = append(n.Applied, w)
	}
	for _, m := range rd.Messages {
		if m.Type == quorum.Snap {
			last := n.disk.snapZxid
			if k := len(n.Applied); k > 0 {
				last = n.Applied[k-1].Zxid
			}
			if last != m.Zxid {
				c.fail("server %d: SNAP at %s but its state is at %s", id, quorum.FormatZxid(m.Zxid), quorum.FormatZxid(last))
			}
			m.Data = encodeWrites(n.Applied)
		}
		c.send(m)
	}
	for _, r := range rd.Requests {
		c.propose(id, int64(binary.BigEndian.Uint64(r.Data)))
	}
	n.Peer.Advance(rd)
}

// FlushAll flushes every running server, in id order.
func (c *Cluster) FlushAll() {
	for _, id := range c.IDs {
		c.Flush(id)
	}
}

// TickAll advances every running server's clock by one tick.
func (c *Cluster) TickAll() {
	c.Ticks++
	for _, id := range c.IDs {
		if p := c.Nodes[id].Peer; p != nil {
			p.Tick()
		}
	}
}

// Write submits a new client write at server id: proposed there if it
// leads, forwarded (REQUEST) if it follows. It returns the write id, or 0
// if the server does not serve now.
func (c *Cluster) Write(id int64) int64 {
	n := c.Nodes[id]
	if n.Peer == nil {
		return 0
	}
	c.nextWrite++
	w := c.nextWrite
	st := n.Peer.Status().SoftState
	if st.State == quorum.Leading {
		if c.propose(id, w) {
			return w
		}
		return 0
	}
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(w))
	if err := n.Peer.Forward(buf[:]); err != nil {
		return 0
	}
	c.logf("server %d forwards w%d", id, w)
	return w
}

// Txn is the txn of write w: a setData whose ClientID is the write id.
func Txn(w int64) proto.Txn {
	return proto.Txn{
		Header: proto.TxnHeader{ClientID: w, Cxid: int32(w), Type: proto.OpSetData},
		Record: &proto.SetDataTxn{Path: "/w", Data: []byte(fmt.Sprint(w))},
	}
}

func (c *Cluster) propose(id, w int64) bool {
	n := c.Nodes[id]
	z, err := n.Peer.NextZxid()
	if err != nil {
		return false
	}
	c.hist.proposing(c, id, z)
	got, err := n.Peer.Propose(Txn(w))
	if err != nil {
		return false
	}
	if got != z {
		c.fail("server %d: NextZxid said %s, Propose took %s", id, quorum.FormatZxid(z), quorum.FormatZxid(got))
	}
	c.Proposed[w] = got
	c.logf("server %d proposes w%d at %s", id, w, quorum.FormatZxid(got))
	return true
}

// Compact has server id snapshot its state machine and forget the log up
// to its last applied write.
func (c *Cluster) Compact(id int64) {
	n := c.Nodes[id]
	if n.Peer == nil || n.Peer.HasReady() || len(n.Applied) == 0 {
		return
	}
	z := n.Applied[len(n.Applied)-1].Zxid
	if z <= n.disk.snapZxid {
		return
	}
	if err := n.Peer.Compact(z); err != nil {
		c.fail("server %d: Compact(%s): %v", id, quorum.FormatZxid(z), err)
		return
	}
	i := 0
	for i < len(n.disk.entries) && n.disk.entries[i].Zxid <= z {
		i++
	}
	n.disk.entries = slices.Clone(n.disk.entries[i:])
	n.disk.snap, n.disk.snapZxid = slices.Clone(n.Applied), z
	c.logf("server %d snapshots at %s", id, quorum.FormatZxid(z))
}

// Crash stops server id: its Peer, unprocessed outputs and state machine
// are lost, its disk stays; its channels break.
func (c *Cluster) Crash(id int64) {
	n := c.Nodes[id]
	if n.Peer == nil {
		return
	}
	n.Peer = nil
	n.Applied = nil
	n.Role = zab.SoftState{}
	c.logf("CRASH %d", id)
	c.Stats["crash"]++
	for _, o := range c.IDs {
		if o == id {
			continue
		}
		delete(c.inflight, link{id, o})
		delete(c.inflight, link{o, id})
		if p := c.Nodes[o].Peer; p != nil {
			p.Disconnected(id)
		}
	}
}

// Restart boots a crashed server from its disk.
func (c *Cluster) Restart(id int64) {
	if c.Alive(id) {
		return
	}
	c.boot(id)
}

// Partition cuts every link between the two sides (a server in neither is
// left connected to both).
func (c *Cluster) Partition(a, b []int64) {
	c.logf("PARTITION %v | %v", a, b)
	for _, x := range a {
		for _, y := range b {
			for _, l := range []link{{x, y}, {y, x}} {
				if c.cut[l] {
					continue
				}
				c.cut[l] = true
				delete(c.inflight, l)
				if p := c.Nodes[l.from].Peer; p != nil {
					p.Disconnected(l.to)
				}
			}
		}
	}
}

// Isolate cuts server id off from everyone.
func (c *Cluster) Isolate(id int64) {
	var others []int64
	for _, o := range c.IDs {
		if o != id {
			others = append(others, o)
		}
	}
	c.Partition([]int64{id}, others)
}

// Heal restores every link.
func (c *Cluster) Heal() {
	if len(c.cut) > 0 {
		c.logf("HEAL")
	}
	c.cut = map[link]bool{}
}

// Leader returns the established, serving leader with the highest epoch
// (0 if none).
func (c *Cluster) Leader() int64 {
	var best, epoch int64
	for _, id := range c.IDs {
		if n := c.Nodes[id]; n.Peer != nil {
			s := n.Peer.Status().SoftState
			if s.State == quorum.Leading && s.Serving && s.Epoch > epoch {
				best, epoch = id, s.Epoch
			}
		}
	}
	return best
}

// Committed is the global committed sequence seen so far.
func (c *Cluster) Committed() []Write { return slices.Clone(c.hist.seq) }

func encodeWrites(ws []Write) []byte {
	b := make([]byte, 0, 16*len(ws))
	for _, w := range ws {
		b = binary.BigEndian.AppendUint64(b, uint64(w.Zxid))
		b = binary.BigEndian.AppendUint64(b, uint64(w.ID))
	}
	return b
}

func decodeWrites(b []byte) ([]Write, error) {
	if len(b)%16 != 0 {
		return nil, fmt.Errorf("snapshot of %d bytes", len(b))
	}
	ws := make([]Write, 0, len(b)/16)
	for i := 0; i < len(b); i += 16 {
		ws = append(ws, Write{Zxid: int64(binary.BigEndian.Uint64(b[i:])), ID: int64(binary.BigEndian.Uint64(b[i+8:]))})
	}
	return ws, nil
}
