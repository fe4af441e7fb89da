package zksim

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/session"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
	"github.com/zkafka/zkafka/zk/zab/zabsim"
	"github.com/zkafka/zkafka/zk/zab/zkcheck"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/znode"
)

type env = sim.Env[zab.Packet]

// Server models one ZooKeeper server of the ensemble: a zabsim.Runtime (a
// zab.Peer, its disk, the Ready handling) whose state machine is the real
// znode.Tree, and its client connections.
//
// As in ZooKeeper, the tree holds only committed txns (reads are served
// from it); the leader checks and executes writes against a speculative
// copy (PrepRequestProcessor's outstandingChanges), proposes the txn, and
// everyone — the leader included — applies committed txns to the tree
// (FinalRequestProcessor), answering the write's client if it is theirs.
// The Runtime's Zxid is the last txn applied to the tree: the zxid of
// every read reply.
type Server struct {
	*zabsim.Runtime
	e  *Ensemble
	ID sim.NodeID

	tree *znode.Tree
	spec *znode.Tree // leader only: tree + its outstanding proposals
	// sessions are the live sessions of the tree's state (createSession
	// applied, no closeSession yet), kept in its snapshots; nextSession is
	// the id this server hands out next.
	sessions    map[int64]int32
	nextSession int64

	// gen counts connection generations: when the server stops serving
	// (or changes leader or epoch) it closes every client connection.
	gen     int
	waiting map[reqKey]call // writes waiting for their commit, by (session, cxid)
	syncs   map[int64]call  // syncs waiting for the leader
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
	s := &Server{e: e, ID: b.ID, waiting: map[reqKey]call{}, syncs: map[int64]call{}}
	rt, err := zabsim.Boot(b, s, zabsim.RuntimeConfig{
		Peer:  zab.Config{Voters: e.voters, CommitLogCount: e.window},
		Check: &e.zab,
		Key:   txnKey,
		Hooks: zabsim.Hooks{
			Recovered: func(st zab.Storage) { s.recovered(st) },
			Role:      s.roleChanged,
			SyncDone:  s.syncDone,
			Fail:      func(err error) { e.fail("%v", err) },
		},
	})
	if err != nil {
		return nil, err
	}
	s.Runtime = rt
	return s, nil
}

// recovered starts the session counter after a boot: the sessions the
// disk gives back (the snapshot's, and those the log after it creates or
// closes, as ZooKeeper's recovery replays them) move it past this
// member's own ids only (session.FirstID, the rule zk/server uses).
func (s *Server) recovered(st zab.Storage) {
	rec := maps.Clone(s.sessions)
	for _, en := range st.Entries {
		switch en.Txn.Header.Type {
		case proto.OpCreateSession:
			rec[en.Txn.Header.ClientID] = 4000
		case proto.OpCloseSession:
			delete(rec, en.Txn.Header.ClientID)
		}
	}
	var now int64 // the world's clock (0 while sim.New boots the servers)
	if s.e.W != nil {
		now = s.e.W.Now()
	}
	s.nextSession = session.FirstID(now, int64(s.ID), rec)
}

// createSession hands the client the next id of this server's counter and
// forwards its createSession to the leader; the client has the session
// once it commits here (Apply).
func (s *Server) createSession(ev env, w call) {
	id := s.nextSession
	s.nextSession++
	s.submit(ev, w, request{Session: id, Op: proto.OpCreateSession, Record: &proto.CreateSessionTxn{TimeOut: 4000}})
}

// serving reports whether clients may use this server.
func (s *Server) serving() bool { return s.Role.Serving }

// roleChanged closes the client connections when the server stops
// serving or its leader or epoch changes, and drops the speculative tree
// with the leadership.
func (s *Server) roleChanged(prev, now zab.SoftState) {
	if prev.Serving && (!now.Serving || prev.State != now.State || prev.Epoch != now.Epoch) {
		s.closeClients()
	}
	if now.State != quorum.Leading || !now.Serving {
		s.spec = nil
	}
}

// syncDone answers a sync the leader completed.
func (s *Server) syncDone(id int64) {
	if w, ok := s.syncs[id]; ok {
		delete(s.syncs, id)
		s.e.reply(w, zkcheck.Result{Zxid: s.Zxid})
	}
}

// Snapshot is the tree in zk/snapshot's file format (a SNAP's payload).
func (s *Server) Snapshot() ([]byte, error) { return encodeTree(s.tree, s.sessions) }

// Restore replaces the tree with an image at zxid (nil: an empty tree).
func (s *Server) Restore(zxid int64, image []byte) error {
	t, sessions := znode.New(), map[int64]int32{}
	if image != nil {
		var err error
		if t, sessions, err = decodeTree(image); err != nil {
			return err
		}
	}
	s.tree, s.sessions = t, sessions
	s.e.zab.Start(s.ID, zxid)
	return nil
}

// Execute runs a write forwarded to the leader (REQUEST).
func (s *Server) Execute(data []byte) error {
	if len(data) != 8 {
		return fmt.Errorf("a forwarded request of %d bytes", len(data))
	}
	if req, ok := s.e.forwarded[binary.BigEndian.Uint64(data)]; ok {
		s.execute(req)
	}
	return nil
}

// Apply applies a committed txn to the tree and answers its client, if
// the client's connection is here.
func (s *Server) Apply(en zab.Entry) error {
	e := s.e
	txn := en.Txn
	if _, err := s.tree.Apply(txn); err != nil && txn.Header.Type != proto.OpError {
		// Apply refuses only what Execute would have refused: the trees
		// diverged.
		e.fail("server %d: Apply(%#x %v): %v", s.ID, en.Zxid, txn.Header.Type, err)
	}
	e.zab.Deliver(s.ID, en.Zxid, txnKey(txn))
	switch txn.Header.Type {
	case proto.OpCreateSession:
		s.sessions[txn.Header.ClientID] = 4000
	case proto.OpCloseSession:
		delete(s.sessions, txn.Header.ClientID)
	}
	k := reqKey{txn.Header.ClientID, txn.Header.Cxid}
	if w, ok := s.waiting[k]; ok && txn.Header.Type == proto.OpCreateSession {
		delete(s.waiting, k)
		e.sessionCreated(w, txn.Header.ClientID)
	} else if ok {
		delete(s.waiting, k)
		var err error
		if txn.Header.Type == proto.OpError {
			if et, ok := txn.Record.(*proto.ErrorTxn); ok {
				err = zkerr.Code(et.Err)
			}
		}
		e.reply(w, zkcheck.Result{Err: err, Zxid: en.Zxid})
	}
	return nil
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
		img, err := encodeTree(s.tree, nil)
		if err == nil {
			s.spec, _, err = decodeTree(img)
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
		s.e.reply(w, zkcheck.Result{Err: err, Value: string(data), Zxid: s.Zxid, Mzxid: st.Mzxid})
		return
	case proto.OpExists:
		st, err := s.tree.Exists(r.Path)
		s.e.reply(w, zkcheck.Result{Err: err, Zxid: s.Zxid, Mzxid: st.Mzxid})
		return
	case proto.OpSync:
		if s.e.opts.mutant == mutantLocalSync {
			s.e.reply(w, zkcheck.Result{Zxid: s.Zxid})
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
	s.Pump(ev)
}

// txnKey is how zabcheck sees a txn: its session, cxid and type.
func txnKey(t proto.Txn) string {
	return fmt.Sprintf("%d/%d/%d", t.Header.ClientID, t.Header.Cxid, t.Header.Type)
}
