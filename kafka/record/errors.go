package record

import (
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
)

// Error is a batch the broker must reject, with the Kafka error code to
// answer the produce request with. errors.Is(err, kerr.CorruptMessage) and
// errors.As(err, new(*kerr.Error)) both work: Error unwraps to its code.
type Error struct {
	Kafka  *kerr.Error // the code on the wire: kerr.CorruptMessage, kerr.MessageTooLarge, ...
	Reason string      // what exactly was wrong, for logs and learners
}

func (e *Error) Error() string {
	return fmt.Sprintf("record: %s (%s)", e.Reason, e.Kafka.Message)
}

// Unwrap returns the Kafka error, so errors.Is(err, kerr.CorruptMessage)
// holds for a corrupt batch.
func (e *Error) Unwrap() error { return e.Kafka }

// Code is the Kafka error code (2 for CORRUPT_MESSAGE).
func (e *Error) Code() int16 { return e.Kafka.Code }

// corrupt is the error for a batch that is not what it claims to be.
// Kafka 2.3 answers every such problem (bad CRC, bad sizes, bad magic on a
// v3+ produce, inconsistent offsets) with CORRUPT_MESSAGE, because its
// InvalidRecordException extended CorruptRecordException.
func corrupt(format string, args ...any) error {
	return &Error{Kafka: kerr.CorruptMessage, Reason: fmt.Sprintf(format, args...)}
}
