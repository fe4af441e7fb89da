package broker

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/broker/metadata"
	kpartition "github.com/zkafka/zkafka/kafka/partition"
	"github.com/zkafka/zkafka/kafka/partition/assignment"
	"github.com/zkafka/zkafka/kafka/zkdata"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// CreatePartitions: v0-1 (Kafka 2.3's range). Cluster mode only: a
// standalone broker answers INVALID_REQUEST (its topics are its log dirs).
//
// Behavior, per topic, as AK 2.3 KafkaApis.handleCreatePartitionsRequest
// and AdminManager.createPartitions: a topic named twice is
// INVALID_REQUEST "Duplicate topic in request."; one queued for deletion
// (/admin/delete_topics/<t>) INVALID_TOPIC_EXCEPTION; a reassignment in
// progress REASSIGNMENT_IN_PROGRESS; a topic missing from ZooKeeper
// UNKNOWN_TOPIC_OR_PARTITION; a count that is not an increase
// INVALID_PARTITIONS; a given assignment with unknown brokers, the wrong
// number of partitions, duplicates or another replication factor
// INVALID_REPLICA_ASSIGNMENT. Without an assignment the new partitions are
// placed by AdminUtils' rules (kafka/partition.Assign) with the start
// fixed by the existing assignment: the index of the first broker whose
// id is >= partition 0's first replica, from partition id = the current
// count (AdminZkClient.addPartitions). Then, unless validate_only, the
// grown assignment is written over /brokers/topics/<t> and the new
// partitions' state znodes created (kafkazk.AddPartitions); the request
// waits, as CreateTopics does, for this broker's cache to see the new
// partitions with leaders (REQUEST_TIMED_OUT after the timeout, or at
// once with a timeout of 0, as 2.3).
//
// Reference: AK 2.3 KafkaApis.handleCreatePartitionsRequest,
// AdminManager.createPartitions, AdminZkClient.addPartitions,
// validateReplicaAssignment.
func init() { register(37, 0, 1, (*Broker).handleCreatePartitions) }

func (b *Broker) handleCreatePartitions(rc *request, r *kmsg.CreatePartitionsRequest) (*frame, error) {
	resp := kmsg.NewPtrCreatePartitionsResponse()
	resp.Version = r.Version
	seen := map[string]int{}
	for _, t := range r.Topics {
		seen[t.Topic]++
	}
	errs := make([]error, len(r.Topics))
	counts := map[string]int32{}
	for i, t := range r.Topics {
		switch {
		case seen[t.Topic] > 1:
			errs[i] = fmt.Errorf("Duplicate topic in request.: %w", kerr.InvalidRequest)
		case b.cluster == nil:
			errs[i] = fmt.Errorf("a standalone broker cannot add partitions (its topics are its log dirs; run with zookeeper.connect): %w", kerr.InvalidRequest)
		default:
			errs[i] = b.addPartitions(t, r.ValidateOnly)
			if errs[i] == nil && !r.ValidateOnly {
				counts[t.Topic] = t.Count
			}
		}
	}
	if len(counts) > 0 && r.TimeoutMillis > 0 {
		topics := make([]string, 0, len(counts))
		for n := range counts {
			topics = append(topics, n)
		}
		sort.Strings(topics)
		op := &delayedPartitions{b: b, counts: counts}
		d := b.cluster.creates.TryCompleteElseWatch(op, time.Duration(r.TimeoutMillis)*time.Millisecond, topics...)
		<-d.Done()
	}
	for i, t := range r.Topics {
		st := kmsg.NewCreatePartitionsResponseTopic()
		st.Topic = t.Topic
		err := errs[i]
		if n, ok := counts[t.Topic]; ok && err == nil && !b.hasPartitionLeaders(t.Topic, n) {
			err = kerr.RequestTimedOut // 2.3 answers it without a message
		}
		if err != nil {
			st.ErrorCode = codeOf(err)
			if msg := errorMessage(err); msg != "" {
				st.ErrorMessage = kmsg.StringPtr(msg)
			}
			b.cfg.Logger.Info("create partitions refused", "topic", t.Topic, "err", err)
		}
		resp.Topics = append(resp.Topics, st)
	}
	return rc.respond(resp)
}

// errorMessage is the message Kafka sends with an error: the text before
// the wrapped kerr error, none for a bare kerr error (ApiError leaves out
// the generic message).
func errorMessage(err error) string {
	var ke *kerr.Error
	if errors.As(err, &ke) && err == error(ke) {
		return ""
	}
	msg := err.Error()
	if ke != nil {
		msg = strings.TrimSuffix(msg, ": "+ke.Error())
	}
	return msg
}

// #region add-partitions

// addPartitions checks one topic's request and writes it to ZooKeeper.
func (b *Broker) addPartitions(t kmsg.CreatePartitionsRequestTopic, validateOnly bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), zkTimeout)
	defer cancel()
	zk := b.cluster.zk
	conn := zk.Conn()
	if ok, _, err := conn.Exists(ctx, zkdata.DeleteTopicPath(t.Topic)); err != nil {
		return err
	} else if ok {
		return fmt.Errorf("The topic is queued for deletion.: %w", kerr.InvalidTopicException)
	}
	if ok, _, err := conn.Exists(ctx, zkdata.ReassignPartitionsPath); err != nil {
		return err
	} else if ok {
		return fmt.Errorf("A partition reassignment is in progress.: %w", kerr.ReassignmentInProgress)
	}
	existing, _, err := zk.TopicAssignment(ctx, t.Topic)
	if errors.Is(err, zkerr.NoNode) {
		return fmt.Errorf("The topic '%s' does not exist.: %w", t.Topic, kerr.UnknownTopicOrPartition)
	}
	if err != nil {
		return err
	}
	old := int32(len(existing.Partitions))
	switch {
	case t.Count < old:
		return fmt.Errorf("Topic currently has %d partitions, which is higher than the requested %d.: %w", old, t.Count, kerr.InvalidPartitions)
	case t.Count == old:
		return fmt.Errorf("Topic already has %d partitions.: %w", old, kerr.InvalidPartitions)
	}
	snap := b.cluster.applied.Load()
	brokers := snap.BrokerIDs()
	p0, ok := existing.Partitions[0]
	if !ok {
		return fmt.Errorf("Unexpected existing replica assignment for topic '%s', partition id 0 is missing. Assignment: %v", t.Topic, existing.Partitions)
	}
	var added map[int32][]int32
	if t.Assignment != nil {
		if added, err = givenAssignment(t, old, brokers, p0); err != nil {
			return err
		}
	} else if added, err = b.assignAdded(snap, t.Count-old, len(p0), old, p0); err != nil {
		return err
	}
	if validateOnly {
		return nil
	}
	all := make(map[int32][]int32, t.Count)
	ids := make([]int32, 0, len(added))
	for p, rs := range existing.Partitions {
		all[p] = rs
	}
	for p, rs := range added {
		all[p] = rs
		ids = append(ids, p)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return zk.AddPartitions(ctx, t.Topic, all, ids, snap.Alive)
}

// assignAdded places n new partitions from partition id first, with
// replication factor rf, AdminUtils' start fixed by the existing
// partition 0: startIndex = the position of the first broker (sorted by
// id) whose id is >= p0's first replica, 0 if none.
func (b *Broker) assignAdded(snap *metadata.Snapshot, n int32, rf int, first int32, p0 []int32) (map[int32][]int32, error) {
	var brokers []assignment.Broker
	for _, id := range snap.BrokerIDs() {
		brokers = append(brokers, assignment.Broker{ID: id, Rack: snap.Brokers[id].Rack})
	}
	start := 0
	for i, br := range brokers {
		if len(p0) > 0 && br.ID >= p0[0] {
			start = i
			break
		}
	}
	rs, err := kpartition.Assign(brokers, int(n), rf, assignment.FixedStart(start, int(first)))
	if err != nil {
		return nil, err
	}
	out := make(map[int32][]int32, len(rs))
	for i, r := range rs {
		out[first+int32(i)] = r
	}
	return out, nil
}

// #endregion add-partitions

// givenAssignment checks a request's assignment of the new partitions
// (AdminManager.createPartitions, AdminZkClient.validateReplicaAssignment).
func givenAssignment(t kmsg.CreatePartitionsRequestTopic, old int32, brokers []int32, p0 []int32) (map[int32][]int32, error) {
	known := map[int32]bool{}
	for _, id := range brokers {
		known[id] = true
	}
	var unknown []string
	seenUnknown := map[int32]bool{}
	for _, a := range t.Assignment {
		for _, r := range a.Replicas {
			if !known[r] && !seenUnknown[r] {
				seenUnknown[r] = true
				unknown = append(unknown, fmt.Sprint(r))
			}
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("Unknown broker(s) in replica assignment: %s.: %w", strings.Join(unknown, ", "), kerr.InvalidReplicaAssignment)
	}
	if inc := t.Count - old; int32(len(t.Assignment)) != inc {
		return nil, fmt.Errorf("Increasing the number of partitions by %d but %d assignments provided.: %w", inc, len(t.Assignment), kerr.InvalidReplicaAssignment)
	}
	out := map[int32][]int32{}
	var badIDs, badRFs []string
	for i, a := range t.Assignment {
		p := old + int32(i)
		if len(a.Replicas) == 0 {
			return nil, fmt.Errorf("Cannot have replication factor of 0 for partition id %d.: %w", p, kerr.InvalidReplicaAssignment)
		}
		dup := map[int32]bool{}
		for _, r := range a.Replicas {
			if dup[r] {
				return nil, fmt.Errorf("Duplicate brokers not allowed in replica assignment: %s for partition id %d.: %w", joinInts(a.Replicas), p, kerr.InvalidReplicaAssignment)
			}
			dup[r] = true
		}
		if len(a.Replicas) != len(p0) {
			badIDs = append(badIDs, fmt.Sprint(p))
			badRFs = append(badRFs, fmt.Sprint(len(a.Replicas)))
		}
		out[p] = append([]int32{}, a.Replicas...)
	}
	if len(badIDs) > 0 {
		return nil, fmt.Errorf("Inconsistent replication factor between partitions, partition 0 has %d while partitions [%s] have replication factors [%s], respectively.: %w",
			len(p0), strings.Join(badIDs, ", "), strings.Join(badRFs, ", "), kerr.InvalidReplicaAssignment)
	}
	return out, nil
}

func joinInts(xs []int32) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

// hasPartitionLeaders: the applied snapshot holds at least n partitions
// of the topic, each with a leader.
func (b *Broker) hasPartitionLeaders(topic string, n int32) bool {
	t := b.cluster.applied.Load().Topics[topic]
	return t != nil && int32(len(t.Partitions)) >= n && b.hasLeaders(topic)
}

// delayedPartitions completes when every topic has its new partitions,
// with leaders, in the applied snapshot (DelayedCreatePartitions).
type delayedPartitions struct {
	b      *Broker
	counts map[string]int32
}

func (d *delayedPartitions) TryComplete() bool {
	for t, n := range d.counts {
		if !d.b.hasPartitionLeaders(t, n) {
			return false
		}
	}
	return true
}
