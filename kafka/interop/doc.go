// Package interop checks that real Kafka clients work against our broker
// unchanged (chapter 5).
//
// In plain go test (part of make test): franz-go's kgo produces and
// consumes against broker.Start on 127.0.0.1:0 — keyed and unkeyed
// records, headers, every codec, multi-MB batches, kgo's default
// idempotence falling back to no producer id, ListOffsets, consuming from
// an offset, and topic auto-creation.
//
// Under the build tag interop (go test -tags interop ./kafka/interop/,
// run by make interop): kcat 1.7 (librdkafka 2.0) and kafka-python 2.0
// (Debian packages kcat and python3-kafka) against the same broker. Each
// test skips with a message naming the missing package. These tests
// check what the client really did, not only that records round-trip:
// they read the codec and magic of every batch from the segment files on
// disk (kcat -z per codec; kafka-python's gzip; kafka-python with
// api_version=(0,10,0), whose magic-1 message sets the broker up-converts)
// and log the API versions each client used (broker Config.OnRequest).
//
// Chapter 6's cluster (cluster_test.go, plain go test): three brokers on a
// three-member zk/server/cluster ensemble under a /kafka chroot; kgo
// creates a 6-partition RF 3 topic, produces keyed records (each on
// murmur2's partition) and consumes every partition; the znodes are
// checked byte for byte modulo host, port and timestamp; a stopped
// broker's partitions move to the next live replica and come back.
// Under -tags interop (cluster_interop_test.go): kcat -L -J lists the
// three brokers and every partition's leader, and the same steps on
// Debian's Apache ZooKeeper 3.8 write the same znode tree as on ours.
package interop
