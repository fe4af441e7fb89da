package record

// Validator checks batches on the produce path. It keeps a scratch buffer
// for decompression and a Record for scanning, so validating many batches
// allocates nothing once warm (for uncompressed batches). The zero value
// is ready; a Validator is not safe for concurrent use.
type Validator struct {
	buf []byte
	rec Record
}

// Validate checks one whole batch as a broker does before appending a
// producer's batch (Reference: docs/reference/kafka.md §2; AK LogValidator.validateBatch
// and validateRecord, DefaultRecordBatch.ensureValid):
//
//   - the header parses, magic is 2, batchLength+12 is exactly len(batch);
//   - the CRC-32C of bytes [21, end) matches;
//   - the codec is one of none/gzip/snappy/lz4/zstd and the records
//     decompress;
//   - recordsCount >= 1 and lastOffsetDelta == recordsCount-1;
//   - exactly recordsCount records follow, each well formed (varints in
//     range, lengths inside the record, no leftover bytes) with offset
//     deltas 0, 1, 2, ...
//
// Every failure is an *Error with code CORRUPT_MESSAGE.
func Validate(batch []byte) (Header, error) {
	var v Validator
	return v.Validate(batch)
}

// Validate is the package-level Validate reusing v's buffers.
func (v *Validator) Validate(batch []byte) (Header, error) {
	h, err := ParseHeader(batch)
	if err != nil {
		return h, err
	}
	if h.Size() != len(batch) {
		return h, corrupt("batchLength %d says %d bytes, batch has %d", h.BatchLength, h.Size(), len(batch))
	}
	if err := CheckCRC(batch); err != nil {
		return h, err
	}
	if h.NumRecords <= 0 {
		return h, corrupt("recordsCount %d; a produced batch holds at least one record", h.NumRecords)
	}
	if int64(h.LastOffsetDelta) != int64(h.NumRecords)-1 {
		return h, corrupt("lastOffsetDelta %d with %d records", h.LastOffsetDelta, h.NumRecords)
	}
	data, err := v.records(batch, h)
	if err != nil {
		return h, err
	}
	rs := Records{b: data, left: h.NumRecords}
	for i := int32(0); rs.Next(&v.rec); i++ {
		if v.rec.OffsetDelta != i {
			return h, corrupt("record %d has offsetDelta %d", i, v.rec.OffsetDelta)
		}
	}
	if rs.err == nil && rs.left != 0 {
		rs.err = corrupt("only %d of %d records", h.NumRecords-rs.left, h.NumRecords)
	}
	return h, rs.err
}

// records returns the batch's records section, decompressed into v.buf
// when the batch is compressed.
func (v *Validator) records(batch []byte, h Header) ([]byte, error) {
	c := h.Attributes.Codec()
	if c == None {
		return batch[HeaderSize:], nil
	}
	if c > Zstd {
		return nil, corrupt("unknown compression codec %d", int8(c))
	}
	var err error
	v.buf, err = Decompress(v.buf[:0], c, batch[HeaderSize:])
	return v.buf, err
}

// RecordsSection returns a batch's records bytes, decompressed (appended
// to dst) when needed. The batch's framing must already be checked
// (Split or Validate).
func RecordsSection(dst []byte, batch []byte, h Header) ([]byte, error) {
	v := Validator{buf: dst}
	return v.records(batch, h)
}

// ReadRecords decodes every record of a batch into a new slice: the
// convenient form for tests and consumers. Keys and values alias batch
// (or a fresh decompression buffer).
func ReadRecords(batch []byte) (Header, []Record, error) {
	_, _, h, err := Split(batch)
	if err != nil {
		return h, nil, err
	}
	data, err := RecordsSection(nil, batch[:h.Size()], h)
	if err != nil {
		return h, nil, err
	}
	if h.NumRecords < 0 || int(h.NumRecords) > len(data) {
		return h, nil, corrupt("recordsCount %d with %d bytes of records", h.NumRecords, len(data))
	}
	out := make([]Record, 0, h.NumRecords)
	rs := NewRecords(data, h.NumRecords)
	for {
		var rec Record
		if !rs.Next(&rec) {
			break
		}
		out = append(out, rec)
	}
	if rs.Err() == nil && rs.left != 0 {
		return h, out, corrupt("only %d of %d records", len(out), h.NumRecords)
	}
	return h, out, rs.Err()
}
