package ephemeral

import (
	"math"
	"testing"

	"github.com/zkafka/zkafka/zk/proto"
)

// Reference: EphemeralType.get, toEphemeralOwner (3.8).
func TestOf(t *testing.T) {
	ttlOwner, err := TTLOwner(1000)
	if err != nil || uint64(ttlOwner) != 0xff000000000003e8 {
		t.Fatalf("TTLOwner(1000) = %x, %v", ttlOwner, err)
	}
	tests := []struct {
		owner int64
		want  Type
	}{
		{0, Void}, {0x100000001, Normal}, {math.MinInt64, Container}, {ttlOwner, TTL}, {-1, Normal},
	}
	for _, tt := range tests {
		if got := Of(tt.owner); got != tt.want {
			t.Errorf("Of(%x) = %v, want %v", tt.owner, got, tt.want)
		}
	}
	if TTLOf(ttlOwner) != 1000 {
		t.Error("TTLOf")
	}
	for _, bad := range []int64{0, -1, MaxTTL + 1} {
		if _, err := TTLOwner(bad); err == nil {
			t.Errorf("TTLOwner(%d) accepted", bad)
		}
	}
	if o, _ := Owner(proto.ModeEphemeralSequential, 42, -1); o != 42 {
		t.Error("ephemeral owner")
	}
	if o, _ := Owner(proto.ModeContainer, 42, -1); o != ContainerOwner {
		t.Error("container owner")
	}
	if o, _ := Owner(proto.ModePersistent, 42, -1); o != 0 {
		t.Error("persistent owner")
	}
}
