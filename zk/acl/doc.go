// Package acl is ZooKeeper's access control: who a session is (its ids),
// what an ACL grants, and how a client's ACL is checked and expanded
// before it is stored.
//
// A session collects ids as it authenticates: the server adds
// Id{"ip", clientAddr} when the connection is made, and each
// "addauth digest user:pw" adds Id{"digest", Digest("user","pw")}, plus
// Id{"super", ""} when that digest is the configured superDigest
// (DigestAuthenticationProvider.handleAuthentication; see AddAuth).
//
// An ACL is a list of {perms, id}. Schemes:
//
//	world  id "anyone": everybody.
//	auth   (only in requests) "every id this session has authenticated";
//	       Fixup expands it, so it is never stored.
//	digest id "user:base64(sha1(user:password))"; matches the same id.
//	ip     id "a.b.c.d" or "a.b.c.d/bits" (IPv4 only in 3.8); matches the
//	       session's ip id inside that network.
//	super  not an ACL scheme: a session holding Id{"super",""} passes every
//	       check.
//
// Which permission each operation needs, checked against ZooKeeper 3.8:
//
//	create, create2, createContainer, createTTL  CREATE on the parent   (PrepRequestProcessor.pRequest2TxnCreate)
//	delete                                       DELETE on the parent   (pRequest2Txn, case delete)
//	setData                                      WRITE on the node      (pRequest2Txn, case setData)
//	setACL                                       ADMIN on the node      (pRequest2Txn, case setACL)
//	check (in multi)                             READ on the node       (pRequest2Txn, case check)
//	getData, getChildren, getChildren2,
//	getAllChildrenNumber                         READ on the node       (FinalRequestProcessor)
//	getACL                                       READ or ADMIN; without ADMIN the digest
//	                                             ids come back masked "user:x" (FinalRequestProcessor, case getACL)
//	exists, sync                                 no check               (FinalRequestProcessor, case exists)
//
// Read is the table in code: ReadPerm(op).
//
// # Invariants
//
//   - An empty (or nil) stored ACL grants everything (ZooKeeperServer.checkACL).
//   - Fixup never returns an empty list and never returns an "auth" entry:
//     what it returns is what the tree stores.
//   - Nothing here panics on malformed ids; they are simply invalid.
package acl
