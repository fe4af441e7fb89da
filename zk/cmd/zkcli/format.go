package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
)

// javaDate is java.util.Date.toString's layout ("Thu Jan 01 00:00:00 UTC 1970").
const javaDate = "Mon Jan 02 15:04:05 MST 2006"

// printStat prints a Stat the way zkCli.sh's StatPrinter does, so learners
// can compare the two line by line.
func printStat(w io.Writer, st proto.Stat, loc *time.Location) {
	ms := func(v int64) string { return time.UnixMilli(v).In(loc).Format(javaDate) }
	fmt.Fprintf(w, "cZxid = 0x%x\n", st.Czxid)
	fmt.Fprintf(w, "ctime = %s\n", ms(st.Ctime))
	fmt.Fprintf(w, "mZxid = 0x%x\n", st.Mzxid)
	fmt.Fprintf(w, "mtime = %s\n", ms(st.Mtime))
	fmt.Fprintf(w, "pZxid = 0x%x\n", st.Pzxid)
	fmt.Fprintf(w, "cversion = %d\n", st.Cversion)
	fmt.Fprintf(w, "dataVersion = %d\n", st.Version)
	fmt.Fprintf(w, "aclVersion = %d\n", st.Aversion)
	fmt.Fprintf(w, "ephemeralOwner = 0x%x\n", uint64(st.EphemeralOwner))
	fmt.Fprintf(w, "dataLength = %d\n", st.DataLength)
	fmt.Fprintf(w, "numChildren = %d\n", st.NumChildren)
}

// permString renders perms in zkCli's order: c d r w a.
func permString(p int32) string {
	var b strings.Builder
	for _, x := range []struct {
		bit int32
		c   byte
	}{{proto.PermCreate, 'c'}, {proto.PermDelete, 'd'}, {proto.PermRead, 'r'}, {proto.PermWrite, 'w'}, {proto.PermAdmin, 'a'}} {
		if p&x.bit != 0 {
			b.WriteByte(x.c)
		}
	}
	return b.String()
}

func parsePerms(s string) (int32, error) {
	var p int32
	for _, c := range s {
		switch c {
		case 'c':
			p |= proto.PermCreate
		case 'd':
			p |= proto.PermDelete
		case 'r':
			p |= proto.PermRead
		case 'w':
			p |= proto.PermWrite
		case 'a':
			p |= proto.PermAdmin
		default:
			return 0, fmt.Errorf("unknown perm type: %c", c)
		}
	}
	return p, nil
}

// parseACL parses zkCli's ACL syntax: comma-separated scheme:id:perms
// entries. The id may itself contain colons (digest:user:hash:perms,
// ip:addr:perms), so the scheme is before the first colon and the perms
// after the last.
func parseACL(s string) ([]proto.ACL, error) {
	var acl []proto.ACL
	for _, entry := range strings.Split(s, ",") {
		first, last := strings.IndexByte(entry, ':'), strings.LastIndexByte(entry, ':')
		if first < 0 || first == last {
			return nil, fmt.Errorf("%s does not have the form scheme:id:perm", entry)
		}
		perms, err := parsePerms(entry[last+1:])
		if err != nil {
			return nil, err
		}
		acl = append(acl, proto.ACL{Perms: perms, ID: proto.Id{Scheme: entry[:first], ID: entry[first+1 : last]}})
	}
	return acl, nil
}

// printACL prints an ACL as zkCli's getAcl does: "'scheme,'id" then ": perms".
func printACL(w io.Writer, acl []proto.ACL) {
	for _, a := range acl {
		fmt.Fprintf(w, "'%s,'%s\n: %s\n", a.ID.Scheme, a.ID.ID, permString(a.Perms))
	}
}

// formatEvent prints a watch event as zkCli's watcher does.
func formatEvent(ev client.Event) string {
	state := "SyncConnected"
	switch ev.State {
	case proto.StateExpired:
		state = "Expired"
	case proto.StateClosed:
		state = "Closed"
	case proto.StateDisconnected:
		state = "Disconnected"
	}
	return fmt.Sprintf("\nWATCHER::\n\nWatchedEvent state:%s type:%v path:%s\n", state, ev.Type, ev.Path)
}

// tokenize splits a command line on spaces, honouring single and double
// quotes (zkCli allows create /a "hello world").
func tokenize(line string) ([]string, error) {
	var out []string
	var cur strings.Builder
	in, quote := false, rune(0)
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote")
	}
	if in {
		out = append(out, cur.String())
	}
	return out, nil
}
