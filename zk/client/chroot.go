package client

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/zkafka/zkafka/zk/zpath"
)

// A chroot makes a session see one subtree as its whole tree: with chroot
// "/kafka", the caller's "/brokers/ids" is the server's "/kafka/brokers/ids"
// and the caller's "/" is "/kafka". Kafka's zookeeper.connect uses it so
// several clusters can share one ensemble ("zk1:2181,zk2:2181/kafka").
//
// It is purely a client-side rewrite, as in the Java client
// (ZooKeeper.prependChroot, ClientCnxn's event path stripping): every path
// sent is prefixed, every path the server returns is stripped — the path
// Create returns, watch event paths, Sync's path, GetEphemerals' paths and
// the paths of Multi's create results. (Java 3.8 leaves Multi's create
// results and getEphemerals' paths with the prefix; we strip them too, so a
// caller never sees a server path.) Child names need no rewriting.
//
// The server knows nothing of it, so the chroot node must exist: until it
// does, every operation below it fails with NONODE (creating "/brokers"
// under a missing "/kafka" is a create whose parent is missing), exactly as
// with Java. Kafka creates the chroot first, over a session without one
// (KafkaServer.initZkClient's makeSurePersistentPathExists(chroot)); use
// ParseConnectString and a Conn without WithChroot for that.

// DefaultPort is the client port assumed for a server given without one,
// as Java's ConnectStringParser does.
const DefaultPort = "2181"

// ParseConnectString splits a ZooKeeper connect string, as Java's
// ConnectStringParser: everything from the first '/' is the chroot ("" if
// there is none or it is just "/"), the rest is a comma-separated list of
// host[:port] (port 2181 if omitted; "[::1]:2181" for IPv6). The chroot must
// be a valid znode path (zpath.Validate): "/kafka/" is refused.
func ParseConnectString(connect string) (servers []string, chroot string, err error) {
	hosts := connect
	if i := strings.IndexByte(connect, '/'); i >= 0 {
		hosts, chroot = connect[:i], connect[i:]
		if chroot == "/" {
			chroot = ""
		} else if err := zpath.Validate(chroot); err != nil {
			return nil, "", fmt.Errorf("zk: chroot in connect string %q: %w", connect, err)
		}
	}
	for _, h := range strings.Split(hosts, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(h); err != nil {
			if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
				h = h[1 : len(h)-1]
			}
			h = net.JoinHostPort(h, DefaultPort)
		}
		servers = append(servers, h)
	}
	if len(servers) == 0 {
		return nil, "", fmt.Errorf("zk: connect string %q: %w", connect, ErrNoServers)
	}
	return servers, chroot, nil
}

// ConnectString is Connect with a connect string
// ("zk1:2181,zk2:2181/kafka"): its servers, and its chroot if it has one.
// A WithChroot option given too wins over the string's chroot.
func ConnectString(connect string, sessionTimeout time.Duration, opts ...Option) (*Conn, error) {
	servers, chroot, err := ParseConnectString(connect)
	if err != nil {
		return nil, err
	}
	if chroot != "" {
		opts = append([]Option{WithChroot(chroot)}, opts...)
	}
	return Connect(servers, sessionTimeout, opts...)
}

// WithChroot roots the session at path (see the chroot notes in chroot.go).
// "" and "/" mean no chroot. An invalid path makes Connect fail.
func WithChroot(path string) Option {
	return func(o *options) {
		if path == "/" {
			path = ""
		}
		o.chroot = path
	}
}

// Chroot is the session's chroot, "" if it has none.
func (c *Conn) Chroot() string { return c.chroot }

// serverPath is the path the server knows for the caller's path. A path
// that is not absolute is sent unchanged, so the server rejects it with
// BADARGUMENTS (prefixing "x" would make the valid "/kafkax").
func (c *Conn) serverPath(p string) string {
	if c.chroot == "" || !strings.HasPrefix(p, "/") {
		return p
	}
	if p == "/" {
		return c.chroot
	}
	return c.chroot + p
}

// clientPath is the caller's path for a path the server returned. A path
// outside the chroot (which a correct server never sends) is returned
// unchanged, as Java's ClientCnxn does after logging "too short for chroot".
func (c *Conn) clientPath(p string) string {
	if c.chroot == "" {
		return p
	}
	if p == c.chroot {
		return "/"
	}
	if strings.HasPrefix(p, c.chroot) && len(p) > len(c.chroot) && p[len(c.chroot)] == '/' {
		return p[len(c.chroot):]
	}
	c.log.Warn("zk: server path outside the chroot", "path", p, "chroot", c.chroot)
	return p
}
