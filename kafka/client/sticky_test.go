package client_test

import (
	"testing"

	"github.com/zkafka/zkafka/kafka/client"
	"github.com/zkafka/zkafka/labs/sim"
)

// TestStickyNullKeys: the null-keyed records of one Flush go to one
// partition while they fit a batch; the next batch (a new Flush, or one
// full at MaxBatchBytes) goes to another partition.
//
// Reference: KIP-480; AK 2.4.0 StickyPartitionCache (a 2.4 client
// behaviour: 2.3's DefaultPartitioner round-robins null keys).
func TestStickyNullKeys(t *testing.T) {
	b := startBroker(t)
	c := newClient(t, b)
	createTopic(t, c, "sticky", 6)
	cfg := client.DefaultProducerConfig()
	cfg.MaxBatchBytes = 10 * (100 + 16) // ten 100-byte records per batch
	cfg.Rand = sim.Rand(t)
	p := client.NewProducer(c, cfg)
	flush := func(n int) []int32 {
		for range n {
			p.Buffer(client.Record{Topic: "sticky", Value: make([]byte, 100)})
		}
		res, err := p.Flush(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		var parts []int32
		for _, r := range res {
			parts = append(parts, r.Record.Partition)
		}
		return parts
	}
	last := int32(-1)
	for round := range 5 {
		parts := flush(10)
		for _, q := range parts {
			if q != parts[0] {
				t.Fatalf("round %d: one batch's null-keyed records on partitions %v", round, parts)
			}
		}
		if parts[0] == last {
			t.Fatalf("round %d: a new Flush stayed on partition %d", round, last)
		}
		last = parts[0]
	}
	parts := flush(25) // 10 + 10 + 5: three batches, each on another partition than the one before
	if parts[0] == last || parts[9] != parts[0] || parts[10] == parts[9] || parts[19] != parts[10] || parts[20] == parts[19] || parts[24] != parts[20] {
		t.Fatalf("25 records in batches of 10 after partition %d: %v", last, parts)
	}
}

// One Flush with more records for a partition than one batch holds: the
// batches go one per partition per Produce request, in order (a broker
// refuses two batches of a partition in one request from Produce v3 on:
// AK 2.3's validateRecords, CORRUPT_MESSAGE), and the offsets continue
// from batch to batch.
func TestManyBatchesForOnePartition(t *testing.T) {
	b := startBroker(t)
	c := newClient(t, b)
	createTopic(t, c, "many", 1)
	cfg := client.DefaultProducerConfig()
	cfg.MaxBatchBytes = 3 * (100 + 16) // three 100-byte records per batch
	p := client.NewProducer(c, cfg)
	for i := range 10 {
		p.Buffer(client.Record{Topic: "many", Key: []byte{byte(i)}, Value: make([]byte, 100)})
	}
	res, err := p.Flush(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil || r.Record.Offset != int64(i) {
			t.Fatalf("record %d: offset %d, err %v; want offset %d (four batches, in order)", i, r.Record.Offset, r.Err, i)
		}
	}
}
