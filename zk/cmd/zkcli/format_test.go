package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zkafka/zkafka/labs/sim"
	"github.com/zkafka/zkafka/zk/proto"
)

// TestParseACL checks zkCli's ACL syntax, including ids that contain
// colons (digest user:hash, ip address with port-free colons in IPv6).
// Reference: zkCli.sh setAcl; AclParser.parse.
func TestParseACL(t *testing.T) {
	got, err := parseACL("world:anyone:cdrwa,digest:bob:Hx0aD+f=:rw,auth::a,ip:10.0.0.0/8:r")
	if err != nil {
		t.Fatal(err)
	}
	want := []proto.ACL{
		{Perms: proto.PermAll, ID: proto.Id{Scheme: "world", ID: "anyone"}},
		{Perms: proto.PermRead | proto.PermWrite, ID: proto.Id{Scheme: "digest", ID: "bob:Hx0aD+f="}},
		{Perms: proto.PermAdmin, ID: proto.Id{Scheme: "auth", ID: ""}},
		{Perms: proto.PermRead, ID: proto.Id{Scheme: "ip", ID: "10.0.0.0/8"}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("parseACL = %v, want %v", got, want)
	}
	for _, bad := range []string{"world", "world:anyone", "world:anyone:x"} {
		if _, err := parseACL(bad); err == nil {
			t.Errorf("parseACL(%q) accepted", bad)
		}
	}
}

// TestPermsRoundTrip checks that every permission set prints in zkCli's
// cdrwa order and parses back.
func TestPermsRoundTrip(t *testing.T) {
	r := sim.Rand(t)
	for range 100 {
		p := r.Int32N(32)
		s := permString(p)
		back, err := parsePerms(s)
		if err != nil || back != p {
			t.Fatalf("perms %d -> %q -> %d, %v", p, s, back, err)
		}
	}
	if permString(proto.PermAll) != "cdrwa" {
		t.Errorf("all perms = %q", permString(proto.PermAll))
	}
}

// TestPrintStat checks the Stat layout against zkCli.sh's StatPrinter.
// Reference: org.apache.zookeeper.cli.StatPrinter.
func TestPrintStat(t *testing.T) {
	var b bytes.Buffer
	printStat(&b, proto.Stat{Czxid: 2, Mzxid: 0x1a, Ctime: 0, Mtime: 1000, Version: 1, Cversion: 2, Aversion: 3,
		EphemeralOwner: -1, DataLength: 5, NumChildren: 6, Pzxid: 0x10}, time.UTC)
	want := `cZxid = 0x2
ctime = Thu Jan 01 00:00:00 UTC 1970
mZxid = 0x1a
mtime = Thu Jan 01 00:00:01 UTC 1970
pZxid = 0x10
cversion = 2
dataVersion = 1
aclVersion = 3
ephemeralOwner = 0xffffffffffffffff
dataLength = 5
numChildren = 6
`
	if b.String() != want {
		t.Errorf("printStat:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestTokenize(t *testing.T) {
	got, err := tokenize(`create  /a "hello world" 'x y'`)
	if err != nil || strings.Join(got, "|") != "create|/a|hello world|x y" {
		t.Errorf("tokenize = %q, %v", got, err)
	}
	if _, err := tokenize(`get "/a`); err == nil {
		t.Error("unterminated quote accepted")
	}
	if got := joinArgs([]string{"create", "/a", "hello world"}); got != `create /a "hello world"` {
		t.Errorf("joinArgs = %s", got)
	}
}
