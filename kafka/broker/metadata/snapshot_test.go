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
	s := build(map[int32]zkdata.BrokerInfo{3: {ID: 3}, 1: {ID: 1}},
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
	if Empty().Controller() != -1 {
		t.Error("an empty cluster has a controller")
	}
}
