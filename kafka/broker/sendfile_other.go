//go:build !linux

package broker

import (
	"bufio"
	"net"

	"github.com/zkafka/zkafka/kafka/log"
)

// trySendfile is Linux-only; elsewhere sections are copied.
func trySendfile(*bufio.Writer, net.Conn, log.Section) (bool, error) { return false, nil }
