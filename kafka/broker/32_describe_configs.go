package broker

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// DescribeConfigs: v0-2 (Kafka 2.3's range).
//
// Behavior, per resource, as AK 2.3 AdminManager.describeConfigs:
//   - TOPIC: a bad name is INVALID_TOPIC_EXCEPTION; a topic this broker
//     does not know UNKNOWN_TOPIC_OR_PARTITION (no message). Otherwise the
//     configs asked for (all when config_names is null; an unknown name is
//     simply not listed), from the overrides in /config/topics/<t> (read
//     from ZooKeeper in cluster mode, as fetchEntityConfig does) over this
//     broker's log defaults: value, source (TOPIC_CONFIG,
//     STATIC_BROKER_CONFIG or DEFAULT_CONFIG; v0's is_default), and from
//     v1 the synonyms when include_synonyms is set (topic_configs.go).
//   - BROKER: the name must be this broker's id (INVALID_REQUEST "Unexpected
//     broker id, expected 1 or empty string, but received 2") or empty (the
//     cluster-wide dynamic defaults: none here). Every broker config is
//     read-only: this broker has no dynamic configs.
//   - anything else: INVALID_REQUEST "Unsupported resource type".
//
// Reference: AK 2.3 KafkaApis.handleDescribeConfigsRequest,
// AdminManager.describeConfigs, createTopicConfigEntry.
func init() { register(32, 0, 2, (*Broker).handleDescribeConfigs) }

func (b *Broker) handleDescribeConfigs(rc *request, r *kmsg.DescribeConfigsRequest) (*frame, error) {
	resp := kmsg.NewPtrDescribeConfigsResponse()
	resp.Version = r.Version
	for _, res := range r.Resources {
		rr := kmsg.NewDescribeConfigsResponseResource()
		rr.ResourceType, rr.ResourceName = res.ResourceType, res.ResourceName
		configs, err := b.describeResource(res, r.Version, r.IncludeSynonyms)
		if err != nil {
			rr.ErrorCode = codeOf(err)
			if !errors.Is(err, kerr.UnknownTopicOrPartition) { // 2.3 answers it with no message
				rr.ErrorMessage = kmsg.StringPtr(errorMessage(err))
			}
		} else {
			rr.Configs = configs
		}
		resp.Resources = append(resp.Resources, rr)
	}
	return rc.respond(resp)
}

func (b *Broker) describeResource(res kmsg.DescribeConfigsRequestResource, version int16, synonyms bool) ([]kmsg.DescribeConfigsResponseResourceConfig, error) {
	switch res.ResourceType {
	case kmsg.ConfigResourceTypeTopic:
		if err := ValidateTopic(res.ResourceName); err != nil {
			return nil, err
		}
		overrides, err := b.topicOverrides(res.ResourceName)
		if err != nil {
			return nil, err
		}
		return b.describeTopicConfigs(overrides, res.ConfigNames, version, synonyms), nil
	case kmsg.ConfigResourceTypeBroker:
		if res.ResourceName == "" {
			return []kmsg.DescribeConfigsResponseResourceConfig{}, nil // no dynamic defaults
		}
		if err := b.checkBrokerResource(res.ResourceName, " or empty string"); err != nil {
			return nil, err
		}
		want := map[string]bool{}
		for _, n := range res.ConfigNames {
			want[n] = true
		}
		out := []kmsg.DescribeConfigsResponseResourceConfig{}
		for _, row := range b.brokerConfigs() {
			if res.ConfigNames != nil && !want[row.name] {
				continue
			}
			c := kmsg.NewDescribeConfigsResponseResourceConfig()
			c.Name, c.ReadOnly = row.name, true
			if row.value != "" {
				c.Value = kmsg.StringPtr(row.value)
			}
			c.Source, c.IsDefault = kmsg.ConfigSourceDefaultConfig, true
			var syns []kmsg.DescribeConfigsResponseResourceConfigConfigSynonym
			if row.value != row.def {
				c.Source, c.IsDefault = kmsg.ConfigSourceStaticBrokerConfig, false
				s := kmsg.NewDescribeConfigsResponseResourceConfigConfigSynonym()
				s.Name, s.Value, s.Source = row.name, c.Value, kmsg.ConfigSourceStaticBrokerConfig
				syns = append(syns, s)
			}
			if row.def != "" {
				s := kmsg.NewDescribeConfigsResponseResourceConfigConfigSynonym()
				s.Name, s.Value, s.Source = row.name, kmsg.StringPtr(row.def), kmsg.ConfigSourceDefaultConfig
				syns = append(syns, s)
			}
			if version >= 1 && synonyms {
				c.ConfigSynonyms = syns
			}
			out = append(out, c)
		}
		return out, nil
	}
	return nil, fmt.Errorf("Unsupported resource type: %s: %w", res.ResourceType, kerr.InvalidRequest)
}

// checkBrokerResource is AdminManager.resourceNameToBrokerId and its
// check against this broker's id.
func (b *Broker) checkBrokerResource(name, orEmpty string) error {
	id, err := strconv.ParseInt(name, 10, 32)
	if err != nil {
		return fmt.Errorf("Broker id must be an integer, but it is: %s: %w", name, kerr.InvalidRequest)
	}
	if int32(id) != b.cfg.NodeID {
		return fmt.Errorf("Unexpected broker id, expected %d%s, but received %s: %w", b.cfg.NodeID, orEmpty, name, kerr.InvalidRequest)
	}
	return nil
}

// topicOverrides are a known topic's config overrides: read from
// ZooKeeper in cluster mode (a topic not in this broker's metadata is
// UNKNOWN_TOPIC_OR_PARTITION, as 2.3's metadataCache.contains check);
// standalone, the differences between its log's config and the broker
// defaults (standalone overrides live in memory).
func (b *Broker) topicOverrides(name string) (map[string]string, error) {
	if b.cluster != nil {
		if b.cluster.applied.Load().Topics[name] == nil {
			return nil, kerr.UnknownTopicOrPartition
		}
		ctx, cancel := context.WithTimeout(context.Background(), zkTimeout)
		defer cancel()
		return b.cluster.zk.TopicConfig(ctx, name)
	}
	b.mu.RLock()
	t := b.topics[name]
	var p *partition
	if t != nil && len(t.partitions) > 0 {
		p = t.partitions[0]
	}
	b.mu.RUnlock()
	if p == nil {
		return nil, kerr.UnknownTopicOrPartition
	}
	p.mu.Lock()
	cfg := p.log.Config()
	p.mu.Unlock()
	out := map[string]string{}
	for _, d := range topicConfigDefs {
		if v := d.get(cfg); v != d.get(b.cfg.Log) {
			out[d.name] = v
		}
	}
	return out, nil
}
