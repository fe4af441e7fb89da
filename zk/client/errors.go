package client

import (
	"errors"
	"fmt"

	"github.com/zkafka/zkafka/zk/zkerr"
)

// Sentinel errors of the client API. Server-side failures are returned as
// zkerr.Code values instead (errors.Is(err, zkerr.NoNode)).
var (
	// ErrConnectionClosed: the connection carrying a request broke before its
	// reply arrived. The outcome is unknown — a write may or may not have
	// been applied — which is why ZooKeeper calls this CONNECTIONLOSS; the
	// error also matches zkerr.ConnectionLoss. The session lives on: the
	// client is already reconnecting.
	ErrConnectionClosed = fmt.Errorf("zk: connection closed before the reply: %w", zkerr.ConnectionLoss)

	// ErrSessionExpired: the ensemble expired the session (its ephemerals
	// are gone, its watches too). The Conn is dead; make a new one. Also
	// matches zkerr.SessionExpired.
	ErrSessionExpired = fmt.Errorf("zk: session expired: %w", zkerr.SessionExpired)

	// ErrClosed: Close was called.
	ErrClosed = errors.New("zk: client closed")

	// ErrNoServers: Connect was given an empty server list.
	ErrNoServers = errors.New("zk: no servers given")

	// ErrProtocol: the server broke the wire protocol (a reply out of order,
	// an undecodable frame). The client drops the connection and reconnects.
	ErrProtocol = errors.New("zk: protocol error")
)
