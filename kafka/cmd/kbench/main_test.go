package main

import (
	"testing"
	"time"
)

// TestBenchmarksRun runs each benchmark at a tiny size: they must finish,
// count what they wrote and read, and agree on the record counts.
func TestBenchmarksRun(t *testing.T) {
	dir := t.TempDir()
	app, rd, err := logBench(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	if app.records == 0 || rd.records != app.records {
		t.Fatalf("log bench appended %d records, read %d", app.records, rd.records)
	}
	p, c, err := kgoBench(dir, 100, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if p.records == 0 || c.records != p.records {
		t.Fatalf("kgo bench produced %d records, consumed %d", p.records, c.records)
	}
	p, c, err = clusterBench(dir, 1024, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if p.records == 0 || c.records != p.records {
		t.Fatalf("cluster bench produced %d records, consumed %d", p.records, c.records)
	}
}
