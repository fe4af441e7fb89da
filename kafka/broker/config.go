package broker

import (
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/zkafka/zkafka/kafka/log"
	"github.com/zkafka/zkafka/labs/sim/vfs"
	zkclient "github.com/zkafka/zkafka/zk/client"
)

// Config is a broker's configuration: Kafka's server.properties keys in
// Go form (the key each field stands for is in its comment). The zero
// value of every field means Kafka's default, so Config{} is a working
// standalone broker on an ephemeral port — except LogDirs, which Start
// requires.
type Config struct {
	// NodeID (broker.id): this broker's id in Metadata. Default 0.
	NodeID int32
	// Listen (listeners=PLAINTEXT://host:port) is the address to listen
	// on. Default "127.0.0.1:0": any free port on the loopback.
	Listen string
	// AdvertisedHost and AdvertisedPort (advertised.listeners) are what
	// Metadata tells clients to connect to. Default: the listener's
	// actual address.
	AdvertisedHost string
	AdvertisedPort int32
	// LogDirs (log.dirs): where partitions live. New partitions go to the
	// dir holding the fewest (AK LogManager.nextLogDirs). Required.
	LogDirs []string
	// FS is the file system the log dirs are on. Default vfs.OS{}; tests
	// use vfs.NewMem().
	FS vfs.FS
	// Log holds the default topic configuration (log.segment.bytes,
	// log.retention.*, log.flush.interval.*, message.max.bytes). A zero
	// Log means log.DefaultConfig().
	Log log.Config
	// NumPartitions (num.partitions) for auto-created topics and
	// CreateTopics with -1 partitions. Default 1.
	NumPartitions int32
	// DisableAutoCreateTopics is auto.create.topics.enable=false.
	DisableAutoCreateTopics bool
	// ClusterID is reported in Metadata v2+. Default: the cluster.id in
	// the first log dir's meta.properties, generated on first start.
	ClusterID string
	// RetentionCheckInterval (log.retention.check.interval.ms). Default 5 minutes.
	RetentionCheckInterval time.Duration
	// CheckpointInterval (log.flush.offset.checkpoint.interval.ms): how
	// often recovery points and log start offsets are checkpointed.
	// Default 60 s.
	CheckpointInterval time.Duration
	// FlushCheckInterval (log.flush.scheduler.interval.ms): how often the
	// flusher applies log.flush.interval.ms. Default: 1 s when
	// log.flush.interval.ms is set, else never.
	FlushCheckInterval time.Duration
	// MaxRequestBytes (socket.request.max.bytes): larger frames close the
	// connection. Default 100 MiB.
	MaxRequestBytes int32
	// ZooKeeperConnect (zookeeper.connect, "host:port,host:port/chroot"):
	// set, the broker joins a cluster (chapter 6; cluster.go): it
	// registers in ZooKeeper, topics live there, and Metadata answers for
	// every broker. Empty: a standalone broker (chapter 5).
	ZooKeeperConnect string
	// ZooKeeperSessionTimeout (zookeeper.session.timeout.ms). Default 6 s
	// (Kafka 2.3's).
	ZooKeeperSessionTimeout time.Duration
	// ZooKeeperDialer opens the connections to ZooKeeper (default
	// net.Dialer); tests put a proxy in the way.
	ZooKeeperDialer zkclient.Dialer
	// Rack (broker.rack) is registered with the broker and used by
	// rack-aware replica assignment. Default none.
	Rack string
	// DefaultReplicationFactor (default.replication.factor) for
	// auto-created topics and CreateTopics with -1. Default 1.
	DefaultReplicationFactor int16
	// Rand draws the random start of replica assignment (AdminUtils'
	// rand.nextInt); tests seed it so assignments replay. Default a
	// randomly seeded source.
	Rand *rand.Rand
	// Logger receives the broker's logs. Default slog.Default().
	Logger *slog.Logger
	// OnRequest, when set, is told the API key and version of every
	// request the broker is about to handle, with the client id: how
	// tests and the stages show which versions a client negotiated. It
	// runs on the connection's goroutine and must not block.
	OnRequest func(clientID string, key, version int16)
	// Clock is the time the broker stamps and ages its logs by, and the
	// ticker its maintenance jobs run on. Default log.WallClock{}.
	Clock log.Clock
}

func (c Config) withDefaults() Config {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:0"
	}
	if c.FS == nil {
		c.FS = vfs.OS{}
	}
	if c.Log == (log.Config{}) {
		c.Log = log.DefaultConfig()
	}
	if c.NumPartitions <= 0 {
		c.NumPartitions = 1
	}
	if c.RetentionCheckInterval <= 0 {
		c.RetentionCheckInterval = 5 * time.Minute
	}
	if c.CheckpointInterval <= 0 {
		c.CheckpointInterval = time.Minute
	}
	if c.FlushCheckInterval <= 0 && c.Log.FlushMs < 1<<62 {
		c.FlushCheckInterval = time.Second
	}
	if c.FlushCheckInterval < time.Millisecond {
		c.FlushCheckInterval = 0 // never (log.Manager: no flush job)
	}
	if c.ZooKeeperSessionTimeout <= 0 {
		c.ZooKeeperSessionTimeout = 6 * time.Second
	}
	if c.DefaultReplicationFactor <= 0 {
		c.DefaultReplicationFactor = 1
	}
	if c.MaxRequestBytes <= 0 {
		c.MaxRequestBytes = 100 << 20
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Clock == nil {
		c.Clock = log.WallClock{}
	}
	return c
}
