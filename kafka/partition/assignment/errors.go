package assignment

import (
	"errors"
	"fmt"
)

// The kinds of refused assignment. Match them with errors.Is; the error
// itself is an *Error carrying Kafka's message and wire error code.
var (
	// ErrInvalidPartitions: the partition count is not positive (AK
	// InvalidPartitionsException, INVALID_PARTITIONS).
	ErrInvalidPartitions = errors.New("assignment: invalid number of partitions")
	// ErrInvalidReplicationFactor: the replication factor is not positive
	// or exceeds the brokers (AK InvalidReplicationFactorException,
	// INVALID_REPLICATION_FACTOR).
	ErrInvalidReplicationFactor = errors.New("assignment: invalid replication factor")
	// ErrRackInfo: some brokers have a rack and some do not (AK
	// AdminOperationException, which a 2.3 broker answers as
	// UNKNOWN_SERVER_ERROR with the message).
	ErrRackInfo = errors.New("assignment: incomplete rack information")
	// ErrInvalidBrokers: a broker id appears twice, or a Start field is
	// negative — inputs Kafka's callers never pass (ours: Assign refuses
	// them instead of placing two replicas on one broker).
	ErrInvalidBrokers = errors.New("assignment: invalid brokers or start")
)

// Kafka's error codes for the kinds (docs/reference/kafka.md §1; AK Errors).
const (
	codeUnknownServerError       int16 = -1
	codeInvalidRequest           int16 = 42
	codeInvalidPartitions        int16 = 37
	codeInvalidReplicationFactor int16 = 38
)

// Error is a refused assignment: Message is what a Kafka 2.3 broker says
// (the exception's message, word for word), Code the error code it
// answers CreateTopics or CreatePartitions with, Kind the sentinel it
// matches.
type Error struct {
	Kind    error
	Code    int16
	Message string
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Kind }

// The errors Assign returns, with Kafka's messages (AK 2.3.1
// AdminUtils.assignReplicasToBrokers).

// PartitionsNotPositive: a partition count <= 0.
func PartitionsNotPositive() error {
	return &Error{ErrInvalidPartitions, codeInvalidPartitions, "Number of partitions must be larger than 0."}
}

// ReplicationFactorNotPositive: a replication factor <= 0.
func ReplicationFactorNotPositive() error {
	return &Error{ErrInvalidReplicationFactor, codeInvalidReplicationFactor, "Replication factor must be larger than 0."}
}

// ReplicationFactorTooLarge: more replicas than brokers.
func ReplicationFactorTooLarge(replicationFactor, brokers int) error {
	return &Error{ErrInvalidReplicationFactor, codeInvalidReplicationFactor,
		fmt.Sprintf("Replication factor: %d larger than available brokers: %d.", replicationFactor, brokers)}
}

// PartialRacks: some brokers have a rack, some do not.
func PartialRacks() error {
	return &Error{ErrRackInfo, codeUnknownServerError, "Not all brokers have rack information for replica rack aware assignment."}
}

// DuplicateBroker: a broker id listed twice.
func DuplicateBroker(id int32) error {
	return &Error{ErrInvalidBrokers, codeInvalidRequest, fmt.Sprintf("Broker %d is listed more than once.", id)}
}

// NegativeStart: a negative Start field.
func NegativeStart(s Start) error {
	return &Error{ErrInvalidBrokers, codeInvalidRequest, fmt.Sprintf("Invalid start %+v: index, shift and partition must not be negative.", s)}
}
