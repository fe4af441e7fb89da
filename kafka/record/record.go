package record

// Record is one record of a batch. Key, Value and the headers' bytes alias
// the buffer they were read from. A nil Key or Value is Kafka's null
// (length -1); an empty non-nil slice is a zero-length one.
type Record struct {
	Attributes     int8 // unused by Kafka so far; carried as is
	TimestampDelta int64
	OffsetDelta    int32
	Key            []byte
	Value          []byte
	Headers        []RecordHeader
}

// RecordHeader is a record header: a non-null string key and a value.
type RecordHeader struct {
	Key   string
	Value []byte
}

// Records reads the records of a batch one by one from the (decompressed)
// records section. Reusing one Record across Next calls reuses its
// Headers slice, so a scan allocates nothing once warm (header keys are
// strings and do allocate; none of the broker's checks look at them).
//
//	rs := record.NewRecords(data, h.NumRecords)
//	var rec record.Record
//	for rs.Next(&rec) { ... }
//	if err := rs.Err(); err != nil { ... }
type Records struct {
	b     []byte
	left  int32
	err   error
	index int32
}

// NewRecords iterates count records in data.
func NewRecords(data []byte, count int32) *Records {
	return &Records{b: data, left: count}
}

// Err is the first error met, or, once all records were read, an error if
// bytes remain after the last one.
func (rs *Records) Err() error { return rs.err }

// Next decodes the next record into rec. It returns false at the end or
// on error (see Err).
func (rs *Records) Next(rec *Record) bool {
	if rs.err != nil {
		return false
	}
	if rs.left <= 0 {
		if len(rs.b) != 0 {
			rs.err = corrupt("%d bytes after the last record", len(rs.b))
		}
		return false
	}
	length, n := readVarint(rs.b)
	if n == 0 {
		rs.err = corrupt("record %d: bad length varint", rs.index)
		return false
	}
	if length < 0 || int(length) > len(rs.b)-n {
		rs.err = corrupt("record %d: length %d, %d bytes left", rs.index, length, len(rs.b)-n)
		return false
	}
	body := rs.b[n : n+int(length)]
	if err := decodeRecord(body, rec); err != nil {
		rs.err = corrupt("record %d: %v", rs.index, err)
		return false
	}
	rs.b = rs.b[n+int(length):]
	rs.left--
	rs.index++
	return true
}

type fieldError string

func (e fieldError) Error() string { return string(e) }

// decodeRecord decodes a record body (after its length) that must be
// consumed exactly.
func decodeRecord(b []byte, rec *Record) error {
	if len(b) < 1 {
		return fieldError("no attributes byte")
	}
	rec.Attributes = int8(b[0])
	b = b[1:]
	var n int
	if rec.TimestampDelta, n = readVarlong(b); n == 0 {
		return fieldError("bad timestampDelta varlong")
	}
	b = b[n:]
	if rec.OffsetDelta, n = readVarint(b); n == 0 {
		return fieldError("bad offsetDelta varint")
	}
	b = b[n:]
	var err error
	if rec.Key, b, err = readBytes(b, "key"); err != nil {
		return err
	}
	if rec.Value, b, err = readBytes(b, "value"); err != nil {
		return err
	}
	count, n := readVarint(b)
	if n == 0 || count < 0 {
		return fieldError("bad header count")
	}
	b = b[n:]
	// Each header takes at least two bytes: bound count before growing.
	if int(count) > len(b)/2 {
		return fieldError("header count exceeds the record")
	}
	rec.Headers = rec.Headers[:0]
	for i := int32(0); i < count; i++ {
		var k, v []byte
		if k, b, err = readBytes(b, "header key"); err != nil {
			return err
		}
		if k == nil {
			return fieldError("null header key")
		}
		if v, b, err = readBytes(b, "header value"); err != nil {
			return err
		}
		rec.Headers = append(rec.Headers, RecordHeader{Key: string(k), Value: v})
	}
	if len(b) != 0 {
		return fieldError("bytes left over inside the record")
	}
	return nil
}

// readBytes reads a varint length (-1 = null) and that many bytes.
func readBytes(b []byte, what string) (v, rest []byte, err error) {
	l, n := readVarint(b)
	if n == 0 {
		return nil, b, fieldError("bad " + what + " length varint")
	}
	b = b[n:]
	if l == -1 {
		return nil, b, nil
	}
	if l < -1 || int(l) > len(b) {
		return nil, b, fieldError("bad " + what + " length")
	}
	return b[:l:l], b[l:], nil
}

// appendRecord appends rec's wire form (with its length prefix).
func appendRecord(dst []byte, rec *Record) []byte {
	size := 1 + varlongSize(rec.TimestampDelta) + varlongSize(int64(rec.OffsetDelta)) +
		bytesSize(rec.Key) + bytesSize(rec.Value) + varlongSize(int64(len(rec.Headers)))
	for _, h := range rec.Headers {
		size += varlongSize(int64(len(h.Key))) + len(h.Key) + bytesSize(h.Value)
	}
	dst = appendVarlong(dst, int64(size))
	dst = append(dst, byte(rec.Attributes))
	dst = appendVarlong(dst, rec.TimestampDelta)
	dst = appendVarlong(dst, int64(rec.OffsetDelta))
	dst = appendBytes(dst, rec.Key)
	dst = appendBytes(dst, rec.Value)
	dst = appendVarlong(dst, int64(len(rec.Headers)))
	for _, h := range rec.Headers {
		dst = appendVarlong(dst, int64(len(h.Key)))
		dst = append(dst, h.Key...)
		dst = appendBytes(dst, h.Value)
	}
	return dst
}

func bytesSize(b []byte) int {
	if b == nil {
		return varlongSize(-1)
	}
	return varlongSize(int64(len(b))) + len(b)
}

func appendBytes(dst, b []byte) []byte {
	if b == nil {
		return appendVarlong(dst, -1)
	}
	return append(appendVarlong(dst, int64(len(b))), b...)
}
