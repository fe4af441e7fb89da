package interop

import (
	"io"
	"net"
	"time"
)

// FourLetterWord sends a four-letter word (ruok, srvr, stat, cons, mntr, ...)
// to addr and returns everything the server writes before it closes the
// connection, as ZooKeeper's NIOServerCnxn does after answering one.
// Reference: docs/reference/zookeeper.md §2.
func FourLetterWord(addr, word string, timeout time.Duration) (string, error) {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(timeout)); err != nil {
		return "", err
	}
	if _, err := io.WriteString(c, word); err != nil {
		return "", err
	}
	b, err := io.ReadAll(c)
	return string(b), err
}
