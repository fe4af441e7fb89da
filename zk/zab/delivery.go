package zab

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/zab/quorum"
)

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
	pending       []int64
	lastCommitted int64
}

// NewDelivery returns a queue whose state machine has applied everything
// up to lastCommitted.
//
// Contract: nothing is pending; LastCommitted is lastCommitted.
func NewDelivery(lastCommitted int64) *Delivery { return &Delivery{lastCommitted: lastCommitted} }

// Logged records that zxid was logged.
//
// Contract: a zxid larger than the last pending zxid (with none pending,
// than LastCommitted) becomes pending. Any other zxid is an error, and
// nothing changes.
func (d *Delivery) Logged(zxid int64) error {
	last := d.lastCommitted
	if n := len(d.pending); n > 0 {
		last = d.pending[n-1]
	}
	if zxid <= last {
		return fmt.Errorf("zab: logged %s after %s: zxids must increase", quorum.FormatZxid(zxid), quorum.FormatZxid(last))
	}
	d.pending = append(d.pending, zxid)
	return nil
}

// #region delivery-commit

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
	if zxid <= d.lastCommitted {
		return nil, nil
	}
	n := 0
	for n < len(d.pending) && d.pending[n] <= zxid {
		n++
	}
	if n == 0 || d.pending[n-1] != zxid {
		return nil, fmt.Errorf("zab: commit of %s, which was never logged", quorum.FormatZxid(zxid))
	}
	out := append([]int64(nil), d.pending[:n]...)
	d.pending = d.pending[n:]
	d.lastCommitted = zxid
	return out, nil
}

// #endregion delivery-commit

// Truncate forgets pending zxids above zxid (the leader sent TRUNC).
//
// Contract: the pending zxids above zxid are dropped; zxid itself and the
// ones below it stay pending. LastCommitted does not change.
func (d *Delivery) Truncate(zxid int64) {
	for i, z := range d.pending {
		if z > zxid {
			d.pending = d.pending[:i]
			return
		}
	}
}

// LastCommitted is the last zxid released (or the starting point).
//
// Contract: the zxid of the last Commit that released something; before
// any, NewDelivery's lastCommitted.
func (d *Delivery) LastCommitted() int64 { return d.lastCommitted }

// Pending is the number of logged, undelivered zxids.
//
// Contract: how many zxids are pending: logged, and neither released by
// Commit nor dropped by Truncate.
func (d *Delivery) Pending() int { return len(d.pending) }
