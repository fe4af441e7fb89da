package interop

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ErrApacheNotInstalled is returned by StartApache when no Java or no
// ZooKeeper jar can be found. Tests skip on it.
var ErrApacheNotInstalled = errors.New("apache zookeeper is not installed " +
	"(apt-get install -y zookeeper; or set ZOOKEEPER_CLASSPATH)")

// DefaultApacheClasspath is where Debian's zookeeper package puts the
// server (its jar's manifest pulls in the dependencies) and its log config.
// ZOOKEEPER_CLASSPATH overrides it.
const DefaultApacheClasspath = "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar"

// ApacheConfig is the part of zoo.cfg a test or the benchmark chooses.
// Zero values take ZooKeeper's defaults.
type ApacheConfig struct {
	Dir               string        // data dir and log; required
	TickTime          time.Duration // tickTime (default 2s)
	MinSessionTimeout time.Duration // default 2×tick
	MaxSessionTimeout time.Duration // default 20×tick
	ForceSync         *bool         // zookeeper.forceSync; nil keeps the default (yes)
}

// Apache is a running Apache ZooKeeper standalone server.
type Apache struct {
	addr string
	cmd  *exec.Cmd
	done chan struct{}
	log  string
}

// ApacheClasspath returns the classpath to run ZooKeeper with, or
// ErrApacheNotInstalled.
func ApacheClasspath() (string, error) {
	cp := os.Getenv("ZOOKEEPER_CLASSPATH")
	if cp == "" {
		cp = DefaultApacheClasspath
	}
	if _, err := exec.LookPath("java"); err != nil {
		return "", ErrApacheNotInstalled
	}
	for _, p := range strings.Split(cp, ":") {
		if strings.HasSuffix(p, ".jar") {
			if _, err := os.Stat(p); err != nil {
				return "", ErrApacheNotInstalled
			}
		}
	}
	return cp, nil
}

// FreePort returns a 127.0.0.1 port nobody listens on right now. (Another
// process may take it before we do; the callers retry on bind failure.)
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// StartApache writes a zoo.cfg into cfg.Dir, starts
// org.apache.zookeeper.server.quorum.QuorumPeerMain on it (standalone, on
// 127.0.0.1, all four-letter words whitelisted, admin server off) and waits
// until it serves (srvr reports Mode: standalone).
func StartApache(cfg ApacheConfig) (*Apache, error) {
	cp, err := ApacheClasspath()
	if err != nil {
		return nil, err
	}
	if cfg.Dir == "" {
		return nil, errors.New("interop: ApacheConfig.Dir is required")
	}
	if cfg.TickTime == 0 {
		cfg.TickTime = 2 * time.Second
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		a, err := startApacheOnce(cp, cfg, attempt)
		if err == nil {
			return a, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func startApacheOnce(cp string, cfg ApacheConfig, attempt int) (*Apache, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(cfg.Dir, fmt.Sprintf("apache-%d", attempt))
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "tickTime=%d\n", cfg.TickTime.Milliseconds())
	fmt.Fprintf(&b, "dataDir=%s\n", filepath.Join(dir, "data"))
	fmt.Fprintf(&b, "clientPort=%d\nclientPortAddress=127.0.0.1\n", port)
	b.WriteString("4lw.commands.whitelist=*\nadmin.enableServer=false\n")
	if cfg.MinSessionTimeout > 0 {
		fmt.Fprintf(&b, "minSessionTimeout=%d\n", cfg.MinSessionTimeout.Milliseconds())
	}
	if cfg.MaxSessionTimeout > 0 {
		fmt.Fprintf(&b, "maxSessionTimeout=%d\n", cfg.MaxSessionTimeout.Milliseconds())
	}
	if cfg.ForceSync != nil && !*cfg.ForceSync {
		b.WriteString("forceSync=no\n")
	}
	zooCfg := filepath.Join(dir, "zoo.cfg")
	if err := os.WriteFile(zooCfg, []byte(b.String()), 0o644); err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "zookeeper.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("java", "-Xmx512m", "-cp", cp,
		"-Dzookeeper.log.dir="+dir, "-Dzookeeper.admin.enableServer=false",
		"org.apache.zookeeper.server.quorum.QuorumPeerMain", zooCfg)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("interop: starting apache zookeeper: %w", err)
	}
	a := &Apache{addr: fmt.Sprintf("127.0.0.1:%d", port), cmd: cmd, done: make(chan struct{}), log: logPath}
	go func() { cmd.Wait(); logf.Close(); close(a.done) }()

	// Poll srvr until the server serves or the JVM dies. (ruok is not
	// enough: it answers imok while the server is still loading and closing
	// client connections; srvr says "not currently serving requests" then.)
	// Polling an external process is the one wait with no event to block on.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if out, err := FourLetterWord(a.addr, "srvr", time.Second); err == nil && strings.Contains(out, "Mode: standalone") {
			return a, nil
		}
		select {
		case <-a.done:
			return nil, fmt.Errorf("interop: apache zookeeper exited during startup; log:\n%s", a.LogTail(2000))
		case <-time.After(50 * time.Millisecond):
		}
	}
	a.Close()
	return nil, fmt.Errorf("interop: apache zookeeper did not serve within 30s; log:\n%s", a.LogTail(2000))
}

// Addr is the client address, host:port.
func (a *Apache) Addr() string { return a.addr }

// LogTail returns the last n bytes of the server's output.
func (a *Apache) LogTail(n int) string {
	b, _ := os.ReadFile(a.log)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// Close kills the JVM and waits for it to exit.
func (a *Apache) Close() error {
	select {
	case <-a.done:
		return nil
	default:
	}
	_ = a.cmd.Process.Kill()
	<-a.done
	return nil
}
