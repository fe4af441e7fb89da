package zab_test

import (
	"math/rand/v2"
	"testing"

	"github.com/zkafka/zkafka/zk/zab/zabsim"
)

func TestStats(t *testing.T) {
	for _, every := range []int{40, 100, 300} {
		tot := map[string]int{}
		for s := uint64(0); s < 3000; s++ {
			r := rand.New(rand.NewPCG(s, s))
			c := zabsim.New(r, zabsim.Options{N: 3 + 2*int(s%2)})
			if err := c.Schedule(1500, every); err != nil {
				t.Logf("every %d seed %d: %v", every, s, err)
			}
			tot["commits"] += len(c.Committed())
			for k, v := range c.Stats {
				tot[k] += v
			}
		}
		t.Log(every, tot)
	}
}
