package zab

import "github.com/zkafka/zkafka/labs/stub"

// Unimplemented reports the first stub of a lab skeleton that was called
// ("not implemented: lab 3 (Proposals.Ack)"), lab 3's before lab 4's, or
// nil: always nil in the reference, whose files call no stub. Graded tests
// print it when they fail. The stubs record themselves in labs/stub, so
// the files a learner replaces hold no helper of their own.
func Unimplemented() error { return stub.First(3, 4) }
