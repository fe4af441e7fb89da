package broker

import (
	"errors"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/kafka/partition/assignment"
)

// codeOf is the Kafka error code to answer err with: its own code when it
// carries one (kerr errors, *record.Error), KAFKA_STORAGE_ERROR when the
// log went offline on an I/O error (AK takes the log dir offline), and
// UNKNOWN_SERVER_ERROR for anything else.
func codeOf(err error) int16 {
	if err == nil {
		return 0
	}
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return ke.Code
	}
	var ae *assignment.Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	if errors.Is(err, log.ErrOffline) {
		return kerr.KafkaStorageError.Code
	}
	return kerr.UnknownServerError.Code
}

// standaloneEpoch is every partition's leader epoch in standalone mode:
// the broker has led it since it was created. Chapter 7 makes it real
// (partition.leaderEpoch).
const standaloneEpoch int32 = 0

// checkEpoch is KIP-320 fencing: a client that saw an older leader epoch
// is FENCED_LEADER_EPOCH, one that saw a newer one UNKNOWN_LEADER_EPOCH;
// -1 means the client does not know.
func checkEpoch(current, leaderEpoch int32) error {
	switch {
	case current < 0 || current == leaderEpoch:
		return nil
	case current < leaderEpoch:
		return kerr.FencedLeaderEpoch
	default:
		return kerr.UnknownLeaderEpoch
	}
}
