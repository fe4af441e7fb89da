package zab

// Lab 3, part 2: the follower's side of broadcast — deliver committed
// proposals in zxid order (FollowerZooKeeperServer.logRequest/commit).

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
func NewDelivery(lastCommitted int64) *Delivery {
	return &Delivery{}
}

// Logged records that zxid was logged; it must be larger than every zxid
// logged or committed before (otherwise return an error).
func (d *Delivery) Logged(zxid int64) error {
	return lab3NotImplemented("Delivery.Logged")
}

// Commit marks zxid committed and returns the zxids to apply now, in
// order: every pending zxid <= zxid. A zxid at or below LastCommitted is a
// duplicate and returns nothing. A zxid that was never logged is an error
// (ZooKeeper's follower exits: "Committing zxid ... but next pending txn
// ..."), and nothing is released.
func (d *Delivery) Commit(zxid int64) ([]int64, error) {
	return nil, lab3NotImplemented("Delivery.Commit")
}

// Truncate forgets pending zxids above zxid (the leader sent TRUNC).
func (d *Delivery) Truncate(zxid int64) {
	lab3NotImplemented("Delivery.Truncate")
}

// LastCommitted is the last zxid released (or the starting point).
func (d *Delivery) LastCommitted() int64 {
	lab3NotImplemented("Delivery.LastCommitted")
	return 0
}

// Pending is the number of logged, undelivered zxids.
func (d *Delivery) Pending() int {
	lab3NotImplemented("Delivery.Pending")
	return 0
}
