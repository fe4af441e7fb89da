package zksim

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/labs/sim/zkcheck"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/txnlog"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/znode"
)

type env = sim.Env[zab.Packet]

// Server models one ZooKeeper server of the ensemble: a zab.Peer whose
// state machine is the real znode.Tree, its disk, and its client
// connections.
//
// As in ZooKeeper, the tree holds only committed txns (reads are served
// from it); the leader checks and executes writes against a speculative
// copy (PrepRequestProcessor's outstandingChanges), proposes the txn, and
// everyone — the leader included — applies committed txns to the tree
// (FinalRequestProcessor), answering the write's client if it is theirs.
type Server struct {
	e    *Ensemble
	ID   sim.NodeID
	Peer *zab.Peer
	Role zab.SoftState

	tree *znode.Tree
	zxid int64       // last txn applied to tree: the zxid of every read reply
	spec *znode.Tree // leader only: tree + its outstanding proposals

	// gen counts connection generations: when the server stops serving
	// (or changes leader or epoch) it closes every client connection.
	gen     int
	waiting map[reqKey]call // writes waiting for their commit, by (session, cxid)
	syncs   map[int64]call  // syncs waiting for the leader

	fs       vfs.FS
	log      *txnlog.Log
	snapZxid int64
	rand     *rand.Rand
}

type reqKey struct {
	session int64
	cxid    int32
}

// call is a client operation a server owes an answer.
type call struct {
	c   *Client
	seq int
}

func (e *Ensemble) start(b sim.Boot) (*Server, error) {
	st, err := recoverDisk(b.Disk)
	if err != nil {
		return nil, err
	}
	p, err := zab.New(zab.Config{ID: int64(b.ID), Voters: e.voters, Storage: st.storage})
	if err != nil {
		return nil, err
	}
	s := &Server{
		e: e, ID: b.ID, Peer: p, tree: st.tree, zxid: st.storage.SnapshotZxid,
		waiting: map[reqKey]call{}, syncs: map[int64]call{},
		fs: b.Disk, log: st.log, snapZxid: st.storage.SnapshotZxid, rand: b.Rand,
	}
	e.zab.Start(b.ID, s.zxid)
	return s, nil
}

func (s *Server) Receive(ev env, from sim.NodeID, m zab.Packet) {
	if err := s.Peer.Step(m); err != nil {
		s.e.fail("server %d: Step(%v): %v", s.ID, m, err)
	}
	s.pump(ev)
}

func (s *Server) Tick(ev env) {
	s.Peer.Tick()
	s.pump(ev)
}

func (s *Server) Disconnected(ev env, peer sim.NodeID) {
	s.Peer.Disconnected(int64(peer))
	s.pump(ev)
}

func (s *Server) pump(ev env) {
	for s.Peer.HasReady() {
		rd := s.Peer.Ready()
		if err := s.carryOut(ev, rd); err != nil {
			s.e.fail("server %d: %v", s.ID, err)
			return
		}
		s.Peer.Advance(rd)
	}
}

// serving reports whether clients may use this server.
func (s *Server) serving() bool { return s.Role.Serving }

func (s *Server) carryOut(ev env, rd zab.Ready) error {
	e := s.e
	if ss := rd.SoftState; ss != nil {
		prev := s.Role
		s.Role = *ss
		if prev.Serving && (!ss.Serving || prev.State != ss.State || prev.Epoch != ss.Epoch) {
			s.closeClients()
		}
		if ss.State != quorum.Leading || !ss.Serving {
			s.spec = nil // speculative state dies with the leadership
		}
		if ss.State == quorum.Leading && ss.Serving {
			e.zab.Established(s.ID, ss.Epoch)
		}
	}
	if sn := rd.Snapshot; sn != nil {
		t, err := decodeTree(sn.Data)
		if err != nil {
			return fmt.Errorf("SNAP at %#x: %w", sn.Zxid, err)
		}
		if err := writeSnapshot(s.fs, sn.Zxid, sn.Data); err != nil {
			return err
		}
		e.zab.Replaced(s.ID, sn.Zxid)
		if err := s.log.Truncate(sn.Zxid); err != nil {
			return err
		}
		s.tree, s.zxid, s.snapZxid = t, sn.Zxid, sn.Zxid
		e.zab.Start(s.ID, sn.Zxid)
	}
	if rd.Truncate {
		e.zab.Truncated(s.ID, rd.TruncateZxid)
		if err := s.log.Truncate(rd.TruncateZxid); err != nil {
			return err
		}
	}
	if ep := rd.Epochs; ep != nil {
		if err := writeEpoch(s.fs, "acceptedEpoch", ep.Accepted); err != nil {
			return err
		}
		if err := writeEpoch(s.fs, "currentEpoch", ep.Current); err != nil {
			return err
		}
	}
	if len(rd.Entries) > 0 {
		for i := range rd.Entries {
			if err := s.log.Append(&rd.Entries[i].Txn); err != nil {
				return err
			}
		}
		if err := s.log.Commit(); err != nil { // fsync before any ACK leaves
			return err
		}
		for _, en := range rd.Entries {
			e.zab.Logged(s.ID, en.Zxid, txnKey(en.Txn))
		}
	}
	for _, en := range rd.Committed {
		s.apply(en)
	}
	for _, m := range rd.Messages {
		if m.Type == quorum.Snap {
			if s.zxid != m.Zxid {
				return fmt.Errorf("SNAP at %#x but the tree is at %#x", m.Zxid, s.zxid)
			}
			data, err := encodeTree(s.tree, s.zxid)
			if err != nil {
				return err
			}
			m.Data = data
		}
		ev.Send(sim.NodeID(m.To), m)
	}
	for _, r := range rd.Requests {
		if len(r.Data) != 8 {
			return fmt.Errorf("a forwarded request of %d bytes", len(r.Data))
		}
		req, ok := e.forwarded[binary.BigEndian.Uint64(r.Data)]
		if ok {
			s.execute(req)
		}
	}
	for _, id := range rd.SyncsDone {
		if w, ok := s.syncs[id]; ok {
			delete(s.syncs, id)
			e.reply(w, zkcheck.Result{Zxid: s.zxid})
		}
	}
	return nil
}

// apply applies a committed txn to the tree and answers its client, if
// the client's connection is here.
func (s *Server) apply(en zab.Entry) {
	e := s.e
	txn := en.Txn
	if _, err := s.tree.Apply(txn); err != nil && txn.Header.Type != proto.OpError {
		// Apply refuses only what Execute would have refused: the trees
		// diverged.
		e.fail("server %d: Apply(%#x %v): %v", s.ID, en.Zxid, txn.Header.Type, err)
	}
	s.zxid = en.Zxid
	e.zab.Deliver(s.ID, en.Zxid, txnKey(txn))
	k := reqKey{txn.Header.ClientID, txn.Header.Cxid}
	if w, ok := s.waiting[k]; ok {
		delete(s.waiting, k)
		var err error
		if txn.Header.Type == proto.OpError {
			if et, ok := txn.Record.(*proto.ErrorTxn); ok {
				err = zkerr.Code(et.Err)
			}
		}
		e.reply(w, zkcheck.Result{Err: err, Zxid: en.Zxid})
	}
}

// closeClients: the server stopped serving (or its leader or epoch
// changed), so it closes every client connection; their pending
// operations' outcomes are unknown.
func (s *Server) closeClients() {
	s.gen++
	s.waiting = map[reqKey]call{}
	s.syncs = map[int64]call{}
}

// execute runs a write on the leader: check it against the speculative
// tree at the next zxid, propose the txn (failed writes too: they take a
// zxid). A leader that cannot propose drops the request; its client times
// out.
func (s *Server) execute(r request) {
	z, err := s.Peer.NextZxid()
	if err != nil {
		return
	}
	if s.spec == nil {
		img, err := encodeTree(s.tree, s.zxid)
		if err == nil {
			s.spec, err = decodeTree(img)
		}
		if err != nil {
			s.e.fail("server %d: copying the tree: %v", s.ID, err)
			return
		}
	}
	hdr := proto.TxnHeader{ClientID: r.Session, Cxid: r.Cxid, Zxid: z, Time: s.e.W.Now(), Type: r.Op}
	res := s.spec.Execute(znode.Request{Header: hdr, Record: r.Record})
	if _, err := s.Peer.Propose(res.Txn); err != nil {
		s.e.fail("server %d: Propose after NextZxid: %v", s.ID, err)
		s.spec = nil
		return
	}
	s.e.zab.Broadcast(s.ID, z, txnKey(res.Txn))
	if s.e.opts.mutant == mutantAckOnPropose {
		if w, ok := s.waiting[reqKey{r.Session, r.Cxid}]; ok {
			delete(s.waiting, reqKey{r.Session, r.Cxid})
			s.e.reply(w, zkcheck.Result{Err: res.Err, Zxid: z})
		}
	}
}

// submit takes a client operation on a connection to this server.
func (s *Server) submit(ev env, w call, r request) {
	switch r.Op {
	case proto.OpGetData:
		data, st, err := s.tree.GetData(r.Path)
		s.e.reply(w, zkcheck.Result{Err: err, Value: string(data), Zxid: s.zxid, Mzxid: st.Mzxid})
		return
	case proto.OpExists:
		st, err := s.tree.Exists(r.Path)
		s.e.reply(w, zkcheck.Result{Err: err, Zxid: s.zxid, Mzxid: st.Mzxid})
		return
	case proto.OpSync:
		if s.e.opts.mutant == mutantLocalSync {
			s.e.reply(w, zkcheck.Result{Zxid: s.zxid})
			return
		}
		s.e.nextSync++
		id := s.e.nextSync
		if err := s.Peer.Sync(id); err != nil {
			return // not serving after all: the client times out
		}
		s.syncs[id] = w
	default: // a write: to the leader, answered when it commits here
		s.waiting[reqKey{r.Session, r.Cxid}] = w
		s.e.nextReq++
		id := s.e.nextReq
		s.e.forwarded[id] = r
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], id)
		if err := s.Peer.Forward(b[:]); err != nil && !errors.Is(err, zab.ErrNotServing) {
			s.e.fail("server %d: Forward: %v", s.ID, err)
		}
	}
	s.pump(ev)
}

// txnKey is how zabcheck sees a txn: its session, cxid and type.
func txnKey(t proto.Txn) string {
	return fmt.Sprintf("%d/%d/%d", t.Header.ClientID, t.Header.Cxid, t.Header.Type)
}
