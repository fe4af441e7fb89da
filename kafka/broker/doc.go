// Package broker is the Kafka broker: the segment log of package log,
// served over the real Kafka protocol so that kcat (librdkafka),
// franz-go and kafka-python produce to it and consume from it unchanged.
// Chapter 5 built it standalone; from chapter 6 it is shaped to grow into
// a cluster member without becoming a monolith.
//
// # The shape
//
//   - A thin router (conn.go): read a frame, parse request header v1,
//     look the API key up in the handler registry (handler.go), decode
//     the body with kmsg, call the handler, queue the response frame.
//   - One file per API key (00_produce.go, 01_fetch.go,
//     02_list_offsets.go, 03_metadata.go, 18_api_versions.go,
//     19_create_topics.go, 23_offset_for_leader_epoch.go,
//     32_describe_configs.go, 33_alter_configs.go,
//     37_create_partitions.go), each registering its key, its version range
//     and its handler from init — franz-go kfake's layout. ApiVersions
//     answers with the registry, so the broker advertises exactly what it
//     implements, with Kafka 2.3's full ranges. A chapter adds an API by
//     adding a file (chapter 9: 08-14 for groups and offsets).
//   - One partition type (partition.go) owning a partition's log, its
//     leader epoch and its high watermark.
//   - A purgatory of delayed operations (kafka/broker/purgatory): a
//     request that must wait — a Fetch long poll today; an acks=all
//     Produce, a follower's fetch, JoinGroup and SyncGroup later — is an
//     operation watched under keys (a partition, a group) and completed
//     by an event on a key or by its timeout.
//   - A log manager (kafka/log.Manager) owning the log dirs and the
//     maintenance jobs: retention, flush, checkpoints.
//
// # Who owns what (the threading model)
//
// Every piece of state has one owner, and nothing waits while holding a
// lock:
//
//  1. The accept goroutine (Start) hands each connection to ServeConn.
//  2. Per connection, a reader goroutine reads, routes and handles one
//     request at a time, in arrival order, and queues its response; a
//     writer goroutine sends the queue in order (sendfile for log
//     sections). So responses leave in request order whatever the client
//     pipelines, and a request that waits (a long poll) holds back only
//     its own connection, as AK mutes a channel until its response is
//     sent. The reader goroutine is the one that waits for a delayed
//     operation's Done — with no lock held — and then builds the
//     response.
//  3. Each partition's mutex serializes every use of its log, epoch and
//     high watermark; it is held for one log call at a time (an append, a
//     read's index lookup, a retention pass), never across I/O to a
//     socket (sections are sent after it is released, read at explicit
//     offsets) and never while waiting. After an append the partition
//     releases it and then wakes the purgatory's operations watching it
//     (purgatory.CheckAndComplete), whose TryComplete may take partition
//     locks in turn.
//  4. The broker's RWMutex guards the topic table (which partitions
//     exist); it is never held while a partition's lock is.
//  5. One maintenance goroutine runs the log manager (log.Manager.Run on
//     Config.Clock): every job borrows a partition's log through the
//     partition's lock (log.Access), with its high watermark, so
//     retention never deletes past what consumers may read.
//  6. Purgatory timers fire on timer goroutines; they only mark an
//     operation expired and close its Done.
//
// The deterministic cores of chapters 7-9 fit this as the ZAB core fits
// zk/server (see zk/server/doc.go "the core"): each gets exactly one
// owner. The replica state machine of a partition (kafka/replica: the ISR,
// the followers' log end offsets, leader-epoch truncation) is owned by
// that partition, stepped under its lock by produce, follower fetches and
// ticks, its outputs (a new high watermark, ISR changes to write to
// ZooKeeper) carried out after the lock is released — a new high
// watermark completing the acks=all produces and fetches in the
// purgatory. The controller (kafka/controller) and the group coordinator
// (kafka/group) are each owned by one goroutine that takes inputs from a
// channel (requests, ZooKeeper watch events, ticks) and carries out their
// Readys; JoinGroup and SyncGroup wait as delayed operations keyed by
// group, completed by the coordinator's outputs.
//
// # Standalone mode (chapter 5)
//
// One broker, replication factor 1, its own controller, leader epoch 0
// everywhere, high watermark = log end offset after each append, acks=all
// = acks=1. Topics are the partition directories in the log dirs (the
// dirs are the source of truth; a topic config override given to
// CreateTopics is kept in memory only).
//
// # Cluster mode (chapter 6: zookeeper.connect set)
//
// The broker registers in ZooKeeper and topics live there (cluster.go,
// over kafka/kafkazk). Until chapter 8's controller, every broker watches
// ZooKeeper itself: the metadata cache (kafka/broker/metadata) is one
// more owner in the model above — one goroutine that alone reads
// ZooKeeper, fed by watch events on its inbox, publishing immutable
// snapshots that the broker applies on that goroutine (creating the logs
// of partitions assigned to it, taking b.mu then a partition's lock, in
// that order) before any connection goroutine serves from them. Readers
// load the applied snapshot atomically and never wait for the cache.
// CreateTopics writes ZooKeeper on its connection's goroutine and waits,
// as a delayed operation keyed by topic, for the cache to see the topic
// with leaders (apply completes it). Leadership is derived: the first
// live assigned replica leads; produce, fetch and list-offsets elsewhere
// are NOT_LEADER_FOR_PARTITION. Nothing replicates yet (chapter 7).
// CreatePartitions grows /brokers/topics/<t> and waits the same way;
// AlterConfigs writes /config/topics/<t> and a /config/changes notice,
// which every broker's cache follows, apply handing the new config to
// the partitions' logs (topic_configs.go lists the configs implemented).
//
// # Old clients: format conversion
//
// The log holds RecordBatch v2 only. Produce v0-2 (magic 0/1 message
// sets) are up-converted on append, Fetch v0-3 down-converted on read
// (kafka/record); see 00_produce.go and 01_fetch.go for what it costs.
//
// # Invariants
//
//   - Responses on a connection are in request order; acks=0 produces get
//     none, and fail by closing the connection.
//   - Bad input never panics: a frame or request we cannot read closes
//     that connection only; a bad batch or message set is
//     CORRUPT_MESSAGE (kafka/record); an unknown partition
//     UNKNOWN_TOPIC_OR_PARTITION; an offset outside the log
//     OFFSET_OUT_OF_RANGE.
//   - Per partition: log start offset <= high watermark <= log end
//     offset; consumers read below the high watermark only, and retention
//     never moves the log start past it.
//   - A delayed operation completes exactly once; no lock is held while
//     anyone waits for one.
//   - Close expires the waiting operations, closes every connection, stops
//     the maintenance goroutine, and only then writes the checkpoints and
//     the clean-shutdown marker.
//
// Reference: docs/reference/kafka.md §1 (wire protocol), §2 (formats), §3
// (storage), §11 (Kafka 2.3's versions); AK 2.3 KafkaApis,
// ReplicaManager, DelayedOperationPurgatory; franz-go pkg/kfake.
package broker
