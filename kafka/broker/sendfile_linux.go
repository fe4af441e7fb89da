package broker

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/zkafka/zkafka/kafka/log"
)

// trySendfile sends sec with sendfile(2) when nc is a socket and the
// section's file an OS file; ok is false when it cannot. It passes the
// offset explicitly, so the file's position is untouched (unlike
// log.Section.WriteTo, which seeks and so cannot run concurrently). The
// file's descriptor is held (RawConn.Control) for the whole transfer, so
// a concurrent close by retention cannot recycle it under us.
func trySendfile(w *bufio.Writer, nc net.Conn, sec log.Section) (ok bool, err error) {
	sc, isSock := nc.(syscall.Conn)
	fc, isFile := sec.File.(syscall.Conn)
	if !isSock || !isFile {
		return false, nil
	}
	sraw, err := sc.SyscallConn()
	if err != nil {
		return false, nil
	}
	fraw, err := fc.SyscallConn()
	if err != nil {
		return true, err // closed: retention deleted the segment
	}
	if err := w.Flush(); err != nil {
		return true, err
	}
	pos, remain := sec.Pos, sec.Size
	var sendErr error
	ctlErr := fraw.Control(func(ffd uintptr) {
		werr := sraw.Write(func(sfd uintptr) bool {
			for remain > 0 {
				n, err := syscall.Sendfile(int(sfd), int(ffd), &pos, int(min(remain, 1<<30)))
				if n > 0 {
					remain -= int64(n)
				}
				switch {
				case errors.Is(err, syscall.EAGAIN):
					return false // wait until the socket is writable
				case errors.Is(err, syscall.EINTR):
				case err != nil:
					sendErr = err
					return true
				case n == 0:
					sendErr = fmt.Errorf("broker: segment file ended %d bytes early", remain)
					return true
				}
			}
			return true
		})
		if sendErr == nil {
			sendErr = werr
		}
	})
	if ctlErr != nil {
		return true, ctlErr
	}
	return true, sendErr
}
