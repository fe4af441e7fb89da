package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// Config configures a Client.
type Config struct {
	// Brokers are the seed brokers, "host:port". Any one of them is enough:
	// Metadata names the rest.
	Brokers []string
	// ClientID is sent in every request header. Default "zkafka".
	ClientID string
	// DialTimeout bounds connecting plus the ApiVersions handshake.
	// Default 10 s.
	DialTimeout time.Duration
	// AutoCreateTopics asks the broker to create missing topics when
	// looking them up (Metadata v4+ allow_auto_topic_creation, honoured if
	// the broker has auto.create.topics.enable). librdkafka producers, so
	// kcat -P, ask for it; consumers do not (docs/reference/kafka.md §1.3 (d)).
	AutoCreateTopics bool
}

// Client holds connections to a cluster's brokers (one per broker, every
// request pipelined on it) and a cache of topic metadata. It is safe for
// concurrent use. Producer and Consumer are built on it.
type Client struct {
	cfg Config

	mu     sync.Mutex
	seed   *conn                // a connection to a seed broker, for Metadata
	conns  map[int32]*conn      // by broker id
	addrs  map[int32]string     // broker id -> host:port, from Metadata
	topics map[string]TopicInfo // cached topic metadata
	ctrl   int32                // controller id from the last Metadata
	closed bool
}

// New returns a client for the cluster behind cfg.Brokers. It connects
// lazily, on the first request.
func New(cfg Config) (*Client, error) {
	if len(cfg.Brokers) == 0 {
		return nil, ErrNoBrokers
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "zkafka"
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 10 * time.Second
	}
	return &Client{cfg: cfg, conns: map[int32]*conn{}, addrs: map[int32]string{},
		topics: map[string]TopicInfo{}, ctrl: -1}, nil
}

// Close closes every connection. Requests in flight fail with ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.seed != nil {
		c.seed.close()
	}
	for _, cn := range c.conns {
		cn.close()
	}
	return nil
}

// seedConn returns a live connection to any seed broker.
func (c *Client) seedConn(ctx context.Context) (*conn, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	if c.seed != nil && !c.seed.isDead() {
		cn := c.seed
		c.mu.Unlock()
		return cn, nil
	}
	c.mu.Unlock()
	var errs []error
	for _, addr := range c.cfg.Brokers {
		cn, err := dial(ctx, addr, c.cfg.ClientID, c.cfg.DialTimeout)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			cn.close()
			return nil, ErrClosed
		}
		if c.seed != nil {
			c.seed.close()
		}
		c.seed = cn
		c.mu.Unlock()
		return cn, nil
	}
	return nil, fmt.Errorf("%w: %w", ErrNoBrokers, errors.Join(errs...))
}

// brokerConn returns a live connection to broker id, dialing the address
// Metadata gave for it.
func (c *Client) brokerConn(ctx context.Context, id int32) (*conn, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	if cn, ok := c.conns[id]; ok && !cn.isDead() {
		c.mu.Unlock()
		return cn, nil
	}
	addr, ok := c.addrs[id]
	c.mu.Unlock()
	if !ok {
		if _, err := c.Metadata(ctx); err != nil {
			return nil, err
		}
		c.mu.Lock()
		addr, ok = c.addrs[id]
		c.mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("client: broker %d is not in the cluster's metadata", id)
		}
	}
	cn, err := dial(ctx, addr, c.cfg.ClientID, c.cfg.DialTimeout)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		cn.close()
		return nil, ErrClosed
	}
	if old, ok := c.conns[id]; ok && !old.isDead() {
		cn.close() // another goroutine won the race
		return old, nil
	}
	c.conns[id] = cn
	return cn, nil
}

// Request sends any kmsg request to broker id (-1: any seed broker) at the
// highest version both sides speak and returns the response: the escape
// hatch for what the typed methods do not cover.
func (c *Client) Request(ctx context.Context, broker int32, req kmsg.Request) (kmsg.Response, error) {
	var cn *conn
	var err error
	if broker < 0 {
		cn, err = c.seedConn(ctx)
	} else {
		cn, err = c.brokerConn(ctx, broker)
	}
	if err != nil {
		return nil, err
	}
	return cn.request(ctx, req)
}

// Versions returns the version range each API key has on broker id (-1:
// a seed broker), as negotiated: [broker's min, min(ours, broker's max)].
func (c *Client) Versions(ctx context.Context, broker int32) (map[int16][2]int16, error) {
	var cn *conn
	var err error
	if broker < 0 {
		cn, err = c.seedConn(ctx)
	} else {
		cn, err = c.brokerConn(ctx, broker)
	}
	if err != nil {
		return nil, err
	}
	return cn.versions, nil
}

// Broker is one broker as Metadata describes it.
type Broker struct {
	NodeID int32
	Host   string
	Port   int32
	Rack   *string
}

// Addr is host:port.
func (b Broker) Addr() string { return net.JoinHostPort(b.Host, strconv.Itoa(int(b.Port))) }

// Metadata is a Metadata response, with topics and partitions sorted.
type Metadata struct {
	Asked        string // the seed broker that answered, host:port
	ClusterID    string
	ControllerID int32
	Brokers      []Broker
	Topics       []TopicInfo
}

// TopicInfo is one topic's metadata.
type TopicInfo struct {
	Name       string
	Internal   bool
	Err        error // UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, ...
	Partitions []PartitionInfo
}

// PartitionInfo is one partition's metadata.
type PartitionInfo struct {
	Partition   int32
	Leader      int32
	LeaderEpoch int32
	Replicas    []int32
	ISR         []int32
	Err         error
}

// Metadata asks a seed broker about topics (none: every topic) and
// refreshes the client's cache. A topic that does not exist comes back
// with Err set (UNKNOWN_TOPIC_OR_PARTITION), not as an error, unless
// Config.AutoCreateTopics made the broker create it.
func (c *Client) Metadata(ctx context.Context, topics ...string) (*Metadata, error) {
	cn, err := c.seedConn(ctx)
	if err != nil {
		return nil, err
	}
	req := kmsg.NewPtrMetadataRequest()
	for _, t := range topics {
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = kmsg.StringPtr(t)
		req.Topics = append(req.Topics, rt)
	}
	if len(topics) == 0 {
		req.Topics = nil // v1+: null means all topics
	}
	req.AllowAutoTopicCreation = c.cfg.AutoCreateTopics && len(topics) > 0
	v, err := cn.version(req)
	if err != nil {
		return nil, err
	}
	if v == 0 && len(topics) == 0 {
		req.Topics = []kmsg.MetadataRequestTopic{} // v0: empty means all topics
	}
	r, err := cn.request(ctx, req)
	if err != nil {
		return nil, err
	}
	resp := r.(*kmsg.MetadataResponse)
	md := &Metadata{Asked: cn.addr, ControllerID: resp.ControllerID}
	if resp.ClusterID != nil {
		md.ClusterID = *resp.ClusterID
	}
	for _, b := range resp.Brokers {
		md.Brokers = append(md.Brokers, Broker{NodeID: b.NodeID, Host: b.Host, Port: b.Port, Rack: b.Rack})
	}
	sort.Slice(md.Brokers, func(i, j int) bool { return md.Brokers[i].NodeID < md.Brokers[j].NodeID })
	for _, t := range resp.Topics {
		name := ""
		if t.Topic != nil {
			name = *t.Topic
		}
		ti := TopicInfo{Name: name, Internal: t.IsInternal, Err: codeErr("metadata", name, -1, t.ErrorCode, nil)}
		for _, p := range t.Partitions {
			ti.Partitions = append(ti.Partitions, PartitionInfo{
				Partition: p.Partition, Leader: p.Leader, LeaderEpoch: p.LeaderEpoch,
				Replicas: p.Replicas, ISR: p.ISR,
				Err: codeErr("metadata", name, p.Partition, p.ErrorCode, nil),
			})
		}
		sort.Slice(ti.Partitions, func(i, j int) bool { return ti.Partitions[i].Partition < ti.Partitions[j].Partition })
		md.Topics = append(md.Topics, ti)
	}
	sort.Slice(md.Topics, func(i, j int) bool { return md.Topics[i].Name < md.Topics[j].Name })

	c.mu.Lock()
	defer c.mu.Unlock()
	for _, b := range md.Brokers {
		if old, ok := c.addrs[b.NodeID]; ok && old != b.Addr() {
			if cn, ok := c.conns[b.NodeID]; ok {
				cn.close() // the broker moved
				delete(c.conns, b.NodeID)
			}
		}
		c.addrs[b.NodeID] = b.Addr()
	}
	c.ctrl = md.ControllerID
	for _, t := range md.Topics {
		if t.Err == nil {
			c.topics[t.Name] = t
		} else {
			delete(c.topics, t.Name)
		}
	}
	return md, nil
}

// Topic returns a topic's metadata, from the cache or else from a
// Metadata request. A topic that does not exist is an *Error wrapping
// kerr.UnknownTopicOrPartition.
func (c *Client) Topic(ctx context.Context, topic string) (TopicInfo, error) {
	c.mu.Lock()
	t, ok := c.topics[topic]
	c.mu.Unlock()
	if ok {
		return t, nil
	}
	md, err := c.Metadata(ctx, topic)
	if err != nil {
		return TopicInfo{}, err
	}
	for _, t := range md.Topics {
		if t.Name == topic {
			return t, t.Err
		}
	}
	return TopicInfo{}, &Error{Op: "metadata", Topic: topic, Partition: -1, Err: kerrUnknownTopic}
}

// forget drops a topic from the cache, so the next lookup asks again.
func (c *Client) forget(topic string) {
	c.mu.Lock()
	delete(c.topics, topic)
	c.mu.Unlock()
}

// leader returns the leader of a partition, from the cache.
func (c *Client) leader(ctx context.Context, topic string, partition int32) (int32, error) {
	t, err := c.Topic(ctx, topic)
	if err != nil {
		return -1, err
	}
	for _, p := range t.Partitions {
		if p.Partition == partition {
			if p.Leader < 0 {
				c.forget(topic)
				return -1, &Error{Op: "metadata", Topic: topic, Partition: partition, Err: kerrLeaderNotAvailable}
			}
			return p.Leader, nil
		}
	}
	return -1, fmt.Errorf("%w: %s [%d] (the topic has %d)", ErrUnknownPartition, topic, partition, len(t.Partitions))
}

// TopicSpec describes a topic to create.
type TopicSpec struct {
	Name              string
	Partitions        int32 // -1: the broker's num.partitions
	ReplicationFactor int16 // -1: the broker's default.replication.factor
	Configs           map[string]string
}

// CreateTopics creates topics through the controller (docs/reference/kafka.md §1.3 (d):
// other brokers answer NOT_CONTROLLER) and waits for the broker's answer.
// Per-topic failures are joined; each is an *Error (errors.Is(err,
// kerr.TopicAlreadyExists) for a topic that exists).
func (c *Client) CreateTopics(ctx context.Context, specs ...TopicSpec) error {
	md, err := c.Metadata(ctx)
	if err != nil {
		return err
	}
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 30000
	if dl, ok := ctx.Deadline(); ok {
		req.TimeoutMillis = int32(max(time.Until(dl).Milliseconds(), 1))
	}
	for _, s := range specs {
		t := kmsg.NewCreateTopicsRequestTopic()
		t.Topic, t.NumPartitions, t.ReplicationFactor = s.Name, s.Partitions, s.ReplicationFactor
		keys := make([]string, 0, len(s.Configs))
		for k := range s.Configs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			cfg := kmsg.NewCreateTopicsRequestTopicConfig()
			cfg.Name, cfg.Value = k, kmsg.StringPtr(s.Configs[k])
			t.Configs = append(t.Configs, cfg)
		}
		req.Topics = append(req.Topics, t)
	}
	ctrl := md.ControllerID
	if ctrl < 0 && len(md.Brokers) > 0 {
		ctrl = md.Brokers[0].NodeID
	}
	r, err := c.Request(ctx, ctrl, req)
	if err != nil {
		return err
	}
	var errs []error
	for _, t := range r.(*kmsg.CreateTopicsResponse).Topics {
		errs = append(errs, codeErr("create topics", t.Topic, -1, t.ErrorCode, t.ErrorMessage))
		c.forget(t.Topic)
	}
	return errors.Join(errs...)
}

// ListOffsets answers "which offset" for a partition (ListOffsets, key 2):
// ts = -2 (log.Earliest) gives the log start offset, -1 the log end
// offset, and a timestamp in ms the first offset whose record is at least
// that late, with that record's timestamp; -1 when no record is.
func (c *Client) ListOffsets(ctx context.Context, topic string, partition int32, ts int64) (offset, timestamp int64, err error) {
	for attempt := 0; ; attempt++ {
		offset, timestamp, err = c.listOffsets(ctx, topic, partition, ts)
		if err == nil || !retriable(err) || attempt == 3 {
			return offset, timestamp, err
		}
		c.forget(topic)
		if err := sleepCtx(ctx, backoff(attempt)); err != nil {
			return -1, -1, err
		}
	}
}

func (c *Client) listOffsets(ctx context.Context, topic string, partition int32, ts int64) (int64, int64, error) {
	leader, err := c.leader(ctx, topic, partition)
	if err != nil {
		return -1, -1, err
	}
	req := kmsg.NewPtrListOffsetsRequest()
	req.ReplicaID = -1
	rt := kmsg.NewListOffsetsRequestTopic()
	rt.Topic = topic
	rp := kmsg.NewListOffsetsRequestTopicPartition()
	rp.Partition, rp.Timestamp, rp.CurrentLeaderEpoch, rp.MaxNumOffsets = partition, ts, -1, 1
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	r, err := c.Request(ctx, leader, req)
	if err != nil {
		return -1, -1, err
	}
	for _, t := range r.(*kmsg.ListOffsetsResponse).Topics {
		for _, p := range t.Partitions {
			if t.Topic != topic || p.Partition != partition {
				continue
			}
			if err := codeErr("list offsets", topic, partition, p.ErrorCode, nil); err != nil {
				return -1, -1, err
			}
			if r.GetVersion() == 0 { // v0 answers a list of offsets
				if len(p.OldStyleOffsets) == 0 {
					return -1, -1, nil
				}
				return p.OldStyleOffsets[0], -1, nil
			}
			return p.Offset, p.Timestamp, nil
		}
	}
	return -1, -1, fmt.Errorf("client: ListOffsets response lacks %s [%d]", topic, partition)
}

func backoff(attempt int) time.Duration { return time.Duration(50<<attempt) * time.Millisecond }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
