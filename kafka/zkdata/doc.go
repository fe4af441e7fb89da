// Package zkdata is Kafka 2.3's data model in ZooKeeper: the znode paths,
// and Go types whose JSON is byte for byte what a Kafka 2.3 broker writes
// (ZkData.scala, KafkaZkClient.scala, AdminZkClient.scala of apache/kafka
// 2.3.1). A real Kafka tool reading our ensemble, or our broker running on
// a cluster a real Kafka wrote, sees the same znodes.
//
// # The story (chapter 6)
//
// A Kafka cluster keeps its metadata in ZooKeeper, under the chroot of
// zookeeper.connect. When a broker starts it
//
//  1. makes sure the persistent skeleton exists (PersistentPaths:
//     /brokers/ids, /brokers/topics, /config/changes, ... — each created
//     if missing, never overwritten);
//  2. reads /cluster/id, or creates it with a fresh id if it is the first
//     broker ever (whoever creates it first fixes the id for everyone);
//  3. checks meta.properties in its log directories against its broker.id
//     (CheckBrokerID): logs that belong to another broker must not be
//     served under this id;
//  4. registers: a multi of create /brokers/ids/<id> EPHEMERAL with no
//     data and setData of its JSON (EncodeBroker) at version 0. The
//     registration lives exactly as long as the broker's session; its
//     czxid — read from the setData result's Stat — is the broker epoch
//     (KIP-380), so a broker that restarts quickly is told apart from its
//     former self. If the node exists and belongs to another (older)
//     session, 2.3 fails with NodeExists.
//
// Topics are written by whoever creates them (AdminZkClient): the config
// overrides /config/topics/<t> first, then the assignment
// /brokers/topics/<t> (partition → replicas, the first replica preferred
// leader). The partition's state znode holds the leader, leader epoch and
// ISR; it is written by the controller (chapter 8) and, in 2.3, by the
// partition's leader when it shrinks or expands the ISR (chapter 7), each
// write conditional on the znode version. Changes that brokers must hear
// about are announced with sequential notification znodes
// (/config/changes/config_change_*, /isr_change_notification/isr_change_*).
//
// # The znodes
//
//	path                                   mode        owner (writer)                   when
//	/brokers/ids/<id>                      ephemeral   the broker                        start-up (registration), gone with its session
//	/brokers/topics/<t>                    persistent  topic creator / controller        CreateTopics, auto-create, CreatePartitions, reassignment
//	/brokers/topics/<t>/partitions/<p>/state persistent controller; leader (ISR changes) topic creation, leader election, ISR shrink/expand
//	/controller                            ephemeral   the controller                    election (first create wins), gone with its session
//	/controller_epoch                      persistent  the controller                    +1 at every election, in the same multi
//	/cluster/id                            persistent  the first broker                  first start of the cluster
//	/config/topics/<t>                     persistent  topic creator / AlterConfigs      before /brokers/topics/<t>; on config changes
//	/config/changes/config_change_<seq>    persistent sequential  AlterConfigs          after each config write
//	/isr_change_notification/isr_change_<seq> persistent sequential  partition leaders after ISR changes; controller deletes
//	/admin/delete_topics/<t>               persistent  DeleteTopics / admin tool         marker; controller deletes the topic, then it
//	/admin/reassign_partitions             persistent  admin tool                        controller deletes it when done
//	/admin/preferred_replica_election      persistent  admin tool                        controller deletes it when done
//	/latest_producer_id_block              persistent  transaction coordinators          conditional setData per block of 1000 ids
//	/consumers/<g>/offsets/<t>/<p>         persistent  the broker, for OffsetCommit v0    every v0 commit
//	/brokers/seqid, /log_dir_event_notification, /config/{clients,users,brokers}  persistent skeleton
//
// docs/reference/kafka-znodes.md has each znode's JSON and sources.
//
// # Invariants
//
//   - Encoders write Kafka's bytes: compact JSON, the field order Kafka's
//     Scala maps iterate in, strings escaped as Jackson escapes them. Where
//     Kafka's order comes from hashing data (partition numbers, config
//     keys) we write a sorted order and no reader may depend on any order.
//   - Decoders read fields by name, accept what Kafka 2.3 accepts (and
//     2.4's topic version 2), and turn anything else into a *DecodeError
//     matching ErrMalformed — never a panic (fuzzed: FuzzDecoders). A
//     broker logs and skips a malformed znode.
//   - Numbers Kafka stores as strings stay strings ("timestamp",
//     /cluster/id's "version", producer id block bounds); numbers it stores
//     as plain text (/controller_epoch, consumer offsets) are plain
//     decimals, no JSON.
//   - No I/O except meta.properties (through vfs.FS); no ZooKeeper client:
//     the broker's ZooKeeper code (zk/client) writes these bytes.
package zkdata
