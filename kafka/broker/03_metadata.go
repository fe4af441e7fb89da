package broker

import (
	"errors"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Metadata: v0-8 (Kafka 2.3's range).
//
// Behavior: this broker, the cluster id, the controller (this broker)
// and the requested topics, each partition led by this broker with its
// leader epoch, replicas = ISR = [this broker].
//
// Which topics (docs/reference/kafka.md §1.3 gotcha 5): in v0 an empty list means all;
// from v1 a null list means all and an empty one none. An unknown topic
// is created when auto.create.topics.enable is on and the request allows
// it (v4+ allow_auto_topic_creation: librdkafka producers set it, its
// consumers do not; before v4 always). Otherwise it is
// UNKNOWN_TOPIC_OR_PARTITION, or INVALID_TOPIC_EXCEPTION for a name that
// could never exist.
// Reference: AK 2.3 KafkaApis.handleTopicMetadataRequest, getTopicMetadata.
func init() { register(3, 0, 8, (*Broker).handleMetadata) }

func (b *Broker) handleMetadata(rc *request, r *kmsg.MetadataRequest) (*frame, error) {
	if b.cluster != nil {
		return b.clusterMetadata(rc, r) // cluster_topics.go
	}
	resp := kmsg.NewPtrMetadataResponse()
	resp.Version = r.Version
	broker := kmsg.NewMetadataResponseBroker()
	broker.NodeID, broker.Host, broker.Port = b.cfg.NodeID, b.host, b.port
	resp.Brokers = []kmsg.MetadataResponseBroker{broker}
	resp.ClusterID = &b.clusterID
	resp.ControllerID = b.cfg.NodeID

	all := r.Topics == nil || (r.Version == 0 && len(r.Topics) == 0)
	autoCreate := !b.cfg.DisableAutoCreateTopics && (r.Version < 4 || r.AllowAutoTopicCreation)

	var names []string
	if all {
		b.mu.RLock()
		names = b.topicNames()
		b.mu.RUnlock()
	} else {
		for _, t := range r.Topics {
			if t.Topic != nil {
				names = append(names, *t.Topic)
			}
		}
	}
	for _, name := range names {
		resp.Topics = append(resp.Topics, b.topicMetadata(name, autoCreate && !all))
	}
	return rc.respond(resp)
}

func (b *Broker) topicMetadata(name string, autoCreate bool) kmsg.MetadataResponseTopic {
	mt := kmsg.NewMetadataResponseTopic()
	mt.Topic = kmsg.StringPtr(name)
	b.mu.RLock()
	t := b.lookup(name)
	b.mu.RUnlock()
	if t == nil && autoCreate {
		var err error
		t, err = b.autoCreate(name)
		if err != nil {
			mt.ErrorCode = codeOf(err)
			if !errors.Is(err, kerr.InvalidTopicException) {
				b.cfg.Logger.Warn("auto-creating topic failed", "topic", name, "err", err)
			}
			return mt
		}
	}
	if t == nil {
		mt.ErrorCode = kerr.UnknownTopicOrPartition.Code
		if ValidateTopic(name) != nil {
			mt.ErrorCode = kerr.InvalidTopicException.Code
		}
		return mt
	}
	mt.IsInternal = name == "__consumer_offsets"
	for _, p := range t.partitions {
		mp := kmsg.NewMetadataResponseTopicPartition()
		mp.Partition = p.tp.Partition
		mp.Leader = b.cfg.NodeID
		mp.LeaderEpoch = p.epoch()
		mp.Replicas = []int32{b.cfg.NodeID}
		mp.ISR = []int32{b.cfg.NodeID}
		mp.OfflineReplicas = []int32{}
		mt.Partitions = append(mt.Partitions, mp)
	}
	return mt
}

// autoCreate creates a topic with num.partitions and the broker's log
// config (AK KafkaApis.createTopic), or returns it if another request
// created it first.
func (b *Broker) autoCreate(name string) (*topic, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t := b.lookup(name); t != nil {
		return t, nil
	}
	return b.createTopic(topicSpec{name: name, partitions: b.cfg.NumPartitions, cfg: b.cfg.Log})
}
