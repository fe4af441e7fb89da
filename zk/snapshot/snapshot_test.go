package snapshot_test

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/snapshot"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// fakeTree is a map of path → data, enough to exercise the fuzzy walk.
type fakeTree map[string][]byte

func (t fakeTree) GetData(p string) ([]byte, proto.Stat, error) {
	d, ok := t[p]
	if !ok {
		return nil, proto.Stat{}, zkerr.NoNode
	}
	return d, proto.Stat{DataLength: int32(len(d)), Mzxid: int64(len(p))}, nil
}

func (t fakeTree) GetACL(p string) ([]proto.ACL, proto.Stat, error) {
	return proto.OpenACLUnsafe, proto.Stat{}, nil
}

func (t fakeTree) Children(p string) ([]string, proto.Stat, error) {
	var out []string
	prefix := p + "/"
	if p == "/" {
		prefix = "/"
	}
	for q := range t {
		if q != "/" && strings.HasPrefix(q, prefix) && !strings.Contains(q[len(prefix):], "/") {
			out = append(out, q[len(prefix):])
		}
	}
	sort.Strings(out)
	return out, proto.Stat{}, nil
}

func read(t *testing.T, fs vfs.FS, dir string) (int64, []snapshot.Session, []snapshot.Node, bool) {
	t.Helper()
	var nodes []snapshot.Node
	z, sessions, found, err := snapshot.Newest(fs, dir, nil, func() { nodes = nil }, func(n snapshot.Node) error {
		nodes = append(nodes, n)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return z, sessions, nodes, found
}

// TestFuzzySnapshot: nodes untouched while the snapshot runs are all in it,
// parents come before children, and a node deleted mid-walk is skipped.
// Reference: paper §4.3 (fuzzy snapshots); docs/reference/zookeeper.md §4.
func TestFuzzySnapshot(t *testing.T) {
	r := sim.Rand(t)
	tree := fakeTree{"/": nil}
	for i := range 30 {
		p := fmt.Sprintf("/a%d", i%5)
		tree[p] = []byte(p)
		tree[fmt.Sprintf("%s/b%d", p, i)] = []byte{byte(i)}
	}
	stable := map[string]bool{}
	for p := range tree {
		stable[p] = true
	}
	fs := vfs.NewMem()
	sessions := []snapshot.Session{{ID: 7, Timeout: 4000}, {ID: 9, Timeout: 6000}}
	w, err := snapshot.Begin(fs, "/snap", 0x42, sessions)
	if err != nil {
		t.Fatal(err)
	}
	for step := 0; ; step++ {
		done, err := w.Step(tree, 1+r.IntN(4))
		if err != nil {
			t.Fatal(err)
		}
		if done {
			break
		}
		// Writes continue between steps.
		p := fmt.Sprintf("/new%d", step)
		tree[p] = []byte("x")
		if step == 2 {
			victim := "/a3/b8"
			delete(tree, victim)
			delete(stable, victim)
		}
	}
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	z, gotSessions, nodes, found := read(t, fs.Crash(nil), "/snap")
	if !found || z != 0x42 {
		t.Fatalf("found %v zxid %#x", found, z)
	}
	if diff := cmp.Diff(sessions, gotSessions); diff != "" {
		t.Fatalf("sessions (-want +got):\n%s", diff)
	}
	seen := map[string]bool{}
	for _, n := range nodes {
		if n.Path != "/" {
			parent := path.Dir(n.Path)
			if !seen[parent] {
				t.Fatalf("%s before its parent", n.Path)
			}
		}
		seen[n.Path] = true
	}
	for p := range stable {
		if !seen[p] {
			t.Errorf("stable node %s missing from the snapshot", p)
		}
	}
}

// TestNewestSkipsInvalid: a torn or corrupt newest snapshot is skipped in
// favour of an older valid one (FileSnap.findNValidSnapshots).
func TestNewestSkipsInvalid(t *testing.T) {
	fs := vfs.NewMem()
	tree := fakeTree{"/": nil, "/x": []byte("old")}
	if err := snapshot.Write(fs, "/snap", 5, nil, tree); err != nil {
		t.Fatal(err)
	}
	tree["/x"] = []byte("new")
	if err := snapshot.Write(fs, "/snap", 9, nil, tree); err != nil {
		t.Fatal(err)
	}
	name := path.Join("/snap", snapshot.FileName(9))
	good, _ := vfs.ReadFile(fs, name)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"truncated", good[:len(good)-5]},
		{"flipped", func() []byte { b := append([]byte(nil), good...); b[30] ^= 1; return b }()},
		{"empty", nil},
	} {
		vfs.WriteFileAtomic(fs, name, tc.data)
		z, _, nodes, found := read(t, fs, "/snap")
		if !found || z != 5 || string(nodes[len(nodes)-1].Data) != "old" {
			t.Errorf("%s: got snapshot %#x (found %v), want the older one, 5", tc.name, z, found)
		}
	}
	vfs.WriteFileAtomic(fs, name, good)
	if z, _, _, _ := read(t, fs, "/snap"); z != 9 {
		t.Fatalf("valid newest snapshot not chosen: %#x", z)
	}
	// Purge keeps the newest one and passes its zxid on.
	var purgedTo int64
	if err := snapshot.Purge(fs, "/snap", 1, func(z int64) error { purgedTo = z; return nil }); err != nil {
		t.Fatal(err)
	}
	if zs, _ := snapshot.List(fs, "/snap"); !cmp.Equal(zs, []int64{9}) || purgedTo != 9 {
		t.Fatalf("after Purge: %v, purged log to %d", zs, purgedTo)
	}
}

// TestTrigger: snapshots come every snapCount/2 .. snapCount txns.
// Reference: SyncRequestProcessor.shouldSnapshot.
func TestTrigger(t *testing.T) {
	tr := snapshot.NewTrigger(100, sim.Rand(t))
	last := 0
	for i := 1; i <= 10000; i++ {
		if tr.Logged() {
			if gap := i - last; gap <= 50 || gap > 100 {
				t.Fatalf("snapshot after %d txns, want 51..100", gap)
			}
			last = i
		}
	}
}

func FuzzDecode(f *testing.F) {
	fs := vfs.NewMem()
	snapshot.Write(fs, "/s", 1, []snapshot.Session{{ID: 1, Timeout: 2}}, fakeTree{"/": nil, "/a": []byte("x")})
	good, _ := vfs.ReadFile(fs, "/s/snapshot.1")
	f.Add(good)
	f.Add([]byte{})
	f.Add(good[:20])
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := snapshot.Decode(b, func(snapshot.Node) error { return nil })
		if err != nil && !errors.Is(err, snapshot.ErrInvalid) {
			t.Fatalf("error not ErrInvalid: %v", err)
		}
	})
}

// TestEncodeIsTheFile: Encode on a byte stream gives exactly the bytes
// Write puts in snapshot.<zxid> (a SNAP payload is a snapshot file), and
// Decode reads every node and session back.
func TestEncodeIsTheFile(t *testing.T) {
	tree := fakeTree{"/": nil, "/a": []byte("1"), "/a/b": []byte("22"), "/c": nil}
	sessions := []snapshot.Session{{ID: 3, Timeout: 5000}}
	var buf bytes.Buffer
	if err := snapshot.Encode(&buf, sessions, tree); err != nil {
		t.Fatal(err)
	}
	fs := vfs.NewMem()
	if err := snapshot.Write(fs, "/snap", 0x9, sessions, tree); err != nil {
		t.Fatal(err)
	}
	file, err := vfs.ReadFile(fs, "/snap/"+snapshot.FileName(0x9))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), file) {
		t.Fatalf("Encode gave %d bytes, the file has %d (or they differ)", buf.Len(), len(file))
	}
	var paths []string
	got, err := snapshot.Decode(buf.Bytes(), func(n snapshot.Node) error {
		paths = append(paths, n.Path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sessions, got); diff != "" {
		t.Errorf("sessions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"/", "/a", "/a/b", "/c"}, paths); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
}

// A writer that fails makes Encode fail with its error.
func TestEncodeReportsWriteErrors(t *testing.T) {
	boom := errors.New("disk full")
	err := snapshot.Encode(failWriter{boom}, nil, fakeTree{"/": nil})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want %v", err, boom)
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }
