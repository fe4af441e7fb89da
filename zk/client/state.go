package client

import "fmt"

// State is the client's view of its session, as reported to the
// state callback (WithStateCallback) and by Conn.State.
//
//	Connecting ──handshake ok──▶ Connected ──connection lost──▶ Disconnected
//	     ▲                           │                               │
//	     └──────── next server ◀─────┼───────────────────────────────┘
//	                                 ├──Close──▶ Closed
//	  reconnect answered timeout 0 ──┴─────────▶ Expired
//
// Expired, AuthFailed-then-closed and Closed are final: the Conn never
// leaves them.
type State int32

const (
	StateConnecting   State = 1 // dialing or handshaking (Java's CONNECTING)
	StateConnected    State = 3 // session established (KeeperState SyncConnected)
	StateDisconnected State = 0 // lost a connection; trying the next server
	StateAuthFailed   State = 4 // a resent AddAuth was refused on reconnect
	StateExpired      State = -112
	StateClosed       State = 7
)

// String matches the words zkCli.sh prints in its prompt.
func (s State) String() string {
	switch s {
	case StateConnecting:
		return "CONNECTING"
	case StateConnected:
		return "CONNECTED"
	case StateDisconnected:
		return "DISCONNECTED"
	case StateAuthFailed:
		return "AUTH_FAILED"
	case StateExpired:
		return "EXPIRED"
	case StateClosed:
		return "CLOSED"
	}
	return fmt.Sprintf("State(%d)", int32(s))
}

// final reports whether a Conn in state s will never connect again.
func (s State) final() bool { return s == StateExpired || s == StateClosed }
