package cluster

import (
	"fmt"
	"net"
	"testing"
)

// freePort draws ports below the kernel's ephemeral range, where no
// outgoing connection is given a local port, and each one it returns is
// bindable at once.
func TestFreePortAvoidsTheEphemeralRange(t *testing.T) {
	lo := ephemeralLow()
	if lo <= 11024 {
		t.Skipf("ephemeral range starts at %d: freePort falls back to :0", lo)
	}
	for range 20 {
		p, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		if p >= lo || p < lo-10000 {
			t.Fatalf("freePort gave %d, want one in [%d, %d)", p, lo-10000, lo)
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			t.Fatalf("port %d from freePort: %v", p, err)
		}
		l.Close()
	}
}
