package proto

// NewRequestRecord returns an empty request body for op, or nil when the op
// is unknown to this server (the server then replies UNIMPLEMENTED and
// closes, as UnimplementedRequestProcessor does).
func NewRequestRecord(op OpCode) Record {
	switch op {
	case OpCreate, OpCreate2, OpCreateContainer:
		return &CreateRequest{}
	case OpCreateTTL:
		return &CreateTTLRequest{}
	case OpDelete:
		return &DeleteRequest{}
	case OpExists, OpGetData, OpGetChildren, OpGetChildren2:
		return &PathWatchRequest{}
	case OpSetData:
		return &SetDataRequest{}
	case OpGetACL, OpSync, OpGetEphemerals, OpGetAllChildrenNum:
		return &PathRequest{}
	case OpSetACL:
		return &SetACLRequest{}
	case OpCheck:
		return &CheckVersionRequest{}
	case OpMulti, OpMultiRead:
		return &MultiRequest{}
	case OpCheckWatches, OpRemoveWatches:
		return &WatchesRequest{}
	case OpAuth:
		return &AuthPacket{}
	case OpSetWatches:
		return &SetWatches{}
	case OpSetWatches2:
		return &SetWatches2{}
	case OpAddWatch:
		return &AddWatchRequest{}
	case OpPing, OpCloseSession, OpWhoAmI:
		return &Empty{}
	}
	return nil
}
