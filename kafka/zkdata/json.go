package zkdata

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf8"
)

// ErrMalformed matches every decoding error of this package:
// errors.Is(err, zkdata.ErrMalformed). A broker that meets one logs it and
// skips the znode; it never crashes on what someone wrote with zkCli.sh.
var ErrMalformed = errors.New("zkdata: malformed znode data")

// DecodeError says which znode kind and which field could not be read.
type DecodeError struct {
	What  string // the znode kind, e.g. "broker registration"
	Field string // the JSON field, "" for the document as a whole
	Err   error  // what was wrong
}

func (e *DecodeError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("zkdata: %s: %v", e.What, e.Err)
	}
	return fmt.Sprintf("zkdata: %s: field %q: %v", e.What, e.Field, e.Err)
}

// Is makes errors.Is(err, ErrMalformed) true.
func (e *DecodeError) Is(target error) bool { return target == ErrMalformed }

func (e *DecodeError) Unwrap() error { return e.Err }

// object is a decoded JSON object whose fields are read by name, so no
// reader depends on the order Kafka happened to write them in.
type object struct {
	what   string
	fields map[string]json.RawMessage
}

// parseObject reads data as one JSON object (Kafka's Json.parseBytes then
// asJsonObject). Anything else — not JSON, an array, null, trailing bytes —
// is a DecodeError.
func parseObject(what string, data []byte) (*object, error) {
	var fields map[string]json.RawMessage
	if err := strictUnmarshal(data, &fields); err != nil {
		return nil, &DecodeError{What: what, Err: err}
	}
	if fields == nil { // the JSON literal null
		return nil, &DecodeError{What: what, Err: errors.New("not a JSON object")}
	}
	return &object{what: what, fields: fields}, nil
}

func strictUnmarshal(data []byte, v any) error {
	if !utf8.Valid(data) {
		return errors.New("not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the JSON value")
	}
	if _, err := dec.Token(); err == nil {
		return errors.New("data after the JSON value")
	}
	return nil
}

func (o *object) fail(field string, format string, args ...any) error {
	return &DecodeError{What: o.what, Field: field, Err: fmt.Errorf(format, args...)}
}

func (o *object) has(field string) bool {
	raw, ok := o.fields[field]
	return ok && string(raw) != "null"
}

// int32 reads a required JSON integer that fits an int32 (Kafka's
// to[Int], which takes only JSON ints: "1" or 1.5 are refused).
func (o *object) int32(field string) (int32, error) {
	raw, ok := o.fields[field]
	if !ok {
		return 0, o.fail(field, "missing")
	}
	return o.int32Of(field, raw)
}

func (o *object) int32Of(field string, raw json.RawMessage) (int32, error) {
	n, err := strconv.ParseInt(string(raw), 10, 32)
	if err != nil {
		return 0, o.fail(field, "want a 32-bit JSON integer, got %s", truncate(raw))
	}
	return int32(n), nil
}

// string reads a required JSON string.
func (o *object) string(field string) (string, error) {
	raw, ok := o.fields[field]
	if !ok {
		return "", o.fail(field, "missing")
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", o.fail(field, "want a JSON string, got %s", truncate(raw))
	}
	return s, nil
}

// optString reads an optional string: absent or null is "", false.
func (o *object) optString(field string) (string, bool, error) {
	if !o.has(field) {
		return "", false, nil
	}
	s, err := o.string(field)
	return s, err == nil, err
}

// int32s reads a JSON array of 32-bit integers.
func (o *object) int32sOf(field string, raw json.RawMessage) ([]int32, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || items == nil {
		return nil, o.fail(field, "want a JSON array of integers, got %s", truncate(raw))
	}
	out := make([]int32, 0, len(items))
	for _, it := range items {
		n, err := o.int32Of(field, it)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// objectOf reads a nested JSON object.
func (o *object) objectOf(field string, raw json.RawMessage) (*object, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, o.fail(field, "want a JSON object, got %s", truncate(raw))
	}
	return &object{what: o.what, fields: fields}, nil
}

func truncate(raw []byte) string {
	if len(raw) > 40 {
		return string(raw[:40]) + "…"
	}
	return string(raw)
}

// writer builds JSON with its fields in the order given, the way Kafka's
// Json.encodeAsBytes (Jackson over a java.util.Map) writes them in the
// order the map iterates. It writes compactly, as Jackson does.
type writer struct{ b []byte }

func (w *writer) open() *writer { w.b = append(w.b, '{'); return w }
func (w *writer) close() []byte {
	w.b = append(w.b, '}')
	return w.b
}

func (w *writer) key(k string) *writer {
	if n := len(w.b); n > 0 && w.b[n-1] != '{' && w.b[n-1] != '[' {
		w.b = append(w.b, ',')
	}
	w.b = appendString(w.b, k)
	w.b = append(w.b, ':')
	return w
}

func (w *writer) int(k string, v int64) *writer {
	w.key(k)
	w.b = strconv.AppendInt(w.b, v, 10)
	return w
}

func (w *writer) str(k string, v string) *writer {
	w.key(k)
	w.b = appendString(w.b, v)
	return w
}

func (w *writer) raw(k string, v []byte) *writer {
	w.key(k)
	w.b = append(w.b, v...)
	return w
}

func appendInts(b []byte, vs []int32) []byte {
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(v), 10)
	}
	return append(b, ']')
}

// appendStringMap writes a JSON object of strings, keys sorted (Kafka
// iterates a hash map here, an order nobody may rely on).
func appendStringMap(b []byte, m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, m[k])
	}
	return append(b, '}')
}

// appendString quotes s as Jackson's default generator does: '"' and '\\'
// and control characters are escaped (\b \t \n \f \r, others \u00XX),
// everything else — '/', '<', non-ASCII — is written as is, in UTF-8.
// (Go's encoding/json would escape <, >, & and U+2028/9.) Invalid UTF-8
// becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"':
			b = append(b, '\\', '"')
		case r == '\\':
			b = append(b, '\\', '\\')
		case r == '\b':
			b = append(b, '\\', 'b')
		case r == '\t':
			b = append(b, '\\', 't')
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\f':
			b = append(b, '\\', 'f')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xf])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}

// checkVersion refuses a version outside [min, max].
func (o *object) version(min, max int32) (int32, error) {
	v, err := o.int32("version")
	if err != nil {
		return 0, err
	}
	if v < min || v > max {
		return 0, o.fail("version", "unsupported version %d (want %d..%d)", v, min, max)
	}
	return v, nil
}

// parseDecimal reads the plain decimal integers Kafka stores as znode data
// (/controller_epoch, consumer offsets): Java's Integer.parseInt /
// Long.parseLong accept an optional sign and digits, nothing else.
func parseDecimal(what string, data []byte, bits int) (int64, error) {
	n, err := strconv.ParseInt(string(data), 10, bits)
	if err != nil {
		return 0, &DecodeError{What: what, Err: fmt.Errorf("want a decimal integer, got %q", truncate(data))}
	}
	return n, nil
}

// rawObject is a JSON object whose fields are decoded later.
type rawObject = map[string]json.RawMessage
