package metadata

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zkafka/zkafka/kafka/kafkazk"
	"github.com/zkafka/zkafka/kafka/zkdata"
	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// Config is what a Watcher needs.
type Config struct {
	ZK     *kafkazk.Client
	Logger *slog.Logger
	// BrokerID is this broker's id: the Snapshot's Local are the
	// partitions it holds (Decide).
	BrokerID int32
	// Apply is told every new snapshot, on the Watcher's goroutine, in
	// order; it must not wait for the Watcher.
	Apply func(*Snapshot)
	// RetryBackoff is the pause before reading again after a failed read
	// (connection loss, a ZooKeeper that is down). Default 200 ms.
	RetryBackoff time.Duration
	// ReadTimeout bounds each ZooKeeper read. Default 10 s.
	ReadTimeout time.Duration
	// NowMs is the clock config change notices are aged by (the broker's
	// clock). Default the wall clock.
	NowMs func() int64
	// ChangeExpiration is how old a config change notice may get before
	// the Watcher deletes it (ZkNodeChangeNotificationListener's
	// changeExpirationMs). Default 15 minutes, as Kafka's.
	ChangeExpiration time.Duration
}

// DefaultChangeExpiration is Kafka's changeExpirationMs: 15 minutes.
const DefaultChangeExpiration = 15 * time.Minute

// Watcher keeps a Snapshot current from ZooKeeper watches: children of
// /brokers/ids and each registration, children of /brokers/topics and
// each topic's assignment, and children of /config/changes. A topic's
// config (/config/topics/<t>) is read when the topic is first seen and
// again for each change notice naming it, as Kafka 2.3's brokers do
// (DynamicConfigManager): the config znode itself is not watched. See the
// package doc for who owns what.
type Watcher struct {
	cfg   Config
	log   *slog.Logger
	snap  atomic.Pointer[Snapshot]
	inbox chan event
	stop  chan struct{}
	wg    sync.WaitGroup

	// Owned by the run goroutine.
	brokers  map[int32]zkdata.BrokerInfo
	topics   map[string]topicData
	watching map[key]bool // keys with a watch outstanding in this session
	dirty    map[key]bool // keys to read again (a read failed)
	retry    <-chan time.Time
	gen      int // the session generation: bumped by each resync
	// lastChange is the sequence number of the last config change notice
	// processed (ZkNodeChangeNotificationListener.lastExecutedChange); -1
	// before the first notice; changesListed is false until the first
	// listing of /config/changes in a session.
	lastChange    int64
	changesListed bool
	ctimes        map[string]int64 // the notices' creation times, as learned
}

// topicData is one topic as read; ok is false while its assignment is
// unreadable (malformed), so it is left out of snapshots.
type topicData struct {
	assignment map[int32][]int32
	config     map[string]string
	ok         bool
}

type kind uint8

const (
	brokerList kind = iota // children of /brokers/ids
	brokerNode             // /brokers/ids/<id>
	topicList              // children of /brokers/topics
	topicNode              // /brokers/topics/<t>
	configNode             // /config/topics/<t> (read, not watched)
	changeList             // children of /config/changes
)

type key struct {
	kind  kind
	id    int32
	topic string
}

// event is a fired watch (ev set) or a resync request (resync).
type event struct {
	k      key
	ev     client.Event
	gen    int
	resync bool
}

// Start reads the cluster once (so the first Snapshot is complete when
// it returns, unless a read failed: it is then retried) and keeps
// watching until Stop.
func Start(cfg Config) *Watcher {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RetryBackoff <= 0 {
		cfg.RetryBackoff = 200 * time.Millisecond
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 10 * time.Second
	}
	if cfg.Apply == nil {
		cfg.Apply = func(*Snapshot) {}
	}
	if cfg.NowMs == nil {
		cfg.NowMs = func() int64 { return time.Now().UnixMilli() }
	}
	if cfg.ChangeExpiration <= 0 {
		cfg.ChangeExpiration = DefaultChangeExpiration
	}
	w := &Watcher{cfg: cfg, log: cfg.Logger, inbox: make(chan event, 64), stop: make(chan struct{}),
		brokers: map[int32]zkdata.BrokerInfo{}, topics: map[string]topicData{},
		watching: map[key]bool{}, dirty: map[key]bool{}, lastChange: -1,
		ctimes: map[string]int64{}}
	w.snap.Store(Empty())
	w.syncAll()
	w.publish()
	w.wg.Add(1)
	go w.run()
	return w
}

// Snapshot is the latest published snapshot.
func (w *Watcher) Snapshot() *Snapshot { return w.snap.Load() }

// Resync asks the Watcher to read everything again and set every watch
// anew: after a session expiry (the broker calls it from
// kafkazk.Client.OnNewSession).
func (w *Watcher) Resync() {
	select {
	case w.inbox <- event{resync: true}:
	case <-w.stop:
	}
}

// Stop ends the Watcher's goroutine.
func (w *Watcher) Stop() {
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	w.wg.Wait()
}

func (w *Watcher) run() {
	defer w.wg.Done()
	for {
		select {
		case <-w.stop:
			return
		case e := <-w.inbox:
			w.handle(e)
		case <-w.retry:
			w.retry = nil
			w.retryDirty()
		}
		// Take whatever else has arrived before publishing once.
		for more := true; more; {
			select {
			case e := <-w.inbox:
				w.handle(e)
			default:
				more = false
			}
		}
		w.publish()
	}
}

func (w *Watcher) handle(e event) {
	if e.resync {
		w.log.Info("reading the cluster's metadata again (new ZooKeeper session)")
		w.gen++
		w.watching = map[key]bool{}
		w.lastChange, w.changesListed = -1, false
		w.syncAll()
		return
	}
	if e.gen != w.gen {
		return // a watch of an earlier session: its end was expected
	}
	delete(w.watching, e.k)
	if e.ev.Err != nil {
		// The session ended: every watch is gone. The broker's new-session
		// handler sends a resync; nothing to read until then.
		return
	}
	w.read(e.k)
}

// syncAll reads the lists and everything in them. /config/changes comes
// first: every notice already there is older than the configs read next,
// and every later change leaves a newer notice, which its watch brings.
func (w *Watcher) syncAll() {
	w.read(key{kind: changeList})
	w.read(key{kind: brokerList})
	w.read(key{kind: topicList})
}

func (w *Watcher) retryDirty() {
	keys := w.dirty
	w.dirty = map[key]bool{}
	for k := range keys {
		w.read(k)
	}
}

// read reads one key with a watch and updates the picture. A failed read
// (not a missing or malformed znode) is retried after RetryBackoff.
func (w *Watcher) read(k key) {
	if w.watching[k] {
		return // a watch is outstanding: what we hold is current
	}
	ctx, cancel := context.WithTimeout(context.Background(), w.cfg.ReadTimeout)
	defer cancel()
	zk := w.cfg.ZK
	var ch <-chan client.Event
	var err error
	switch k.kind {
	// #region watch-brokers
	case brokerList:
		var ids []int32
		ids, ch, err = zk.BrokerIDsW(ctx)
		if err == nil {
			seen := map[int32]bool{}
			for _, id := range ids {
				seen[id] = true
				w.read(key{kind: brokerNode, id: id}) // no-op while its watch is set
			}
			for id := range w.brokers {
				if !seen[id] {
					delete(w.brokers, id)
				}
			}
		}
	case brokerNode:
		var b zkdata.BrokerInfo
		b, _, ch, err = zk.BrokerW(ctx, k.id)
		switch {
		case err == nil:
			w.brokers[k.id] = b
		case errors.Is(err, zkerr.NoNode):
			delete(w.brokers, k.id) // gone: its session ended
			return
		case errors.Is(err, zkdata.ErrMalformed):
			w.log.Warn("skipping a malformed broker registration (the broker is left out until it is fixed)", "id", k.id, "err", err)
			delete(w.brokers, k.id)
			err = nil
		}
	// #endregion watch-brokers
	case topicList:
		var names []string
		names, ch, err = zk.TopicsW(ctx)
		if err == nil {
			seen := map[string]bool{}
			for _, n := range names {
				seen[n] = true
				if _, ok := w.topics[n]; !ok || !w.watching[key{kind: topicNode, topic: n}] {
					// A topic seen for the first time, or again in a new
					// session: read its config (later changes come as notices).
					w.topics[n] = w.topics[n]
					w.read(key{kind: configNode, topic: n})
				}
				w.read(key{kind: topicNode, topic: n}) // a no-op while its watch is set
			}
			for n := range w.topics {
				if !seen[n] {
					delete(w.topics, n)
				}
			}
		}
	case topicNode:
		var a zkdata.TopicAssignment
		a, ch, err = zk.TopicAssignmentW(ctx, k.topic)
		td, known := w.topics[k.topic]
		switch {
		case !known && err == nil:
			// Deleted from the list meanwhile: drop what we read.
		case err == nil:
			td.assignment, td.ok = a.Partitions, true
			w.topics[k.topic] = td
		case errors.Is(err, zkerr.NoNode):
			delete(w.topics, k.topic)
			return
		case errors.Is(err, zkdata.ErrMalformed):
			w.log.Warn("skipping a malformed topic assignment (the topic is left out until it is fixed)", "topic", k.topic, "err", err)
			if known {
				td.ok = false
				w.topics[k.topic] = td
			}
			err = nil
		}
	case configNode:
		var cfg map[string]string
		cfg, err = zk.TopicConfig(ctx, k.topic)
		if errors.Is(err, zkdata.ErrMalformed) {
			w.log.Warn("skipping a malformed topic config (the topic keeps its defaults)", "topic", k.topic, "err", err)
			cfg, err = map[string]string{}, nil
		}
		if td, known := w.topics[k.topic]; known && err == nil {
			td.config = cfg
			w.topics[k.topic] = td
		}
	case changeList:
		var names []string
		names, ch, err = zk.ConfigChangesW(ctx)
		if err == nil {
			err = w.processChanges(ctx, names)
		}
	}
	if err != nil {
		w.log.Debug("reading ZooKeeper failed; retrying", "what", k, "err", err)
		w.dirty[k] = true
		if w.retry == nil {
			w.retry = time.After(w.cfg.RetryBackoff)
		}
		return
	}
	if ch != nil {
		w.watching[k] = true
		w.wg.Add(1)
		go w.forward(k, w.gen, ch)
	}
}

// processChanges handles the change notices newer than the last one
// processed, in sequence order (ZkNodeChangeNotificationListener
// .processNotifications): a topic notice re-reads that topic's config.
// The first listing of a session only records where the notices stand:
// the configs are read fresh with the topics. A malformed notice is
// logged and skipped; one already deleted (purged) is skipped.
func (w *Watcher) processChanges(ctx context.Context, names []string) error {
	for _, n := range names {
		s, ok := zkdata.SequenceNumber(n, zkdata.ConfigChangePrefix)
		if !ok {
			continue
		}
		seq, err := strconv.ParseInt(s, 10, 64)
		if err != nil || seq <= w.lastChange {
			continue
		}
		if !w.changesListed {
			w.lastChange = seq // the session's first listing: only where they stand
			continue
		}
		c, err := w.cfg.ZK.ConfigChange(ctx, n)
		switch {
		case errors.Is(err, zkerr.NoNode):
		case errors.Is(err, zkdata.ErrMalformed):
			w.log.Warn("skipping a malformed config change notice", "notice", n, "err", err)
		case err != nil:
			return err
		case c.EntityType == zkdata.ConfigTypeTopic:
			if _, known := w.topics[c.EntityName]; known {
				w.log.Info("config change notice: reading the topic's config again", "notice", n, "topic", c.EntityName)
				w.read(key{kind: configNode, topic: c.EntityName})
			}
		default:
			// clients, users and brokers: quotas and dynamic broker
			// configs, which this broker does not implement.
		}
		w.lastChange = seq
	}
	w.changesListed = true
	w.purgeChanges(ctx, names)
	return nil
}

// purgeChanges deletes the notices older than ChangeExpiration, as every
// Kafka broker does after processing them
// (ZkNodeChangeNotificationListener.purgeObsoleteNotifications): a
// notice only has to live until every broker has had its watch fire. A
// failed read or delete is left for the next listing.
func (w *Watcher) purgeChanges(ctx context.Context, names []string) {
	cutoff := w.cfg.NowMs() - w.cfg.ChangeExpiration.Milliseconds()
	listed := map[string]bool{}
	for _, n := range names {
		listed[n] = true
		ct, ok := w.ctimes[n]
		if !ok {
			var exists bool
			var err error
			if ct, exists, err = w.cfg.ZK.ConfigChangeCtime(ctx, n); err != nil || !exists {
				continue
			}
			w.ctimes[n] = ct
		}
		if ct < cutoff {
			if err := w.cfg.ZK.DeleteConfigChange(ctx, n); err == nil {
				w.log.Debug("purged an expired config change notice", "notice", n)
				delete(w.ctimes, n)
			}
		}
	}
	for n := range w.ctimes {
		if !listed[n] {
			delete(w.ctimes, n)
		}
	}
}

// forward hands one fired watch to the owner goroutine.
func (w *Watcher) forward(k key, gen int, ch <-chan client.Event) {
	defer w.wg.Done()
	select {
	case ev, ok := <-ch:
		if !ok {
			ev = client.Event{Err: client.ErrClosed}
		}
		select {
		case w.inbox <- event{k: k, ev: ev, gen: gen}:
		case <-w.stop:
		}
	case <-w.stop:
	}
}

// publish stores a new snapshot and applies it, if anything changed.
func (w *Watcher) publish() {
	next := build(w.cfg.BrokerID, w.brokers, w.topics)
	if reflect.DeepEqual(next, w.snap.Load()) {
		return
	}
	w.snap.Store(next)
	w.cfg.Apply(next)
}
