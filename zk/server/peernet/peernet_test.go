package peernet

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

func samplePackets() []quorum.Packet {
	txn := &proto.Txn{
		Header: proto.TxnHeader{ClientID: 7, Cxid: 3, Zxid: 0x100000002, Time: 99, Type: proto.OpCreate},
		Record: &proto.CreateTxn{Path: "/a", Data: []byte("x"), ACL: []proto.ACL{{Perms: 31, ID: proto.Id{Scheme: "world", ID: "anyone"}}}, ParentCVersion: 1},
	}
	return []quorum.Packet{
		{Type: quorum.Proposal, From: 1, To: 2, Zxid: 0x100000002, Epoch: 1, Txn: txn},
		{Type: quorum.Ack, From: 2, To: 1, Zxid: 0x100000002, Epoch: 1},
		{Type: quorum.AckEpoch, From: 2, To: 1, Zxid: 5, Epoch: 1, CurrentEpoch: -1},
		{Type: quorum.Ping, From: 2, To: 1, Epoch: 1, Touches: []quorum.Touch{{Session: 1, TimeoutMs: 4000}, {Session: 2, TimeoutMs: 6000}}},
		{Type: quorum.Notification, From: 3, To: 1, Note: &quorum.Note{State: quorum.Looking, Vote: quorum.Vote{Leader: 3, Zxid: 9, ElectionEpoch: 2, PeerEpoch: 1}}},
		{Type: quorum.Snap, From: 1, To: 3, Zxid: 0x100000009, Epoch: 2, Data: []byte("tree bytes")},
		{Type: quorum.Sync, From: 1, To: 3, Epoch: 2, ID: 42},
		{Type: quorum.Request, From: 3, To: 1, Epoch: 2, Data: []byte{1, 2, 3}},
	}
}

// TestCodecRoundTrip checks that every packet type survives the wire.
//
// Reference: docs/reference/zookeeper.md §3 (QuorumPacket and its types).
func TestCodecRoundTrip(t *testing.T) {
	for _, p := range samplePackets() {
		b := Encode(nil, p)
		got, err := Decode(b[4:])
		if err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("%v: round trip (-want +got):\n%s", p, diff)
		}
	}
}

// TestCodecRejectsGarbage checks that truncated and random frames give
// errors, never panics.
func TestCodecRejectsGarbage(t *testing.T) {
	r := sim.Rand(t)
	for _, p := range samplePackets() {
		b := Encode(nil, p)[4:]
		for cut := 0; cut < len(b); cut++ {
			if _, err := Decode(b[:cut]); err == nil {
				t.Fatalf("%v cut at %d decoded", p, cut)
			}
		}
		if _, err := Decode(append(append([]byte{}, b...), 0)); err == nil {
			t.Fatalf("%v with a trailing byte decoded", p)
		}
	}
	for i := 0; i < 2000; i++ {
		b := make([]byte, r.IntN(80))
		for j := range b {
			b[j] = byte(r.IntN(256))
		}
		Decode(b) // must not panic
	}
}

func FuzzDecode(f *testing.F) {
	for _, p := range samplePackets() {
		f.Add(Encode(nil, p)[4:])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Decode(b)
		if err != nil {
			return
		}
		// What decodes re-encodes to a frame that decodes the same.
		again, err := Decode(Encode(nil, p)[4:])
		if err != nil {
			t.Fatalf("re-encoded packet does not decode: %v", err)
		}
		if diff := cmp.Diff(p, again); diff != "" {
			t.Fatalf("unstable round trip:\n%s", diff)
		}
	})
}

func next(t *testing.T, tr *Transport) Event {
	t.Helper()
	select {
	case ev := <-tr.Events():
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no transport event within 5s")
	}
	return Event{}
}

func pair(t *testing.T) (*Transport, *Transport) {
	t.Helper()
	a, err := Start(Config{ID: 1, Listen: "127.0.0.1:0", Peers: map[int64]string{2: "127.0.0.1:1"}, MinBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	b, err := Start(Config{ID: 2, Listen: "127.0.0.1:0", Peers: map[int64]string{1: a.Addr().String()}, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return a, b
}

// TestTransportFIFOAndBlock checks that the larger sid dials, packets
// arrive in order with the connection's generation, Block breaks the link
// on both sides (Disconnected) and Unblock brings a new generation.
//
// Reference: docs/reference/zookeeper.md §3 (FIFO channels); QuorumCnxManager.
func TestTransportFIFOAndBlock(t *testing.T) {
	a, b := pair(t)
	ea, eb := next(t, a), next(t, b)
	if ea.Kind != Connected || ea.Peer != 2 || eb.Kind != Connected || eb.Peer != 1 {
		t.Fatalf("want Connected on both sides, got %+v / %+v", ea, eb)
	}
	for i := int64(1); i <= 100; i++ {
		b.Send(eb.Gen, quorum.Packet{Type: quorum.Ack, From: 2, To: 1, Zxid: i, Epoch: 1})
	}
	for i := int64(1); i <= 100; i++ {
		ev := next(t, a)
		if ev.Kind != Received || ev.Packet.Zxid != i || ev.Gen != ea.Gen {
			t.Fatalf("packet %d: got %+v", i, ev)
		}
	}
	// A stale generation is dropped.
	b.Send(eb.Gen+100, quorum.Packet{Type: quorum.Ack, From: 2, To: 1, Zxid: 999})
	a.Block(2)
	if ev := next(t, a); ev.Kind != Disconnected || ev.Gen != ea.Gen {
		t.Fatalf("want Disconnected, got %+v", ev)
	}
	if ev := next(t, b); ev.Kind != Disconnected {
		t.Fatalf("want Disconnected on the dialer, got %+v", ev)
	}
	a.Unblock(2)
	ea2, eb2 := next(t, a), next(t, b)
	if ea2.Kind != Connected || eb2.Kind != Connected || ea2.Gen == ea.Gen {
		t.Fatalf("want a new connection, got %+v / %+v", ea2, eb2)
	}
	a.Send(ea2.Gen, quorum.Packet{Type: quorum.Commit, From: 1, To: 2, Zxid: 5, Epoch: 1})
	if ev := next(t, b); ev.Kind != Received || ev.Packet.Type != quorum.Commit {
		t.Fatalf("want the COMMIT, got %+v", ev)
	}
}
