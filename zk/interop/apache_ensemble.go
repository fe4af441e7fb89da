package interop

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ApacheEnsemble is a running Apache ZooKeeper ensemble on loopback: one
// JVM per member.
type ApacheEnsemble struct {
	members []*Apache
}

// StartApacheEnsemble writes n zoo.cfgs with server.N lines on free
// loopback ports and a myid file per member, starts every member and
// waits until each serves as leader or follower.
func StartApacheEnsemble(cfg ApacheConfig, n int) (*ApacheEnsemble, error) {
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
	var servers strings.Builder
	clientPorts := make([]int, n)
	for i := 0; i < n; i++ {
		ports := [3]int{}
		for j := range ports {
			if ports[j], err = FreePort(); err != nil {
				return nil, err
			}
		}
		clientPorts[i] = ports[0]
		fmt.Fprintf(&servers, "server.%d=127.0.0.1:%d:%d;127.0.0.1:%d\n", i+1, ports[1], ports[2], ports[0])
	}
	e := &ApacheEnsemble{}
	for i := 0; i < n; i++ {
		dir := filepath.Join(cfg.Dir, fmt.Sprintf("apache-ens-%d", i+1))
		data := filepath.Join(dir, "data")
		if err := os.MkdirAll(data, 0o755); err != nil {
			e.Close()
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(data, "myid"), []byte(fmt.Sprintf("%d\n", i+1)), 0o644); err != nil {
			e.Close()
			return nil, err
		}
		var b strings.Builder
		fmt.Fprintf(&b, "tickTime=%d\ninitLimit=10\nsyncLimit=5\n", cfg.TickTime.Milliseconds())
		fmt.Fprintf(&b, "dataDir=%s\n", data)
		fmt.Fprintf(&b, "clientPort=%d\nclientPortAddress=127.0.0.1\n", clientPorts[i])
		b.WriteString("4lw.commands.whitelist=*\nadmin.enableServer=false\n")
		if cfg.MaxSessionTimeout > 0 {
			fmt.Fprintf(&b, "maxSessionTimeout=%d\n", cfg.MaxSessionTimeout.Milliseconds())
		}
		if cfg.ForceSync != nil && !*cfg.ForceSync {
			b.WriteString("forceSync=no\n")
		}
		b.WriteString(servers.String())
		zooCfg := filepath.Join(dir, "zoo.cfg")
		if err := os.WriteFile(zooCfg, []byte(b.String()), 0o644); err != nil {
			e.Close()
			return nil, err
		}
		logPath := filepath.Join(dir, "zookeeper.log")
		logf, err := os.Create(logPath)
		if err != nil {
			e.Close()
			return nil, err
		}
		cmd := exec.Command("java", "-Xmx512m", "-cp", cp,
			"-Dzookeeper.log.dir="+dir, "-Dzookeeper.admin.enableServer=false",
			"org.apache.zookeeper.server.quorum.QuorumPeerMain", zooCfg)
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			logf.Close()
			e.Close()
			return nil, fmt.Errorf("interop: starting apache zookeeper member %d: %w", i+1, err)
		}
		a := &Apache{addr: fmt.Sprintf("127.0.0.1:%d", clientPorts[i]), cmd: cmd, done: make(chan struct{}), log: logPath}
		go func() { cmd.Wait(); logf.Close(); close(a.done) }()
		e.members = append(e.members, a)
	}
	// Poll srvr until every member serves (an external process: there is
	// no event to block on).
	deadline := time.Now().Add(60 * time.Second)
	for _, a := range e.members {
		for {
			out, err := FourLetterWord(a.addr, "srvr", time.Second)
			if err == nil && (strings.Contains(out, "Mode: leader") || strings.Contains(out, "Mode: follower")) {
				break
			}
			select {
			case <-a.done:
				tail := a.LogTail(2000)
				e.Close()
				return nil, fmt.Errorf("interop: apache member %s exited during startup; log:\n%s", a.addr, tail)
			case <-time.After(50 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				tail := a.LogTail(2000)
				e.Close()
				return nil, fmt.Errorf("interop: apache member %s did not serve within 60s; log:\n%s", a.addr, tail)
			}
		}
	}
	return e, nil
}

// Addrs are the members' client addresses, in id order.
func (e *ApacheEnsemble) Addrs() []string {
	out := make([]string, len(e.members))
	for i, a := range e.members {
		out[i] = a.addr
	}
	return out
}

// Member returns member id (1-based).
func (e *ApacheEnsemble) Member(id int) *Apache { return e.members[id-1] }

// Close kills every member.
func (e *ApacheEnsemble) Close() error {
	for _, a := range e.members {
		a.Close()
	}
	return nil
}
