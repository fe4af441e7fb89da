package zkerr

import (
	"errors"
	"fmt"
)

// Code is a ZooKeeper error code. The zero value, OK, is not an error.
type Code int32

// The codes of KeeperException.Code in ZooKeeper 3.8
// (zookeeper-server/.../KeeperException.java).
const (
	OK                           Code = 0
	SystemError                  Code = -1
	RuntimeInconsistency         Code = -2
	DataInconsistency            Code = -3
	ConnectionLoss               Code = -4
	MarshallingError             Code = -5
	Unimplemented                Code = -6
	OperationTimeout             Code = -7
	BadArguments                 Code = -8
	UnknownSession               Code = -12
	NewConfigNoQuorum            Code = -13
	ReconfigInProgress           Code = -14
	APIError                     Code = -100
	NoNode                       Code = -101
	NoAuth                       Code = -102
	BadVersion                   Code = -103
	NoChildrenForEphemerals      Code = -108
	NodeExists                   Code = -110
	NotEmpty                     Code = -111
	SessionExpired               Code = -112
	InvalidCallback              Code = -113
	InvalidACL                   Code = -114
	AuthFailed                   Code = -115
	SessionMoved                 Code = -118
	NotReadOnly                  Code = -119
	EphemeralOnLocalSession      Code = -120
	NoWatcher                    Code = -121
	RequestTimeout               Code = -122
	ReconfigDisabled             Code = -123
	SessionClosedRequireSASLAuth Code = -124
	QuotaExceeded                Code = -125
	Throttled                    Code = -127
)

var names = map[Code]string{
	OK:                           "OK",
	SystemError:                  "SYSTEMERROR",
	RuntimeInconsistency:         "RUNTIMEINCONSISTENCY",
	DataInconsistency:            "DATAINCONSISTENCY",
	ConnectionLoss:               "CONNECTIONLOSS",
	MarshallingError:             "MARSHALLINGERROR",
	Unimplemented:                "UNIMPLEMENTED",
	OperationTimeout:             "OPERATIONTIMEOUT",
	BadArguments:                 "BADARGUMENTS",
	UnknownSession:               "UNKNOWNSESSION",
	NewConfigNoQuorum:            "NEWCONFIGNOQUORUM",
	ReconfigInProgress:           "RECONFIGINPROGRESS",
	APIError:                     "APIERROR",
	NoNode:                       "NONODE",
	NoAuth:                       "NOAUTH",
	BadVersion:                   "BADVERSION",
	NoChildrenForEphemerals:      "NOCHILDRENFOREPHEMERALS",
	NodeExists:                   "NODEEXISTS",
	NotEmpty:                     "NOTEMPTY",
	SessionExpired:               "SESSIONEXPIRED",
	InvalidCallback:              "INVALIDCALLBACK",
	InvalidACL:                   "INVALIDACL",
	AuthFailed:                   "AUTHFAILED",
	SessionMoved:                 "SESSIONMOVED",
	NotReadOnly:                  "NOTREADONLY",
	EphemeralOnLocalSession:      "EPHEMERALONLOCALSESSION",
	NoWatcher:                    "NOWATCHER",
	RequestTimeout:               "REQUESTTIMEOUT",
	ReconfigDisabled:             "RECONFIGDISABLED",
	SessionClosedRequireSASLAuth: "SESSIONCLOSEDREQUIRESASLAUTH",
	QuotaExceeded:                "QUOTAEXCEEDED",
	Throttled:                    "THROTTLEDOP",
}

// Name is the code's name as ZooKeeper spells it (e.g. "NONODE").
func (c Code) Name() string {
	if n, ok := names[c]; ok {
		return n
	}
	return fmt.Sprintf("UNKNOWN(%d)", int32(c))
}

// Error implements error. OK should never be returned as an error.
func (c Code) Error() string { return "zk: " + c.Name() }

// Known reports whether c is a code ZooKeeper 3.8 defines.
func (c Code) Known() bool { _, ok := names[c]; return ok }

// CodeOf maps a Go error to the wire code a server replies with: nil is OK,
// a Code (possibly wrapped) is itself, anything else is SYSTEMERROR.
func CodeOf(err error) Code {
	if err == nil {
		return OK
	}
	var c Code
	if errors.As(err, &c) {
		return c
	}
	return SystemError
}
