// Package zkerr holds ZooKeeper's error codes (KeeperException.Code) as a
// Go error type.
//
// A Code travels on the wire in ReplyHeader.err and in multi results. The
// same value is the Go error our packages return, so a caller can write
//
//	if errors.Is(err, zkerr.NoNode) { ... }
//
// and the server can put the code straight back on the wire with CodeOf.
package zkerr
