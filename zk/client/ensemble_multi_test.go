package client_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/server/cluster"
)

// TestEnsembleMultiStat: through a follower and through the leader of a
// 3-member ensemble, multi returns each op's result with the Stat of
// setData and create2 (Kafka's broker epoch is the czxid in the setData
// result of its registration multi: KafkaZkClient.registerBroker,
// KIP-380). A follower builds the reply from the committed txn and its
// tree (zk/server/forward.go replyOf), the leader from its execution.
func TestEnsembleMultiStat(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 3-member ensemble")
	}
	cl, err := cluster.Start(cluster.Options{TickTime: 100 * time.Millisecond})
	must(t, err)
	t.Cleanup(cl.Close)
	leader, err := cl.WaitServing(30 * time.Second)
	must(t, err)
	for _, id := range cl.IDs() {
		role := "follower"
		if id == leader {
			role = "leader"
		}
		t.Run(fmt.Sprintf("%s-%d", role, id), func(t *testing.T) {
			c := connect(t, cl.Addr(id))
			ctx := ctxT(t)
			p := "/b" + string(rune('0'+id))
			res, err := c.Multi(ctx,
				client.CreateOp(p, nil, proto.ModeEphemeral, nil),
				client.SetOp(p, []byte(`{"version":4}`), 0))
			must(t, err)
			_, st, err := c.Get(ctx, p)
			must(t, err)
			if res[0].Path != p || res[1].Stat != st || st.Czxid == 0 || st.EphemeralOwner != c.SessionID() {
				t.Errorf("multi results %+v, node %+v", res, st)
			}
			q := p + "x"
			res, err = c.Multi(ctx, client.Create2Op(q, []byte("d"), proto.ModePersistent, nil))
			must(t, err)
			_, st, err = c.Get(ctx, q)
			must(t, err)
			if res[0].Path != q || res[0].Stat != st {
				t.Errorf("create2 result %+v, node %+v", res[0], st)
			}
		})
	}
}
