package server

import (
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/config"
)

// Config configures a server. Zero values mean ZooKeeper's defaults.
type Config struct {
	ClientAddr string // where to listen, e.g. "127.0.0.1:2181" or "127.0.0.1:0"
	DataDir    string // snapshots go to DataDir/version-2
	DataLogDir string // the txn log goes to DataLogDir/version-2 (default DataDir)

	TickTime          time.Duration // default 2s (zoo_sample.cfg)
	MinSessionTimeout time.Duration // default 2×TickTime
	MaxSessionTimeout time.Duration // default 20×TickTime

	// FourLetterWords is the 4lw whitelist; ["*"] allows all. nil means
	// ZooKeeper 3.8's default, only "srvr".
	FourLetterWords []string

	ServerID    int64  // the top byte of session ids
	SnapCount   int    // txns between snapshots (default 100000)
	SnapRetain  int    // snapshots kept by the purge after each snapshot (default 3)
	SuperDigest string // "super:<base64 sha1>" as zookeeper.DigestAuthenticationProvider.superDigest

	FS     vfs.FS       // nil = the real disk (vfs.OS{})
	Logger *slog.Logger // nil = discard

	// Now is the clock (nil = time.Now); Seed seeds the snapshot trigger's
	// randomness (0 = from the clock).
	Now  func() time.Time
	Seed uint64

	// Ensemble, when set, makes the server one member of an ensemble
	// (chapters 3-4); nil runs it standalone.
	Ensemble *Ensemble
}

// FromZooCfg turns a parsed zoo.cfg into a Config.
func FromZooCfg(c *config.Config) Config {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	return Config{
		ClientAddr:        c.ClientAddr(),
		DataDir:           c.DataDir,
		DataLogDir:        c.DataLogDir,
		TickTime:          ms(c.TickTime),
		MinSessionTimeout: ms(c.MinSessionTimeout),
		MaxSessionTimeout: ms(c.MaxSessionTimeout),
		FourLetterWords:   c.FourLetterWords,
		SnapCount:         c.SnapCount,
		SnapRetain:        c.AutopurgeSnapRetainCount,
		Ensemble:          ensembleOf(c),
	}
}

// ensembleOf turns the server.N lines and myid into an Ensemble; nil for
// a standalone configuration (no or one server line, as ZooKeeper's
// standaloneEnabled=true).
func ensembleOf(c *config.Config) *Ensemble {
	if len(c.Servers) < 2 || c.MyID == 0 {
		return nil
	}
	e := &Ensemble{ID: c.MyID, InitLimit: c.InitLimit, SyncLimit: c.SyncLimit}
	for _, s := range c.Servers {
		if s.Observer {
			continue // observers are not supported: they neither vote nor serve here
		}
		m := Member{ID: s.ID,
			PeerAddr:   net.JoinHostPort(s.Host, strconv.Itoa(s.ElectionPort)),
			QuorumAddr: net.JoinHostPort(s.Host, strconv.Itoa(s.QuorumPort))}
		switch {
		case s.ClientAddr != "" && strings.Contains(s.ClientAddr, ":"):
			m.ClientAddr = s.ClientAddr
		case s.ClientAddr != "":
			m.ClientAddr = net.JoinHostPort(s.Host, s.ClientAddr)
		case s.ID == c.MyID:
			m.ClientAddr = c.ClientAddr()
		}
		e.Members = append(e.Members, m)
	}
	return e
}

func (c *Config) fill() {
	if c.ClientAddr == "" {
		c.ClientAddr = "127.0.0.1:2181"
	}
	if c.DataLogDir == "" {
		c.DataLogDir = c.DataDir
	}
	if c.TickTime <= 0 {
		c.TickTime = 2 * time.Second
	}
	if c.MinSessionTimeout <= 0 {
		c.MinSessionTimeout = 2 * c.TickTime
	}
	if c.MaxSessionTimeout <= 0 {
		c.MaxSessionTimeout = 20 * c.TickTime
	}
	if c.FourLetterWords == nil {
		c.FourLetterWords = []string{"srvr"}
	}
	if c.SnapCount <= 0 {
		c.SnapCount = 100000
	}
	if c.SnapRetain <= 0 {
		c.SnapRetain = 3
	}
	if c.FS == nil {
		c.FS = vfs.OS{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Ensemble != nil {
		c.ServerID = c.Ensemble.ID
	}
	if c.Seed == 0 {
		c.Seed = uint64(c.Now().UnixNano())
	}
}

func (c *Config) fourLetterAllowed(cmd string) bool {
	for _, w := range c.FourLetterWords {
		if w == "*" || w == cmd {
			return true
		}
	}
	return false
}
