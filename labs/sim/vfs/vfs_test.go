package vfs_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// Both implementations honour the same FS behaviour.
func eachFS(t *testing.T, f func(t *testing.T, fs vfs.FS, dir string)) {
	t.Run("OS", func(t *testing.T) { f(t, vfs.OS{}, t.TempDir()) })
	t.Run("Mem", func(t *testing.T) {
		m := vfs.NewMem()
		if err := m.MkdirAll("/data", 0o755); err != nil {
			t.Fatal(err)
		}
		f(t, m, "/data")
	})
}

func TestFSBasics(t *testing.T) {
	eachFS(t, func(t *testing.T, fs vfs.FS, dir string) {
		name := filepath.Join(dir, "a")
		if _, err := fs.Stat(name); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("Stat of a missing file: %v, want ErrNotExist", err)
		}
		if _, err := vfs.Open(fs, name); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("Open of a missing file: %v, want ErrNotExist", err)
		}
		f, err := vfs.Create(fs, name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte("hello world")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteAt([]byte("W"), 6); err != nil {
			t.Fatal(err)
		}
		if sz, _ := f.Size(); sz != 11 {
			t.Fatalf("Size = %d, want 11", sz)
		}
		buf := make([]byte, 5)
		if n, err := f.ReadAt(buf, 6); n != 5 || err != nil || string(buf) != "World" {
			t.Fatalf("ReadAt = %d %v %q", n, err, buf)
		}
		if _, err := f.ReadAt(buf, 8); err != io.EOF {
			t.Fatalf("short ReadAt err = %v, want io.EOF", err)
		}
		if err := f.Truncate(5); err != nil {
			t.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if got, _ := vfs.ReadFile(fs, name); string(got) != "hello" {
			t.Fatalf("ReadFile = %q", got)
		}
		if _, err := fs.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644); !errors.Is(err, os.ErrExist) {
			t.Fatalf("O_EXCL on an existing file: %v", err)
		}
		af, err := fs.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		af.Write([]byte("!"))
		af.Close()
		if err := vfs.WriteFileAtomic(fs, filepath.Join(dir, "b"), []byte("bee")); err != nil {
			t.Fatal(err)
		}
		if err := fs.Rename(name, filepath.Join(dir, "c")); err != nil {
			t.Fatal(err)
		}
		names, err := fs.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(names); got != 2 || names[0] != "b" || names[1] != "c" {
			t.Fatalf("ReadDir = %v, want [b c]", names)
		}
		if got, _ := vfs.ReadFile(fs, filepath.Join(dir, "c")); string(got) != "hello!" {
			t.Fatalf("after append+rename: %q", got)
		}
		if err := fs.SyncDir(dir); err != nil {
			t.Fatal(err)
		}
		if err := fs.Remove(filepath.Join(dir, "c")); err != nil {
			t.Fatal(err)
		}
		if err := fs.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if _, err := fs.Stat(filepath.Join(dir, "b")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("after RemoveAll: %v", err)
		}
	})
}

func write(t *testing.T, f vfs.File, s string) {
	t.Helper()
	if _, err := f.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
}

func mustSync(t *testing.T, f vfs.File) {
	t.Helper()
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
}

// TestCrashKeepsSyncedBytes: with no rng, a crash keeps exactly what was
// fsynced and drops everything written after.
// Reference: vfs.go, "The durability contract".
func TestCrashKeepsSyncedBytes(t *testing.T) {
	m := vfs.NewMem()
	m.MkdirAll("/d", 0o755)
	f, _ := vfs.Create(m, "/d/log")
	m.SyncDir("/d")
	write(t, f, "synced;")
	mustSync(t, f)
	write(t, f, "lost")
	c := m.Crash(nil)
	got, err := vfs.ReadFile(c, "/d/log")
	if err != nil || string(got) != "synced;" {
		t.Fatalf("after crash: %q, %v; want \"synced;\"", got, err)
	}
	// The crashed disk is independent of the old one.
	write(t, f, "more")
	mustSync(t, f)
	if got, _ := vfs.ReadFile(c, "/d/log"); string(got) != "synced;" {
		t.Fatalf("old handle wrote into the crashed disk: %q", got)
	}
}

// TestCrashTornTail: with an rng, a file keeps its synced bytes plus some
// prefix of the unsynced tail, never anything else.
func TestCrashTornTail(t *testing.T) {
	r := sim.Rand(t)
	m := vfs.NewMem()
	m.MkdirAll("/d", 0o755)
	f, _ := vfs.Create(m, "/d/log")
	m.SyncDir("/d")
	write(t, f, "0123456789")
	mustSync(t, f)
	write(t, f, "abcdefghij")
	seen := map[int]bool{}
	for range 200 {
		got, err := vfs.ReadFile(m.Crash(r), "/d/log")
		if err != nil {
			t.Fatal(err)
		}
		want := "0123456789abcdefghij"
		if len(got) < 10 || !bytes.HasPrefix([]byte(want), got) {
			t.Fatalf("torn file %q is not synced bytes plus a prefix of the tail", got)
		}
		seen[len(got)] = true
	}
	if !seen[10] || len(seen) < 5 {
		t.Fatalf("crashes produced too few distinct tails: %v", seen)
	}
}

// TestCrashUndoesUnsyncedCreate: a file whose directory was never synced
// may vanish; with no rng it always does.
func TestCrashUndoesUnsyncedCreate(t *testing.T) {
	m := vfs.NewMem()
	m.MkdirAll("/d", 0o755)
	f, _ := vfs.Create(m, "/d/new")
	write(t, f, "x")
	mustSync(t, f) // data synced, but the name is not
	if _, err := m.Crash(nil).Stat("/d/new"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("unsynced create survived: %v", err)
	}
	m.SyncDir("/d")
	if got, _ := vfs.ReadFile(m.Crash(nil), "/d/new"); string(got) != "x" {
		t.Fatalf("synced create lost: %q", got)
	}
	m.Remove("/d/new")
	if _, err := m.Crash(nil).Stat("/d/new"); err != nil {
		t.Fatalf("unsynced remove was durable: %v", err)
	}
	m.SyncDir("/d")
	if _, err := m.Crash(nil).Stat("/d/new"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("synced remove undone: %v", err)
	}
}

// TestWriteFileAtomicUnderCrash: whatever prefix of the pending namespace
// operations survives, the file holds the old or the new contents.
// Reference: vfs.go, WriteFileAtomic.
func TestWriteFileAtomicUnderCrash(t *testing.T) {
	r := sim.Rand(t)
	m := vfs.NewMem()
	m.MkdirAll("/d", 0o755)
	if err := vfs.WriteFileAtomic(m, "/d/epoch", []byte("old")); err != nil {
		t.Fatal(err)
	}
	// Fail the directory sync so the rename stays pending.
	m.SetFault(vfs.FailNth(vfs.OpSyncDir, 1, vfs.ErrInjected, false))
	if err := vfs.WriteFileAtomic(m, "/d/epoch", []byte("new")); !errors.Is(err, vfs.ErrInjected) {
		t.Fatalf("WriteFileAtomic err = %v, want the injected fault", err)
	}
	seen := map[string]bool{}
	for range 100 {
		got, err := vfs.ReadFile(m.Crash(r), "/d/epoch")
		if err != nil {
			t.Fatal(err)
		}
		if s := string(got); s != "old" && s != "new" {
			t.Fatalf("torn atomic write: %q", got)
		}
		seen[string(got)] = true
	}
	if !seen["old"] || !seen["new"] {
		t.Fatalf("expected both outcomes over 100 crashes, saw %v", seen)
	}
}

// TestFaultInjection: FailNth fails exactly the n-th operation of a kind
// (and later ones if sticky), and a failed write changes nothing.
func TestFaultInjection(t *testing.T) {
	m := vfs.NewMem()
	m.MkdirAll("/d", 0o755)
	f, _ := vfs.Create(m, "/d/f")
	m.SetFault(vfs.FailNth(vfs.OpWrite, 2, vfs.ErrInjected, false))
	if _, err := f.Write([]byte("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("b")); !errors.Is(err, vfs.ErrInjected) {
		t.Fatalf("2nd write: %v", err)
	}
	if _, err := f.Write([]byte("c")); err != nil {
		t.Fatalf("3rd write (not sticky): %v", err)
	}
	if sz, _ := f.Size(); sz != 2 {
		t.Fatalf("size %d, want 2 (the failed write changed nothing)", sz)
	}
	m.SetFault(vfs.FailNth(vfs.OpSync, 1, vfs.ErrInjected, true))
	for range 3 {
		if err := f.Sync(); !errors.Is(err, vfs.ErrInjected) {
			t.Fatalf("sticky sync fault: %v", err)
		}
	}
	m.SetFault(nil)
	mustSync(t, f)
}

func TestMemErrors(t *testing.T) {
	m := vfs.NewMem()
	if _, err := vfs.Create(m, "/nodir/f"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("create without parent dir: %v", err)
	}
	m.MkdirAll("/d", 0o755)
	f, _ := vfs.Create(m, "/d/f")
	f.Close()
	if _, err := f.Write([]byte("x")); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
	r, _ := vfs.Open(m, "/d/f")
	if _, err := r.Write([]byte("x")); err == nil {
		t.Fatal("write to a read-only handle succeeded")
	}
	if err := m.Remove("/d"); err == nil {
		t.Fatal("removed a non-empty directory")
	}
	if err := m.Rename("/d/missing", "/d/x"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("rename of a missing file: %v", err)
	}
}
