package interop

import (
	"fmt"
	"os"
	"testing"
)

// knownDivergences are differences between our server and Apache
// ZooKeeper 3.8 that the suites found and that zk/server has not fixed
// yet. For the "ours" target a check on a known divergence is logged, not
// failed, so make test stays green while the gap is on record; with
// INTEROP_STRICT=1 every check fails as usual (run it after a fix, then
// delete the entry).
//
// None are known now. (The last one, Stat.cversion not counting child
// deletes, was fixed in zk/znode: clients see 2×creates − numChildren, as
// DataNode.copyStat computes it.)
var knownDivergences = map[string]string{}

func strict() bool { return os.Getenv("INTEROP_STRICT") != "" }

// known reports whether a check on divergence name should be relaxed for tg.
func known(tg *target, name string) bool {
	_, ok := knownDivergences[name]
	return ok && tg.name == "ours" && !strict()
}

// errorfUnlessKnown fails the test, or only logs if the failure is the
// known divergence name on our server.
func errorfUnlessKnown(t *testing.T, tg *target, name, format string, args ...any) {
	t.Helper()
	if known(tg, name) {
		t.Logf("KNOWN DIVERGENCE %s (%s): %s", name, knownDivergences[name], fmt.Sprintf(format, args...))
		return
	}
	t.Errorf(format, args...)
}
