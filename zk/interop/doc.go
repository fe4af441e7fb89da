// Package interop is where the real clients judge our ZooKeeper server.
//
// A reimplementation is only as good as its agreement with the real thing,
// so every scenario here is written and first run against Apache ZooKeeper
// 3.8 (the "apache" target, a real Java process started from the Debian
// package) and only then pointed at our server (the "ours" target, started
// in process). A scenario that fails against Apache is a bug in the test,
// not in a server: the tester is tested first.
//
// The judges are the three clients zkafka promises to serve unchanged:
//
//   - go-zookeeper/zk 1.0.4, driven from Go (suite_test.go): CRUD, versions
//     and errors, sequential and ephemeral nodes, watches and their order,
//     multi, the Lock recipe, session expiry, four-letter words;
//   - kazoo 2.8 (kazoo_scenarios.py, driven by kazoo_test.go);
//   - zkCli.sh 3.8 (zkcli_test.go), whose printed output is compared between
//     the two servers after normalising zxids, times and session ids.
//
// A differential test (diff_test.go) runs the same seeded random operation
// sequence against both servers in lock step and stops at the first op
// whose outcome differs, printing the seed that replays it.
//
// Plain `go test ./zk/interop/` runs the go-zookeeper suite against our
// server only (fast, part of make test). `go test -tags interop
// ./zk/interop/` adds the apache target, kazoo, zkCli.sh and the
// differential test; those skip with a clear message when Apache ZooKeeper
// or kazoo is not installed.
//
// This file's package also exports the harness the benchmark reuses:
// StartApache launches a real ZooKeeper on 127.0.0.1, FourLetterWord sends
// a four-letter word.
//
// # Invariants
//
//   - Every server a test starts listens on 127.0.0.1 only, on a free port,
//     with its data in a temporary directory, and is stopped by the test.
//   - Tests never sleep to wait for something: they wait on a client's
//     event channel or poll a condition with a deadline.
//   - Each scenario works under its own root znode, so scenarios sharing a
//     server cannot see each other.
package interop
