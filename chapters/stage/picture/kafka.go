package picture

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/zkafka/zkafka/kafka/client"
	"github.com/zkafka/zkafka/kafka/log"
)

// BrokerEndpoint is a broker the stage runs: where it listens, where its
// log.dir is, whether it is up; in cluster mode (chapter 6 on) its id and
// its broker epoch (0: not known, as for chapter 5's single broker).
type BrokerEndpoint struct {
	Addr   string
	LogDir string
	Up     bool
	ID     int32
	Epoch  int64
}

// TP names a partition.
type TP struct {
	Topic     string
	Partition int32
}

// Offsets are ListOffsets' answers for one partition (-1: not known).
type Offsets struct {
	Start, End int64
}

// KafkaInput is what the stage read from the brokers: Metadata (nil if
// no broker answered), each partition's offsets from its leader, and each
// broker's partition directories.
type KafkaInput struct {
	Metadata  *client.Metadata
	Endpoints []BrokerEndpoint
	Offsets   map[TP]Offsets
	// Segments[addr][tp] are the segments in that broker's directory for tp.
	Segments map[string]map[TP][]Segment
	// Cluster: the brokers run on ZooKeeper (chapter 6 on).
	Cluster bool
}

// BuildKafka turns what the brokers answered into the picture's Kafka part.
func BuildKafka(in KafkaInput) *Kafka {
	k := &Kafka{Brokers: []Broker{}, Topics: []Topic{}}
	byID := map[int32]string{} // broker id -> addr
	listed := map[string]bool{}
	if md := in.Metadata; md != nil {
		k.ClusterID = md.ClusterID
		for _, b := range md.Brokers {
			addr := b.Addr()
			byID[b.NodeID] = addr
			listed[addr] = true
			// In cluster mode Metadata lists the brokers in /brokers/ids.
			br := Broker{ID: b.NodeID, Addr: addr, Up: true, Registered: in.Cluster, Leads: []string{}}
			for _, e := range in.Endpoints {
				if e.Addr == addr {
					br.LogDir, br.Up, br.Epoch = e.LogDir, e.Up, e.Epoch
				}
			}
			k.Brokers = append(k.Brokers, br)
		}
	}
	// A broker the stage runs that Metadata did not list (it is down).
	for _, e := range in.Endpoints {
		if !listed[e.Addr] {
			id := e.ID
			if id == 0 {
				id = -1
			}
			k.Brokers = append(k.Brokers, Broker{ID: id, Addr: e.Addr, Up: e.Up, LogDir: e.LogDir, Epoch: e.Epoch, Leads: []string{}})
		}
	}
	sort.SliceStable(k.Brokers, func(i, j int) bool { return k.Brokers[i].ID < k.Brokers[j].ID })
	if in.Metadata == nil {
		return k
	}
	for _, t := range in.Metadata.Topics {
		kt := Topic{Name: t.Name, Internal: t.Internal, Partitions: []Partition{}}
		if t.Err != nil {
			kt.Error = t.Err.Error()
		}
		for _, p := range t.Partitions {
			kp := Partition{Partition: p.Partition, Leader: p.Leader, LeaderEpoch: p.LeaderEpoch,
				Replicas: orEmpty(p.Replicas), ISR: orEmpty(p.ISR), Logs: []ReplicaLog{}}
			if p.Err != nil {
				kp.Error = p.Err.Error()
			}
			tp := TP{t.Name, p.Partition}
			for _, r := range kp.Replicas {
				addr, ok := byID[r]
				segs, seen := in.Segments[addr][tp]
				if !ok || !seen {
					continue
				}
				rl := ReplicaLog{Broker: r, LogStartOffset: -1, LogEndOffset: -1, Segments: segs}
				for _, s := range segs {
					rl.Bytes += s.LogBytes
				}
				if off, ok := in.Offsets[tp]; ok && r == p.Leader {
					rl.LogStartOffset, rl.LogEndOffset = off.Start, off.End
				}
				kp.Logs = append(kp.Logs, rl)
			}
			kt.Partitions = append(kt.Partitions, kp)
		}
		sort.Slice(kt.Partitions, func(i, j int) bool { return kt.Partitions[i].Partition < kt.Partitions[j].Partition })
		k.Topics = append(k.Topics, kt)
	}
	sort.Slice(k.Topics, func(i, j int) bool { return k.Topics[i].Name < k.Topics[j].Name })
	for i := range k.Brokers {
		for _, t := range k.Topics {
			for _, p := range t.Partitions {
				if p.Leader == k.Brokers[i].ID && p.Leader >= 0 {
					k.Brokers[i].Leads = append(k.Brokers[i].Leads, fmt.Sprintf("%s-%d", t.Name, p.Partition))
				}
			}
		}
	}
	return k
}

func orEmpty(s []int32) []int32 {
	if s == nil {
		return []int32{}
	}
	return append([]int32{}, s...)
}

// ReadSegments lists the segments of a partition directory: each
// 20-digit base offset with the sizes of its .log, .index and .timeindex.
func ReadSegments(dir string) ([]Segment, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	byBase := map[int64]*Segment{}
	for _, e := range entries {
		name := e.Name()
		base, ext, ok := strings.Cut(name, ".")
		if !ok || len(base) != 20 {
			continue
		}
		off, err := strconv.ParseInt(base, 10, 64)
		if err != nil {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		s := byBase[off]
		if s == nil {
			s = &Segment{BaseOffset: off}
			byBase[off] = s
		}
		switch ext {
		case "log":
			s.LogBytes = fi.Size()
		case "index":
			s.IndexBytes = fi.Size()
		case "timeindex":
			s.TimeIndexBytes = fi.Size()
		}
	}
	out := []Segment{}
	for _, s := range byBase {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].BaseOffset < out[j].BaseOffset })
	return out, nil
}

// KafkaSource fills State.Kafka from running brokers, through a client
// of its own (Metadata, ListOffsets) and their partition directories.
type KafkaSource struct {
	Endpoints func() []BrokerEndpoint
	// Cluster: the brokers run on ZooKeeper (chapter 6 on).
	Cluster bool
	// Actions are the cluster's buttons; BrokerActions and TopicActions
	// give each broker's and topic's (nil: none).
	Actions       []Action
	BrokerActions func(b Broker) []Action
	TopicActions  func(t Topic) []Action

	mu sync.Mutex
	c  *client.Client
}

// Fill reads the brokers and builds the Kafka part.
func (k *KafkaSource) Fill(ctx context.Context, s *State) error {
	eps := k.Endpoints()
	in := KafkaInput{Endpoints: eps, Offsets: map[TP]Offsets{}, Segments: map[string]map[TP][]Segment{}, Cluster: k.Cluster}
	var errs []string
	c, err := k.client(eps)
	if err == nil {
		in.Metadata, err = c.Metadata(ctx)
	}
	if err != nil {
		k.reset() // a broker restarted: connect afresh next time
		errs = append(errs, "Metadata: "+err.Error())
	}
	if in.Metadata != nil {
		for _, t := range in.Metadata.Topics {
			for _, p := range t.Partitions {
				tp := TP{t.Name, p.Partition}
				if p.Leader < 0 {
					continue // offline: no broker to ask
				}
				start, _, err1 := c.ListOffsets(ctx, t.Name, p.Partition, -2)
				end, _, err2 := c.ListOffsets(ctx, t.Name, p.Partition, -1)
				if err1 != nil || err2 != nil {
					errs = append(errs, fmt.Sprintf("ListOffsets %s-%d: %v", t.Name, p.Partition, firstErr(err1, err2)))
					k.reset()
					continue
				}
				in.Offsets[tp] = Offsets{Start: start, End: end}
			}
		}
	}
	for _, e := range eps {
		if e.LogDir == "" || in.Metadata == nil {
			continue
		}
		m := map[TP][]Segment{}
		for _, t := range in.Metadata.Topics {
			for _, p := range t.Partitions {
				if segs, err := ReadSegments(filepath.Join(e.LogDir, log.DirName(t.Name, p.Partition))); err == nil {
					m[TP{t.Name, p.Partition}] = segs
				}
			}
		}
		in.Segments[e.Addr] = m
	}
	kf := BuildKafka(in)
	kf.Actions = append(kf.Actions, k.Actions...)
	for i := range kf.Brokers {
		if k.BrokerActions != nil {
			kf.Brokers[i].Actions = k.BrokerActions(kf.Brokers[i])
		}
	}
	for i := range kf.Topics {
		if k.TopicActions != nil {
			kf.Topics[i].Actions = k.TopicActions(kf.Topics[i])
		}
	}
	s.Kafka = kf
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (k *KafkaSource) client(eps []BrokerEndpoint) (*client.Client, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.c != nil {
		return k.c, nil
	}
	var addrs []string
	for _, e := range eps {
		addrs = append(addrs, e.Addr)
	}
	c, err := client.New(client.Config{Brokers: addrs, ClientID: "zkafka-picture"})
	if err != nil {
		return nil, err
	}
	k.c = c
	return c, nil
}

func (k *KafkaSource) reset() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.c != nil {
		k.c.Close()
		k.c = nil
	}
}

// Close closes the source's client.
func (k *KafkaSource) Close() { k.reset() }
