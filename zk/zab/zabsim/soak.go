package zabsim

import (
	"os"
	"strconv"
	"testing"
)

// Schedules is how many random fault schedules a nemesis suite runs: 200
// in `make test` (40 with -short), $ZAB_SOAK under `make soak`
// (e.g. ZAB_SOAK=5000).
func Schedules(t testing.TB) int {
	t.Helper()
	if s := os.Getenv("ZAB_SOAK"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("ZAB_SOAK=%q is not a positive number", s)
		}
		return n
	}
	if testing.Short() {
		return 40
	}
	return 200
}
