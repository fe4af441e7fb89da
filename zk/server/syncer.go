package server

import (
	"github.com/zkafka/zkafka/labs/sim/vfs"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/snapshot"
	"github.com/zkafka/zkafka/zk/txnlog"
)

// batch is what the core hands the sync stage after one request: txns to
// log, then outputs to release once they are durable. roll and finish are
// markers, handled in order.
type batch struct {
	txns   []proto.Txn
	outs   []output
	roll   bool             // roll the log before these txns (a snapshot starts)
	finish *snapshot.Writer // finish this snapshot once everything before is durable
}

// output is one frame for one connection (nil frame: just close it).
type output struct {
	c          *conn
	frame      []byte
	closeAfter bool
}

// syncer is the sync stage: group commit, then release.
type syncer struct {
	s       *Server
	log     *txnlog.Log
	fs      vfs.FS
	snapDir string
	logDir  string
}

func (y *syncer) run() {
	defer close(y.s.syncDone)
	for {
		var first *batch
		select {
		case b, ok := <-y.s.syncCh:
			if !ok {
				y.log.Close()
				return
			}
			first = b
		case <-y.s.quit:
			return // killed: nothing more is committed
		}
		// Group commit: take everything queued while the last fsync ran.
		group := []*batch{first}
		closed := false
	drain:
		for len(group) < 1000 {
			select {
			case b, ok := <-y.s.syncCh:
				if !ok {
					closed = true
					break drain
				}
				group = append(group, b)
			default:
				break drain
			}
		}
		var ready []output
		for _, b := range group {
			if b.roll {
				if err := y.log.Roll(); err != nil {
					y.s.fail(err)
					return
				}
			}
			for i := range b.txns {
				if err := y.log.Append(&b.txns[i]); err != nil {
					y.s.fail(err)
					return
				}
			}
			if b.finish != nil {
				if !y.finishSnapshot(b.finish) {
					return
				}
			}
			ready = append(ready, b.outs...)
		}
		if err := y.log.Commit(); err != nil {
			y.s.fail(err)
			return
		}
		if y.s.killed.Load() {
			return
		}
		for _, o := range ready {
			o.c.send(o.frame, o.closeAfter)
		}
		if closed {
			y.log.Close()
			return
		}
	}
}

// finishSnapshot commits the log first (the snapshot may hold effects of
// every txn queued so far), then makes the snapshot durable and purges.
func (y *syncer) finishSnapshot(w *snapshot.Writer) bool {
	if err := y.log.Commit(); err != nil {
		y.s.fail(err)
		return false
	}
	if err := w.Finish(); err != nil {
		y.s.log.Warn("snapshot failed", "zxid", w.Zxid(), "err", err)
		return true
	}
	y.s.log.Info("snapshot written", "file", snapshot.FileName(w.Zxid()))
	err := snapshot.Purge(y.fs, y.snapDir, y.s.cfg.SnapRetain, func(z int64) error {
		return txnlog.Purge(y.fs, y.logDir, z)
	})
	if err != nil {
		y.s.log.Warn("purge failed", "err", err)
	}
	return true
}
