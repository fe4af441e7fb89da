package client

import (
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
)

// Sentinel errors of the client itself (not Kafka error codes).
var (
	// ErrClosed: the client, connection, producer or consumer is closed.
	ErrClosed = errors.New("client: closed")
	// ErrUnsupported: the broker does not offer a version of an API we speak.
	ErrUnsupported = errors.New("client: unsupported by the broker")
	// ErrNoBrokers: no seed broker answered, or Config.Brokers is empty.
	ErrNoBrokers = errors.New("client: no reachable broker")
	// ErrUnknownPartition: the topic exists but not that partition.
	ErrUnknownPartition = errors.New("client: no such partition")
	// ErrNotAssigned: a consumer call named a partition it does not consume.
	ErrNotAssigned = errors.New("client: partition not assigned")
)

// Error is a Kafka error code a broker answered for one topic or
// partition. It unwraps to franz-go's *kerr.Error for that code, so
// callers test it with errors.Is(err, kerr.OffsetOutOfRange) and friends.
type Error struct {
	Op        string // "produce", "fetch", "list offsets", "metadata", "create topics"
	Topic     string
	Partition int32 // -1 for topic-level errors
	Err       *kerr.Error
	Message   string // the broker's error message, when it sent one
}

func (e *Error) Error() string {
	where := e.Topic
	if e.Partition >= 0 {
		where = fmt.Sprintf("%s [%d]", e.Topic, e.Partition)
	}
	s := fmt.Sprintf("%s %s: %s", e.Op, where, e.Err.Message)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// codeErr returns nil for error code 0, else an *Error for the code.
func codeErr(op, topic string, partition int32, code int16, msg *string) error {
	if code == 0 {
		return nil
	}
	e := &Error{Op: op, Topic: topic, Partition: partition, Err: kerr.TypedErrorForCode(code)}
	if msg != nil {
		e.Message = *msg
	}
	return e
}

// retriable reports a Kafka error that a fresh metadata lookup and a retry
// may cure (the leader moved, the topic is still being created).
func retriable(err error) bool {
	return errors.Is(err, kerr.NotLeaderForPartition) || errors.Is(err, kerr.LeaderNotAvailable) ||
		errors.Is(err, kerr.UnknownTopicOrPartition) || errors.Is(err, kerr.RequestTimedOut)
}

var (
	kerrUnknownTopic       = kerr.UnknownTopicOrPartition
	kerrLeaderNotAvailable = kerr.LeaderNotAvailable
)
