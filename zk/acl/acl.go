package acl

import (
	"fmt"
	"strings"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// Scheme names.
const (
	World  = "world"
	Auth   = "auth"
	Digest = "digest"
	IP     = "ip"
	Super  = "super"
)

// SuperID is the id a session holds once it authenticated with the
// superDigest; it bypasses every check.
var SuperID = proto.Id{Scheme: Super, ID: ""}

// Check reports whether a session holding ids may do perm on a node whose
// ACL is acl (ZooKeeperServer.checkACL). perm may combine bits (getACL asks
// for READ|ADMIN): any one of them suffices.
func Check(acl []proto.ACL, perm int32, ids []proto.Id) bool {
	if len(acl) == 0 {
		return true
	}
	for _, id := range ids {
		if id.Scheme == Super {
			return true
		}
	}
	for _, a := range acl {
		if a.Perms&perm == 0 {
			continue
		}
		switch a.ID.Scheme {
		case World:
			if a.ID.ID == "anyone" {
				return true
			}
		case Digest:
			for _, id := range ids {
				if id.Scheme == Digest && id.ID == a.ID.ID {
					return true
				}
			}
		case IP:
			for _, id := range ids {
				if id.Scheme == IP && MatchIP(id.ID, a.ID.ID) {
					return true
				}
			}
		}
	}
	return false
}

// Fixup checks an ACL a client sent with create or setACL and expands it
// into what the tree stores (PrepRequestProcessor.fixupACL): duplicates
// removed, "auth" replaced by every authenticated id of the session
// (digest ids; ip ids do not count as authenticated), other ids checked
// by their scheme. ids are the session's ids. It returns an error wrapping
// zkerr.InvalidACL for an empty list, an "auth" entry when the session has
// no authenticated id, an unknown scheme, or a malformed id.
//
// ZooKeeper 3.8 does not check the perms bits here, and neither does Fixup.
func Fixup(acl []proto.ACL, ids []proto.Id) ([]proto.ACL, error) {
	uniq := make([]proto.ACL, 0, len(acl))
	for _, a := range acl {
		dup := false
		for _, u := range uniq {
			if u == a {
				dup = true
				break
			}
		}
		if !dup {
			uniq = append(uniq, a)
		}
	}
	if len(uniq) == 0 {
		return nil, invalid("empty ACL")
	}
	out := make([]proto.ACL, 0, len(uniq))
	for _, a := range uniq {
		switch {
		case a.ID.Scheme == World && a.ID.ID == "anyone":
			out = append(out, a)
		case a.ID.Scheme == Auth:
			found := false
			for _, id := range ids {
				if authenticated(id.Scheme) {
					found = true
					out = append(out, proto.ACL{Perms: a.Perms, ID: id})
				}
			}
			if !found {
				return nil, invalid("auth scheme but the session has not authenticated")
			}
		default:
			if !ValidID(a.ID) {
				return nil, invalid(fmt.Sprintf("invalid id %s:%s", a.ID.Scheme, a.ID.ID))
			}
			out = append(out, a)
		}
	}
	return out, nil
}

type invalidError string

func (e invalidError) Error() string { return "zk: INVALIDACL: " + string(e) }
func (e invalidError) Unwrap() error { return zkerr.InvalidACL }

func invalid(why string) error { return invalidError(why) }

// authenticated is AuthenticationProvider.isAuthenticated: digest ids
// are, ip ids are not (a client does not prove an address).
func authenticated(scheme string) bool { return scheme == Digest }

// ValidID reports whether a stored ACL may name id: digest ids are
// "user:hash" (exactly one ':' with a non-empty hash, as Java's
// id.split(":").length == 2), ip ids an IPv4 address or CIDR, world only
// "anyone". Other schemes have no provider in a default 3.8 server.
func ValidID(id proto.Id) bool {
	switch id.Scheme {
	case World:
		return id.ID == "anyone"
	case Digest:
		parts := strings.Split(id.ID, ":")
		// Java's split drops trailing empty strings: "u:" is one part.
		for len(parts) > 0 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
		return len(parts) == 2
	case IP:
		return ValidIP(id.ID)
	}
	return false
}

// MaskDigests returns acl with every digest id's hash replaced by "x", as
// getACL answers a session that has READ but not ADMIN.
func MaskDigests(acl []proto.ACL) []proto.ACL {
	out := make([]proto.ACL, len(acl))
	for i, a := range acl {
		if a.ID.Scheme == Digest {
			user, _, _ := strings.Cut(a.ID.ID, ":")
			a.ID.ID = user + ":x"
		}
		out[i] = a
	}
	return out
}

// ReadPerm returns the permission a read op needs on its node (see the
// table in doc.go); ok is false for ops that check nothing (exists, sync)
// and for writes, which the tree checks itself.
func ReadPerm(op proto.OpCode) (perm int32, ok bool) {
	switch op {
	case proto.OpGetData, proto.OpGetChildren, proto.OpGetChildren2, proto.OpGetAllChildrenNum:
		return proto.PermRead, true
	case proto.OpGetACL:
		return proto.PermRead | proto.PermAdmin, true
	}
	return 0, false
}
