package log

import (
	"io"
	"syscall"

	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// Section is the answer to a fetch: a range of a segment file holding
// whole batches, ready to be sent as they are. The broker writes the
// Fetch response header, then the section — with sendfile when the file
// is a real one and the destination a TCP connection (docs/reference/kafka.md §3
// "sendfile").
//
// A Section stays valid until the next call that changes the log
// (Append, TruncateTo, DeleteOldSegments, Close): those may truncate,
// delete or close the file.
type Section struct {
	File vfs.File // the segment's .log; nil when Size is 0
	Pos  int64    // where the first batch starts
	Size int64    // bytes of whole batches
}

// Bytes reads the section into memory.
func (s Section) Bytes() ([]byte, error) {
	b := make([]byte, s.Size)
	if s.Size == 0 {
		return b, nil
	}
	if _, err := s.File.ReadAt(b, s.Pos); err != nil {
		return nil, err
	}
	return b, nil
}

// Reader returns a reader over the section.
func (s Section) Reader() *io.SectionReader {
	if s.Size == 0 {
		return io.NewSectionReader(emptyReaderAt{}, 0, 0)
	}
	return io.NewSectionReader(s.File, s.Pos, s.Size)
}

// WriteTo copies the section to w. When the file is an OS file and w a
// TCP connection, Go's net package turns this into sendfile(2): the bytes
// go from the page cache to the socket without entering the process. That
// path seeks the shared file offset, so callers must not run two WriteTo
// of the same file at once.
func (s Section) WriteTo(w io.Writer) (int64, error) {
	if s.Size == 0 {
		return 0, nil
	}
	if rf, ok := w.(io.ReaderFrom); ok {
		if _, ok := s.File.(syscall.Conn); ok {
			if _, err := s.File.Seek(s.Pos, io.SeekStart); err != nil {
				return 0, err
			}
			return rf.ReadFrom(&io.LimitedReader{R: s.File, N: s.Size})
		}
	}
	return io.Copy(w, s.Reader())
}

type emptyReaderAt struct{}

func (emptyReaderAt) ReadAt([]byte, int64) (int, error) { return 0, io.EOF }
