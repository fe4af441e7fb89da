package quorum

import "fmt"

// MaxCounter is the largest counter a zxid can carry. ZooKeeper forces a
// new election when a leader's counter would roll over
// (ZxidUtils, Leader.propose: "zxid lower 32 bits have rolled over").
const MaxCounter = 0xffffffff

// #region zxid

// MakeZxid is ZxidUtils.makeZxid: epoch<<32 | counter.
func MakeZxid(epoch, counter int64) int64 { return epoch<<32 | (counter & MaxCounter) }

// EpochOf is ZxidUtils.getEpochFromZxid.
func EpochOf(zxid int64) int64 { return zxid >> 32 }

// CounterOf is ZxidUtils.getCounterFromZxid.
func CounterOf(zxid int64) int64 { return zxid & MaxCounter }

// #endregion zxid

// FormatZxid prints a zxid the way ZooKeeper's logs do: 0x<hex>, with the
// epoch and counter spelled out, e.g. "0x200000003 (2,3)".
func FormatZxid(zxid int64) string {
	return fmt.Sprintf("0x%x (%d,%d)", zxid, EpochOf(zxid), CounterOf(zxid))
}

// Majority is the size of the smallest majority of n voters: n/2+1.
func Majority(n int) int { return n/2 + 1 }
