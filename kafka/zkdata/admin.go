package zkdata

// ReplicaAssignment is one partition's target replicas in a reassignment.
type ReplicaAssignment struct {
	Topic     string
	Partition int32
	Replicas  []int32
}

// EncodeReassignment writes /admin/reassign_partitions
// (ReassignPartitionsZNode, PERSISTENT, written by the admin tool and
// deleted by the controller when every move is done):
// {"version":1,"partitions":[{"topic":t,"partition":p,"replicas":[...]},...]}
// — Jackson writing a case class, fields in declaration order.
func EncodeReassignment(rs []ReplicaAssignment) []byte {
	b := []byte{'['}
	for i, r := range rs {
		if i > 0 {
			b = append(b, ',')
		}
		replicas := r.Replicas
		if replicas == nil {
			replicas = []int32{}
		}
		b = (&writer{b: b}).open().str("topic", r.Topic).int("partition", int64(r.Partition)).
			raw("replicas", appendInts(nil, replicas)).close()
	}
	b = append(b, ']')
	return (&writer{}).open().int("version", 1).raw("partitions", b).close()
}

// DecodeReassignment reads a reassignment. Kafka parses it into the case
// class (Json.parseBytesAs), so a partition without topic, partition or
// replicas is an error here too.
func DecodeReassignment(data []byte) ([]ReplicaAssignment, error) {
	o, err := parseObject("partition reassignment", data)
	if err != nil {
		return nil, err
	}
	raw, ok := o.fields["partitions"]
	if !ok {
		return nil, o.fail("partitions", "missing")
	}
	var items []rawObject
	if err := strictUnmarshal(raw, &items); err != nil || items == nil {
		return nil, o.fail("partitions", "want an array, got %s", truncate(raw))
	}
	out := make([]ReplicaAssignment, 0, len(items))
	for _, it := range items {
		if it == nil {
			return nil, o.fail("partitions", "null entry")
		}
		e := &object{what: o.what, fields: it}
		var r ReplicaAssignment
		if r.Topic, err = e.string("topic"); err != nil {
			return nil, err
		}
		if r.Partition, err = e.int32("partition"); err != nil {
			return nil, err
		}
		rr, ok := it["replicas"]
		if !ok {
			return nil, e.fail("replicas", "missing")
		}
		if r.Replicas, err = e.int32sOf("replicas", rr); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// EncodePreferredReplicaElection writes /admin/preferred_replica_election:
// {"version":1,"partitions":[{"topic":t,"partition":p},...]}.
func EncodePreferredReplicaElection(partitions []TopicPartition) []byte {
	return (&writer{}).open().int("version", 1).raw("partitions", appendTopicPartitions(nil, partitions)).close()
}

// DecodePreferredReplicaElection reads the partitions to elect.
func DecodePreferredReplicaElection(data []byte) ([]TopicPartition, error) {
	o, err := parseObject("preferred replica election", data)
	if err != nil {
		return nil, err
	}
	return o.topicPartitions("partitions")
}

// EncodeConsumerOffset writes /consumers/<g>/offsets/<t>/<p>: the offset
// as a plain decimal (ConsumerOffset.encode). Only OffsetCommit v0 stores
// offsets here; v1 and later use __consumer_offsets.
func EncodeConsumerOffset(offset int64) []byte {
	return []byte(itoa64(offset))
}

// DecodeConsumerOffset reads a ZooKeeper-stored offset (String.toLong).
func DecodeConsumerOffset(data []byte) (int64, error) {
	return parseDecimal("consumer offset", data, 64)
}

// ProducerIDBlock is /latest_producer_id_block (ProducerIdManager): the
// last block of producer ids some broker claimed, both ends inclusive.
// Brokers claim the next block with a setData conditional on the znode's
// version.
type ProducerIDBlock struct {
	BrokerID   int32
	BlockStart int64
	BlockEnd   int64
}

// ProducerIDBlockSize is ProducerIdManager.PidBlockSize.
const ProducerIDBlockSize = 1000

// EncodeProducerIDBlock writes
// {"version":1,"broker":b,"block_start":"<n>","block_end":"<n>"} (the ids
// as strings).
func EncodeProducerIDBlock(b ProducerIDBlock) []byte {
	return (&writer{}).open().int("version", 1).int("broker", int64(b.BrokerID)).
		str("block_start", itoa64(b.BlockStart)).str("block_end", itoa64(b.BlockEnd)).close()
}

// DecodeProducerIDBlock reads the latest block.
func DecodeProducerIDBlock(data []byte) (ProducerIDBlock, error) {
	o, err := parseObject("producer id block", data)
	if err != nil {
		return ProducerIDBlock{}, err
	}
	var b ProducerIDBlock
	if b.BrokerID, err = o.int32("broker"); err != nil {
		return ProducerIDBlock{}, err
	}
	for _, f := range []struct {
		name string
		v    *int64
	}{{"block_start", &b.BlockStart}, {"block_end", &b.BlockEnd}} {
		s, err := o.string(f.name)
		if err != nil {
			return ProducerIDBlock{}, err
		}
		if *f.v, err = parseDecimal("producer id block", []byte(s), 64); err != nil {
			return ProducerIDBlock{}, o.fail(f.name, "want a decimal string, got %q", s)
		}
	}
	return b, nil
}
