// Package zkcheck records what ZooKeeper clients saw and checks it against
// ZooKeeper's consistency guarantees — the ones ZooKeeper actually makes,
// not plain linearizability.
//
// There are only a few types: Op (one client operation: call, return,
// result), Recorder (collects Ops as a simulated test runs), Check (the
// verdict) and Report.
//
// # What ZooKeeper promises
//
// (docs/reference/zookeeper.md §5; ZooKeeper Programmer's Guide, "Consistency
// Guarantees"; Hunt et al., "ZooKeeper: wait-free coordination", §2.3.)
//
//  1. Writes are linearizable: there is one order of all writes (the zxid
//     order), consistent with real time, that explains every result.
//  2. Each session is FIFO: its requests take effect in the order it sent
//     them, and a session never sees an older state than one it already
//     saw — its own writes included (single system image).
//  3. Reads are only sequentially consistent: a read is served from the
//     local replica, which may lag. A stale read is correct.
//  4. sync: a read after sync sees every write acknowledged before the sync
//     began.
//
// A plain linearizable key-value model rejects correct servers (3). So the
// check has two parts:
//
//   - Writes: porcupine searches for a linearization of the writes of each
//     path (a register with a version: create, setData, delete, with
//     NODEEXISTS/NONODE/BADVERSION results; unknown outcomes may or may not
//     have happened). On a violation its HTML visualization is written to
//     $ZKAFKA_ARTIFACTS (or the system temp dir) and the path is in the
//     report.
//   - Everything else uses the zxids the servers reported, which every
//     reply carries: a write's txn zxid, and for a read or sync the last
//     zxid the server had applied (its view). The checker first verifies
//     that the zxids are an honest witness (distinct, consistent with real
//     time, and replaying the writes in zxid order gives their results),
//     then that each read returned exactly what its path held at its view
//     (stale is fine, invented or mismatched is not), and that each
//     session's views never go backwards, its writes follow everything it
//     issued before, and a sync raises its floor to every acknowledged
//     write.
//
// # Recording a history
//
//	var rec zkcheck.Recorder
//	id := rec.Invoke(w.Now(), zkcheck.Op{Session: s, Kind: zkcheck.Set, Path: "/x", Value: "v7", Version: -1})
//	... later, when the reply arrives:
//	rec.Return(id, w.Now(), zkcheck.Result{Err: err, Zxid: hdr.Zxid})
//	...
//	if r := zkcheck.Check(rec.Ops(), zkcheck.Options{Name: t.Name(), Faults: w.Faults()}); !r.OK() {
//		t.Fatal(r)
//	}
//
// An op whose reply never came (or came as CONNECTIONLOSS, timeout,
// session expired) is Unknown: it may have happened. Give writes distinct
// values: a read's value and mzxid identify the write it saw.
//
// # Caveats
//
//   - Paths are independent registers under an existing parent; children,
//     multi, ephemerals and watches are not modelled. Exists is a read
//     whose Mzxid is checked like a get's (it has no data to compare).
//   - sync's guarantee is checked as documented. Real ZooKeeper's sync is
//     not a quorum operation (ZOOKEEPER-1675): with two leaders for a
//     moment, sync+read can be stale, and this checker would say so.
//   - A result only a write with unknown outcome could explain is not a
//     violation; the report says so in Notes.
//   - The linearizability search is NP-complete; Options.Timeout bounds it
//     (a timeout is a note, not a verdict).
package zkcheck
