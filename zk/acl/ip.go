package acl

import (
	"strconv"
	"strings"
)

// ValidIP reports whether expr is an ip ACL id: a dotted IPv4 address,
// optionally "/bits" with 0 <= bits <= 32 (IPAuthenticationProvider.isValid).
func ValidIP(expr string) bool {
	addr, bits, hasBits := strings.Cut(expr, "/")
	if _, ok := v4(addr); !ok {
		return false
	}
	if hasBits {
		n, err := strconv.Atoi(bits)
		if err != nil || n < 0 || n > 32 {
			return false
		}
	}
	return true
}

// MatchIP reports whether the session's ip id addr lies in the ACL's
// network expr (IPAuthenticationProvider.matches).
func MatchIP(addr, expr string) bool {
	netStr, bitStr, hasBits := strings.Cut(expr, "/")
	network, ok := v4(netStr)
	if !ok {
		return false
	}
	bits := 32
	if hasBits {
		n, err := strconv.Atoi(bitStr)
		if err != nil || n < 0 || n > 32 {
			return false
		}
		bits = n
	}
	remote, ok := v4(addr)
	if !ok {
		return false
	}
	var mask uint32
	if bits > 0 {
		mask = ^uint32(0) << (32 - bits)
	}
	return network&mask == remote&mask
}

// v4 parses "a.b.c.d" as Java's v4addr2Bytes does: exactly four decimal
// parts, each 0..255.
func v4(s string) (uint32, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return 0, false
	}
	var v uint32
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 255 {
			return 0, false
		}
		v = v<<8 | uint32(n)
	}
	return v, true
}
