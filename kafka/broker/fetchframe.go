package broker

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// fetchFrame frames a Fetch response whose partitions' RecordBatches are
// all empty, splicing in parts (one per partition, in order): kmsg encodes
// the response, recordsFields finds each partition's records length, and
// the frame patches the length and sends the records right after it.
// Records are the last field of a partition, so nothing else moves.
func fetchFrame(corr int32, resp *kmsg.FetchResponse, parts []recordsPart) (*frame, error) {
	buf := responseFrame(corr, resp).head
	const bodyAt = 8 // size, correlation id
	fields, err := recordsFields(buf[bodyAt:], resp.Version)
	if err != nil {
		return nil, err
	}
	if len(fields) != len(parts) {
		return nil, fmt.Errorf("broker: fetch response has %d partitions, %d record parts", len(fields), len(parts))
	}
	f := &frame{}
	total := int64(len(buf) - 4)
	last := 0
	emit := func(b []byte) {
		if len(f.parts) == 0 {
			f.head = b
		} else {
			f.parts[len(f.parts)-1].tail = b
		}
	}
	for i, part := range parts {
		n := part.size()
		if n == 0 {
			continue
		}
		at := bodyAt + fields[i]
		if binary.BigEndian.Uint32(buf[at:]) != 0 {
			return nil, fmt.Errorf("broker: fetch partition %d already has records", i)
		}
		binary.BigEndian.PutUint32(buf[at:], uint32(n))
		emit(buf[last : at+4])
		f.parts = append(f.parts, framePart{rec: part})
		last = at + 4
		total += n
	}
	emit(buf[last:])
	if total > math.MaxInt32 {
		return nil, fmt.Errorf("broker: fetch response of %d bytes does not fit a frame", total)
	}
	binary.BigEndian.PutUint32(f.head, uint32(total))
	return f, nil
}

// recordsFields walks an encoded non-flexible Fetch response body (v0-11)
// and returns the offset of each partition's records length field, in
// order. It only skips fields, using the layout kmsg just wrote:
//
//	throttle_ms i32 (v1+) | error_code i16, session_id i32 (v7+) | [topics]
//	topic: name string | [partitions]
//	partition: id i32, error i16, hw i64, lso i64 (v4+), log_start i64 (v5+),
//	           [aborted: producer_id i64, first_offset i64] (v4+, nullable),
//	           preferred_read_replica i32 (v11+), records bytes
func recordsFields(body []byte, version int16) ([]int, error) {
	if version < 0 || version > 11 {
		return nil, fmt.Errorf("broker: cannot splice Fetch v%d", version)
	}
	w := walker{b: body}
	if version >= 1 {
		w.skip(4)
	}
	if version >= 7 {
		w.skip(6)
	}
	var out []int
	for range w.count() {
		w.skip(int(w.i16()))
		for range w.count() {
			w.skip(4 + 2 + 8)
			if version >= 4 {
				w.skip(8)
			}
			if version >= 5 {
				w.skip(8)
			}
			if version >= 4 {
				if n := w.i32(); n > 0 {
					w.skip(16 * int(n))
				}
			}
			if version >= 11 {
				w.skip(4)
			}
			out = append(out, w.off)
			if n := w.i32(); n > 0 {
				w.skip(int(n))
			}
		}
	}
	if w.bad || w.off != len(body) {
		return nil, fmt.Errorf("broker: fetch response layout mismatch at byte %d of %d", w.off, len(body))
	}
	return out, nil
}

type walker struct {
	b   []byte
	off int
	bad bool
}

func (w *walker) skip(n int) {
	if n < 0 || w.off+n > len(w.b) {
		w.bad, w.off = true, len(w.b)
		return
	}
	w.off += n
}

func (w *walker) i32() int32 {
	if w.off+4 > len(w.b) {
		w.bad, w.off = true, len(w.b)
		return 0
	}
	v := int32(binary.BigEndian.Uint32(w.b[w.off:]))
	w.off += 4
	return v
}

func (w *walker) i16() int16 {
	if w.off+2 > len(w.b) {
		w.bad, w.off = true, len(w.b)
		return 0
	}
	v := int16(binary.BigEndian.Uint16(w.b[w.off:]))
	w.off += 2
	return v
}

// count reads an array length; a null or corrupt one counts 0.
func (w *walker) count() int {
	n := w.i32()
	if n < 0 || w.bad {
		return 0
	}
	return int(n)
}
