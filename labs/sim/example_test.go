package sim_test

import (
	"fmt"

	"github.com/zkafka/zkafka/labs/sim"
)

// pinger counts pongs: node 1 pings everyone each tick, the others answer.
type pinger struct {
	id    sim.NodeID
	peers []sim.NodeID
	pongs int
}

func (p *pinger) Receive(env sim.Env[string], from sim.NodeID, m string) {
	switch m {
	case "ping":
		env.Send(from, "pong")
	case "pong":
		p.pongs++
	}
}

func (p *pinger) Tick(env sim.Env[string]) {
	if p.id == 1 {
		for _, q := range p.peers[1:] {
			env.Send(q, "ping")
		}
	}
}

func (p *pinger) Disconnected(env sim.Env[string], peer sim.NodeID) {}

// A test against the simulated world reads like a script.
func Example() {
	w, err := sim.New(sim.Config[string, *pinger]{
		Nodes: 3,
		Seed:  42, // in a test: sim.Seed(t)
		Start: func(b sim.Boot) (*pinger, error) { return &pinger{id: b.ID, peers: b.Peers}, nil },
	})
	if err != nil {
		panic(err)
	}
	w.Partition("1 | 2 3") // node 1 alone
	_ = w.RunFor(10)
	w.Heal()
	_ = w.RunFor(10)
	w.Crash(3)
	_ = w.RunFor(10)
	_ = w.Restart(3)
	_ = w.Stabilize(10) // deliver what is in flight, timers frozen

	n1, _ := w.Node(1)
	fmt.Println("pongs:", n1.pongs > 0)
	fmt.Print(w.Faults())
	// Output:
	// pongs: true
	// t=0 partition 1 | 2 3
	// t=10 heal
	// t=20 crash 3
	// t=30 restart 3
}
