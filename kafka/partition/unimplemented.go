package partition

import "errors"

// lab6Stub remembers the first lab 6 stub called whose result type has no
// room for an error (Murmur2, ToPositive, ForKey in the skeleton); the
// reference never calls lab6NotImplemented.
var lab6Stub string

func lab6NotImplemented(msg string) {
	if lab6Stub == "" {
		lab6Stub = msg
	}
}

// Unimplemented reports the first lab 6 stub a test called ("not
// implemented: lab 6 (Murmur2)"), so a failing graded test can say a stub
// returned its zero value; nil in the reference.
func Unimplemented() error {
	if lab6Stub != "" {
		return errors.New(lab6Stub)
	}
	return nil
}
