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
