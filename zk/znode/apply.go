package znode

import (
	"fmt"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
	"github.com/zkafka/zkafka/zk/znode/ephemeral"
	"github.com/zkafka/zkafka/zk/zpath"
)

// Apply applies a logged txn (DataTree.processTxn) and returns the watch
// events it fires. It is deterministic and, for log replay over a fuzzy
// snapshot, idempotent: a txn whose effect is already in the tree changes
// nothing more (or, for cversion and pzxid, only moves them forward).
//
// The error is what processTxn would record (NODEEXISTS when replaying a
// create the snapshot already holds, NONODE for a delete of a node it no
// longer holds); the state converges regardless, so a replaying caller
// ignores it. A logged failure (ErrorTxn, failed multi) is a no-op and
// returns nil.
func (t *Tree) Apply(txn proto.Txn) ([]proto.WatcherEvent, error) {
	_, events, err := t.ApplyStats(txn)
	return events, err
}

// ApplyStats is Apply that also gives the Stat each op left its node
// with — one per sub-txn of a multi, else one — as DataTree.processTxn's
// results carry them: a follower answers its client from these, not from
// the tree after the whole txn (a multi that sets /a then creates /a/b
// must answer the set with /a's Stat before the create).
func (t *Tree) ApplyStats(txn proto.Txn) ([]proto.Stat, []proto.WatcherEvent, error) {
	if m, ok := txn.Record.(*proto.MultiTxn); ok {
		return t.applyMulti(txn.Header, m)
	}
	stat, events, err := t.applyTxn(txn.Header, txn.Record)
	return []proto.Stat{stat}, events, err
}

// applyTxn applies one txn; Execute and Apply both end here.
func (t *Tree) applyTxn(hdr proto.TxnHeader, rec proto.Record) (proto.Stat, []proto.WatcherEvent, error) {
	zxid, time := hdr.Zxid, hdr.Time
	switch r := rec.(type) {
	case *proto.CreateTxn:
		var owner int64
		if r.Ephemeral {
			owner = hdr.ClientID
		}
		stat, events, err := t.createNode(r.Path, r.Data, r.ACL, owner, r.ParentCVersion, zxid, time)
		// processTxn: replaying a create (op 1 only) whose node survived in
		// the snapshot still moves the parent's cversion and pzxid forward.
		if hdr.Type == proto.OpCreate && zkerr.CodeOf(err) == zkerr.NodeExists {
			if perr := t.setCversionPzxid(zpath.Parent(r.Path), r.ParentCVersion, zxid); perr != nil {
				err = perr
			}
		}
		return stat, events, err
	case *proto.CreateContainerTxn:
		return t.createNode(r.Path, r.Data, r.ACL, ephemeral.ContainerOwner, r.ParentCVersion, zxid, time)
	case *proto.CreateTTLTxn:
		owner, err := ephemeral.TTLOwner(r.TTL)
		if err != nil {
			return proto.Stat{}, nil, fmt.Errorf("%w: %v", zkerr.BadArguments, err)
		}
		return t.createNode(r.Path, r.Data, r.ACL, owner, r.ParentCVersion, zxid, time)
	case *proto.DeleteTxn:
		events, err := t.deleteNode(r.Path, zxid)
		return proto.Stat{}, events, err
	case *proto.SetDataTxn:
		return t.setData(r.Path, r.Data, r.Version, zxid, time)
	case *proto.SetACLTxn:
		stat, err := t.setACL(r.Path, r.ACL, r.Version)
		return stat, nil, err
	case *proto.CheckVersionTxn:
		stat, err := t.Exists(r.Path)
		return stat, nil, err
	case *proto.CloseSessionTxn:
		return proto.Stat{}, t.killSession(hdr.ClientID, zxid, r.Paths2Delete), nil
	case *proto.CreateSessionTxn, *proto.ErrorTxn:
		return proto.Stat{}, nil, nil
	case *proto.MultiTxn:
		_, events, err := t.applyMulti(hdr, r)
		return proto.Stat{}, events, err
	}
	return proto.Stat{}, nil, fmt.Errorf("%w: cannot apply a %T (type %v)", zkerr.MarshallingError, rec, hdr.Type)
}

// setCversionPzxid is DataTree.setCversionPzxid: cversion (-1 meaning
// one more) and pzxid move only forward.
func (t *Tree) setCversionPzxid(path string, cversion int32, zxid int64) error {
	n, ok := t.nodeData(path)
	if !ok {
		return zkerr.NoNode
	}
	if cversion == -1 {
		cversion = n.Stat.Cversion + 1
	}
	if cversion > n.Stat.Cversion {
		n.Stat.Cversion = cversion
		n.Stat.Pzxid = zxid
		return t.putNode(path, n.Data, n.ACL, n.Stat)
	}
	return nil
}
