package zabsim

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// Server is one ensemble member in the simulated world: a sim.Node whose
// Runtime (the zab.Peer, its disk, the Ready handling) replicates a toy
// state machine, the list of writes it applied. A crash throws the whole
// Server away; Restart builds a new one from the disk.
type Server struct {
	*Runtime
	c  *Cluster
	ID sim.NodeID
	// Applied is the state machine: every write applied, in order.
	Applied []Write
}

type env = sim.Env[zab.Packet]

// start boots server b.ID from its disk: at New, and at every Restart.
func (c *Cluster) start(b sim.Boot) (*Server, error) {
	s := &Server{c: c, ID: b.ID}
	rt, err := Boot(b, s, RuntimeConfig{
		Peer: zab.Config{
			Voters: c.voters, InitLimit: c.opts.InitLimit, SyncLimit: c.opts.SyncLimit, FinalizeWait: c.opts.FinalizeWait,
			CommitLogCount: c.opts.CommitLogCount,
		},
		Check: &c.check,
		Key:   key,
		Hooks: Hooks{
			Recovered: func(st zab.Storage) {
				c.checkRecovered(b.ID, st.SnapshotZxid, st.Entries)
				c.logf("boot %d #%d: snapshot at %s, %d logged after it, epochs %d/%d", b.ID, b.Incarnation,
					quorum.FormatZxid(st.SnapshotZxid), len(st.Entries), st.AcceptedEpoch, st.CurrentEpoch)
			},
			Role: func(_, now zab.SoftState) {
				if now.State == quorum.Leading && now.Serving {
					c.Stats["established"]++
				}
			},
			Installed: func(z int64) { c.cut(b.ID, z); c.Stats["snap"]++ },
			Truncated: func(z int64) { c.cut(b.ID, z); c.Stats["trunc"]++ },
			Logged: func(en zab.Entry) {
				c.logged(b.ID, Write{Zxid: en.Zxid, ID: en.Txn.Header.ClientID})
			},
			Defer: lazy(c.opts.Lazy, b.Rand),
			Logf:  c.logf,
			Fail:  func(err error) { c.fail("%v", err) },
		},
		noFsync: c.opts.mutant == mutantNoFsync,
	})
	if err != nil {
		return nil, err
	}
	s.Runtime = rt
	return s, nil
}

// Apply is the state machine's: append the committed write.
func (s *Server) Apply(en zab.Entry) error {
	w := Write{Zxid: en.Zxid, ID: en.Txn.Header.ClientID}
	s.Applied = append(s.Applied, w)
	s.c.applied(w)
	s.c.check.Deliver(s.ID, en.Zxid, key(en.Txn))
	return nil
}

// Snapshot is the state machine's image: (zxid, write id) per applied
// write, big-endian.
func (s *Server) Snapshot() ([]byte, error) { return encodeWrites(s.Applied), nil }

// Restore replaces the state machine with an image at zxid, and replays it
// to the checker as a new delivered sequence, so that snapshots are
// checked too.
func (s *Server) Restore(zxid int64, image []byte) error {
	ws, err := decodeWrites(image)
	if err != nil {
		return err
	}
	if n := len(ws); n > 0 && ws[n-1].Zxid != zxid {
		return fmt.Errorf("a snapshot at %s ends with a write at %s", quorum.FormatZxid(zxid), quorum.FormatZxid(ws[n-1].Zxid))
	}
	s.Applied = ws
	s.c.check.Start(s.ID, 0)
	for _, w := range ws {
		s.c.check.Deliver(s.ID, w.Zxid, strconv.FormatInt(w.ID, 10))
	}
	return nil
}

// Execute proposes a write forwarded by a follower (REQUEST).
func (s *Server) Execute(request []byte) error {
	if len(request) != 8 {
		return fmt.Errorf("a forwarded request of %d bytes", len(request))
	}
	s.propose(int64(binary.BigEndian.Uint64(request)))
	return nil
}

// propose broadcasts write w (leader only); false if it cannot now.
func (s *Server) propose(w int64) bool {
	c := s.c
	z, err := s.Peer.NextZxid()
	if err != nil {
		return false
	}
	txn := Txn(w)
	got, err := s.Peer.Propose(txn)
	if err != nil {
		return false
	}
	if got != z {
		c.fail("server %d: NextZxid said %s, Propose took %s", s.ID, quorum.FormatZxid(z), quorum.FormatZxid(got))
	}
	c.check.Broadcast(s.ID, got, key(txn))
	c.Proposed[w] = got
	c.logf("server %d proposes w%d at %s", s.ID, w, quorum.FormatZxid(got))
	return true
}

// write submits client write w here: proposed if this server leads,
// forwarded (REQUEST) if it follows.
func (s *Server) write(e env, w int64) bool {
	ok := false
	if s.Role.State == quorum.Leading {
		ok = s.propose(w)
	} else {
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], uint64(w))
		ok = s.Peer.Forward(buf[:]) == nil
		if ok {
			s.c.logf("server %d forwards w%d", s.ID, w)
		}
	}
	s.Pump(e)
	return ok
}

// compact: a snapshot, a log roll, a purge (Runtime.Compact).
func (s *Server) compact() {
	if s.Compact() {
		s.c.Stats["snapshot"]++
	}
}

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
		return nil, fmt.Errorf("a snapshot of %d bytes", len(b))
	}
	ws := make([]Write, 0, len(b)/16)
	for i := 0; i < len(b); i += 16 {
		w := Write{Zxid: int64(binary.BigEndian.Uint64(b[i:])), ID: int64(binary.BigEndian.Uint64(b[i+8:]))}
		if n := len(ws); n > 0 && w.Zxid <= ws[n-1].Zxid {
			return nil, fmt.Errorf("a snapshot with write %v after %v", w, ws[n-1])
		}
		ws = append(ws, w)
	}
	return ws, nil
}

// Txn is the txn of client write w: a setData whose ClientID carries the
// write id, so that two different writes never look alike.
func Txn(w int64) proto.Txn {
	return proto.Txn{
		Header: proto.TxnHeader{ClientID: w, Cxid: int32(w), Type: proto.OpSetData},
		Record: &proto.SetDataTxn{Path: "/w", Data: []byte(strconv.FormatInt(w, 10))},
	}
}

// key is how zabcheck sees a txn's content.
func key(txn proto.Txn) string { return strconv.FormatInt(txn.Header.ClientID, 10) }
