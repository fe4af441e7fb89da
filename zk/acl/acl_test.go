package acl

import (
	"errors"
	"testing"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// Reference: DigestAuthenticationProvider.generateDigest. The vector is the
// widely published superDigest for "super:admin".
func TestDigestID(t *testing.T) {
	if got, want := DigestID("super:admin"), "super:xQJmxLMiHGwaqBvst5y6rkB6HQs="; got != want {
		t.Errorf("DigestID = %q, want %q", got, want)
	}
	if DigestOf("super", "admin") != DigestID("super:admin") {
		t.Error("DigestOf disagrees with DigestID")
	}
}

// Reference: DigestAuthenticationProvider.handleAuthentication.
func TestAddAuth(t *testing.T) {
	ids, err := AddAuth("digest", []byte("bob:pw"), "")
	if err != nil || len(ids) != 1 || ids[0] != (proto.Id{Scheme: "digest", ID: DigestOf("bob", "pw")}) {
		t.Fatalf("AddAuth = %v, %v", ids, err)
	}
	ids, _ = AddAuth("digest", []byte("super:admin"), "super:xQJmxLMiHGwaqBvst5y6rkB6HQs=")
	if len(ids) != 2 || ids[0] != SuperID {
		t.Fatalf("super AddAuth = %v", ids)
	}
	if _, err := AddAuth("kerberos", []byte("x"), ""); !errors.Is(err, zkerr.AuthFailed) {
		t.Errorf("unknown scheme: %v", err)
	}
}

// Reference: ZooKeeperServer.checkACL; IPAuthenticationProvider.matches.
func TestCheck(t *testing.T) {
	bob := proto.Id{Scheme: "digest", ID: DigestOf("bob", "pw")}
	eve := proto.Id{Scheme: "digest", ID: DigestOf("eve", "pw")}
	local := IPID("10.1.2.3")
	acl := []proto.ACL{
		{Perms: proto.PermRead, ID: proto.WorldAnyone},
		{Perms: proto.PermWrite | proto.PermAdmin, ID: bob},
		{Perms: proto.PermDelete, ID: proto.Id{Scheme: "ip", ID: "10.0.0.0/8"}},
	}
	tests := []struct {
		name string
		perm int32
		ids  []proto.Id
		want bool
	}{
		{"world read", proto.PermRead, nil, true},
		{"anon write", proto.PermWrite, nil, false},
		{"bob write", proto.PermWrite, []proto.Id{bob}, true},
		{"eve write", proto.PermWrite, []proto.Id{eve}, false},
		{"bob create", proto.PermCreate, []proto.Id{bob}, false},
		{"ip delete in net", proto.PermDelete, []proto.Id{local}, true},
		{"ip delete outside", proto.PermDelete, []proto.Id{IPID("11.0.0.1")}, false},
		{"read or admin", proto.PermRead | proto.PermAdmin, nil, true},
		{"super", proto.PermCreate, []proto.Id{SuperID}, true},
	}
	for _, tt := range tests {
		if got := Check(acl, tt.perm, tt.ids); got != tt.want {
			t.Errorf("%s: Check = %v, want %v", tt.name, got, tt.want)
		}
	}
	if !Check(nil, proto.PermAdmin, nil) {
		t.Error("an empty ACL must allow everything")
	}
}

func TestMatchIP(t *testing.T) {
	tests := []struct {
		addr, expr string
		want       bool
	}{
		{"127.0.0.1", "127.0.0.1", true},
		{"127.0.0.2", "127.0.0.1", false},
		{"127.0.0.2", "127.0.0.0/24", true},
		{"127.0.1.2", "127.0.0.0/24", false},
		{"1.2.3.4", "0.0.0.0/0", true},
		{"1.2.3.4", "1.2.3.4/33", false},
		{"::1", "127.0.0.1", false},
		{"1.2.3", "1.2.3.0/24", false},
	}
	for _, tt := range tests {
		if got := MatchIP(tt.addr, tt.expr); got != tt.want {
			t.Errorf("MatchIP(%q, %q) = %v", tt.addr, tt.expr, got)
		}
	}
}

// Reference: docs/reference/zookeeper.md §1.5; PrepRequestProcessor.fixupACL.
func TestFixup(t *testing.T) {
	bob := proto.Id{Scheme: "digest", ID: DigestOf("bob", "pw")}
	ip := IPID("10.0.0.1")
	// auth expands to the digest ids only (ip is not "authenticated").
	got, err := Fixup([]proto.ACL{{Perms: proto.PermAll, ID: proto.Id{Scheme: "auth"}}}, []proto.Id{ip, bob})
	if err != nil || len(got) != 1 || got[0].ID != bob || got[0].Perms != proto.PermAll {
		t.Errorf("auth expansion = %v, %v", got, err)
	}
	// Duplicates are removed.
	got, err = Fixup([]proto.ACL{proto.OpenACLUnsafe[0], proto.OpenACLUnsafe[0]}, nil)
	if err != nil || len(got) != 1 {
		t.Errorf("dedup = %v, %v", got, err)
	}
	invalid := [][]proto.ACL{
		nil,
		{},
		{{Perms: proto.PermAll, ID: proto.Id{Scheme: "auth"}}}, // no authenticated id
		{{Perms: proto.PermAll, ID: proto.Id{Scheme: "world", ID: "someone"}}},
		{{Perms: proto.PermAll, ID: proto.Id{Scheme: "digest", ID: "nocolon"}}},
		{{Perms: proto.PermAll, ID: proto.Id{Scheme: "digest", ID: "user:"}}},
		{{Perms: proto.PermAll, ID: proto.Id{Scheme: "digest", ID: "a:b:c"}}},
		{{Perms: proto.PermAll, ID: proto.Id{Scheme: "ip", ID: "10.0.0/8"}}},
		{{Perms: proto.PermAll, ID: proto.Id{Scheme: "ip", ID: "10.0.0.0/40"}}},
		{{Perms: proto.PermAll, ID: proto.Id{Scheme: "super", ID: ""}}},
		{{Perms: proto.PermAll, ID: proto.Id{Scheme: "sasl", ID: "x"}}},
	}
	for _, a := range invalid {
		if _, err := Fixup(a, []proto.Id{ip}); !errors.Is(err, zkerr.InvalidACL) || zkerr.CodeOf(err) != zkerr.InvalidACL {
			t.Errorf("Fixup(%v) = %v, want INVALIDACL", a, err)
		}
	}
	ok := []proto.ACL{
		{Perms: proto.PermRead, ID: proto.Id{Scheme: "ip", ID: "10.0.0.0/8"}},
		{Perms: proto.PermRead, ID: proto.Id{Scheme: "ip", ID: "10.0.0.1"}},
		{Perms: proto.PermRead, ID: proto.Id{Scheme: "digest", ID: ":x"}},
		{Perms: 0, ID: proto.WorldAnyone}, // 3.8 does not check perms
	}
	if got, err := Fixup(ok, nil); err != nil || len(got) != len(ok) {
		t.Errorf("Fixup(valid) = %v, %v", got, err)
	}
}

// Reference: FinalRequestProcessor, case getACL.
func TestMaskDigestsAndReadPerm(t *testing.T) {
	got := MaskDigests([]proto.ACL{{Perms: 1, ID: proto.Id{Scheme: "digest", ID: DigestOf("bob", "pw")}}, proto.OpenACLUnsafe[0]})
	if got[0].ID.ID != "bob:x" || got[1] != proto.OpenACLUnsafe[0] {
		t.Errorf("MaskDigests = %v", got)
	}
	if p, ok := ReadPerm(proto.OpGetACL); !ok || p != proto.PermRead|proto.PermAdmin {
		t.Error("getACL needs READ|ADMIN")
	}
	if _, ok := ReadPerm(proto.OpExists); ok {
		t.Error("exists checks nothing")
	}
}
