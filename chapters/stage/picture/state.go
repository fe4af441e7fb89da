package picture

// State is the picture at one instant: what GET /api/state returns and
// what every "state" event of /api/events carries. A part of the cluster
// the stage does not run is absent (omitted from the JSON), so the page
// draws only what exists.
type State struct {
	// Seq goes up by one each time the picture changes.
	Seq uint64 `json:"seq"`
	// AtMs is when it was read, in ms since the stage started.
	AtMs  int64     `json:"atMs"`
	Stage StageInfo `json:"stage"`

	ZooKeeper *ZooKeeper `json:"zookeeper,omitempty"`
	Kafka     *Kafka     `json:"kafka,omitempty"`

	// Commands are the prompt's experiments, the page's buttons.
	Commands []Command `json:"commands"`
	// Events are the latest changes, oldest first (at most MaxEvents).
	Events []Event `json:"events"`
	// Errors say what a source could not read this time.
	Errors []string `json:"errors,omitempty"`
}

// StageInfo names the running stage.
type StageInfo struct {
	Chapter int    `json:"chapter"`
	Title   string `json:"title"`
}

// Command is one experiment of the stage's prompt.
type Command struct {
	Name string `json:"name"`
	Help string `json:"help"`
}

// Action is a button: a prompt command line, e.g. "kill 3".
type Action struct {
	Label   string `json:"label"`
	Command string `json:"command"`
}

// Event is one change the page noticed, or a command someone ran.
type Event struct {
	AtMs int64  `json:"atMs"`
	Text string `json:"text"`
}

// ZooKeeper is the ensemble (or chapter 1-2's one standalone server).
type ZooKeeper struct {
	// Ensemble is false for a standalone server.
	Ensemble bool `json:"ensemble"`
	// Leader is the serving leader with the highest epoch, 0 if none.
	Leader  int64      `json:"leader"`
	Servers []ZKServer `json:"servers"`
	// Cuts are the links a partition cut, each pair once (smaller id
	// first); the cut holds in both directions.
	Cuts    [][2]int64 `json:"cuts,omitempty"`
	Actions []Action   `json:"actions,omitempty"`
}

// ZKServer is one ZooKeeper server. The first group of fields comes from
// Server.Status (what `status` prints); the rest from the 4-letter words,
// which a member that is not serving does not answer ("This ZooKeeper
// instance is not currently serving requests"): those fields are then
// absent.
type ZKServer struct {
	ID   int64  `json:"id"`
	Addr string `json:"addr"`
	Up   bool   `json:"up"`
	// Mode is "leader", "follower", "looking", "standalone" or "down".
	Mode          string `json:"mode"`
	Serving       bool   `json:"serving"`
	Leader        int64  `json:"leader"` // whom it follows or leads, 0 while looking
	Epoch         int64  `json:"epoch"`
	AcceptedEpoch int64  `json:"acceptedEpoch"`
	CurrentEpoch  int64  `json:"currentEpoch"`
	Zxid          string `json:"zxid"`       // last txn applied, "0x100000003"
	LastLogged    string `json:"lastLogged"` // last txn in its log

	// From mntr.
	Znodes   *int `json:"znodes,omitempty"`
	Watches  *int `json:"watches,omitempty"`
	Sessions *int `json:"sessions,omitempty"` // zk_global_sessions
	// From cons: the clients connected to this server.
	Connections []Connection `json:"connections,omitempty"`
	// From wchp: the watched paths and the sessions watching them.
	WatchedPaths []WatchedPath `json:"watchedPaths,omitempty"`

	Actions []Action `json:"actions,omitempty"`
}

// Connection is one line of cons.
type Connection struct {
	Remote    string `json:"remote"`
	Session   string `json:"session"` // "0x100000000"
	TimeoutMs int    `json:"timeoutMs"`
	LastOp    string `json:"lastOp"`
	// Picture marks the page's own session (the one it reads the tree with).
	Picture bool `json:"picture,omitempty"`
}

// WatchedPath is one path of wchp and the sessions watching it.
type WatchedPath struct {
	Path     string   `json:"path"`
	Sessions []string `json:"sessions"`
}

// Znode is what GET /api/znode returns: one node as a client reads it.
type Znode struct {
	Path     string   `json:"path"`
	Data     string   `json:"data"`             // as text; see Binary
	Binary   bool     `json:"binary,omitempty"` // Data is not UTF-8 text: shown as hex
	Stat     ZStat    `json:"stat"`
	Children []string `json:"children"` // sorted
	// Server is the server that answered (reads are local to it).
	Server string `json:"server"`
	// Watches are the sessions watching this path, per server (wchp).
	Watches []ZnodeWatch `json:"watches"`
}

// ZStat is a Stat with zxids and the owner in hex, as zkCli prints them.
type ZStat struct {
	Czxid          string `json:"czxid"`
	Mzxid          string `json:"mzxid"`
	Pzxid          string `json:"pzxid"`
	Ctime          int64  `json:"ctime"`
	Mtime          int64  `json:"mtime"`
	Version        int32  `json:"version"`
	Cversion       int32  `json:"cversion"`
	Aversion       int32  `json:"aclVersion"`
	EphemeralOwner string `json:"ephemeralOwner"`
	DataLength     int32  `json:"dataLength"`
	NumChildren    int32  `json:"numChildren"`
}

// ZnodeWatch is a session watching a path on one server.
type ZnodeWatch struct {
	Server  int64  `json:"server"`
	Session string `json:"session"`
}

// Kafka is the brokers and what they store. Chapter 5 runs one broker
// and no controller; later chapters add to it (docs/reference/picture.md,
// "Extending the picture").
type Kafka struct {
	ClusterID string   `json:"clusterId"`
	Brokers   []Broker `json:"brokers"`
	Topics    []Topic  `json:"topics"`
	Actions   []Action `json:"actions,omitempty"`
}

// Broker is one broker, as Metadata lists it and the stage runs it.
type Broker struct {
	ID     int32  `json:"id"`
	Addr   string `json:"addr"`
	Up     bool   `json:"up"` // its process runs
	LogDir string `json:"logDir,omitempty"`
	// Registered: Metadata lists it, so it is in /brokers/ids (chapter 6
	// on). A killed broker stays registered until its ZooKeeper session
	// expires; false in chapter 5, which has no ZooKeeper.
	Registered bool `json:"registered,omitempty"`
	// Epoch is the broker epoch, the czxid of its /brokers/ids znode
	// (KIP-380), from the broker's own status; 0 if unknown or standalone.
	Epoch int64 `json:"epoch,omitempty"`
	// Leads are the partitions Metadata names it leader of, "topic-p".
	Leads   []string `json:"leads"`
	Actions []Action `json:"actions,omitempty"`
}

// Topic is one topic of Metadata.
type Topic struct {
	Name       string      `json:"name"`
	Internal   bool        `json:"internal,omitempty"`
	Error      string      `json:"error,omitempty"`
	Partitions []Partition `json:"partitions"`
	Actions    []Action    `json:"actions,omitempty"`
}

// Partition is one partition: its assignment and leadership (Metadata)
// and, per broker holding a copy, that replica's log.
type Partition struct {
	Partition   int32   `json:"partition"`
	Leader      int32   `json:"leader"`
	LeaderEpoch int32   `json:"leaderEpoch"`
	Replicas    []int32 `json:"replicas"`
	ISR         []int32 `json:"isr"`
	Error       string  `json:"error,omitempty"`
	// Logs are the replicas' logs, one per broker in Replicas whose log
	// the stage can see.
	Logs []ReplicaLog `json:"logs"`
}

// ReplicaLog is one broker's copy of a partition.
type ReplicaLog struct {
	Broker int32 `json:"broker"`
	// LogStartOffset and LogEndOffset are ListOffsets' earliest (-2) and
	// latest (-1) answers; -1 if unknown. On chapter 5's broker, with no
	// replication, latest is the log end offset.
	LogStartOffset int64 `json:"logStartOffset"`
	LogEndOffset   int64 `json:"logEndOffset"`
	// HighWatermark is absent until replication (chapter 7) gives the
	// log a high watermark distinct from its end.
	HighWatermark *int64    `json:"highWatermark,omitempty"`
	Segments      []Segment `json:"segments"`
	Bytes         int64     `json:"bytes"` // every .log file together
}

// Segment is one segment's files in the partition directory.
type Segment struct {
	BaseOffset     int64 `json:"baseOffset"`
	LogBytes       int64 `json:"logBytes"`
	IndexBytes     int64 `json:"indexBytes"`
	TimeIndexBytes int64 `json:"timeIndexBytes"`
}
