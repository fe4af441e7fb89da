package server

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"

	"github.com/zkafka/zkafka/zk/watch"
	"github.com/zkafka/zkafka/zk/zab/quorum"
)

// Version is what srvr, stat, mntr and envi report. The "-zkafka" suffix
// keeps go-zookeeper's FLWSrvr regex ([A-Za-z0-9.-]+) happy.
const Version = "3.8.4-zkafka"

// buildDate is in the 3.4 format go-zookeeper parses ("MM/DD/YYYY HH:MM
// GMT"), not 3.8's yyyy-MM-dd (docs/reference/zookeeper.md §2, "Date format trap").
const buildDate = "01/01/2024 00:00 GMT"

var fourLetterWords = map[string]bool{
	"ruok": true, "srvr": true, "stat": true, "mntr": true, "conf": true, "cons": true,
	"wchs": true, "wchc": true, "wchp": true, "envi": true, "isro": true, "dump": true,
	"crst": true, "srst": true, "dirs": true, "gtmk": true, "stmk": true, "hash": true,
}

func isFourLetterWord(s string) bool { return fourLetterWords[s] }

// fourLetter answers a four-letter word on a fresh connection: write the
// text and close (NIOServerCnxn.checkFourLetterWord).
func (s *Server) fourLetter(c *conn, cmd string) {
	var text string
	if !s.cfg.fourLetterAllowed(cmd) {
		text = cmd + " is not executed because it is not in the whitelist.\n"
	} else {
		reply := make(chan string, 1)
		if !s.toCore(&fourLWReq{cmd: cmd, reply: reply}) {
			return
		}
		select {
		case text = <-reply:
		case <-s.quit:
			return
		}
	}
	c.send([]byte(text), true)
}

// fourLetter builds a command's output from the core's state.
func (c *core) fourLetter(cmd string) string {
	var b strings.Builder
	if c.q != nil && !c.q.serving() {
		switch cmd {
		case "srvr", "stat", "cons", "mntr", "wchs", "wchc", "wchp", "dump":
			// NIOServerCnxn/FourLetterCommands while the peer is electing
			// or syncing.
			return "This ZooKeeper instance is not currently serving requests\n"
		}
	}
	s := c.s
	conns := s.connList()
	switch cmd {
	case "ruok":
		return "imok"
	case "isro":
		return "rw"
	case "srvr", "stat":
		fmt.Fprintf(&b, "Zookeeper version: %s, built on %s\n", Version, buildDate)
		if cmd == "stat" {
			b.WriteString("Clients:\n")
			for _, cn := range conns {
				fmt.Fprintf(&b, " /%s[1](queued=0,recved=%d,sent=%d)\n", cn.remote, cn.recved.Load(), cn.sent.Load())
			}
			b.WriteString("\n")
		}
		c.stats(&b, len(conns))
		fmt.Fprintf(&b, "Node count: %d\n", c.tree.NodeCount())
	case "cons":
		for _, cn := range conns {
			fmt.Fprintf(&b, " /%s[1](queued=0,recved=%d,sent=%d,sid=0x%x,lop=%s,est=%d,to=%d,lcxid=0x%x,lzxid=0x%x,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0)\n",
				cn.remote, cn.recved.Load(), cn.sent.Load(), cn.session, lopOf(cn), cn.est.UnixMilli(),
				c.timeoutOf(cn.session), cn.lastCxid, c.lastZxid)
		}
		b.WriteString("\n")
	case "mntr":
		eph := 0
		for _, id := range c.sessions.IDs() {
			eph += len(c.tree.Ephemerals(id))
		}
		kv := [][2]any{
			{"zk_version", Version + ", built on " + buildDate},
			{"zk_server_state", c.mode()},
			{"zk_avg_latency", "0.0"}, {"zk_max_latency", 0}, {"zk_min_latency", 0},
			{"zk_packets_received", sumRecved(conns)}, {"zk_packets_sent", sumSent(conns)},
			{"zk_num_alive_connections", len(conns)},
			{"zk_outstanding_requests", 0},
			{"zk_znode_count", c.tree.NodeCount()},
			{"zk_watch_count", c.watches.Count()},
			{"zk_ephemerals_count", eph},
			{"zk_approximate_data_size", c.tree.ApproximateDataSize()},
			{"zk_open_file_descriptor_count", 0},
			{"zk_max_file_descriptor_count", 0},
			{"zk_global_sessions", c.sessions.Len()},
			{"zk_last_proposal_size", -1},
		}
		if c.q != nil && c.q.leading() {
			kv = append(kv, [][2]any{{"zk_learners", len(c.q.learners)},
				{"zk_synced_followers", len(c.q.synced)}, {"zk_pending_syncs", c.q.pendingSyncs}}...)
		}
		for _, p := range kv {
			fmt.Fprintf(&b, "%s\t%v\n", p[0], p[1])
		}
	case "conf":
		cfg := s.cfg
		fmt.Fprintf(&b, "clientPort=%s\n", portOf(s.Addr().String()))
		fmt.Fprintf(&b, "dataDir=%s/version-2\n", cfg.DataDir)
		fmt.Fprintf(&b, "dataDirSize=0\n")
		fmt.Fprintf(&b, "dataLogDir=%s/version-2\n", cfg.DataLogDir)
		fmt.Fprintf(&b, "dataLogSize=0\n")
		fmt.Fprintf(&b, "tickTime=%d\n", cfg.TickTime.Milliseconds())
		fmt.Fprintf(&b, "maxClientCnxns=60\n")
		fmt.Fprintf(&b, "minSessionTimeout=%d\n", cfg.MinSessionTimeout.Milliseconds())
		fmt.Fprintf(&b, "maxSessionTimeout=%d\n", cfg.MaxSessionTimeout.Milliseconds())
		fmt.Fprintf(&b, "clientPortListenBacklog=-1\n")
		fmt.Fprintf(&b, "serverId=%d\n", cfg.ServerID)
		if e := cfg.Ensemble; e != nil {
			fmt.Fprintf(&b, "initLimit=%d\nsyncLimit=%d\n", orDefault(e.InitLimit, 10), orDefault(e.SyncLimit, 5))
			fmt.Fprintf(&b, "electionAlg=3\nelectionPort=%s\nquorumPort=%s\npeerType=0\nmembership: \n", portOfMember(e, "election"), portOfMember(e, "quorum"))
			for _, m := range e.Members {
				fmt.Fprintf(&b, "server.%d=%s:%s:%s:participant;%s\n", m.ID, hostOf(m.PeerAddr), portOf(m.QuorumAddr), portOf(m.PeerAddr), m.ClientAddr)
			}
		}
	case "wchs":
		b.WriteString(c.watches.Summary().String() + "\n")
	case "wchc":
		byW := c.watches.ByWatcher()
		ids := make([]watch.ID, 0, len(byW))
		for id := range byW {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			sid := int64(0)
			if cn := c.byWatch[id]; cn != nil {
				sid = cn.session
			}
			fmt.Fprintf(&b, "0x%x\n", sid)
			for _, p := range byW[id] {
				fmt.Fprintf(&b, "\t%s\n", p)
			}
		}
	case "wchp":
		byP := c.watches.ByPath()
		paths := make([]string, 0, len(byP))
		for p := range byP {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		for _, p := range paths {
			fmt.Fprintf(&b, "%s\n", p)
			for _, id := range byP[p] {
				sid := int64(0)
				if cn := c.byWatch[id]; cn != nil {
					sid = cn.session
				}
				fmt.Fprintf(&b, "\t0x%x\n", sid)
			}
		}
	case "envi":
		host, _ := os.Hostname()
		b.WriteString("Environment:\n")
		fmt.Fprintf(&b, "zookeeper.version=%s, built on %s\n", Version, buildDate)
		fmt.Fprintf(&b, "host.name=%s\n", host)
		fmt.Fprintf(&b, "java.version=%s\n", runtime.Version())
		fmt.Fprintf(&b, "os.name=%s\nos.arch=%s\n", runtime.GOOS, runtime.GOARCH)
		fmt.Fprintf(&b, "user.dir=.\n")
	case "dump":
		b.WriteString("SessionTracker dump:\n")
		fmt.Fprintf(&b, "Global Sessions(%d):\n", c.sessions.Len())
		for _, id := range c.sessions.IDs() {
			fmt.Fprintf(&b, "0x%x\t%dms\n", id, c.timeoutOf(id))
		}
		b.WriteString("ephemeral nodes dump:\nSessions with Ephemerals (")
		var lines []string
		for _, id := range c.sessions.IDs() {
			if eph := c.tree.Ephemerals(id); len(eph) > 0 {
				lines = append(lines, fmt.Sprintf("0x%x:\n\t%s", id, strings.Join(eph, "\n\t")))
			}
		}
		fmt.Fprintf(&b, "%d):\n%s\n", len(lines), strings.Join(lines, "\n"))
	case "crst", "srst":
		if cmd == "crst" {
			return "Connection stats reset.\n"
		}
		return "Server stats reset.\n"
	case "dirs":
		return "datadir_size: 0\nlogdir_size: 0\n"
	default:
		return cmd + " is not supported by this server.\n"
	}
	return b.String()
}

func (c *core) stats(b *strings.Builder, nconns int) {
	conns := c.s.connList()
	fmt.Fprintf(b, "Latency min/avg/max: 0/0.0/0\n")
	fmt.Fprintf(b, "Received: %d\nSent: %d\nConnections: %d\nOutstanding: 0\n", sumRecved(conns), sumSent(conns), nconns)
	fmt.Fprintf(b, "Zxid: 0x%x\nMode: %s\n", c.lastZxid, c.mode())
}

func (c *core) timeoutOf(id int64) int32 {
	to, _ := c.sessions.Timeout(id)
	return to
}

func lopOf(cn *conn) string {
	if cn.lastOp == "" {
		return "NA"
	}
	return strings.ToUpper(cn.lastOp[:min(4, len(cn.lastOp))])
}

func sumRecved(cs []*conn) (n int64) {
	for _, c := range cs {
		n += c.recved.Load()
	}
	return n
}

func sumSent(cs []*conn) (n int64) {
	for _, c := range cs {
		n += c.sent.Load()
	}
	return n
}

func portOf(addr string) string {
	i := strings.LastIndexByte(addr, ':')
	return addr[i+1:]
}

// mode is what srvr's "Mode:" and mntr's zk_server_state say.
func (c *core) mode() string {
	if c.q == nil {
		return "standalone"
	}
	switch {
	case c.q.leading():
		return "leader"
	case c.q.role.State == quorum.Following:
		return "follower"
	}
	return "looking"
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

func portOfMember(e *Ensemble, which string) string {
	for _, m := range e.Members {
		if m.ID == e.ID {
			if which == "quorum" {
				return portOf(m.QuorumAddr)
			}
			return portOf(m.PeerAddr)
		}
	}
	return ""
}
