package picture

import (
	"context"
	"fmt"
	"io"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/zkafka/zkafka/zk/server"
)

// NotServing is what a member that is electing or syncing answers to
// srvr, stat, cons, mntr and the watch words (as ZooKeeper's does).
const NotServing = "This ZooKeeper instance is not currently serving requests"

// Words are the 4-letter words a ZooKeeperSource asks each running server.
var Words = []string{"srvr", "mntr", "cons", "wchp"}

// ServerInput is what the stage read from one server: its Status and its
// answers to Words (a word missing from the map was not answered).
type ServerInput struct {
	ID     int64
	Addr   string
	Up     bool
	Status server.Status
	Words  map[string]string
}

// BuildZooKeeper turns what the servers answered into the picture's
// ZooKeeper part. ensemble is false for one standalone server; cuts are
// the links a partition cut (either direction); picture is the page's own
// session id (0: none), marked in the connections.
func BuildZooKeeper(ensemble bool, in []ServerInput, cuts [][2]int64, picture int64) *ZooKeeper {
	z := &ZooKeeper{Ensemble: ensemble, Servers: []ZKServer{}}
	var bestEpoch int64 = -1
	for _, s := range in {
		zs := buildServer(ensemble, s, picture)
		if zs.Mode == "leader" && zs.Serving && zs.Epoch > bestEpoch {
			z.Leader, bestEpoch = zs.ID, zs.Epoch
		}
		z.Servers = append(z.Servers, zs)
	}
	z.Cuts = normalizeCuts(cuts)
	if ensemble {
		for i := range z.Servers {
			z.Servers[i].Actions = serverActions(z.Servers[i], z.Servers)
		}
		if len(z.Cuts) > 0 {
			z.Actions = append(z.Actions, Action{Label: "heal", Command: "heal"})
		}
	} else {
		z.Actions = []Action{{Label: "crash", Command: "crash"}, {Label: "restart", Command: "restart"}}
	}
	return z
}

func buildServer(ensemble bool, s ServerInput, picture int64) ZKServer {
	zs := ZKServer{ID: s.ID, Addr: s.Addr, Up: s.Up, Mode: "down", Zxid: hex(0), LastLogged: hex(0)}
	if !s.Up {
		return zs
	}
	st := s.Status
	zs.Mode, zs.Serving, zs.Leader = st.Mode, st.Serving, st.Leader
	zs.Epoch, zs.AcceptedEpoch, zs.CurrentEpoch = st.Epoch, st.AcceptedEpoch, st.CurrentEpoch
	zs.Zxid, zs.LastLogged = hex(st.Zxid), hex(st.LastLogged)
	if srvr, ok := answered(s.Words, "srvr"); ok {
		kv := parseColon(srvr)
		if !ensemble {
			// A standalone server's Status is only its mode: its position
			// is srvr's "Zxid:"; the epoch is the zxid's high 32 bits.
			if z, err := strconv.ParseInt(strings.TrimPrefix(kv["Zxid"], "0x"), 16, 64); err == nil {
				zs.Zxid, zs.LastLogged = hex(z), hex(z)
				zs.Epoch, zs.CurrentEpoch, zs.AcceptedEpoch = z>>32, z>>32, z>>32
			}
		}
	}
	if mntr, ok := answered(s.Words, "mntr"); ok {
		kv := ParseMntr(mntr)
		zs.Znodes = intOf(kv["zk_znode_count"])
		zs.Watches = intOf(kv["zk_watch_count"])
		zs.Sessions = intOf(kv["zk_global_sessions"])
	}
	if cons, ok := answered(s.Words, "cons"); ok {
		for _, c := range ParseCons(cons) {
			if c.Session == hex(0) {
				continue // not a session yet: the connection asking cons itself
			}
			c.Picture = picture != 0 && c.Session == hex(picture)
			zs.Connections = append(zs.Connections, c)
		}
	}
	if wchp, ok := answered(s.Words, "wchp"); ok {
		zs.WatchedPaths = ParseWchp(wchp)
	}
	return zs
}

// serverActions are a member's buttons: kill and isolate while it runs,
// restart once it is down.
func serverActions(s ZKServer, all []ZKServer) []Action {
	id := strconv.FormatInt(s.ID, 10)
	if !s.Up {
		return []Action{{Label: "restart", Command: "restart " + id}}
	}
	acts := []Action{{Label: "kill", Command: "kill " + id}}
	var others []string
	for _, o := range all {
		if o.ID != s.ID {
			others = append(others, strconv.FormatInt(o.ID, 10))
		}
	}
	if len(others) > 0 {
		acts = append(acts, Action{Label: "isolate", Command: "partition " + id + " | " + strings.Join(others, " ")})
	}
	return acts
}

func normalizeCuts(cuts [][2]int64) [][2]int64 {
	seen := map[[2]int64]bool{}
	var out [][2]int64
	for _, c := range cuts {
		if c[0] > c[1] {
			c[0], c[1] = c[1], c[0]
		}
		if c[0] == c[1] || seen[c] {
			continue
		}
		seen[c] = true
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i][0] != out[j][0] {
			return out[i][0] < out[j][0]
		}
		return out[i][1] < out[j][1]
	})
	return out
}

// answered returns a word's reply unless it was not asked, failed, or
// came back as "not currently serving".
func answered(words map[string]string, w string) (string, bool) {
	out, ok := words[w]
	if !ok || strings.HasPrefix(out, NotServing) {
		return "", false
	}
	return out, true
}

func hex(z int64) string { return fmt.Sprintf("%#x", z) }

func intOf(s string) *int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return nil
	}
	return &n
}

// parseColon reads "Key: value" lines (srvr, stat).
func parseColon(s string) map[string]string {
	kv := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		k, v, ok := strings.Cut(line, ": ")
		if ok && !strings.HasPrefix(line, " ") {
			kv[k] = strings.TrimSpace(v)
		}
	}
	return kv
}

// ParseMntr reads mntr's "key<TAB>value" lines.
func ParseMntr(s string) map[string]string {
	kv := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, "\t"); ok {
			kv[k] = v
		}
	}
	return kv
}

// ParseCons reads cons's lines:
//
//	/127.0.0.1:51234[1](queued=0,recved=5,sent=5,sid=0x100000000,lop=PING,est=…,to=4000,…)
func ParseCons(s string) []Connection {
	var out []Connection
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "/") {
			continue
		}
		remote, rest, ok := strings.Cut(line[1:], "[")
		if !ok {
			continue
		}
		_, fields, ok := strings.Cut(rest, "(")
		if !ok {
			continue
		}
		fields = strings.TrimSuffix(fields, ")")
		c := Connection{Remote: remote}
		for _, f := range strings.Split(fields, ",") {
			k, v, _ := strings.Cut(f, "=")
			switch k {
			case "sid":
				if n, err := strconv.ParseInt(strings.TrimPrefix(v, "0x"), 16, 64); err == nil {
					c.Session = hex(n)
				}
			case "to":
				c.TimeoutMs, _ = strconv.Atoi(v)
			case "lop":
				c.LastOp = v
			}
		}
		if c.Session == "" {
			c.Session = hex(0)
		}
		out = append(out, c)
	}
	return out
}

// ParseWchp reads wchp: a path, then a tab-indented session id per watcher.
func ParseWchp(s string) []WatchedPath {
	var out []WatchedPath
	for _, line := range strings.Split(s, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
		case strings.HasPrefix(line, "\t"):
			if len(out) > 0 {
				last := &out[len(out)-1]
				last.Sessions = append(last.Sessions, strings.TrimSpace(line))
			}
		default:
			out = append(out, WatchedPath{Path: line, Sessions: []string{}})
		}
	}
	return out
}

// Servers is what a ZooKeeperSource reads the servers through:
// zk/server/cluster's Cluster has these methods; a standalone stage
// adapts its one server.
type Servers interface {
	IDs() []int64
	Addr(id int64) string
	Status(id int64) (server.Status, bool)
}

// ZooKeeperSource fills State.ZooKeeper from running servers.
type ZooKeeperSource struct {
	Servers  Servers
	Ensemble bool
	// Cuts lists the links cut by a partition (nil: none).
	Cuts func() [][2]int64
	// PictureSession is the page's own session id (nil or 0: none).
	PictureSession func() int64
	// FourLetter asks addr a word (default: over TCP, 1 s deadline).
	FourLetter func(ctx context.Context, addr, word string) (string, error)
}

// Fill reads every server and builds the ZooKeeper part.
func (z *ZooKeeperSource) Fill(ctx context.Context, s *State) error {
	ask := z.FourLetter
	if ask == nil {
		ask = FourLetter
	}
	var in []ServerInput
	var errs []string
	for _, id := range z.Servers.IDs() {
		si := ServerInput{ID: id, Addr: z.Servers.Addr(id), Words: map[string]string{}}
		si.Status, si.Up = z.Servers.Status(id)
		if si.Up {
			for _, w := range Words {
				out, err := ask(ctx, si.Addr, w)
				if err != nil {
					errs = append(errs, fmt.Sprintf("s%d %s: %v", id, w, err))
					continue
				}
				si.Words[w] = out
			}
		}
		in = append(in, si)
	}
	var cuts [][2]int64
	if z.Cuts != nil {
		cuts = z.Cuts()
	}
	var pic int64
	if z.PictureSession != nil {
		pic = z.PictureSession()
	}
	s.ZooKeeper = BuildZooKeeper(z.Ensemble, in, cuts, pic)
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// FourLetter sends a 4-letter word and reads the reply, within a second
// (or ctx's deadline if sooner).
func FourLetter(ctx context.Context, addr, word string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	if _, err := io.WriteString(c, word); err != nil {
		return "", err
	}
	b, err := io.ReadAll(c)
	return string(b), err
}
