package zab

import "github.com/zkafka/zkafka/labs/stub"

// Lab 3, part 2: the follower's side of broadcast — deliver committed
// proposals in zxid order (FollowerZooKeeperServer.logRequest/commit).
// This file replaces zk/zab/delivery.go.

// Delivery is a follower's queue of proposals it has logged but not yet
// delivered (applied). A COMMIT (or UPTODATE) names a zxid; Delivery
// releases every logged proposal up to it, oldest first.
//
// Invariants:
//   - Logged zxids strictly increase; every pending zxid is > LastCommitted.
//   - Commit never releases a zxid twice and never skips one: the
//     released sequence is exactly the logged sequence.
type Delivery struct {
	// Your fields here (lab 3).
}

// NewDelivery returns a queue whose state machine has applied everything
// up to lastCommitted.
//
// Contract: nothing is pending; LastCommitted is lastCommitted.
func NewDelivery(lastCommitted int64) *Delivery {
	// Your code here (lab 3).
	return &Delivery{}
}

// Logged records that zxid was logged.
//
// Contract: a zxid larger than the last pending zxid (with none pending,
// than LastCommitted) becomes pending. Any other zxid is an error, and
// nothing changes.
func (d *Delivery) Logged(zxid int64) error {
	// Your code here (lab 3).
	return stub.NotImplemented(3, "Delivery.Logged")
}

// Commit marks zxid committed and returns the zxids to apply now, in
// order.
//
// Contract: a zxid at or below LastCommitted is a duplicate: nothing is
// released, and no error. A pending zxid releases every pending zxid up
// to and including it, returned in increasing order; they are no longer
// pending, and zxid becomes LastCommitted. Any other zxid was never
// logged: an error (ZooKeeper's follower exits: "Committing zxid ... but
// next pending txn ..."), and nothing is released.
func (d *Delivery) Commit(zxid int64) ([]int64, error) {
	// Your code here (lab 3).
	return nil, stub.NotImplemented(3, "Delivery.Commit")
}

// Truncate forgets pending zxids above zxid (the leader sent TRUNC).
//
// Contract: the pending zxids above zxid are dropped; zxid itself and the
// ones below it stay pending. LastCommitted does not change.
func (d *Delivery) Truncate(zxid int64) {
	// Your code here (lab 3).
	stub.NotImplemented(3, "Delivery.Truncate")
}

// LastCommitted is the last zxid released (or the starting point).
//
// Contract: the zxid of the last Commit that released something; before
// any, NewDelivery's lastCommitted.
func (d *Delivery) LastCommitted() int64 {
	// Your code here (lab 3).
	stub.NotImplemented(3, "Delivery.LastCommitted")
	return 0
}

// Pending is the number of logged, undelivered zxids.
//
// Contract: how many zxids are pending: logged, and neither released by
// Commit nor dropped by Truncate.
func (d *Delivery) Pending() int {
	// Your code here (lab 3).
	stub.NotImplemented(3, "Delivery.Pending")
	return 0
}
