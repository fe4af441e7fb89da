//go:build interop

package interop

// `go test -tags interop` (make interop) runs every scenario against real
// Apache ZooKeeper too: the scenarios are proven on the real thing.
var targetNames = []string{"apache", "ours"}
