package kafkazk

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/zkafka/zkafka/kafka/zkdata"
	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// EnsurePersistentPaths creates the znodes every Kafka 2.3 broker makes
// sure exist at start-up (KafkaZkClient.createTopLevelPaths over
// ZkData.PersistentZkPaths: createRecursive with null data, an existing
// path left alone).
func (c *Client) EnsurePersistentPaths(ctx context.Context) error {
	for _, p := range zkdata.PersistentPaths {
		if err := createRecursive(ctx, c.Conn(), p, nil, false); err != nil {
			return fmt.Errorf("creating %s: %w", p, err)
		}
	}
	return nil
}

// ClusterID reads /cluster/id or, for the first broker of a cluster,
// creates it with a fresh id (KafkaServer.getOrGenerateClusterId:
// getClusterId, else createOrGetClusterId — whoever creates the znode
// first fixes the id; a loser reads the winner's). Every broker reports
// this id in Metadata.
func (c *Client) ClusterID(ctx context.Context) (string, error) {
	conn := c.Conn()
	for {
		data, _, err := conn.Get(ctx, zkdata.ClusterIDPath)
		if err == nil {
			id, err := zkdata.DecodeClusterID(data)
			if err != nil {
				return "", fmt.Errorf("%s: %w", zkdata.ClusterIDPath, err)
			}
			return id, nil
		}
		if !errors.Is(err, zkerr.NoNode) {
			return "", err
		}
		id := zkdata.NewClusterID()
		err = createRecursive(ctx, conn, zkdata.ClusterIDPath, zkdata.EncodeClusterID(id), true)
		if err == nil {
			c.log.Info("created the cluster id", "path", zkdata.ClusterIDPath, "cluster", id)
			return id, nil
		}
		if !errors.Is(err, zkerr.NodeExists) {
			return "", err
		}
		// Another broker created it first: read theirs.
	}
}

// BrokerIDInUseError is Kafka's NodeExistsException at registration:
// /brokers/ids/<id> belongs to another live session — another broker
// runs with this broker.id. The broker must not start.
type BrokerIDInUseError struct {
	ID    int32
	Owner int64  // the session holding the registration
	Data  []byte // its registration
}

func (e *BrokerIDInUseError) Error() string {
	return fmt.Sprintf("broker.id %d is already registered in ZooKeeper at %s by session 0x%x (%s): "+
		"another broker runs with this id; give this broker another broker.id "+
		"(if it is this broker's own registration from before a crash, its session expires within zookeeper.session.timeout.ms)",
		e.ID, zkdata.BrokerIDPath(e.ID), e.Owner, e.Data)
}

func (e *BrokerIDInUseError) Unwrap() error { return zkerr.NodeExists }

// #region register-broker

// RegisterBroker registers the broker as Kafka 2.3 does
// (KafkaZkClient.registerBroker, CheckedEphemeral.create): one multi of
// create /brokers/ids/<id> EPHEMERAL with null data and setData of the
// registration JSON at version 0. It returns the broker epoch (KIP-380):
// the czxid from the setData result's Stat, which tells a broker that
// re-registered apart from its former self.
//
// When the znode exists:
//   - held by this session: already registered; its czxid (as 2.3);
//   - held by a session of this client that expired (KAFKA-7165: the
//     ephemeral outlived its session): deleted and created again (as 2.3);
//   - held by a session earlierRun recognises — this broker's own
//     registration from before a kill -9, whose session ZooKeeper has not
//     expired yet: Kafka 2.3 exits with NodeExists here, so a quick
//     restart fails; we log why and wait, watching the znode, until
//     ZooKeeper deletes it (at most the session timeout), then register;
//   - held by any other session: *BrokerIDInUseError (NodeExists), at once.
func (c *Client) RegisterBroker(ctx context.Context, b zkdata.BrokerInfo, earlierRun func(session int64) bool) (int64, error) {
	path := zkdata.BrokerIDPath(b.ID)
	data := zkdata.EncodeBroker(b)
	for {
		conn := c.Conn()
		res, err := conn.Multi(ctx,
			client.CreateOp(path, nil, proto.ModeEphemeral, nil),
			client.SetOp(path, data, 0))
		if err == nil {
			epoch := res[1].Stat.Czxid
			c.log.Info("registered broker", "id", b.ID, "path", path, "endpoints", endpoints(b),
				"czxid (broker epoch)", epoch, "session", fmt.Sprintf("0x%x", conn.SessionID()))
			return epoch, nil
		}
		if !errors.Is(err, zkerr.NodeExists) {
			return 0, fmt.Errorf("registering broker %d at %s: %w", b.ID, path, err)
		}
		held, st, ch, err := conn.GetW(ctx, path)
		if errors.Is(err, zkerr.NoNode) {
			continue // went away while we looked: create again
		}
		if err != nil {
			return 0, fmt.Errorf("registering broker %d: reading %s: %w", b.ID, path, err)
		}
		owner := st.EphemeralOwner
		switch {
		case owner == conn.SessionID():
			return st.Czxid, nil
		case c.wasExpired(owner):
			c.log.Info("the registration of an expired session of ours is still there; deleting and re-creating it (KAFKA-7165)",
				"path", path, "owner", fmt.Sprintf("0x%x", owner))
			if err := conn.Delete(ctx, path, -1); err != nil && !errors.Is(err, zkerr.NoNode) {
				return 0, err
			}
			continue
		case earlierRun != nil && earlierRun(owner):
			c.log.Warn("this broker's registration from its previous run is still in ZooKeeper: that process died without "+
				"closing its session (kill -9?). Waiting for ZooKeeper to expire it (at most zookeeper.session.timeout.ms); "+
				"Kafka 2.3 would exit here with NodeExists",
				"path", path, "owner", fmt.Sprintf("0x%x", owner), "session timeout", c.cfg.SessionTimeout)
			if err := waitGone(ctx, ch); err != nil {
				return 0, err
			}
		default:
			return 0, &BrokerIDInUseError{ID: b.ID, Owner: owner, Data: held}
		}
	}
}

// #endregion register-broker

// waitGone waits for a watch on a znode to fire.
func waitGone(ctx context.Context, ch <-chan client.Event) error {
	select {
	case ev, ok := <-ch:
		if ok && ev.Err != nil {
			return ev.Err
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func endpoints(b zkdata.BrokerInfo) []string {
	var out []string
	for _, e := range b.Endpoints {
		out = append(out, e.ConnectionString())
	}
	return out
}

// BrokerIDsW lists the registered broker ids, sorted, and watches the
// list (children of /brokers/ids). Names that are not numbers (written by
// hand) are logged and skipped.
func (c *Client) BrokerIDsW(ctx context.Context) ([]int32, <-chan client.Event, error) {
	names, _, ch, err := c.Conn().ChildrenW(ctx, zkdata.BrokerIDsPath)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int32, 0, len(names))
	for _, n := range names {
		id, err := strconv.ParseInt(n, 10, 32)
		if err != nil || id < 0 {
			c.log.Warn("skipping a znode that is not a broker id", "path", zkdata.BrokerIDsPath+"/"+n)
			continue
		}
		ids = append(ids, int32(id))
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids, ch, nil
}

// BrokerW reads one registration and watches it (its deletion is the
// broker's death). A malformed registration returns an error matching
// zkdata.ErrMalformed, and the watch is still set, so a fixed znode is
// read again. A missing one matches zkerr.NoNode, with no watch.
func (c *Client) BrokerW(ctx context.Context, id int32) (zkdata.BrokerInfo, proto.Stat, <-chan client.Event, error) {
	data, st, ch, err := c.Conn().GetW(ctx, zkdata.BrokerIDPath(id))
	if err != nil {
		return zkdata.BrokerInfo{}, st, nil, err
	}
	b, err := zkdata.DecodeBroker(id, data)
	if err != nil {
		return zkdata.BrokerInfo{}, st, ch, fmt.Errorf("%s: %w", zkdata.BrokerIDPath(id), err)
	}
	return b, st, ch, nil
}

// Brokers is getAllBrokersInCluster: every readable registration, by id.
// Malformed ones are logged and skipped.
func (c *Client) Brokers(ctx context.Context) ([]zkdata.BrokerInfo, error) {
	conn := c.Conn()
	names, _, err := conn.Children(ctx, zkdata.BrokerIDsPath)
	if err != nil {
		return nil, err
	}
	var out []zkdata.BrokerInfo
	for _, n := range names {
		id, err := strconv.ParseInt(n, 10, 32)
		if err != nil || id < 0 {
			continue
		}
		data, _, err := conn.Get(ctx, zkdata.BrokerIDPath(int32(id)))
		if errors.Is(err, zkerr.NoNode) {
			continue
		}
		if err != nil {
			return nil, err
		}
		b, err := zkdata.DecodeBroker(int32(id), data)
		if err != nil {
			c.log.Warn("skipping a malformed broker registration", "path", zkdata.BrokerIDPath(int32(id)), "err", err)
			continue
		}
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
