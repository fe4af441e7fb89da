package ready_test

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/ready"
)

// A small core that is not ZAB: a replicated register's primary. Each
// Set(v) asks for one Ready: make v durable, then tell the client "v is
// stored". Its contract is the one every core in zkafka has in some form:
// nothing is acknowledged before it is durable.
type register struct {
	pending []int
	stored  int
	readies int // Readys handed out
	advance int // Readys advanced
}

type regReady struct{ vals []int }

func (c *register) Set(v int)       { c.pending = append(c.pending, v) }
func (c *register) HasReady() bool  { return len(c.pending) > 0 }
func (c *register) Ready() regReady { c.readies++; return regReady{vals: c.pending} }
func (c *register) Advance(rd regReady) {
	c.advance++
	c.stored = rd.vals[len(rd.vals)-1]
	c.pending = c.pending[len(rd.vals):]
}

// node is the register's runtime: the same carry-out code whether the
// file system and network are real or simulated.
type node struct {
	fs    vfs.FS
	send  func(int) error
	order string // "durable-first" (correct) or "ack-first" (a planted bug)
}

func (n node) carryOut(rd regReady) error {
	last := rd.vals[len(rd.vals)-1]
	write := func() error {
		return vfs.WriteFileAtomic(n.fs, "/reg", []byte(strconv.Itoa(last)))
	}
	if n.order == "ack-first" {
		for _, v := range rd.vals {
			if err := n.send(v); err != nil {
				return err
			}
		}
		return write()
	}
	if err := write(); err != nil {
		return err
	}
	for _, v := range rd.vals {
		if err := n.send(v); err != nil {
			return err
		}
	}
	return nil
}

// run drives three Sets through the runtime, killing the process at the
// kill-th crash point (0: never). It returns the acknowledged values, the
// value the disk holds after the crash, the points met, and whether the
// process was killed.
func run(t *testing.T, order string, kill int) (acked []int, durable int, points []ready.Point, crashed bool) {
	t.Helper()
	mem := vfs.NewMem()
	met := 0
	faults := ready.Faults(func(p ready.Point) bool {
		points = append(points, p)
		met++
		return met == kill
	})
	n := node{fs: ready.FS(mem, faults), order: order,
		send: ready.Sender(func(v int) { acked = append(acked, v) }, faults)}
	c := &register{}
	for v := 1; v <= 3; v++ {
		c.Set(v)
		advanced := c.advance
		err := ready.Pump[regReady](c, n.carryOut)
		if errors.Is(err, ready.ErrCrashed) {
			if c.advance != advanced {
				t.Fatalf("the crashed Ready was Advanced")
			}
			crashed = true
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if c.HasReady() || c.advance != c.readies {
			t.Fatalf("Pump left a Ready: %d handed out, %d advanced", c.readies, c.advance)
		}
	}
	b, err := vfs.ReadFile(mem.Crash(nil), "/reg")
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		t.Fatal(err)
	default:
		if durable, err = strconv.Atoi(string(b)); err != nil {
			t.Fatalf("the register file after a crash: %q", b)
		}
	}
	return acked, durable, points, crashed
}

// lost is the first acknowledged value the disk does not cover.
func lost(acked []int, durable int) error {
	for _, v := range acked {
		if v > durable {
			return fmt.Errorf("%d was acknowledged, the disk holds %d after the crash", v, durable)
		}
	}
	return nil
}

// The runtime pumps a core it knows nothing about, and the process can
// die at every write, fsync and send inside a Ready; at each of them,
// the correct carry-out keeps every acknowledged value.
func TestDummyCoreEveryCrashPoint(t *testing.T) {
	_, _, all, _ := run(t, "durable-first", 0)
	kinds := map[ready.Point]bool{}
	for _, p := range all {
		kinds[p] = true
	}
	for _, p := range []ready.Point{ready.PointWrite, ready.PointSync, ready.PointSend} {
		if !kinds[p] {
			t.Fatalf("no %s point in a clean run: %v", p, all)
		}
	}
	for k := 1; k <= len(all); k++ {
		acked, durable, _, crashed := run(t, "durable-first", k)
		if !crashed {
			t.Fatalf("kill at point %d of %d did not crash", k, len(all))
		}
		if err := lost(acked, durable); err != nil {
			t.Errorf("killed at point %d (%s): %v", k, all[k-1], err)
		}
	}
}

// The same sweep catches a carry-out that acknowledges before the write
// is durable: the test above can fail.
func TestDummyCoreAckBeforeDurableIsCaught(t *testing.T) {
	_, _, all, _ := run(t, "ack-first", 0)
	caught := 0
	for k := 1; k <= len(all); k++ {
		acked, durable, _, _ := run(t, "ack-first", k)
		if lost(acked, durable) != nil {
			caught++
		}
	}
	if caught == 0 {
		t.Fatalf("no crash point among %d exposes an ack sent before its write was durable", len(all))
	}
}

// Without Faults (over TCP) the wrappers change nothing.
func TestNilFaults(t *testing.T) {
	mem := vfs.NewMem()
	if ready.FS(mem, nil) != vfs.FS(mem) {
		t.Fatal("FS with nil Faults must return the file system itself")
	}
	var got []int
	send := ready.Sender(func(v int) { got = append(got, v) }, nil)
	if err := send(7); err != nil || len(got) != 1 {
		t.Fatalf("send: %v %v", err, got)
	}
}
