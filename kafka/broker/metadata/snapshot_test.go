package metadata

import (
	"reflect"
	"testing"

	"github.com/zkafka/zkafka/kafka/zkdata"
)

// TestDerive: leader = the first live assigned replica, ISR = the live
// replicas in assignment order, the rest offline (AK 2.3.1 KafkaController
// initializeLeaderAndIsrForPartitions; offline replicas as UpdateMetadata
// carries them); no live replica: no leader.
func TestDerive(t *testing.T) {
	live := func(id int32) bool { return id != 2 }
	for _, c := range []struct {
		replicas     []int32
		leader       int32
		isr, offline []int32
	}{
		{[]int32{1, 2, 3}, 1, []int32{1, 3}, []int32{2}},
		{[]int32{2, 3, 1}, 3, []int32{3, 1}, []int32{2}},
		{[]int32{2}, -1, []int32{}, []int32{2}},
	} {
		p := Derive(0, c.replicas, live)
		if p.Leader != c.leader || !reflect.DeepEqual(p.ISR, c.isr) || !reflect.DeepEqual(p.Offline, c.offline) {
			t.Errorf("Derive(%v) = leader %d isr %v offline %v", c.replicas, p.Leader, p.ISR, p.Offline)
		}
	}
}

// TestBuildAndController: a snapshot holds readable topics only, dense
// partitions, and reports the lowest live id as controller (-1 when none).
func TestBuildAndController(t *testing.T) {
	s := build(3, map[int32]zkdata.BrokerInfo{3: {ID: 3}, 1: {ID: 1}},
		map[string]topicData{
			"a":   {assignment: map[int32][]int32{0: {1}, 1: {3, 1}}, ok: true},
			"bad": {ok: false},
		})
	if s.Controller() != 1 || !reflect.DeepEqual(s.BrokerIDs(), []int32{1, 3}) {
		t.Errorf("controller %d brokers %v", s.Controller(), s.BrokerIDs())
	}
	if !reflect.DeepEqual(s.TopicNames(), []string{"a"}) || len(s.Topics["a"].Partitions) != 2 {
		t.Errorf("topics %v", s.TopicNames())
	}
	if p, ok := s.Partition("a", 1); !ok || p.Leader != 3 {
		t.Errorf("a-1 = %+v %v", p, ok)
	}
	if want := []Replica{{Topic: "a", Partition: 1, Leader: true}}; !reflect.DeepEqual(s.Local, want) {
		t.Errorf("broker 3 holds %+v, want %+v", s.Local, want)
	}
	if Empty().Controller() != -1 {
		t.Error("an empty cluster has a controller")
	}
}

// TestDecide: every partition of every topic, dense (an id the znode
// leaves out has no replica and no leader), and what broker me holds —
// live or not — sorted by topic and partition, with what it leads.
func TestDecide(t *testing.T) {
	topics := map[string]zkdata.TopicAssignment{
		"b": {Partitions: map[int32][]int32{0: {2, 1}, 2: {1}}},
		"a": {Partitions: map[int32][]int32{0: {3, 2}}, Adding: map[int32][]int32{0: {2}}},
		"e": {Partitions: map[int32][]int32{}},
	}
	d := Decide(2, []int32{3, 1}, topics)
	if len(d.Topics) != 3 || len(d.Topics["e"]) != 0 || len(d.Topics["b"]) != 3 {
		t.Fatalf("topics %+v", d.Topics)
	}
	if p := d.Topics["b"][1]; p.Leader != -1 || len(p.Replicas) != 0 {
		t.Errorf("b-1 = %+v", p)
	}
	if p := d.Topics["b"][0]; p.Leader != 1 || !reflect.DeepEqual(p.Offline, []int32{2}) {
		t.Errorf("b-0 = %+v", p)
	}
	want := []Replica{{Topic: "a", Partition: 0}, {Topic: "b", Partition: 0}}
	if !reflect.DeepEqual(d.Local, want) {
		t.Errorf("broker 2 (dead) holds %+v, want %+v", d.Local, want)
	}
	want = []Replica{{Topic: "b", Partition: 0, Leader: true}, {Topic: "b", Partition: 2, Leader: true}}
	if got := Decide(1, []int32{1, 3}, topics).Local; !reflect.DeepEqual(got, want) {
		t.Errorf("broker 1 holds %+v, want %+v", got, want)
	}
}
