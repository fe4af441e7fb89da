// Command kcli is a small kcat: it lists metadata, produces lines from
// stdin and consumes records to stdout, through zkafka's own client
// (kafka/client), with kcat's flags and output formats where a learner
// would compare the two.
//
//	kcli -b 127.0.0.1:9092 -L                      # like kcat -L
//	echo hello | kcli -b 127.0.0.1:9092 -t t -P     # produce a line
//	kcli -b 127.0.0.1:9092 -t t -P -K:              # key:value lines
//	kcli -b 127.0.0.1:9092 -t t -C -o beginning -e  # read everything, then exit
//	kcli -b 127.0.0.1:9092 -t t -C -f '%t [%p] @%o: %k=%s\n'
//
// Topic administration, like kafka-topics.sh and kafka-configs.sh
// (admin.go; the brokers must run on ZooKeeper to add partitions):
//
//	kcli topics -b h:9092 --create --topic t --partitions 6 --replication-factor 3 --config retention.ms=60000
//	kcli topics -b h:9092 --describe [--topic t]   # partition, leader, replicas, ISR
//	kcli topics -b h:9092 --alter --topic t --partitions 8
//	kcli configs -b h:9092 --describe --entity-type topics --entity-name t
//	kcli configs -b h:9092 --alter --entity-type topics --entity-name t --add-config segment.bytes=1048576 --delete-config retention.ms
//
// Differences from kcat: keyed records are partitioned with murmur2 like
// the Java client (kcat's default is librdkafka's consistent_random, CRC32;
// kcat -X partitioner=murmur2_random matches us), there are no consumer
// groups (-G) and -o stored is not supported.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
