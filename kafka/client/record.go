package client

import (
	"time"

	"github.com/zkafka/zkafka/kafka/record"
)

// Record is one Kafka record as the Producer takes it and the Consumer
// returns it.
type Record struct {
	Topic     string
	Partition int32 // chosen by the producer unless ProducerConfig.ManualPartition
	Offset    int64 // set by the broker (Producer results, Consumer)
	Timestamp time.Time
	Key       []byte // nil is Kafka's null key (and partitions stickily)
	Value     []byte
	Headers   []record.RecordHeader

	// LeaderEpoch is the partitionLeaderEpoch of the batch the record came
	// in (Consumer only).
	LeaderEpoch int32
}
