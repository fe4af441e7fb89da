package interop

import (
	"github.com/zkafka/zkafka/zk/server"
)

func init() {
	starters["ours"] = func(dir string) (*target, func(), error) {
		s, err := server.Start(server.Config{
			ClientAddr:        "127.0.0.1:0",
			DataDir:           dir,
			TickTime:          testTick,
			MaxSessionTimeout: testMaxSession,
			FourLetterWords:   []string{"*"},
		})
		if err != nil {
			return nil, nil, err
		}
		return &target{name: "ours", addr: s.Addr().String()}, func() { s.Close() }, nil
	}
}
