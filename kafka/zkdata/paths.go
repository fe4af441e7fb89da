package zkdata

import (
	"strconv"
	"strings"
)

// The znode paths of Kafka 2.3 (ZkData.scala's XxxZNode.path objects),
// relative to the chroot of zookeeper.connect.
const (
	BrokersPath                 = "/brokers"
	BrokerIDsPath               = "/brokers/ids"
	TopicsPath                  = "/brokers/topics"
	BrokerSeqIDPath             = "/brokers/seqid"
	ControllerPath              = "/controller"
	ControllerEpochPath         = "/controller_epoch"
	ClusterPath                 = "/cluster"
	ClusterIDPath               = "/cluster/id"
	ConfigPath                  = "/config"
	ConfigChangesPath           = "/config/changes"
	AdminPath                   = "/admin"
	DeleteTopicsPath            = "/admin/delete_topics"
	ReassignPartitionsPath      = "/admin/reassign_partitions"
	PreferredReplicaElectPath   = "/admin/preferred_replica_election"
	IsrChangeNotificationPath   = "/isr_change_notification"
	LogDirEventNotificationPath = "/log_dir_event_notification"
	ProducerIDBlockPath         = "/latest_producer_id_block"
	ConsumersPath               = "/consumers"

	// The prefixes of the sequential notification znodes: the znode
	// created is the prefix plus ZooKeeper's 10-digit sequence number.
	ConfigChangePrefix  = "config_change_"
	IsrChangePrefix     = "isr_change_"
	LogDirEventPrefix   = "log_dir_event_"
	ConfigChangeSeqPath = ConfigChangesPath + "/" + ConfigChangePrefix
	IsrChangeSeqPath    = IsrChangeNotificationPath + "/" + IsrChangePrefix
	LogDirEventSeqPath  = LogDirEventNotificationPath + "/" + LogDirEventPrefix
)

// Config entity types (ConfigType in DynamicConfigManager.scala 2.3.1):
// the children of /config.
const (
	ConfigTypeTopic  = "topics"
	ConfigTypeClient = "clients"
	ConfigTypeUser   = "users"
	ConfigTypeBroker = "brokers"
)

// ConfigTypes is ConfigType.all, in its order.
var ConfigTypes = []string{ConfigTypeTopic, ConfigTypeClient, ConfigTypeUser, ConfigTypeBroker}

// PersistentPaths are the znodes every Kafka 2.3 broker makes sure exist
// at start-up, in this order (ZkData.PersistentZkPaths, created one by one
// with createRecursive by KafkaZkClient.createTopLevelPaths, each with
// null data, PERSISTENT; an existing one is left alone).
var PersistentPaths = []string{
	ConsumersPath, // the old consumer's path, kept for OffsetCommit v0
	BrokerIDsPath,
	TopicsPath,
	ConfigChangesPath,
	DeleteTopicsPath,
	BrokerSeqIDPath,
	IsrChangeNotificationPath,
	ProducerIDBlockPath,
	LogDirEventNotificationPath,
	ConfigPath + "/" + ConfigTypeTopic,
	ConfigPath + "/" + ConfigTypeClient,
	ConfigPath + "/" + ConfigTypeUser,
	ConfigPath + "/" + ConfigTypeBroker,
}

// BrokerIDPath is /brokers/ids/<id>, the broker's ephemeral registration.
func BrokerIDPath(id int32) string { return BrokerIDsPath + "/" + itoa(id) }

// TopicPath is /brokers/topics/<t>, the topic's replica assignment.
func TopicPath(topic string) string { return TopicsPath + "/" + topic }

// TopicPartitionsPath is /brokers/topics/<t>/partitions.
func TopicPartitionsPath(topic string) string { return TopicPath(topic) + "/partitions" }

// TopicPartitionPath is /brokers/topics/<t>/partitions/<p>.
func TopicPartitionPath(topic string, partition int32) string {
	return TopicPartitionsPath(topic) + "/" + itoa(partition)
}

// PartitionStatePath is /brokers/topics/<t>/partitions/<p>/state, the
// partition's leader, leader epoch and ISR.
func PartitionStatePath(topic string, partition int32) string {
	return TopicPartitionPath(topic, partition) + "/state"
}

// ConfigEntityTypePath is /config/<type>.
func ConfigEntityTypePath(entityType string) string { return ConfigPath + "/" + entityType }

// ConfigEntityPath is /config/<type>/<name>.
func ConfigEntityPath(entityType, name string) string {
	return ConfigEntityTypePath(entityType) + "/" + name
}

// TopicConfigPath is /config/topics/<t>, the topic's config overrides.
func TopicConfigPath(topic string) string { return ConfigEntityPath(ConfigTypeTopic, topic) }

// DeleteTopicPath is /admin/delete_topics/<t>, the marker asking the
// controller to delete the topic (null data).
func DeleteTopicPath(topic string) string { return DeleteTopicsPath + "/" + topic }

// ConsumerOffsetPath is /consumers/<group>/offsets/<topic>/<partition>,
// written by OffsetCommit v0 only (ConsumerOffset.path).
func ConsumerOffsetPath(group, topic string, partition int32) string {
	return ConsumersPath + "/" + group + "/offsets/" + topic + "/" + itoa(partition)
}

// SequenceNumber is the part of a sequential znode's name after prefix
// (IsrChangeNotificationSequenceZNode.sequenceNumber: the text after the
// last occurrence of the prefix), e.g. "0000000012" for
// "isr_change_0000000012". ok is false if name does not contain prefix.
func SequenceNumber(name, prefix string) (seq string, ok bool) {
	i := strings.LastIndex(name, prefix)
	if i < 0 {
		return "", false
	}
	return name[i+len(prefix):], true
}

func itoa(n int32) string { return strconv.FormatInt(int64(n), 10) }

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
