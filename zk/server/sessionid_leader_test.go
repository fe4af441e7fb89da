package server

import (
	"testing"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/session"
	"github.com/zkafka/zkafka/zk/zab"
	"github.com/zkafka/zkafka/zk/zab/quorum"
	"github.com/zkafka/zkafka/zk/zab/quorumpeer"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// A one-voter leader executes a follower's forwarded createSession for a
// session it tracks: the proposal must be an error txn, SESSIONMOVED.
func TestForwardedCreateSessionOfLiveIDRefused(t *testing.T) {
	const now = int64(1_700_000_000_000)
	live := session.NewID(now, 3)
	c := recoveredCore(t, 1, now, map[int64]int32{live: 4000})
	p, err := zab.New(zab.Config{ID: 1, Voters: []int64{1}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100 && !(p.Status().SoftState.State == quorum.Leading && p.Status().SoftState.Serving); i++ {
		p.Tick()
		for p.HasReady() {
			p.Advance(p.Ready())
		}
	}
	q := &quorumPeer{s: c.s, c: c, rt: &quorumpeer.Runtime{Peer: p}, role: p.Status().SoftState}
	c.q, c.cur = q, &batch{}
	if !q.leading() {
		t.Fatalf("not leading: %v", p.Status().SoftState)
	}
	body := proto.Encode(&proto.CreateSessionTxn{TimeOut: 6000})
	q.forwardedRequest(zab.Request{From: 2, Data: proto.Encode(&forwarded{Session: live, Type: proto.OpCreateSession, Body: body})})
	rd := p.Ready()
	if len(rd.Entries) == 0 {
		t.Fatal("nothing proposed")
	}
	txn := rd.Entries[len(rd.Entries)-1].Txn
	e, ok := txn.Record.(*proto.ErrorTxn)
	if txn.Header.Type != proto.OpError || !ok || zkerr.Code(e.Err) != zkerr.SessionMoved {
		t.Fatalf("proposed %v %#v for a createSession of the live %#x, want an error txn SESSIONMOVED", txn.Header.Type, txn.Record, live)
	}
	if to, _ := c.sessions.Timeout(live); to != 4000 {
		t.Fatalf("live session's timeout %d, want 4000 kept", to)
	}
}
