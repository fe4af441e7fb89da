package config

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Config is a parsed zoo.cfg. Durations are in milliseconds, as in the file.
type Config struct {
	TickTime          int    // tickTime, ms (default 3000)
	DataDir           string // dataDir (required): snapshots
	DataLogDir        string // dataLogDir: the txn log (default DataDir)
	ClientPort        int    // clientPort (default 2181)
	ClientPortAddress string // clientPortAddress (default: all interfaces)
	MinSessionTimeout int    // minSessionTimeout (default 2×tickTime)
	MaxSessionTimeout int    // maxSessionTimeout (default 20×tickTime)
	MaxClientCnxns    int    // maxClientCnxns per client IP (default 60, 0 = no limit)
	InitLimit         int    // initLimit, ticks (default 10)
	SyncLimit         int    // syncLimit, ticks (default 5)
	SnapCount         int    // snapCount: txns between snapshots (default 100000)

	// FourLetterWords is 4lw.commands.whitelist: the allowed commands, or
	// ["*"] for all. ZooKeeper 3.5.3+ allows only "srvr" by default.
	FourLetterWords []string

	AutopurgeSnapRetainCount int // autopurge.snapRetainCount (default 3, at least 3)
	AutopurgePurgeInterval   int // autopurge.purgeInterval, hours (default 0 = off)

	// Servers are the server.N lines (chapter 3: ensembles).
	Servers []Server
	// MyID is this server's id, read from dataDir/myid by ParseFile when
	// the file has server.N lines (QuorumPeerConfig.setupMyId); 0 if none.
	MyID int64

	// Extra holds every key this package does not interpret.
	Extra map[string]string
}

// Server is one server.N=host:quorumPort:electionPort[:role][;[addr:]clientPort] line.
type Server struct {
	ID           int64
	Host         string
	QuorumPort   int
	ElectionPort int
	Observer     bool   // role "observer" (default "participant")
	ClientAddr   string // the part after ';', "" if absent
}

// Default returns the configuration ZooKeeper would use with an empty
// file, except DataDir, which has no default.
func Default() *Config {
	return &Config{
		TickTime:                 3000,
		ClientPort:               2181,
		MaxClientCnxns:           60,
		InitLimit:                10,
		SyncLimit:                5,
		SnapCount:                100000,
		FourLetterWords:          []string{"srvr"},
		AutopurgeSnapRetainCount: 3,
		Extra:                    map[string]string{},
	}
}

// ParseFile reads and parses a zoo.cfg file.
func ParseFile(name string) (*Config, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(c.Servers) > 1 {
		if err := c.LoadMyID(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// LoadMyID reads dataDir/myid: the id of this server among the server.N
// lines, as a decimal number (ZooKeeper: "myid file is missing" is fatal
// in an ensemble).
func (c *Config) LoadMyID() error {
	b, err := os.ReadFile(filepath.Join(c.DataDir, "myid"))
	if err != nil {
		return fmt.Errorf("myid: %w (an ensemble member needs dataDir/myid holding its server id)", err)
	}
	id, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return fmt.Errorf("myid: %q is not a server id", strings.TrimSpace(string(b)))
	}
	for _, s := range c.Servers {
		if s.ID == id {
			c.MyID = id
			return nil
		}
	}
	return fmt.Errorf("myid: %d is not among the server.N lines", id)
}

// A LineError points at the line of zoo.cfg that is wrong.
type LineError struct {
	Line int // 1-based; 0 for a problem with the file as a whole
	Key  string
	Msg  string
}

func (e *LineError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Key, e.Msg)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Key, e.Msg)
}

// Parse reads zoo.cfg from r.
func Parse(r io.Reader) (*Config, error) {
	c := Default()
	min, max := -1, -1
	seen := map[string]int{}
	ids := map[int64]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for lineNo := 1; sc.Scan(); lineNo++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, &LineError{lineNo, line, "want key=value"}
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if prev, dup := seen[key]; dup {
			return nil, &LineError{lineNo, key, fmt.Sprintf("set again (first set on line %d)", prev)}
		}
		seen[key] = lineNo
		bad := func(format string, args ...any) error {
			return &LineError{lineNo, key, fmt.Sprintf(format, args...)}
		}
		num := func(dst *int, lo int) error {
			n, err := strconv.Atoi(value)
			if err != nil {
				return bad("%q is not an integer", value)
			}
			if n < lo {
				return bad("%d is below the minimum %d", n, lo)
			}
			*dst = n
			return nil
		}
		var err error
		switch {
		case key == "tickTime":
			err = num(&c.TickTime, 1)
		case key == "dataDir":
			c.DataDir = value
		case key == "dataLogDir":
			c.DataLogDir = value
		case key == "clientPort":
			err = num(&c.ClientPort, 0)
			if err == nil && c.ClientPort > 65535 {
				err = bad("%d is not a port", c.ClientPort)
			}
		case key == "clientPortAddress":
			c.ClientPortAddress = value
		case key == "minSessionTimeout":
			err = num(&min, -1)
		case key == "maxSessionTimeout":
			err = num(&max, -1)
		case key == "maxClientCnxns":
			err = num(&c.MaxClientCnxns, 0)
		case key == "initLimit":
			err = num(&c.InitLimit, 1)
		case key == "syncLimit":
			err = num(&c.SyncLimit, 1)
		case key == "snapCount":
			err = num(&c.SnapCount, 2)
		case key == "4lw.commands.whitelist":
			c.FourLetterWords = parseWhitelist(value)
		case key == "autopurge.snapRetainCount":
			err = num(&c.AutopurgeSnapRetainCount, 0)
			if c.AutopurgeSnapRetainCount < 3 {
				// PurgeTxnLog: "snapRetainCount should be at least 3".
				c.AutopurgeSnapRetainCount = 3
			}
		case key == "autopurge.purgeInterval":
			err = num(&c.AutopurgePurgeInterval, 0)
		case strings.HasPrefix(key, "server."):
			var s Server
			s, err = parseServer(key, value)
			if err != nil {
				err = &LineError{lineNo, key, err.Error()}
				break
			}
			if prev, dup := ids[s.ID]; dup {
				err = bad("server id %d already defined on line %d", s.ID, prev)
				break
			}
			ids[s.ID] = lineNo
			c.Servers = append(c.Servers, s)
		default:
			c.Extra[key] = value
		}
		if err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if c.DataDir == "" {
		return nil, &LineError{0, "dataDir", "is not set"}
	}
	if c.DataLogDir == "" {
		c.DataLogDir = c.DataDir
	}
	// ZooKeeperServer: -1 (unset) means 2 and 20 ticks.
	c.MinSessionTimeout, c.MaxSessionTimeout = 2*c.TickTime, 20*c.TickTime
	if min != -1 {
		c.MinSessionTimeout = min
	}
	if max != -1 {
		c.MaxSessionTimeout = max
	}
	if c.MinSessionTimeout > c.MaxSessionTimeout {
		return nil, &LineError{seen["minSessionTimeout"], "minSessionTimeout",
			fmt.Sprintf("%d is above maxSessionTimeout %d", c.MinSessionTimeout, c.MaxSessionTimeout)}
	}
	return c, nil
}

func parseWhitelist(v string) []string {
	var out []string
	for _, w := range strings.Split(v, ",") {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func parseServer(key, value string) (Server, error) {
	var s Server
	id, err := strconv.ParseInt(strings.TrimPrefix(key, "server."), 10, 64)
	if err != nil || id < 0 {
		return s, fmt.Errorf("server id %q is not a non-negative integer", strings.TrimPrefix(key, "server."))
	}
	s.ID = id
	addr, client, _ := strings.Cut(value, ";")
	s.ClientAddr = strings.TrimSpace(client)
	parts := strings.Split(addr, ":")
	if len(parts) < 3 || len(parts) > 4 {
		return s, fmt.Errorf("%q: want host:quorumPort:electionPort[:participant|observer]", value)
	}
	s.Host = parts[0]
	if s.Host == "" {
		return s, fmt.Errorf("%q: empty host", value)
	}
	for i, dst := range []*int{&s.QuorumPort, &s.ElectionPort} {
		p, err := strconv.Atoi(parts[1+i])
		if err != nil || p <= 0 || p > 65535 {
			return s, fmt.Errorf("%q: %q is not a port", value, parts[1+i])
		}
		*dst = p
	}
	if len(parts) == 4 {
		switch parts[3] {
		case "participant":
		case "observer":
			s.Observer = true
		default:
			return s, fmt.Errorf("%q: role %q is neither participant nor observer", value, parts[3])
		}
	}
	return s, nil
}

// ClientAddr is the address to listen on for clients, e.g. ":2181".
func (c *Config) ClientAddr() string {
	return net.JoinHostPort(c.ClientPortAddress, strconv.Itoa(c.ClientPort))
}

// FourLetterWordAllowed reports whether the whitelist admits cmd.
func (c *Config) FourLetterWordAllowed(cmd string) bool {
	for _, w := range c.FourLetterWords {
		if w == "*" || w == cmd {
			return true
		}
	}
	return false
}
