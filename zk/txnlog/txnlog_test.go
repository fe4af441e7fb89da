package txnlog_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/txnlog"
)

const dir = "/data/version-2"

func mkTxn(r *rand.Rand, zxid int64) proto.Txn {
	data := make([]byte, r.IntN(40))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	hdr := proto.TxnHeader{ClientID: 0x100, Cxid: int32(zxid), Zxid: zxid, Time: 1700000000000 + zxid, Type: proto.OpSetData}
	switch r.IntN(3) {
	case 0:
		hdr.Type = proto.OpCreate
		return proto.Txn{Header: hdr, Record: &proto.CreateTxn{Path: fmt.Sprintf("/n%d", zxid), Data: data, ACL: proto.OpenACLUnsafe, ParentCVersion: int32(zxid)}}
	case 1:
		hdr.Type = proto.OpError
		return proto.Txn{Header: hdr, Record: &proto.ErrorTxn{Err: -101}}
	}
	return proto.Txn{Header: hdr, Record: &proto.SetDataTxn{Path: "/a", Data: data, Version: int32(zxid)}}
}

func open(t *testing.T, fs vfs.FS) *txnlog.Log {
	t.Helper()
	l, err := txnlog.Open(fs, dir, txnlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func readAll(t *testing.T, it *txnlog.Iterator) []proto.Txn {
	t.Helper()
	var out []proto.Txn
	for it.Next() {
		out = append(out, it.Txn())
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAppendCommitReopen(t *testing.T) {
	r := sim.Rand(t)
	fs := vfs.NewMem()
	l := open(t, fs)
	var want []proto.Txn
	for z := int64(1); z <= 50; z++ {
		txn := mkTxn(r, z)
		want = append(want, txn)
		if err := l.Append(&txn); err != nil {
			t.Fatal(err)
		}
		if z%7 == 0 {
			if err := l.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		if z%20 == 0 {
			if err := l.Roll(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := txnlog.Files(fs, dir)
	if diff := cmp.Diff([]string{"log.1", "log.15", "log.29"}, files); diff != "" {
		// Files are named by their first zxid in hex: 21 = 0x15, 41 = 0x29.
		t.Fatalf("files (-want +got):\n%s", diff)
	}
	l = open(t, fs)
	if l.LastZxid() != 50 {
		t.Fatalf("LastZxid = %d, want 50", l.LastZxid())
	}
	if diff := cmp.Diff(want, readAll(t, l.Iterator(0))); diff != "" {
		t.Fatalf("replayed txns (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want[29:], readAll(t, l.Iterator(30))); diff != "" {
		t.Fatalf("Iterator(30) (-want +got):\n%s", diff)
	}
	if got := readAll(t, txnlog.ReadFrom(fs, dir, 45)); len(got) != 6 || got[0].Header.Zxid != 45 {
		t.Fatalf("ReadFrom(45) gave %d txns", len(got))
	}
	// Appending after a reopen starts a new file and keeps the order.
	txn := mkTxn(r, 51)
	if err := l.Append(&txn); err != nil {
		t.Fatal(err)
	}
	old := mkTxn(r, 51)
	if err := l.Append(&old); !errors.Is(err, txnlog.ErrZxidOrder) {
		t.Fatalf("appending zxid 51 twice: %v, want ErrZxidOrder", err)
	}
}

// TestGroupCommit: one Commit covers a batch with a single fsync.
// Reference: docs/reference/zookeeper.md §4, "Group commit"; SyncRequestProcessor.flush.
func TestGroupCommit(t *testing.T) {
	r := sim.Rand(t)
	fs := vfs.NewMem()
	syncs := 0
	fs.SetFault(func(op vfs.Op, _ string) error {
		if op == vfs.OpSync {
			syncs++
		}
		return nil
	})
	l := open(t, fs)
	for z := int64(1); z <= 100; z++ {
		txn := mkTxn(r, z)
		l.Append(&txn)
	}
	if l.Pending() != 100 {
		t.Fatalf("Pending = %d", l.Pending())
	}
	if err := l.Commit(); err != nil {
		t.Fatal(err)
	}
	if syncs != 1 || l.Pending() != 0 {
		t.Fatalf("100 appends + Commit did %d fsyncs, want 1", syncs)
	}
}

// TestCrashKeepsCommitted: whatever the crash leaves, recovery keeps every
// committed txn, drops the torn tail, and the log is a prefix of what was
// appended.
// Reference: docs/reference/zookeeper.md §4, "fsync before ACK"; FileTxnLog recovery.
func TestCrashKeepsCommitted(t *testing.T) {
	r := sim.Rand(t)
	for trial := range 200 {
		fs := vfs.NewMem()
		l := open(t, fs)
		var appended []proto.Txn
		committed := 0
		steps := 1 + r.IntN(40)
		for range steps {
			switch r.IntN(10) {
			case 0:
				if err := l.Roll(); err != nil {
					t.Fatal(err)
				}
				committed = len(appended)
			case 1, 2:
				if err := l.Commit(); err != nil {
					t.Fatal(err)
				}
				committed = len(appended)
			case 3:
				l.Flush() // written, not synced: may or may not survive
			default:
				txn := mkTxn(r, int64(len(appended)+1))
				if err := l.Append(&txn); err != nil {
					t.Fatal(err)
				}
				appended = append(appended, txn)
			}
		}
		crashed := fs.Crash(r)
		l2 := open(t, crashed)
		got := readAll(t, l2.Iterator(0))
		if len(got) < committed {
			t.Fatalf("trial %d: %d txns survived, %d were committed", trial, len(got), committed)
		}
		if diff := cmp.Diff(appended[:len(got)], got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("trial %d: recovered log is not a prefix of the appended txns:\n%s", trial, diff)
		}
		if l2.LastZxid() != int64(len(got)) {
			t.Fatalf("trial %d: LastZxid %d after recovering %d txns", trial, l2.LastZxid(), len(got))
		}
		// The recovered log takes new appends and survives another reopen.
		next := mkTxn(r, int64(len(got)+1))
		if err := l2.Append(&next); err != nil {
			t.Fatalf("trial %d: append after recovery: %v", trial, err)
		}
		if err := l2.Commit(); err != nil {
			t.Fatal(err)
		}
		got = readAll(t, open(t, crashed.Crash(nil)).Iterator(0))
		if len(got) == 0 || got[len(got)-1].Header.Zxid != next.Header.Zxid {
			t.Fatalf("trial %d: txn appended after recovery lost", trial)
		}
	}
}

// TestCorruptTail: a flipped byte in the last entry (payload, checksum,
// length or end-of-record) cuts the log just before that entry.
func TestCorruptTail(t *testing.T) {
	r := sim.Rand(t)
	for _, where := range []string{"checksum", "length", "payload", "eor", "garbage"} {
		t.Run(where, func(t *testing.T) {
			fs := vfs.NewMem()
			l := open(t, fs)
			for z := int64(1); z <= 5; z++ {
				txn := mkTxn(r, z)
				l.Append(&txn)
			}
			l.Close()
			name := path.Join(dir, "log.1")
			data, _ := vfs.ReadFile(fs, name)
			// Find the start of the last entry by re-encoding the first four.
			off := txnlog.HeaderSize
			for range 4 {
				_, n, err := txnlog.DecodeEntry(data[off:])
				if err != nil {
					t.Fatal(err)
				}
				off += n
			}
			switch where {
			case "checksum":
				data[off+7] ^= 1
			case "length":
				data[off+11] ^= 0x40
			case "payload":
				data[off+20] ^= 0xff
			case "eor":
				data[len(data)-1] = 0x43
			case "garbage":
				data = append(data, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14)
				off = len(data) - 14
			}
			if err := vfs.WriteFileAtomic(fs, name, data); err != nil {
				t.Fatal(err)
			}
			l = open(t, fs)
			got := readAll(t, l.Iterator(0))
			want := 4
			if where == "garbage" {
				want = 5
			}
			if len(got) != want {
				t.Fatalf("recovered %d txns, want %d", len(got), want)
			}
			if sz, _ := fs.Stat(name); sz.Size() != int64(off) {
				t.Fatalf("file cut to %d bytes, want %d", sz.Size(), off)
			}
		})
	}
}

// TestTornHeader: a file whose header never reached the disk is removed.
func TestTornHeader(t *testing.T) {
	r := sim.Rand(t)
	fs := vfs.NewMem()
	l := open(t, fs)
	txn := mkTxn(r, 1)
	l.Append(&txn)
	l.Roll()
	txn2 := mkTxn(r, 2)
	l.Append(&txn2)
	l.Flush()
	// Create the file durably but keep only 3 bytes of its header.
	f, _ := fs.OpenFile(path.Join(dir, "log.2"), 2, 0)
	f.Truncate(3)
	f.Sync()
	fs.SyncDir(dir)
	l = open(t, fs)
	if files, _ := txnlog.Files(fs, dir); len(files) != 1 || l.LastZxid() != 1 {
		t.Fatalf("files %v, LastZxid %d; want [log.1] and 1", files, l.LastZxid())
	}
	// The next append can reuse the name.
	if err := l.Append(&txn2); err != nil {
		t.Fatal(err)
	}
	if err := l.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestTruncate drops txns above a zxid, across files (chapter 4, TRUNC).
// Reference: docs/reference/zookeeper.md §3, "TRUNC"; FileTxnLog.truncate.
func TestTruncate(t *testing.T) {
	r := sim.Rand(t)
	fs := vfs.NewMem()
	l := open(t, fs)
	var all []proto.Txn
	for z := int64(1); z <= 30; z++ {
		txn := mkTxn(r, z)
		all = append(all, txn)
		l.Append(&txn)
		if z%10 == 0 {
			l.Roll()
		}
	}
	cut := int64(1 + r.IntN(29))
	if err := l.Truncate(cut); err != nil {
		t.Fatal(err)
	}
	if l.LastZxid() != cut {
		t.Fatalf("LastZxid after Truncate(%d) = %d", cut, l.LastZxid())
	}
	if diff := cmp.Diff(all[:cut], readAll(t, open(t, fs.Crash(nil)).Iterator(0)), cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("after Truncate(%d) and a crash (-want +got):\n%s", cut, diff)
	}
	txn := mkTxn(r, cut+1)
	if err := l.Append(&txn); err != nil {
		t.Fatal(err)
	}
	if err := l.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, l.Iterator(cut+1)); len(got) != 1 {
		t.Fatalf("after Truncate+Append: %d txns from %d", len(got), cut+1)
	}
}

func TestPurge(t *testing.T) {
	r := sim.Rand(t)
	fs := vfs.NewMem()
	l := open(t, fs)
	for z := int64(1); z <= 30; z++ {
		txn := mkTxn(r, z)
		l.Append(&txn)
		if z%10 == 0 {
			l.Roll() // files log.1, log.b (11), log.15 (21)
		}
	}
	// A snapshot at 15 still needs 16.. from log.b.
	if err := txnlog.Purge(fs, dir, 15); err != nil {
		t.Fatal(err)
	}
	files, _ := txnlog.Files(fs, dir)
	if diff := cmp.Diff([]string{"log.b", "log.15"}, files); diff != "" {
		t.Fatalf("after Purge(15) (-want +got):\n%s", diff)
	}
	// A snapshot at 20 needs only 21.., which starts log.15.
	txnlog.Purge(fs, dir, 20)
	files, _ = txnlog.Files(fs, dir)
	if diff := cmp.Diff([]string{"log.15"}, files); diff != "" {
		t.Fatalf("after Purge(20) (-want +got):\n%s", diff)
	}
}

// TestTruncateAfterPurge checks that an open Log iterates and truncates
// after Purge removed its oldest files behind its back (the server purges
// by directory while the log stays open; a follower told TRUNC then cuts
// the live log).
//
// Reference: docs/reference/zookeeper.md §3 (TRUNC), §4 (purge after snapshot).
func TestTruncateAfterPurge(t *testing.T) {
	r := sim.Rand(t)
	fs := vfs.NewMem()
	l := open(t, fs)
	for z := int64(1); z <= 30; z++ {
		txn := mkTxn(r, z)
		l.Append(&txn)
		if z%10 == 0 {
			l.Roll()
		}
	}
	if err := txnlog.Purge(fs, dir, 20); err != nil {
		t.Fatal(err)
	}
	it := l.Iterator(21)
	n := 0
	for it.Next() {
		n++
	}
	if it.Err() != nil || n != 10 {
		t.Fatalf("iterating after purge: %d txns, err %v; want 10, nil", n, it.Err())
	}
	if err := l.Truncate(25); err != nil {
		t.Fatalf("Truncate after purge: %v", err)
	}
	if l.LastZxid() != 25 {
		t.Fatalf("LastZxid after Truncate(25) = %d", l.LastZxid())
	}
}

// TestFailedSyncPoisons: after a failed fsync the log refuses writes.
func TestFailedSyncPoisons(t *testing.T) {
	r := sim.Rand(t)
	fs := vfs.NewMem()
	l := open(t, fs)
	fs.SetFault(vfs.FailNth(vfs.OpSync, 1, vfs.ErrInjected, false))
	txn := mkTxn(r, 1)
	l.Append(&txn)
	if err := l.Commit(); !errors.Is(err, vfs.ErrInjected) {
		t.Fatalf("Commit = %v, want the injected fault", err)
	}
	txn2 := mkTxn(r, 2)
	if err := l.Append(&txn2); !errors.Is(err, txnlog.ErrFailed) {
		t.Fatalf("Append after failure = %v, want ErrFailed", err)
	}
}

func TestFileNames(t *testing.T) {
	if got := txnlog.FileName(0x100000001); got != "log.100000001" {
		t.Fatalf("FileName = %q", got)
	}
	for _, bad := range []string{"log.", "log.xyz", "snapshot.1", "log"} {
		if _, ok := txnlog.ParseFileName(bad); ok {
			t.Errorf("ParseFileName(%q) accepted", bad)
		}
	}
	if z, ok := txnlog.ParseFileName("log.2a"); !ok || z != 42 {
		t.Errorf("ParseFileName(log.2a) = %d %v", z, ok)
	}
}

// FuzzDecodeEntry: the entry decoder never panics and either consumes a
// well-formed entry that re-encodes identically or returns an error.
func FuzzDecodeEntry(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	for z := int64(1); z <= 5; z++ {
		txn := mkTxn(r, z)
		f.Add(txnlog.AppendEntry(nil, &txn))
	}
	multi := proto.Txn{Header: proto.TxnHeader{Zxid: 9, Type: proto.OpMulti}, Record: &proto.MultiTxn{Txns: []proto.SubTxn{
		{Type: proto.OpDelete, Txn: &proto.DeleteTxn{Path: "/x"}},
		{Type: proto.OpError, Txn: &proto.ErrorTxn{Err: -2}},
	}}}
	f.Add(txnlog.AppendEntry(nil, &multi))
	f.Add([]byte{})
	f.Add(make([]byte, 13))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0xff, 0xff, 0xff, 0x42})
	f.Fuzz(func(t *testing.T, b []byte) {
		txn, n, err := txnlog.DecodeEntry(b)
		if err != nil {
			if n != 0 {
				t.Fatalf("error %v with n=%d", err, n)
			}
			return
		}
		if n <= 0 || n > len(b) {
			t.Fatalf("n = %d for %d bytes", n, len(b))
		}
		again := txnlog.AppendEntry(nil, &txn)
		if _, n2, err := txnlog.DecodeEntry(again); err != nil || n2 != len(again) {
			t.Fatalf("re-encoded entry does not decode: %v", err)
		}
	})
}
