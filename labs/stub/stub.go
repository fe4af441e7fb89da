// Package stub records which stub of a lab skeleton a test called first,
// so that a failing graded test can say "not implemented: lab 3
// (Proposals.Ack)" before what its check saw: a stub returns a zero value,
// and that zero value is often the reason.
//
// A skeleton's stubs call NotImplemented; the learner deletes the calls as
// they write the functions. The package the lab replaces files of reports
// the first one through its Unimplemented function (zk/zab.Unimplemented
// is First(3, 4)); in the reference nothing calls NotImplemented, so that
// is nil. It lives outside the files a learner replaces, and outside the
// package they belong to, so that a lab directory still compiles on its
// own (`go build ./labs/03-zab-broadcast/zab`).
//
// The record is per test binary: the grader runs each graded test in a
// binary of its own, so there the stub named is one that test called.
package stub

import (
	"fmt"
	"sync"
)

var (
	mu    sync.Mutex
	first = map[int]string{} // lab → the first stub of it called
)

// NotImplemented records that the stub name of lab was called (the first
// one per lab is kept) and returns the error a stub returns:
// "not implemented: lab N (name)".
func NotImplemented(lab int, name string) error {
	mu.Lock()
	if _, ok := first[lab]; !ok {
		first[lab] = name
	}
	mu.Unlock()
	return fmt.Errorf("not implemented: lab %d (%s)", lab, name)
}

// First reports the first stub called of the first of labs that had one
// called, as NotImplemented's error, or nil if none was.
func First(labs ...int) error {
	mu.Lock()
	defer mu.Unlock()
	for _, l := range labs {
		if name, ok := first[l]; ok {
			return fmt.Errorf("not implemented: lab %d (%s)", l, name)
		}
	}
	return nil
}
