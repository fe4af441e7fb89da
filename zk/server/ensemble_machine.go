package server

import (
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorumpeer"
)

// treeMachine is the server as the runtime's quorumpeer.StateMachine: the
// znode tree, the session table and the clients waiting on them. The
// runtime decides when each method runs (the Ready contract, in
// zk/zab/quorumpeer); these only say what it means for a ZooKeeper
// server. The simulator runs the same runtime, so the order of writes,
// fsyncs and sends tested there is the order carried out here.
type treeMachine struct{ q *quorumPeer }

var _ quorumpeer.StateMachine = treeMachine{}

// Restore loads a snapshot image (the newest valid one at boot, or a
// SNAP from the leader). At boot there is no core yet: the machine is
// kept for startEnsemble to build one on.
func (t treeMachine) Restore(zxid int64, image []byte) error {
	m := emptyMachine()
	if image != nil {
		var err error
		if m, err = decodeMachine(image, zxid); err != nil {
			return err
		}
	}
	q := t.q
	if q.c == nil {
		q.boot = m
		return nil
	}
	q.s.log.Info("state replaced by a snapshot", "zxid", hex(zxid), "nodes", m.Tree.NodeCount(), "sessions", len(m.Sessions))
	q.load(m)
	return nil
}

func (t treeMachine) Apply(en zab.Entry) error {
	t.q.applyCommitted(en)
	return nil
}

func (t treeMachine) Image(zxid int64) ([]byte, error) { return t.q.snapData(zxid) }

func (t treeMachine) Role(_, now zab.SoftState) error { return t.q.roleChanged(now) }

func (t treeMachine) Execute(r zab.Request) error {
	t.q.forwardedRequest(r)
	return nil
}

// Touched: the leader restarts the clocks of the sessions that
// followers' clients kept alive (LearnerSessionTracker → PING).
func (t treeMachine) Touched(ts []zab.Touch) {
	q := t.q
	if !q.leading() {
		return
	}
	now := q.c.nowMs()
	for _, tc := range ts {
		q.c.sessions.Touch(tc.Session, now)
	}
}

func (t treeMachine) SyncDone(id int64) { t.q.syncDone(id) }
