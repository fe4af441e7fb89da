package broker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/broker/metadata"
	kpartition "github.com/zkafka/zkafka/kafka/partition"
	"github.com/zkafka/zkafka/kafka/partition/assignment"
	"github.com/zkafka/zkafka/kafka/zkdata"
)

// Metadata, CreateTopics and auto-creation in cluster mode.

// zkTimeout bounds the ZooKeeper writes of one topic creation.
const zkTimeout = 10 * time.Second

// #region cluster-metadata

// clusterMetadata answers Metadata for the whole cluster from the
// applied snapshot: every live broker; for each partition its assigned
// replicas, the first live one as leader, the live ones as ISR, the
// others as offline replicas, and LEADER_NOT_AVAILABLE when none is
// alive (AK 2.3 MetadataCache.getPartitionMetadata; before v1 the
// replicas are cut to the live ones, with REPLICA_NOT_AVAILABLE).
// controller_id is the lowest live broker id until chapter 8 elects a
// controller.
func (b *Broker) clusterMetadata(rc *request, r *kmsg.MetadataRequest) (*frame, error) {
	snap := b.cluster.applied.Load()
	resp := kmsg.NewPtrMetadataResponse()
	resp.Version = r.Version
	for _, id := range snap.BrokerIDs() {
		resp.Brokers = append(resp.Brokers, metadataBroker(snap.Brokers[id]))
	}
	resp.ClusterID = &b.clusterID
	resp.ControllerID = snap.Controller()

	all := r.Topics == nil || (r.Version == 0 && len(r.Topics) == 0)
	autoCreate := !b.cfg.DisableAutoCreateTopics && (r.Version < 4 || r.AllowAutoTopicCreation)
	var names []string
	if all {
		names = snap.TopicNames()
	} else {
		for _, t := range r.Topics {
			if t.Topic != nil {
				names = append(names, *t.Topic)
			}
		}
	}
	for _, name := range names {
		mt := kmsg.NewMetadataResponseTopic()
		mt.Topic = kmsg.StringPtr(name)
		t := snap.Topics[name]
		switch {
		case t != nil:
			for _, p := range t.Partitions {
				mt.Partitions = append(mt.Partitions, metadataPartition(r.Version, snap, p))
			}
		case autoCreate && !all:
			// AK KafkaApis.createTopic: LEADER_NOT_AVAILABLE when created
			// (or created meanwhile by another broker): the topic is in
			// ZooKeeper, not yet in this broker's cache.
			mt.ErrorCode = kerr.LeaderNotAvailable.Code
			if err := b.createTopicZK(snap, zkTopic{name: name, partitions: b.cfg.NumPartitions,
				rf: b.cfg.DefaultReplicationFactor, rackSafe: true}, false); err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
				mt.ErrorCode = codeOf(err)
				if !errors.Is(err, kerr.InvalidTopicException) {
					b.cfg.Logger.Warn("auto-creating topic failed", "topic", name, "err", err)
				}
			}
		case ValidateTopic(name) != nil:
			mt.ErrorCode = kerr.InvalidTopicException.Code
		default:
			mt.ErrorCode = kerr.UnknownTopicOrPartition.Code
		}
		resp.Topics = append(resp.Topics, mt)
	}
	return rc.respond(resp)
}

func metadataPartition(version int16, snap *metadata.Snapshot, p metadata.Partition) kmsg.MetadataResponseTopicPartition {
	mp := kmsg.NewMetadataResponseTopicPartition()
	mp.Partition = p.ID
	mp.Leader, mp.LeaderEpoch = p.Leader, -1
	mp.Replicas = append([]int32{}, p.Replicas...)
	mp.ISR = append([]int32{}, p.ISR...)
	mp.OfflineReplicas = append([]int32{}, p.Offline...)
	if p.Leader < 0 {
		mp.ErrorCode = kerr.LeaderNotAvailable.Code
		mp.ISR = []int32{}
		return mp
	}
	mp.LeaderEpoch = 0 // nobody elects yet: the epoch of the state znode's creation (chapter 8 bumps it)
	if version == 0 && len(p.Offline) > 0 {
		mp.Replicas = append([]int32{}, p.ISR...) // errorUnavailableEndpoints: only live replicas
		mp.ErrorCode = kerr.ReplicaNotAvailable.Code
	}
	return mp
}

// #endregion cluster-metadata

func metadataBroker(info zkdata.BrokerInfo) kmsg.MetadataResponseBroker {
	mb := kmsg.NewMetadataResponseBroker()
	mb.NodeID, mb.Port = info.ID, -1
	for _, e := range info.Endpoints {
		if e.Listener == "PLAINTEXT" || mb.Port < 0 {
			mb.Host, mb.Port = e.Host, e.Port
		}
	}
	if info.Rack != "" {
		mb.Rack = kmsg.StringPtr(info.Rack)
	}
	return mb
}

// zkTopic is a topic to create through ZooKeeper.
type zkTopic struct {
	name       string
	partitions int32
	rf         int16
	assignment map[int32][]int32 // given by the request; else computed
	config     map[string]string // overrides
	rackSafe   bool              // auto-create: ignore racks unless every broker has one (RackAwareMode.Safe)
}

// #region create-topic-zk

// createTopicZK creates a topic the way Kafka 2.3 does without a
// controller in the way (AdminManager.createTopics,
// AdminZkClient.createTopicWithAssignment): check the name and config,
// assign replicas over the live brokers (kafka/partition, as
// AdminUtils.assignReplicasToBrokers, the random start drawn from
// Config.Rand), refuse a topic that exists or collides, and write
// /config/topics/<t>, /brokers/topics/<t> and the partition states
// (kafkazk.CreateTopic). Every broker's cache then sees it through its
// watch on /brokers/topics; the brokers it is assigned to create its logs.
func (b *Broker) createTopicZK(snap *metadata.Snapshot, t zkTopic, validateOnly bool) error {
	if err := ValidateTopic(t.name); err != nil {
		return err
	}
	if snap.Topics[t.name] != nil {
		return fmt.Errorf("topic '%s' already exists: %w", t.name, kerr.TopicAlreadyExists)
	}
	if _, err := topicConfigMap(b.cfg.Log, t.config); err != nil {
		return err
	}
	as := t.assignment
	if as == nil {
		var err error
		if as, err = b.assign(snap, t); err != nil {
			return err
		}
	} else if err := checkReplicaAssignment(as); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), zkTimeout)
	defer cancel()
	zk := b.cluster.zk
	if ok, err := zk.TopicExists(ctx, t.name); err != nil {
		return err
	} else if ok {
		return fmt.Errorf("topic '%s' already exists: %w", t.name, kerr.TopicAlreadyExists)
	}
	if strings.ContainsAny(t.name, "._") { // AK Topic.hasCollisionChars
		names, err := zk.Topics(ctx)
		if err != nil {
			return err
		}
		var colliding []string
		for _, n := range names {
			if n == t.name {
				return fmt.Errorf("topic '%s' already exists: %w", t.name, kerr.TopicAlreadyExists)
			}
			if collisionName(n) == collisionName(t.name) {
				colliding = append(colliding, n)
			}
		}
		if len(colliding) > 0 {
			return fmt.Errorf("topic '%s' collides with existing topics: %s: %w", t.name, strings.Join(colliding, ", "), kerr.InvalidTopicException)
		}
	}
	if validateOnly {
		return nil
	}
	if t.config == nil {
		t.config = map[string]string{}
	}
	return zk.CreateTopic(ctx, t.name, as, t.config, snap.Alive)
}

// assign places a new topic's replicas on the live brokers.
func (b *Broker) assign(snap *metadata.Snapshot, t zkTopic) (map[int32][]int32, error) {
	var brokers []assignment.Broker
	racks := 0
	for _, id := range snap.BrokerIDs() {
		rack := snap.Brokers[id].Rack
		if rack != "" {
			racks++
		}
		brokers = append(brokers, assignment.Broker{ID: id, Rack: rack})
	}
	if t.rackSafe && racks < len(brokers) {
		for i := range brokers {
			brokers[i].Rack = ""
		}
	}
	c := b.cluster
	c.randMu.Lock()
	var start assignment.Start
	if len(brokers) > 0 {
		start = assignment.RandomStart(c.rand, len(brokers))
	}
	c.randMu.Unlock()
	rs, err := kpartition.Assign(brokers, int(t.partitions), int(t.rf), start)
	if err != nil {
		return nil, err
	}
	as := make(map[int32][]int32, len(rs))
	for p, r := range rs {
		as[int32(p)] = r
	}
	return as, nil
}

// #endregion create-topic-zk

// checkReplicaAssignment is AdminZkClient.validateTopicCreate's checks
// of a given assignment: every partition the same number of replicas,
// no broker twice in one, partitions 0..n-1. (As in Kafka, unknown
// broker ids are not refused.)
func checkReplicaAssignment(as map[int32][]int32) error {
	size := -1
	for p, rs := range as {
		if p < 0 || int(p) >= len(as) {
			return fmt.Errorf("partitions should be a consecutive 0-based integer sequence: %w", kerr.InvalidReplicaAssignment)
		}
		if size >= 0 && len(rs) != size {
			return fmt.Errorf("all partitions should have the same number of replicas: %w", kerr.InvalidReplicaAssignment)
		}
		size = len(rs)
		seen := map[int32]bool{}
		for _, r := range rs {
			if seen[r] {
				return fmt.Errorf("duplicate replica assignment found: %v: %w", as, kerr.InvalidReplicaAssignment)
			}
			seen[r] = true
		}
	}
	if size == 0 {
		return fmt.Errorf("replication factor must be larger than 0: %w", kerr.InvalidReplicationFactor)
	}
	return nil
}

// clusterCreateTopics is CreateTopics in cluster mode: each topic is
// written to ZooKeeper (createTopicZK); then the request waits, as a
// delayed operation keyed by its topics, until this broker's cache has
// seen every created topic with a leader for each partition, or the
// request's timeout — then REQUEST_TIMED_OUT for those still missing, as
// AK 2.3's DelayedCreatePartitions (a timeout of 0 answers at once, with
// REQUEST_TIMED_OUT for the created topics, as 2.3 does).
func (b *Broker) clusterCreateTopics(rc *request, r *kmsg.CreateTopicsRequest) (*frame, error) {
	resp := kmsg.NewPtrCreateTopicsResponse()
	resp.Version = r.Version
	seen := map[string]int{}
	for _, t := range r.Topics {
		seen[t.Topic]++
	}
	snap := b.cluster.applied.Load()
	var created []string
	errs := make([]error, len(r.Topics))
	for i, t := range r.Topics {
		if seen[t.Topic] > 1 {
			errs[i] = fmt.Errorf("create topics request contains multiple entries for topic %q: %w", t.Topic, kerr.InvalidRequest)
			continue
		}
		spec, err := b.zkTopicSpec(t)
		if err == nil {
			err = b.createTopicZK(snap, spec, r.ValidateOnly)
		}
		errs[i] = err
		if err == nil && !r.ValidateOnly {
			created = append(created, t.Topic)
		}
	}
	missing := map[string]bool{}
	if len(created) > 0 {
		if r.TimeoutMillis > 0 {
			op := &delayedCreate{b: b, topics: created}
			d := b.cluster.creates.TryCompleteElseWatch(op, time.Duration(r.TimeoutMillis)*time.Millisecond, created...)
			<-d.Done()
		}
		for _, n := range created {
			if !b.hasLeaders(n) {
				missing[n] = true
			}
		}
	}
	for i, t := range r.Topics {
		st := kmsg.NewCreateTopicsResponseTopic()
		st.Topic = t.Topic
		err := errs[i]
		if err == nil && missing[t.Topic] {
			err = fmt.Errorf("topic %q written to ZooKeeper, its leaders not yet known: %w", t.Topic, kerr.RequestTimedOut)
		}
		b.refuseTopic(&st, r.Version, err)
		resp.Topics = append(resp.Topics, st)
	}
	return rc.respond(resp)
}

// zkTopicSpec reads one CreateTopics entry (-1 partitions or replication
// factor: the broker defaults, KIP-464).
func (b *Broker) zkTopicSpec(t kmsg.CreateTopicsRequestTopic) (zkTopic, error) {
	spec := zkTopic{name: t.Topic, partitions: t.NumPartitions, rf: t.ReplicationFactor, config: overrides(t.Configs)}
	if len(t.ReplicaAssignment) > 0 {
		if t.NumPartitions != -1 || t.ReplicationFactor != -1 {
			return spec, fmt.Errorf("both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time: %w", kerr.InvalidRequest)
		}
		spec.assignment = map[int32][]int32{}
		for _, a := range t.ReplicaAssignment {
			spec.assignment[a.Partition] = append([]int32{}, a.Replicas...)
		}
		return spec, nil
	}
	if spec.partitions == -1 {
		spec.partitions = b.cfg.NumPartitions
	}
	if spec.rf == -1 {
		spec.rf = b.cfg.DefaultReplicationFactor
	}
	return spec, nil
}

// hasLeaders: the applied snapshot holds the topic and every partition
// has a leader (DelayedCreatePartitions.isMissingLeader, negated).
func (b *Broker) hasLeaders(topic string) bool {
	t := b.cluster.applied.Load().Topics[topic]
	if t == nil {
		return false
	}
	for _, p := range t.Partitions {
		if p.Leader < 0 {
			return false
		}
	}
	return true
}

// delayedCreate completes when every topic it waits for has leaders.
type delayedCreate struct {
	b      *Broker
	topics []string
}

func (d *delayedCreate) TryComplete() bool {
	for _, t := range d.topics {
		if !d.b.hasLeaders(t) {
			return false
		}
	}
	return true
}
