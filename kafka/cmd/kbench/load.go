package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// produceFor produces size-byte records with null keys through cl for d
// (kgo's sticky partitioner fills a batch for one partition, then moves
// on, so every partition's leader gets batches), then flushes. It
// returns how many it produced and how long that took, or the first
// error a record met.
func produceFor(ctx context.Context, cl *kgo.Client, size int, d time.Duration) (int64, time.Duration, error) {
	value := make([]byte, size)
	for i := range value {
		value[i] = byte(i*131 + i>>3) // not all zeros: what a real payload costs
	}
	var produced int64
	errc := make(chan error, 1)
	start := time.Now()
	deadline := start.Add(d)
	for time.Now().Before(deadline) {
		for i := 0; i < 1000; i++ {
			cl.Produce(ctx, &kgo.Record{Value: value}, func(_ *kgo.Record, err error) {
				if err != nil {
					select {
					case errc <- err:
					default:
					}
				}
			})
		}
		produced += 1000
	}
	if err := cl.Flush(ctx); err != nil {
		return 0, 0, err
	}
	elapsed := time.Since(start)
	select {
	case err := <-errc:
		return 0, 0, err
	default:
	}
	return produced, elapsed, nil
}

// consumeAll reads topic from the start with a new client on seeds until
// want records arrived, within timeout; it returns how long that took.
func consumeAll(ctx context.Context, seeds []string, topic string, want int64, timeout time.Duration) (time.Duration, error) {
	cons, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxBytes(50<<20))
	if err != nil {
		return 0, err
	}
	defer cons.Close()
	var got int64
	start := time.Now()
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for got < want {
		fs := cons.PollFetches(cctx)
		if err := cctx.Err(); err != nil {
			return 0, fmt.Errorf("consumed %d of %d: %w", got, want, err)
		}
		var ferr error
		fs.EachError(func(_ string, _ int32, err error) { ferr = errors.Join(ferr, err) })
		if ferr != nil {
			return 0, ferr
		}
		got += int64(fs.NumRecords())
	}
	return time.Since(start), nil
}
