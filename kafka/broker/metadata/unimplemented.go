package metadata

import "github.com/zkafka/zkafka/labs/stub"

// Unimplemented reports the first lab 6 stub of this package a test
// called ("not implemented: lab 6 (Decide)"), so a failing graded test
// can say that a stub returned a zero value; nil in the reference, whose
// decide.go calls no stub.
func Unimplemented() error { return stub.First(6) }
