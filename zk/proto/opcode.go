package proto

import "fmt"

// OpCode is a request type (ZooDefs.OpCode).
type OpCode int32

const (
	OpNotification      OpCode = 0
	OpCreate            OpCode = 1
	OpDelete            OpCode = 2
	OpExists            OpCode = 3
	OpGetData           OpCode = 4
	OpSetData           OpCode = 5
	OpGetACL            OpCode = 6
	OpSetACL            OpCode = 7
	OpGetChildren       OpCode = 8
	OpSync              OpCode = 9
	OpPing              OpCode = 11
	OpGetChildren2      OpCode = 12
	OpCheck             OpCode = 13
	OpMulti             OpCode = 14
	OpCreate2           OpCode = 15
	OpReconfig          OpCode = 16
	OpCheckWatches      OpCode = 17
	OpRemoveWatches     OpCode = 18
	OpCreateContainer   OpCode = 19
	OpDeleteContainer   OpCode = 20
	OpCreateTTL         OpCode = 21
	OpMultiRead         OpCode = 22
	OpAuth              OpCode = 100
	OpSetWatches        OpCode = 101
	OpSASL              OpCode = 102
	OpGetEphemerals     OpCode = 103
	OpGetAllChildrenNum OpCode = 104
	OpSetWatches2       OpCode = 105
	OpAddWatch          OpCode = 106
	OpWhoAmI            OpCode = 107
	OpCreateSession     OpCode = -10
	OpCloseSession      OpCode = -11
	OpError             OpCode = -1
)

var opNames = map[OpCode]string{
	OpNotification: "notification", OpCreate: "create", OpDelete: "delete",
	OpExists: "exists", OpGetData: "getData", OpSetData: "setData",
	OpGetACL: "getACL", OpSetACL: "setACL", OpGetChildren: "getChildren",
	OpSync: "sync", OpPing: "ping", OpGetChildren2: "getChildren2",
	OpCheck: "check", OpMulti: "multi", OpCreate2: "create2",
	OpReconfig: "reconfig", OpCheckWatches: "checkWatches",
	OpRemoveWatches: "removeWatches", OpCreateContainer: "createContainer",
	OpDeleteContainer: "deleteContainer", OpCreateTTL: "createTTL",
	OpMultiRead: "multiRead", OpAuth: "auth", OpSetWatches: "setWatches",
	OpSASL: "sasl", OpGetEphemerals: "getEphemerals",
	OpGetAllChildrenNum: "getAllChildrenNumber", OpSetWatches2: "setWatches2",
	OpAddWatch: "addWatch", OpWhoAmI: "whoAmI",
	OpCreateSession: "createSession", OpCloseSession: "closeSession", OpError: "error",
}

func (o OpCode) String() string {
	if n, ok := opNames[o]; ok {
		return n
	}
	return fmt.Sprintf("op(%d)", int32(o))
}

// IsWrite reports whether the op changes the tree (and so is logged,
// gets a zxid and, in an ensemble, goes through the leader).
func (o OpCode) IsWrite() bool {
	switch o {
	case OpCreate, OpCreate2, OpCreateContainer, OpCreateTTL, OpDelete,
		OpDeleteContainer, OpSetData, OpSetACL, OpCheck, OpMulti, OpReconfig,
		OpCreateSession, OpCloseSession:
		return true
	}
	return false
}

// Special xids (ClientCnxn).
const (
	XidNotification int32 = -1
	XidPing         int32 = -2
	XidAuth         int32 = -4
	XidSetWatches   int32 = -8
)

// CreateMode flags (CreateMode.java).
type CreateMode int32

const (
	ModePersistent                  CreateMode = 0
	ModeEphemeral                   CreateMode = 1
	ModePersistentSequential        CreateMode = 2
	ModeEphemeralSequential         CreateMode = 3
	ModeContainer                   CreateMode = 4
	ModePersistentWithTTL           CreateMode = 5
	ModePersistentSequentialWithTTL CreateMode = 6
)

// Valid reports whether m is one of the seven modes.
func (m CreateMode) Valid() bool { return m >= 0 && m <= 6 }

// Ephemeral reports whether nodes of this mode die with their session.
func (m CreateMode) Ephemeral() bool { return m == ModeEphemeral || m == ModeEphemeralSequential }

// Sequential reports whether the server appends a %010d counter.
func (m CreateMode) Sequential() bool {
	return m == ModePersistentSequential || m == ModeEphemeralSequential || m == ModePersistentSequentialWithTTL
}

// Container reports whether the node is a container.
func (m CreateMode) Container() bool { return m == ModeContainer }

// TTL reports whether the node has a time to live.
func (m CreateMode) TTL() bool {
	return m == ModePersistentWithTTL || m == ModePersistentSequentialWithTTL
}

// Permissions (ZooDefs.Perms).
const (
	PermRead   int32 = 1
	PermWrite  int32 = 2
	PermCreate int32 = 4
	PermDelete int32 = 8
	PermAdmin  int32 = 16
	PermAll    int32 = 31
)

// EventType is a watch event type (Watcher.Event.EventType).
type EventType int32

const (
	EventNone                   EventType = -1
	EventNodeCreated            EventType = 1
	EventNodeDeleted            EventType = 2
	EventNodeDataChanged        EventType = 3
	EventNodeChildrenChanged    EventType = 4
	EventDataWatchRemoved       EventType = 5
	EventChildWatchRemoved      EventType = 6
	EventPersistentWatchRemoved EventType = 7
)

var eventNames = map[EventType]string{
	EventNone: "None", EventNodeCreated: "NodeCreated", EventNodeDeleted: "NodeDeleted",
	EventNodeDataChanged: "NodeDataChanged", EventNodeChildrenChanged: "NodeChildrenChanged",
	EventDataWatchRemoved: "DataWatchRemoved", EventChildWatchRemoved: "ChildWatchRemoved",
	EventPersistentWatchRemoved: "PersistentWatchRemoved",
}

func (t EventType) String() string {
	if n, ok := eventNames[t]; ok {
		return n
	}
	return fmt.Sprintf("EventType(%d)", int32(t))
}

// KeeperState is a connection state carried in WatcherEvent.state.
type KeeperState int32

const (
	StateDisconnected      KeeperState = 0
	StateSyncConnected     KeeperState = 3
	StateAuthFailed        KeeperState = 4
	StateConnectedReadOnly KeeperState = 5
	StateSaslAuthenticated KeeperState = 6
	StateExpired           KeeperState = -112
	StateClosed            KeeperState = 7
)

// Watch types for checkWatches/removeWatches (WatcherType).
const (
	WatcherTypeChildren int32 = 1
	WatcherTypeData     int32 = 2
	WatcherTypeAny      int32 = 3
)

// AddWatch modes (AddWatchMode).
const (
	AddWatchPersistent          int32 = 0
	AddWatchPersistentRecursive int32 = 1
)
