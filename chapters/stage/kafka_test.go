package stage

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPowerCutKeepsSyncedBytes checks the CuttableFS: after a power cut a
// file holds its fsynced bytes (a .log also a torn half of the rest), and
// the disk refuses writes until Restore.
//
// Reference: docs/reference/kafka.md §3 "Recovery" (what a crash leaves for recovery).
func TestPowerCutKeepsSyncedBytes(t *testing.T) {
	dir := t.TempDir()
	fs := NewCuttableFS()
	log := filepath.Join(dir, "00000000000000000000.log")
	idx := filepath.Join(dir, "00000000000000000000.index")
	for _, name := range []string{log, idx} {
		f, err := fs.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(make([]byte, 100))
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
		f.Write(make([]byte, 40)) // not synced
		f.Close()
	}
	lost, err := fs.PowerCut()
	if err != nil {
		t.Fatal(err)
	}
	if lost[log] != 20 || lost[idx] != 40 {
		t.Fatalf("lost %v; want the .log to lose half its 40 unsynced bytes, the .index all 40", lost)
	}
	for name, want := range map[string]int64{log: 120, idx: 100} {
		if fi, _ := os.Stat(name); fi.Size() != want {
			t.Errorf("%s: %d bytes after the cut, want %d", filepath.Base(name), fi.Size(), want)
		}
	}
	if _, err := fs.OpenFile(filepath.Join(dir, "x"), os.O_RDWR|os.O_CREATE, 0o644); err == nil {
		t.Fatal("the disk took a create with the power off")
	}
	fs.Restore()
	if _, err := fs.OpenFile(filepath.Join(dir, "x"), os.O_RDWR|os.O_CREATE, 0o644); err != nil {
		t.Fatalf("after Restore: %v", err)
	}
}
