package ephemeral

import (
	"fmt"
	"math"

	"github.com/zkafka/zkafka/zk/proto"
)

// Type is what kind of node an ephemeralOwner describes.
type Type int

const (
	Void      Type = iota // persistent: owner 0
	Normal                // ephemeral: owner is a session id
	Container             // container: owner math.MinInt64
	TTL                   // persistent with a time to live
)

func (t Type) String() string {
	return [...]string{"Void", "Normal", "Container", "TTL"}[t]
}

const (
	// ContainerOwner marks a container node (EphemeralType.CONTAINER_EPHEMERAL_OWNER).
	ContainerOwner int64 = math.MinInt64
	// MaxTTL is the largest TTL in ms (40 bits, about 34 years).
	MaxTTL int64 = 1<<40 - 1

	extendedMask int64 = -0x0100000000000000 // 0xff00000000000000
	reservedMask int64 = 0x00ffff0000000000
)

// Of classifies an ephemeralOwner (EphemeralType.get with extended types on).
func Of(owner int64) Type {
	switch {
	case owner == 0:
		return Void
	case owner == ContainerOwner:
		return Container
	case owner&extendedMask == extendedMask && owner&reservedMask == 0:
		return TTL
	}
	return Normal
}

// TTLOwner encodes a TTL (ms) as an ephemeralOwner; the TTL must be in
// 1..MaxTTL (EphemeralType.TTL.toEphemeralOwner).
func TTLOwner(ttl int64) (int64, error) {
	if ttl <= 0 || ttl > MaxTTL {
		return 0, fmt.Errorf("ttl must be positive and cannot be larger than %d: %d", MaxTTL, ttl)
	}
	return extendedMask | ttl, nil
}

// TTLOf returns the TTL of a TTL owner.
func TTLOf(owner int64) int64 { return owner & MaxTTL }

// Owner returns the ephemeralOwner a create in mode gives its node:
// the session for ephemeral modes, ContainerOwner, the TTL encoding, or 0.
// ttl is only read for TTL modes.
func Owner(mode proto.CreateMode, session, ttl int64) (int64, error) {
	switch {
	case mode.Container():
		return ContainerOwner, nil
	case mode.TTL():
		return TTLOwner(ttl)
	case mode.Ephemeral():
		return session, nil
	}
	return 0, nil
}
