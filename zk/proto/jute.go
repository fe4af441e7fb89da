package proto

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// MaxBuffer is jute.maxbuffer's default (0xfffff bytes, about 1 MiB): the
// largest frame the server accepts and the largest znode payload.
const MaxBuffer = 0xfffff

// ErrShortBuffer means a record ended before all its fields were read.
var ErrShortBuffer = errors.New("jute: short buffer")

// A DecodeError says which field of which record could not be decoded.
type DecodeError struct {
	Offset int    // byte offset into the record's buffer
	What   string // what was being read, e.g. "ustring length -7"
	Err    error  // ErrShortBuffer or a description of the bad value
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("jute: at byte %d: %s: %v", e.Offset, e.What, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Record is a jute record: its fields in declaration order, no tags.
type Record interface {
	Encode(e *Encoder)
	Decode(d *Decoder)
}

// Encoder appends jute-encoded fields to a byte slice. Encoding cannot fail.
type Encoder struct {
	buf []byte
}

// NewEncoder returns an Encoder appending to buf (which may be nil).
func NewEncoder(buf []byte) *Encoder { return &Encoder{buf: buf} }

// Bytes returns everything encoded so far.
func (e *Encoder) Bytes() []byte { return e.buf }

// Len is the number of bytes encoded so far.
func (e *Encoder) Len() int { return len(e.buf) }

func (e *Encoder) Int(v int32)  { e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(v)) }
func (e *Encoder) Long(v int64) { e.buf = binary.BigEndian.AppendUint64(e.buf, uint64(v)) }

func (e *Encoder) Bool(v bool) {
	if v {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

// String writes a ustring: an int32 length then the UTF-8 bytes.
func (e *Encoder) String(s string) {
	e.Int(int32(len(s)))
	e.buf = append(e.buf, s...)
}

// Buffer writes a buffer; nil is written as length -1 (jute's null).
func (e *Encoder) Buffer(b []byte) {
	if b == nil {
		e.Int(-1)
		return
	}
	e.Int(int32(len(b)))
	e.buf = append(e.buf, b...)
}

// Strings writes a vector<ustring>; nil is written as count -1.
func (e *Encoder) Strings(v []string) {
	if v == nil {
		e.Int(-1)
		return
	}
	e.Int(int32(len(v)))
	for _, s := range v {
		e.String(s)
	}
}

// Record writes a nested record.
func (e *Encoder) Record(r Record) { r.Encode(e) }

// Raw appends bytes with no length prefix.
func (e *Encoder) Raw(b []byte) { e.buf = append(e.buf, b...) }

// Decoder reads jute fields from a byte slice. The first error sticks: every
// later read returns a zero value, and Err reports the first failure. So a
// record's Decode method is straight-line code, checked once at the end.
type Decoder struct {
	buf []byte
	off int
	err error
}

// NewDecoder reads from buf.
func NewDecoder(buf []byte) *Decoder { return &Decoder{buf: buf} }

// Err is the first error met, or nil.
func (d *Decoder) Err() error { return d.err }

// Remaining is the number of unread bytes.
func (d *Decoder) Remaining() int { return len(d.buf) - d.off }

// Offset is the number of bytes read.
func (d *Decoder) Offset() int { return d.off }

// Fail records err (if none is recorded yet).
func (d *Decoder) Fail(what string, err error) {
	if d.err == nil {
		d.err = &DecodeError{Offset: d.off, What: what, Err: err}
	}
}

func (d *Decoder) take(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || d.Remaining() < n {
		d.Fail(what, ErrShortBuffer)
		return nil
	}
	b := d.buf[d.off : d.off+n]
	d.off += n
	return b
}

func (d *Decoder) Int() int32 {
	b := d.take(4, "int")
	if b == nil {
		return 0
	}
	return int32(binary.BigEndian.Uint32(b))
}

func (d *Decoder) Long() int64 {
	b := d.take(8, "long")
	if b == nil {
		return 0
	}
	return int64(binary.BigEndian.Uint64(b))
}

func (d *Decoder) Bool() bool {
	b := d.take(1, "boolean")
	if b == nil {
		return false
	}
	return b[0] != 0
}

// length reads a length prefix; -1 (null) is returned as -1, any other
// negative value or a length past the end of the buffer is an error.
func (d *Decoder) length(what string) int {
	n := d.Int()
	if d.err != nil {
		return 0
	}
	if n == -1 {
		return -1
	}
	if n < 0 {
		d.Fail(what, fmt.Errorf("negative length %d", n))
		return 0
	}
	if int(n) > d.Remaining() {
		d.Fail(what, fmt.Errorf("length %d exceeds the %d bytes left: %w", n, d.Remaining(), ErrShortBuffer))
		return 0
	}
	return int(n)
}

// String reads a ustring. A null string (-1) reads as "".
func (d *Decoder) String() string {
	n := d.length("ustring")
	if n <= 0 {
		return ""
	}
	return string(d.take(n, "ustring"))
}

// Buffer reads a buffer. Null (-1) reads as nil; an empty buffer as []byte{}.
// The result is a copy, so it may outlive the frame it was read from.
func (d *Decoder) Buffer() []byte {
	n := d.length("buffer")
	if n < 0 || d.err != nil {
		return nil
	}
	b := d.take(n, "buffer")
	if b == nil {
		return nil
	}
	return append(make([]byte, 0, n), b...)
}

// VectorLen reads a vector count. elemMin is the smallest encoding of one
// element in bytes, so a hostile count cannot make us allocate more than
// the frame could hold. Null (-1) reads as -1.
func (d *Decoder) VectorLen(elemMin int) int {
	n := d.Int()
	if d.err != nil {
		return 0
	}
	if n == -1 {
		return -1
	}
	if n < 0 {
		d.Fail("vector", fmt.Errorf("negative count %d", n))
		return 0
	}
	if elemMin > 0 && int(n) > d.Remaining()/elemMin {
		d.Fail("vector", fmt.Errorf("count %d cannot fit in %d bytes: %w", n, d.Remaining(), ErrShortBuffer))
		return 0
	}
	return int(n)
}

// Strings reads a vector<ustring>. Null reads as nil.
func (d *Decoder) Strings() []string {
	n := d.VectorLen(4)
	if n < 0 || d.err != nil {
		return nil
	}
	v := make([]string, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		v = append(v, d.String())
	}
	return v
}

// Record reads a nested record.
func (d *Decoder) Record(r Record) {
	if d.err == nil {
		r.Decode(d)
	}
}

// Rest returns the unread bytes (without copying) and consumes them.
func (d *Decoder) Rest() []byte {
	b := d.buf[d.off:]
	d.off = len(d.buf)
	return b
}

// Encode returns r's encoding.
func Encode(r Record) []byte {
	e := NewEncoder(nil)
	r.Encode(e)
	return e.Bytes()
}

// Decode reads r from all of buf. Bytes left over are an error: a record
// either fills its frame exactly or the frame is malformed.
func Decode(buf []byte, r Record) error {
	d := NewDecoder(buf)
	r.Decode(d)
	if d.err != nil {
		return d.err
	}
	if d.Remaining() != 0 {
		return &DecodeError{Offset: d.off, What: fmt.Sprintf("%T", r), Err: fmt.Errorf("%d trailing bytes", d.Remaining())}
	}
	return nil
}
