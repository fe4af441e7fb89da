package zkdata

// TopicPartition names one partition.
type TopicPartition struct {
	Topic     string
	Partition int32
}

// appendTopicPartitions writes [{"topic":t,"partition":p},...] (2-entry
// Scala Maps: topic first).
func appendTopicPartitions(b []byte, ps []TopicPartition) []byte {
	b = append(b, '[')
	for i, tp := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = (&writer{b: b}).open().str("topic", tp.Topic).int("partition", int64(tp.Partition)).close()
	}
	return append(b, ']')
}

func (o *object) topicPartitions(field string) ([]TopicPartition, error) {
	raw, ok := o.fields[field]
	if !ok {
		return nil, o.fail(field, "missing")
	}
	var items []rawObject
	if err := strictUnmarshal(raw, &items); err != nil || items == nil {
		return nil, o.fail(field, "want an array of {topic, partition}, got %s", truncate(raw))
	}
	out := make([]TopicPartition, 0, len(items))
	for _, it := range items {
		if it == nil {
			return nil, o.fail(field, "want an array of {topic, partition}")
		}
		e := &object{what: o.what, fields: it}
		var tp TopicPartition
		var err error
		if tp.Topic, err = e.string("topic"); err != nil {
			return nil, err
		}
		if tp.Partition, err = e.int32("partition"); err != nil {
			return nil, err
		}
		out = append(out, tp)
	}
	return out, nil
}

// EncodeIsrChange writes /isr_change_notification/isr_change_<seq>
// (IsrChangeNotificationSequenceZNode, PERSISTENT_SEQUENTIAL):
// {"version":1,"partitions":[{"topic":t,"partition":p},...]}. A partition
// leader writes one after changing ISRs in their state znodes; the
// controller reads, propagates (UpdateMetadata) and deletes them. Kafka
// writes a Set, so the partitions' order means nothing.
func EncodeIsrChange(partitions []TopicPartition) []byte {
	return (&writer{}).open().int("version", 1).raw("partitions", appendTopicPartitions(nil, partitions)).close()
}

// DecodeIsrChange reads an ISR change notification.
func DecodeIsrChange(data []byte) ([]TopicPartition, error) {
	o, err := parseObject("isr change notification", data)
	if err != nil {
		return nil, err
	}
	return o.topicPartitions("partitions")
}

// LogDirFailureEvent is the only event a log dir notification carries.
const LogDirFailureEvent = 1

// EncodeLogDirEvent writes /log_dir_event_notification/log_dir_event_<seq>:
// {"version":1,"broker":b,"event":1} (a broker lost a log directory).
func EncodeLogDirEvent(broker int32) []byte {
	return (&writer{}).open().int("version", 1).int("broker", int64(broker)).int("event", LogDirFailureEvent).close()
}

// DecodeLogDirEvent reads the broker id of a log dir event.
func DecodeLogDirEvent(data []byte) (int32, error) {
	o, err := parseObject("log dir event notification", data)
	if err != nil {
		return 0, err
	}
	return o.int32("broker")
}
