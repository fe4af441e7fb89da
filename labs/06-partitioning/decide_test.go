//go:build grade

package lab06_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/zkafka/zkafka/kafka/broker/metadata"
	"github.com/zkafka/zkafka/kafka/broker/metadata/leadership"
	"github.com/zkafka/zkafka/kafka/zkdata"
)

// Topic znodes as Kafka writes them: 2.3's version 1, and 2.4's version
// 2 in the middle of a reassignment (KIP-455: "partitions" lists every
// replica, the adding ones included; the removing ones are still in it).
const (
	znodeV1 = `{"version":1,"partitions":{"2":[3,1,2],"1":[2,3,1],"0":[1,2,3]}}`
	znodeV2 = `{"version":2,"partitions":{"0":[4,1,2],"1":[2,4,1]},` +
		`"adding_replicas":{"0":[4],"1":[4]},"removing_replicas":{"0":[1],"1":[1]}}`
)

// decode reads a topic znode as the Watcher does.
func decode(t *testing.T, data string) zkdata.TopicAssignment {
	t.Helper()
	a, err := zkdata.DecodeTopic([]byte(data))
	if err != nil {
		t.Fatalf("zkdata.DecodeTopic(%s): %v", data, err)
	}
	return a
}

// want is a partition as Derive must make it.
type want struct {
	leader       int32
	isr, offline []int32
}

// partitionIs reports how p differs from w and the replicas it must
// carry ("" when it does not); nil and empty lists count alike.
func partitionIs(p leadership.Partition, id int32, replicas []int32, w want) string {
	var bad []string
	same := func(a, b []int32) bool { return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b)) }
	if p.ID != id {
		bad = append(bad, fmt.Sprintf("ID %d, want %d", p.ID, id))
	}
	if !same(p.Replicas, replicas) {
		bad = append(bad, fmt.Sprintf("Replicas %v, want %v", p.Replicas, replicas))
	}
	if p.Leader != w.leader {
		bad = append(bad, fmt.Sprintf("Leader %d, want %d", p.Leader, w.leader))
	}
	if !same(p.ISR, w.isr) {
		bad = append(bad, fmt.Sprintf("ISR %v, want %v", p.ISR, w.isr))
	}
	if !same(p.Offline, w.offline) {
		bad = append(bad, fmt.Sprintf("Offline %v, want %v", p.Offline, w.offline))
	}
	return strings.Join(bad, "; ")
}

// checkTopic checks every partition of a decided topic.
func checkTopic(t *testing.T, what string, d leadership.Decision, topic string, a zkdata.TopicAssignment, ws []want) {
	t.Helper()
	ps, ok := d.Topics[topic]
	if !ok || len(ps) != len(ws) {
		errorf(t, "%s: topic %q has %d partitions (present: %v), want %d", what, topic, len(ps), ok, len(ws))
		return
	}
	for i, w := range ws {
		id := int32(i)
		if msg := partitionIs(ps[i], id, a.Partitions[id], w); msg != "" {
			errorf(t, "%s: %s-%d: %s", what, topic, id, msg)
		}
	}
}

// checkLocal checks the partitions a broker holds.
func checkLocal(t *testing.T, what string, got, w []leadership.Replica) {
	t.Helper()
	if len(got) != len(w) || (len(w) > 0 && !reflect.DeepEqual(got, w)) {
		errorf(t, "%s: Local = %+v\nwant %+v", what, got, w)
	}
}

// TestDeriveLeader checks the stopgap's rule for one partition: the
// first live assigned replica leads, the ISR is the live replicas in
// assignment order, the others are offline; with no live replica there
// is no leader (-1: Metadata answers LEADER_NOT_AVAILABLE).
//
// Points: 5
// Reference: AK 2.3.1 KafkaController.initializeLeaderAndIsrForPartitions, UpdateMetadataRequest's offline_replicas
func TestDeriveLeader(t *testing.T) {
	live := func(id int32) bool { return id != 2 && id != 5 }
	for _, c := range []struct {
		replicas []int32
		w        want
	}{
		{[]int32{1, 2, 3}, want{1, []int32{1, 3}, []int32{2}}},
		{[]int32{2, 3, 1}, want{3, []int32{3, 1}, []int32{2}}},
		{[]int32{5, 2, 4}, want{4, []int32{4}, []int32{5, 2}}},
		{[]int32{3}, want{3, []int32{3}, nil}},
		{[]int32{2, 5}, want{-1, nil, []int32{2, 5}}},
		{nil, want{-1, nil, nil}},
	} {
		in := append([]int32(nil), c.replicas...)
		p := metadata.Derive(7, in, live)
		if msg := partitionIs(p, 7, c.replicas, c.w); msg != "" {
			errorf(t, "Derive(7, %v) with brokers 2 and 5 dead: %s", c.replicas, msg)
		}
		if !reflect.DeepEqual(in, c.replicas) {
			errorf(t, "Derive modified its replicas: %v, was %v", in, c.replicas)
		}
	}
}

// TestDecideVersion1 decides a 2.3 topic znode (version 1, partitions
// written in any order) with every broker alive: each partition led by
// its first replica, every replica in sync; each broker holds all three
// partitions and leads the one it is first in.
//
// Points: 5
// Reference: AK 2.3.1 TopicZNode; docs/reference/kafka.md §5 and §11
func TestDecideVersion1(t *testing.T) {
	a := decode(t, znodeV1)
	topics := map[string]zkdata.TopicAssignment{"t": a}
	all := []want{
		{1, []int32{1, 2, 3}, nil},
		{2, []int32{2, 3, 1}, nil},
		{3, []int32{3, 1, 2}, nil},
	}
	for me := int32(1); me <= 3; me++ {
		what := fmt.Sprintf("broker %d, brokers 1..3 live", me)
		d := metadata.Decide(me, []int32{3, 1, 2}, topics)
		checkTopic(t, what, d, "t", a, all)
		var w []leadership.Replica
		for p := int32(0); p < 3; p++ {
			w = append(w, leadership.Replica{Topic: "t", Partition: p, Leader: p == me-1})
		}
		checkLocal(t, what, d.Local, w)
	}
}

// TestDecideDeadBrokers decides the same znode with brokers dead: broker
// 2's partition moves to its next live replica and 2 goes offline
// everywhere; with only broker 1 alive, partition 2 (led by 1 now) is
// the only one of its replicas in sync; with no broker alive no
// partition has a leader. A dead broker still holds its logs (it
// decides for itself only once its registration is back) but leads
// nothing.
//
// Points: 5
// Reference: "Kafka Detailed Replication Design V3" (the first live assigned replica leads); AK 2.3.1 MetadataResponse LEADER_NOT_AVAILABLE
func TestDecideDeadBrokers(t *testing.T) {
	a := decode(t, znodeV1)
	topics := map[string]zkdata.TopicAssignment{"t": a}

	d := metadata.Decide(3, []int32{1, 3}, topics)
	checkTopic(t, "broker 2 dead", d, "t", a, []want{
		{1, []int32{1, 3}, []int32{2}},
		{3, []int32{3, 1}, []int32{2}},
		{3, []int32{3, 1}, []int32{2}},
	})
	checkLocal(t, "broker 3, broker 2 dead", d.Local, []leadership.Replica{
		{Topic: "t", Partition: 0}, {Topic: "t", Partition: 1, Leader: true}, {Topic: "t", Partition: 2, Leader: true},
	})

	d = metadata.Decide(1, []int32{1}, topics)
	checkTopic(t, "only broker 1 live", d, "t", a, []want{
		{1, []int32{1}, []int32{2, 3}},
		{1, []int32{1}, []int32{2, 3}},
		{1, []int32{1}, []int32{3, 2}},
	})

	d = metadata.Decide(2, nil, topics)
	checkTopic(t, "no broker live", d, "t", a, []want{
		{-1, nil, []int32{1, 2, 3}},
		{-1, nil, []int32{2, 3, 1}},
		{-1, nil, []int32{3, 1, 2}},
	})
	checkLocal(t, "broker 2, itself not live", d.Local, []leadership.Replica{
		{Topic: "t", Partition: 0}, {Topic: "t", Partition: 1}, {Topic: "t", Partition: 2},
	})
}

// TestDecideVersion2 decides a 2.4 znode (version 2) in the middle of a
// reassignment from [1,2] to [4,2]: "partitions" already lists every
// replica, the one being added (4) and the one being removed (1), so
// adding_replicas and removing_replicas change nothing — broker 4 holds
// and leads partition 0, broker 1 still holds both.
//
// Points: 5
// Reference: KIP-455 (TopicZNode version 2, AK 2.4); AK 2.3.1 TopicZNode.decode reads only "partitions"
func TestDecideVersion2(t *testing.T) {
	a := decode(t, znodeV2)
	topics := map[string]zkdata.TopicAssignment{"r": a}
	live := []int32{1, 2, 4}
	ws := []want{{4, []int32{4, 1, 2}, nil}, {2, []int32{2, 4, 1}, nil}}

	d := metadata.Decide(4, live, topics)
	checkTopic(t, "broker 4", d, "r", a, ws)
	checkLocal(t, "broker 4", d.Local, []leadership.Replica{{Topic: "r", Partition: 0, Leader: true}, {Topic: "r", Partition: 1}})

	d = metadata.Decide(1, live, topics)
	checkTopic(t, "broker 1", d, "r", a, ws)
	checkLocal(t, "broker 1 (being removed)", d.Local, []leadership.Replica{{Topic: "r", Partition: 0}, {Topic: "r", Partition: 1}})

	d = metadata.Decide(2, []int32{1, 2}, topics)
	checkTopic(t, "broker 4 dead", d, "r", a, []want{{1, []int32{1, 2}, []int32{4}}, {2, []int32{2, 1}, []int32{4}}})
}

// TestDecideBrokerLeadingNothing decides several topics for brokers
// that lead nothing: a broker that is a follower everywhere holds its
// partitions with Leader false, a broker no topic names holds nothing
// (and still sees every partition's leader, for Metadata), and Local is
// sorted by topic name, then partition.
//
// Points: 5
// Reference: docs/reference/kafka.md §11 (every broker answers Metadata for the whole cluster)
func TestDecideBrokerLeadingNothing(t *testing.T) {
	topics := map[string]zkdata.TopicAssignment{
		"zeta":  decode(t, `{"version":1,"partitions":{"0":[1,3],"1":[2,3]}}`),
		"alpha": decode(t, `{"version":1,"partitions":{"1":[2,3],"0":[1,3],"2":[1,2]}}`),
	}
	live := []int32{4, 3, 2, 1}

	d := metadata.Decide(3, live, topics)
	checkLocal(t, "broker 3, a follower everywhere", d.Local, []leadership.Replica{
		{Topic: "alpha", Partition: 0}, {Topic: "alpha", Partition: 1},
		{Topic: "zeta", Partition: 0}, {Topic: "zeta", Partition: 1},
	})

	d = metadata.Decide(4, live, topics)
	checkLocal(t, "broker 4, in no assignment", d.Local, nil)
	checkTopic(t, "broker 4", d, "alpha", topics["alpha"], []want{
		{1, []int32{1, 3}, nil}, {2, []int32{2, 3}, nil}, {1, []int32{1, 2}, nil},
	})
	checkTopic(t, "broker 4", d, "zeta", topics["zeta"], []want{{1, []int32{1, 3}, nil}, {2, []int32{2, 3}, nil}})
	if len(d.Topics) != 2 {
		errorf(t, "broker 4: %d topics, want 2: %v", len(d.Topics), d.Topics)
	}

	d = metadata.Decide(1, live, topics)
	checkLocal(t, "broker 1", d.Local, []leadership.Replica{
		{Topic: "alpha", Partition: 0, Leader: true}, {Topic: "alpha", Partition: 2, Leader: true},
		{Topic: "zeta", Partition: 0, Leader: true},
	})
}

// TestDecideEdges decides unusual znodes: a gap
// in the partition ids (the missing partition has no replica and no
// leader, and the later ones keep their ids), a topic with no
// partitions, no topics at all; and checks that Decide modifies none of
// its arguments and answers the same whatever the order of live.
//
// Points: 5
// Reference: AK 2.3.1 TopicZNode.decode (a map of partitions); docs/reference/kafka.md §11
func TestDecideEdges(t *testing.T) {
	gap := decode(t, `{"version":1,"partitions":{"0":[1],"2":[2,1]}}`)
	empty := decode(t, `{"version":1,"partitions":{}}`)
	topics := map[string]zkdata.TopicAssignment{"gap": gap, "empty": empty}
	live := []int32{2, 1}

	d := metadata.Decide(1, live, topics)
	checkTopic(t, "gap", d, "gap", gap, []want{{1, []int32{1}, nil}, {-1, nil, nil}, {2, []int32{2, 1}, nil}})
	if ps, ok := d.Topics["empty"]; !ok || len(ps) != 0 {
		errorf(t, "a topic with no partitions: %v (present: %v), want present with none", ps, ok)
	}
	checkLocal(t, "broker 1", d.Local, []leadership.Replica{{Topic: "gap", Partition: 0, Leader: true}, {Topic: "gap", Partition: 2}})
	if !reflect.DeepEqual(live, []int32{2, 1}) || !reflect.DeepEqual(gap, decode(t, `{"version":1,"partitions":{"0":[1],"2":[2,1]}}`)) {
		errorf(t, "Decide modified its arguments: live %v, gap %+v", live, gap)
	}
	if again := metadata.Decide(1, []int32{1, 2, 1}, topics); !reflect.DeepEqual(again, d) {
		errorf(t, "Decide with live [1 2 1] = %+v\nwith [2 1] it was %+v", again, d)
	}
	if d := metadata.Decide(1, live, nil); len(d.Topics) != 0 || len(d.Local) != 0 {
		errorf(t, "Decide with no topics = %+v, want nothing", d)
	}
}
