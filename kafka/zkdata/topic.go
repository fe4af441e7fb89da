package zkdata

import (
	"sort"
	"strconv"
)

// TopicVersion is the /brokers/topics/<t> version Kafka 2.3 writes. 2.4
// (KIP-455) wrote version 2 with "adding_replicas" and "removing_replicas".
const TopicVersion = 1

// TopicAssignment is /brokers/topics/<t> (TopicZNode): each partition's
// replicas, the first being the preferred leader. PERSISTENT; written at
// topic creation (after /config/topics/<t>) and when partitions are added.
type TopicAssignment struct {
	Partitions map[int32][]int32
	// Adding and Removing are 2.4's in-flight reassignment sets (version
	// 2). Kafka 2.3 writes neither; they are read so a 2.4 znode decodes.
	Adding   map[int32][]int32
	Removing map[int32][]int32
}

// EncodeTopic writes {"version":1,"partitions":{"0":[1,2,3],...}}.
// Partitions are written in increasing order; Kafka writes them in the
// order of a hash map, which no reader may rely on. Adding and Removing
// are not written (2.3 has no such fields).
func EncodeTopic(a TopicAssignment) []byte {
	w := (&writer{}).open()
	w.int("version", TopicVersion)
	w.raw("partitions", appendAssignment(nil, a.Partitions))
	return w.close()
}

func appendAssignment(b []byte, m map[int32][]int32) []byte {
	ps := make([]int32, 0, len(m))
	for p := range m {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
	b = append(b, '{')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, itoa(p))
		b = append(b, ':')
		b = appendInts(b, m[p])
	}
	return append(b, '}')
}

// DecodeTopic reads versions 1 and 2 (and 2.8's 3, whose "topic_id" it
// ignores): as TopicZNode.decode, only "partitions" is required and the
// version is not checked.
func DecodeTopic(data []byte) (TopicAssignment, error) {
	o, err := parseObject("topic assignment", data)
	if err != nil {
		return TopicAssignment{}, err
	}
	var a TopicAssignment
	if a.Partitions, err = o.assignment("partitions", true); err != nil {
		return TopicAssignment{}, err
	}
	if a.Adding, err = o.assignment("adding_replicas", false); err != nil {
		return TopicAssignment{}, err
	}
	if a.Removing, err = o.assignment("removing_replicas", false); err != nil {
		return TopicAssignment{}, err
	}
	return a, nil
}

// assignment reads {"<partition>":[replicas],...}.
func (o *object) assignment(field string, required bool) (map[int32][]int32, error) {
	raw, ok := o.fields[field]
	if !ok || string(raw) == "null" {
		if required {
			return nil, o.fail(field, "missing")
		}
		return nil, nil
	}
	obj, err := o.objectOf(field, raw)
	if err != nil {
		return nil, err
	}
	m := make(map[int32][]int32, len(obj.fields))
	for k, v := range obj.fields {
		p, err := strconv.ParseInt(k, 10, 32)
		if err != nil || p < 0 {
			return nil, o.fail(field, "partition %q is not a partition number", k)
		}
		if m[int32(p)], err = o.int32sOf(field, v); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// PartitionState is /brokers/topics/<t>/partitions/<p>/state
// (TopicPartitionStateZNode): the leader, its epoch, the ISR, and the
// epoch of the controller that wrote it. PERSISTENT (not ephemeral, despite
// what some docs say). Every write is conditional on the znode's version
// (LeaderAndIsr.zkVersion), which is how a partition leader's ISR change
// and a controller's election cannot overwrite each other.
type PartitionState struct {
	ControllerEpoch int32
	Leader          int32 // -1: no leader
	LeaderEpoch     int32
	ISR             []int32
}

// EncodePartitionState writes
// {"controller_epoch":c,"leader":l,"version":1,"leader_epoch":e,"isr":[...]}:
// Kafka builds a 5-entry Scala immutable Map (a hash trie), and this is
// its iteration order for these keys.
func EncodePartitionState(s PartitionState) []byte {
	isr := s.ISR
	if isr == nil {
		isr = []int32{}
	}
	w := (&writer{}).open()
	w.int("controller_epoch", int64(s.ControllerEpoch))
	w.int("leader", int64(s.Leader))
	w.int("version", 1)
	w.int("leader_epoch", int64(s.LeaderEpoch))
	w.raw("isr", appendInts(nil, isr))
	return w.close()
}

// DecodePartitionState reads a partition state: leader, leader_epoch, isr
// and controller_epoch are required (TopicPartitionStateZNode.decode).
func DecodePartitionState(data []byte) (PartitionState, error) {
	o, err := parseObject("partition state", data)
	if err != nil {
		return PartitionState{}, err
	}
	var s PartitionState
	if s.Leader, err = o.int32("leader"); err != nil {
		return PartitionState{}, err
	}
	if s.LeaderEpoch, err = o.int32("leader_epoch"); err != nil {
		return PartitionState{}, err
	}
	raw, ok := o.fields["isr"]
	if !ok {
		return PartitionState{}, o.fail("isr", "missing")
	}
	if s.ISR, err = o.int32sOf("isr", raw); err != nil {
		return PartitionState{}, err
	}
	if s.ControllerEpoch, err = o.int32("controller_epoch"); err != nil {
		return PartitionState{}, err
	}
	return s, nil
}
