package interop

import (
	"fmt"

	"github.com/go-zookeeper/zk"
)

// codeOf turns a go-zookeeper error back into its wire code, so tests can
// compare servers by code. go-zk maps only some codes to sentinels and
// prints the rest as "unknown error: N".
func codeOf(err error) int32 {
	if err == nil {
		return 0
	}
	for code, e := range map[int32]error{
		-100: zk.ErrAPIError, -101: zk.ErrNoNode, -102: zk.ErrNoAuth, -103: zk.ErrBadVersion,
		-108: zk.ErrNoChildrenForEphemerals, -110: zk.ErrNodeExists, -111: zk.ErrNotEmpty,
		-112: zk.ErrSessionExpired, -114: zk.ErrInvalidACL, -115: zk.ErrAuthFailed,
		-116: zk.ErrClosing, -117: zk.ErrNothing, -118: zk.ErrSessionMoved,
		-123: zk.ErrReconfigDisabled, -8: zk.ErrBadArguments,
	} {
		if err == e {
			return code
		}
	}
	var n int32
	if _, scanErr := fmt.Sscanf(err.Error(), "unknown error: %d", &n); scanErr == nil {
		return n
	}
	return -9999 // a client-side error (connection closed, invalid path, ...)
}
