// Package kafkazk is Kafka's KafkaZkClient for our broker: the typed
// ZooKeeper operations a Kafka 2.3 broker does, over zk/client, writing
// the bytes of kafka/zkdata at Kafka's paths.
//
// # The story (chapter 6)
//
// A broker that joins a cluster (KafkaServer.startup in Kafka 2.3):
//
//  1. Dial: connects to zookeeper.connect, first creating its chroot
//     ("/kafka" in "zk1:2181,zk2:2181/kafka") with a client that has none;
//  2. EnsurePersistentPaths: /brokers/ids, /brokers/topics, /config/... ;
//  3. ClusterID: reads /cluster/id, or creates it if it is the first
//     broker ever — the cluster id is the cluster's, not the broker's;
//  4. RegisterBroker: multi[create /brokers/ids/<id> EPHEMERAL, setData
//     the registration JSON] — the czxid of the result is the broker
//     epoch (KIP-380). The ephemeral lives as long as the session: the
//     broker's death (or a network cut longer than the session timeout)
//     deletes it, and the other brokers' watches fire.
//
// Then it watches: BrokerIDsW and BrokerW (who is alive), TopicsW,
// TopicAssignmentW and TopicConfigW (what exists, where). CreateTopic
// writes a topic as AdminZkClient does, plus the partition states that
// 2.3's controller would write, since there is no controller until
// chapter 8.
//
// Sessions end. When ZooKeeper expires ours the Client starts a new one
// and runs the OnNewSession handlers: the broker registers again and
// reads everything again, because the old session's ephemerals and
// watches are gone (Kafka's StateChangeHandler.afterInitializingSession).
//
// # Where we differ from Kafka 2.3
//
// A broker restarted after kill -9 finds its own registration still
// there, held by its dead session until that expires. 2.3 exits with
// NodeExists. RegisterBroker takes a predicate recognising such an
// earlier session (the broker records its session id in its log dir) and
// waits, watching the znode, saying why in the log; an id held by any
// other session is refused at once (*BrokerIDInUseError, NodeExists).
//
// # Invariants
//
//   - Every write is one of Kafka 2.3's, in its order, with its bytes.
//   - Reads never fail on bad data silently: a malformed znode is an error
//     matching zkdata.ErrMalformed, its watch still set, so a fixed znode
//     is read again; callers log and skip it.
//   - A watch method returns its watch channel only with a successful (or
//     malformed) read: a nil channel means nothing is watched.
//
// Reference: apache/kafka 2.3.1 core/src/main/scala/kafka/zk/
// KafkaZkClient.scala, ZkData.scala, AdminZkClient.scala;
// server/KafkaServer.scala; docs/reference/kafka-znodes.md.
package kafkazk
