package znode

import "github.com/zkafka/zkafka/zk/proto"

// killSession deletes a closed session's ephemerals (DataTree.killSession):
// first the paths its CloseSessionTxn lists, whoever owns them now, then
// any ephemeral the tree still attributes to the session (older txns
// carried no list). Missing nodes are skipped: on replay they may already
// be gone. Each delete fires NodeDeleted then NodeChildrenChanged.
func (t *Tree) killSession(session, zxid int64, paths []string) []proto.WatcherEvent {
	var events []proto.WatcherEvent
	for _, p := range paths {
		evs, _ := t.deleteNode(p, zxid)
		events = append(events, evs...)
	}
	for _, p := range t.Ephemerals(session) {
		evs, _ := t.deleteNode(p, zxid)
		events = append(events, evs...)
	}
	return events
}
