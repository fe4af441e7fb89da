package partition

import (
	"math/rand/v2"
	"sync"
)

// #region sticky

// Sticky chooses partitions for records without a key the way the Java
// producer does from 2.4 on (KIP-480, StickyPartitionCache): every
// null-keyed record of a topic goes to one partition until a batch for
// that partition is completed (full, or sent because linger.ms expired),
// then to another partition chosen at random among the available ones.
// Batches fill up faster and fewer requests are sent than with Kafka
// 2.3's DefaultPartitioner, which round-robins null keys record by
// record over the available partitions.
//
// This is a 2.4 client behaviour in a course that follows Kafka 2.3: the
// broker cannot tell the difference (a partitioner lives in the client),
// so our producer uses the better one. Safe for concurrent use.
//
// Reference: KIP-480; AK 2.4.0 StickyPartitionCache, DefaultPartitioner;
// AK 2.3.1 DefaultPartitioner (round robin).
type Sticky struct {
	mu    sync.Mutex
	r     *rand.Rand
	parts map[string]int32 // topic -> its sticky partition
}

// NewSticky returns a sticky partitioner drawing from r (a seeded RNG
// in tests, so a run replays).
func NewSticky(r *rand.Rand) *Sticky {
	return &Sticky{r: r, parts: map[string]int32{}}
}

// Partition is the topic's sticky partition, chosen first if the topic
// has none (StickyPartitionCache.partition). numPartitions counts every
// partition (it must be positive); available lists those with a leader.
func (s *Sticky) Partition(topic string, numPartitions int32, available []int32) int32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.parts[topic]; ok && p < numPartitions {
		return p
	}
	return s.next(topic, numPartitions, available, -1)
}

// NewBatch says the batch of partition prev was completed, so the next
// null-keyed record needs a new one: if prev is the topic's sticky
// partition, another is chosen (StickyPartitionCache.nextPartition; a
// stale prev, from a batch completed after the switch, changes nothing).
// It returns the topic's sticky partition.
func (s *Sticky) NewBatch(topic string, numPartitions int32, available []int32, prev int32) int32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.next(topic, numPartitions, available, prev)
}

func (s *Sticky) next(topic string, numPartitions int32, available []int32, prev int32) int32 {
	old, ok := s.parts[topic]
	if ok && old != prev && old < numPartitions {
		return old
	}
	var p int32
	switch {
	case len(available) == 0: // no leader anywhere: any partition
		p = int32(s.r.IntN(int(numPartitions)))
	case len(available) == 1:
		p = available[0]
	default: // another available partition than the one just left
		for p = available[s.r.IntN(len(available))]; ok && p == old; {
			p = available[s.r.IntN(len(available))]
		}
	}
	s.parts[topic] = p
	return p
}

// #endregion sticky
