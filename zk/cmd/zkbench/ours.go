package main

import (
	"errors"
	"time"
)

// startOurs starts our server in process on dir.
// TODO(zkbench): wire zk/server once it lands.
func startOurs(dir string, tick time.Duration) (addr string, stop func(), err error) {
	return "", nil, errors.New("zk/server has not landed yet")
}
