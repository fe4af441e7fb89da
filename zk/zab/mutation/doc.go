// Package mutation checks the checkers: it plants, one at a time, each bug
// issue 9 fixed (and a bug the fixes never had: a leader committing a
// later proposal before an earlier one), and counts how many random
// nemesis schedules the simulator suites need to catch it.
//
// A mutant is a textual edit of one reference file. The harness never
// touches the working tree: it writes the edited copy to a temporary
// directory and builds the suites with go's -overlay flag (the grader's
// own mechanism for swapping a learner's files in), so it is safe to run
// while others work in the same checkout.
//
//	go test -tags mutation -run TestMutants -v -timeout 2h ./zk/zab/mutation
//	MUTANT=bug2-epochs-before-log ZAB_SOAK=1000 go test -tags mutation ...
//
// For each mutant and suite it prints the first failing schedule index
// (of $ZAB_SOAK, default 1000), that schedule's SEED, and the command that
// replays it (with the overlay it wrote, kept under $ZKAFKA_ARTIFACTS if
// set). A mutant that no suite catches fails the test, unless it is
// marked equivalent: a change no schedule can observe, because another
// part of the protocol already prevents the state it would go wrong in
// (say so in its note, and name the deterministic test that pins it).
package mutation
