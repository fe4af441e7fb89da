//go:build !interop

package interop

// Plain `go test` (make test) judges our server only; the apache target,
// kazoo, zkCli.sh and the differential test need the interop tag.
var targetNames = []string{"ours"}
