package broker

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// AlterConfigs: v0-1 (Kafka 2.3's range).
//
// Behavior, per resource, as AK 2.3 AdminManager.alterConfigs (not
// incremental: the entries given replace every override of the topic):
//   - TOPIC: a bad name is INVALID_TOPIC_EXCEPTION; a topic missing from
//     ZooKeeper UNKNOWN_SERVER_ERROR with the message 'Topic "t" does not
//     exist.' (2.3's AdminZkClient.validateTopicConfig throws an
//     AdminOperationException there; later releases answer
//     UNKNOWN_TOPIC_OR_PARTITION); an unknown config name INVALID_CONFIG
//     "Unknown topic config name: x"; a bad value INVALID_REQUEST "Invalid
//     config value for resource ConfigResource(type=TOPIC, name='t'): ...".
//     Then, unless validate_only, /config/topics/<t> is written and the
//     change announced under /config/changes (kafkazk.ChangeTopicConfig);
//     every broker's metadata cache follows the notices and re-reads the
//     config, and apply hands it to the logs of its partitions.
//     Standalone, the new config goes to the topic's logs directly.
//   - BROKER: this broker's id or empty, else INVALID_REQUEST; every
//     broker config is read-only here, so any entry is INVALID_REQUEST
//     "Cannot update these configs dynamically".
//   - anything else: INVALID_REQUEST.
//
// Reference: AK 2.3 KafkaApis.handleAlterConfigsRequest,
// AdminManager.alterConfigs, AdminZkClient.changeTopicConfig.
func init() { register(33, 0, 1, (*Broker).handleAlterConfigs) }

func (b *Broker) handleAlterConfigs(rc *request, r *kmsg.AlterConfigsRequest) (*frame, error) {
	resp := kmsg.NewPtrAlterConfigsResponse()
	resp.Version = r.Version
	for _, res := range r.Resources {
		rr := kmsg.NewAlterConfigsResponseResource()
		rr.ResourceType, rr.ResourceName = res.ResourceType, res.ResourceName
		if err := b.alterResource(res, r.ValidateOnly); err != nil {
			rr.ErrorCode = codeOf(err)
			rr.ErrorMessage = kmsg.StringPtr(errorMessage(err))
			b.cfg.Logger.Info("alter configs refused", "resource", configResource(res.ResourceType, res.ResourceName), "err", err)
		}
		resp.Resources = append(resp.Resources, rr)
	}
	return rc.respond(resp)
}

// configResource is how Kafka's ConfigResource prints itself in messages.
func configResource(t kmsg.ConfigResourceType, name string) string {
	return fmt.Sprintf("ConfigResource(type=%s, name='%s')", strings.ToUpper(t.String()), name)
}

func (b *Broker) alterResource(res kmsg.AlterConfigsRequestResource, validateOnly bool) error {
	configs := map[string]string{}
	for _, c := range res.Configs {
		if c.Value == nil {
			return fmt.Errorf("Invalid config value for resource %s: null value for config %s: %w",
				configResource(res.ResourceType, res.ResourceName), c.Name, kerr.InvalidRequest)
		}
		configs[c.Name] = *c.Value
	}
	switch res.ResourceType {
	case kmsg.ConfigResourceTypeTopic:
		return b.alterTopicConfig(res.ResourceName, configs, validateOnly)
	case kmsg.ConfigResourceTypeBroker:
		if res.ResourceName != "" {
			if err := b.checkBrokerResource(res.ResourceName, ""); err != nil {
				return err
			}
		}
		if len(configs) == 0 {
			return nil
		}
		names := make([]string, 0, len(configs))
		for n := range configs {
			names = append(names, n)
		}
		sort.Strings(names)
		return fmt.Errorf("Invalid config value for resource %s: Cannot update these configs dynamically: Set(%s): %w",
			configResource(res.ResourceType, res.ResourceName), strings.Join(names, ", "), kerr.InvalidRequest)
	}
	return fmt.Errorf("AlterConfigs is only supported for topics and brokers, but resource type is %s: %w",
		strings.ToUpper(res.ResourceType.String()), kerr.InvalidRequest)
}

// #region alter-topic-config

// alterTopicConfig is AdminManager.alterTopicConfigs:
// validateTopicConfig (name, existence, LogConfig.validate), then
// changeTopicConfig unless validateOnly.
func (b *Broker) alterTopicConfig(topic string, configs map[string]string, validateOnly bool) error {
	if err := ValidateTopic(topic); err != nil {
		return err
	}
	if b.cluster == nil {
		return b.alterLocalTopicConfig(topic, configs, validateOnly)
	}
	ctx, cancel := context.WithTimeout(context.Background(), zkTimeout)
	defer cancel()
	zk := b.cluster.zk
	if ok, err := zk.TopicExists(ctx, topic); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("Topic \"%s\" does not exist.", topic) // UNKNOWN_SERVER_ERROR, as 2.3
	}
	if err := validateTopicOverrides(b.cfg.Log, configResource(kmsg.ConfigResourceTypeTopic, topic), configs); err != nil {
		return err
	}
	if validateOnly {
		return nil
	}
	_, err := zk.ChangeTopicConfig(ctx, topic, configs)
	return err
}

// #endregion alter-topic-config

// alterLocalTopicConfig is standalone mode's: the overrides go to the
// topic's logs (in memory: a restart reopens them with the defaults).
func (b *Broker) alterLocalTopicConfig(topic string, configs map[string]string, validateOnly bool) error {
	b.mu.RLock()
	t := b.topics[topic]
	var parts []*partition
	if t != nil {
		parts = append(parts, t.partitions...)
	}
	b.mu.RUnlock()
	if t == nil {
		return fmt.Errorf("Topic \"%s\" does not exist.", topic)
	}
	if err := validateTopicOverrides(b.cfg.Log, configResource(kmsg.ConfigResourceTypeTopic, topic), configs); err != nil {
		return err
	}
	if validateOnly {
		return nil
	}
	cfg, _ := topicConfigMap(b.cfg.Log, configs)
	for _, p := range parts {
		if p != nil {
			p.setConfig(cfg)
		}
	}
	return nil
}
