// Package zpath is the grammar of znode paths: which strings name a znode,
// and how to split a path into its parent and its last component.
//
// A znode path is absolute ("/a/b"), has no empty components ("//"), no
// trailing slash (except the root "/" itself), no "." or ".." components,
// and no characters ZooKeeper reserves (NUL, the C0 and C1 control ranges,
// the surrogate and private-use ranges, and U+FFF0–U+FFFF). The rules are
// those of ZooKeeper's PathUtils.validatePath (docs/reference/zookeeper.md §1.5).
//
// A server validates a sequential create's path *after* appending the
// %010d suffix, so "/queue/" is a valid sequential prefix (it becomes
// "/queue/0000000007") although it is not a valid path on its own
// (PrepRequestProcessor.pRequest2TxnCreate). ValidateCreate is the
// client-side form of the same rule (PathUtils.validatePath(path, true)
// appends "1" before checking).
//
// # Invariants
//
//   - Every error returned here wraps zkerr.BadArguments, so
//     errors.Is(err, zkerr.BadArguments) holds and the server can put the
//     code straight on the wire with zkerr.CodeOf.
//   - Parent, Base and Join never panic, whatever the input.
package zpath
