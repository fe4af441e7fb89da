package main

import (
	"time"

	"github.com/zkafka/zkafka/zk/server"
)

// startOurs starts our server in process on dir, on a free 127.0.0.1 port.
func startOurs(dir string, tick time.Duration) (addr string, stop func(), err error) {
	s, err := server.Start(server.Config{
		ClientAddr:      "127.0.0.1:0",
		DataDir:         dir + "/ours",
		TickTime:        tick,
		FourLetterWords: []string{"*"},
	})
	if err != nil {
		return "", nil, err
	}
	return s.Addr().String(), func() { s.Close() }, nil
}
