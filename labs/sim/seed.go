// Package sim is the seeded simulated world labs and distributed tests run
// in. This file holds the piece every randomized test shares: its seed.
package sim

import (
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Seed returns the seed for a randomized test: $SEED if set (to replay a
// failure), otherwise a fresh one. If the test fails, the seed and the one
// command that replays it are logged, e.g.
//
//	SEED=1234 go test -run '^TestCreateModel$' ./zk/znode
//
// The grader picks the SEED= line out of the output and prints the matching
// `make test-chapter` command.
func Seed(t testing.TB) uint64 {
	t.Helper()
	var seed uint64
	if s := os.Getenv("SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("SEED=%q is not an unsigned integer", s)
		}
		seed = v
	} else {
		// The only place real time enters a test: choosing a fresh seed.
		seed = uint64(time.Now().UnixNano())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("SEED=%d (replay: SEED=%d go test -run '%s' <package>)", seed, seed, RunPattern(t.Name()))
		}
	})
	return seed
}

// RunPattern is the -run pattern that selects exactly the test or subtest
// named name: go test splits -run at each "/" and matches level by level,
// so "TestNemesis/33" must be "^TestNemesis$/^33$" (not "^TestNemesis/33$",
// which also runs subtest 133).
func RunPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// Rand returns a *rand.Rand seeded by Seed: the one RNG a test draws from.
func Rand(t testing.TB) *rand.Rand {
	t.Helper()
	s := Seed(t)
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}
