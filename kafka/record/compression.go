package record

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// Codec is a batch's compression codec (attributes bits 0-2). The whole
// records section is compressed as one stream; the header never is.
type Codec int8

const (
	None   Codec = 0
	Gzip   Codec = 1
	Snappy Codec = 2
	LZ4    Codec = 3
	Zstd   Codec = 4
)

func (c Codec) String() string {
	switch c {
	case None:
		return "none"
	case Gzip:
		return "gzip"
	case Snappy:
		return "snappy"
	case LZ4:
		return "lz4"
	case Zstd:
		return "zstd"
	}
	return fmt.Sprintf("codec(%d)", int8(c))
}

// MaxUncompressed bounds what a compressed batch may inflate to. A batch
// is at most max.message.bytes (1 MiB by default) on the wire; without a
// bound a 1 MiB zstd bomb could ask for gigabytes.
const MaxUncompressed = 64 << 20

// xerialMagic starts snappy data framed by the Java client's snappy-java
// (SnappyOutputStream): magic, version 1, compatible version 1, then
// chunks of [int32 length][raw snappy block]. librdkafka and franz-go
// write one raw snappy block instead; consumers must read both.
var xerialMagic = []byte{0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0}

// zstd decoders and encoders are costly to make and safe to share for
// the stateless DecodeAll/EncodeAll; concurrency 1 keeps them free of
// background goroutines. They are made, and used once, when the package
// is initialized, not on first use: they pool their buffers in channels, and channels
// made inside a testing/synctest bubble (a test's first zstd batch) may
// not be used outside it — a later test, or the same test run again with
// -count=2, would panic.
var zstdDec, zstdEnc, zstdErr = newZstdCodecs()

func newZstdCodecs() (*zstd.Decoder, *zstd.Encoder, error) {
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(MaxUncompressed))
	if err != nil {
		return nil, nil, err
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, nil, err
	}
	// Both make their channel pools on first use: use them once here.
	if _, err := dec.DecodeAll(enc.EncodeAll([]byte("zkafka"), nil), nil); err != nil {
		return nil, nil, err
	}
	return dec, enc, nil
}

func zstdCodecs() (*zstd.Decoder, *zstd.Encoder, error) { return zstdDec, zstdEnc, zstdErr }

// Decompress inflates a batch's records section compressed with c,
// appending to dst. Errors are CORRUPT_MESSAGE errors.
func Decompress(dst []byte, c Codec, src []byte) ([]byte, error) {
	out, err := decompress(dst, c, src)
	if err != nil {
		return dst, corrupt("%s records do not decompress: %v", c, err)
	}
	if len(out)-len(dst) > MaxUncompressed {
		return dst, corrupt("%s records inflate past %d bytes", c, MaxUncompressed)
	}
	return out, nil
}

func decompress(dst []byte, c Codec, src []byte) ([]byte, error) {
	switch c {
	case None:
		return append(dst, src...), nil
	case Gzip:
		r, err := gzip.NewReader(bytes.NewReader(src))
		if err != nil {
			return dst, err
		}
		return readLimited(dst, r)
	case Snappy:
		if bytes.HasPrefix(src, xerialMagic) {
			return unxerial(dst, src)
		}
		return snappyBlock(dst, src)
	case LZ4:
		return readLimited(dst, lz4.NewReader(bytes.NewReader(src)))
	case Zstd:
		d, _, err := zstdCodecs()
		if err != nil {
			return dst, err
		}
		return d.DecodeAll(src, dst)
	}
	return dst, fmt.Errorf("unknown codec id %d", int8(c))
}

// readLimited reads r to the end, refusing to grow past MaxUncompressed.
func readLimited(dst []byte, r io.Reader) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	n, err := buf.ReadFrom(io.LimitReader(r, MaxUncompressed+1))
	if err != nil {
		return dst, err
	}
	if n > MaxUncompressed {
		return dst, fmt.Errorf("inflates past %d bytes", MaxUncompressed)
	}
	return buf.Bytes(), nil
}

// snappyBlock decodes one raw snappy block (s2 decodes snappy's format).
func snappyBlock(dst, src []byte) ([]byte, error) {
	n, err := s2.DecodedLen(src)
	if err != nil {
		return dst, err
	}
	if n > MaxUncompressed {
		return dst, fmt.Errorf("snappy block claims %d bytes", n)
	}
	out, err := s2.Decode(nil, src)
	if err != nil {
		return dst, err
	}
	return append(dst, out...), nil
}

// unxerial decodes snappy-java's framing: a 16-byte header, then chunks.
func unxerial(dst, src []byte) ([]byte, error) {
	if len(src) < 16 {
		return dst, fmt.Errorf("xerial header truncated")
	}
	src = src[16:]
	for len(src) > 0 {
		if len(src) < 4 {
			return dst, fmt.Errorf("xerial chunk length truncated")
		}
		n := binary.BigEndian.Uint32(src)
		src = src[4:]
		if uint64(n) > uint64(len(src)) {
			return dst, fmt.Errorf("xerial chunk of %d bytes, %d left", n, len(src))
		}
		var err error
		if dst, err = snappyBlock(dst, src[:n]); err != nil {
			return dst, err
		}
		if len(dst) > MaxUncompressed {
			return dst, fmt.Errorf("inflates past %d bytes", MaxUncompressed)
		}
		src = src[n:]
	}
	return dst, nil
}

// Compress deflates src with c, appending to dst. It is for building
// batches (tests, our producer); the broker never recompresses.
func Compress(dst []byte, c Codec, src []byte) ([]byte, error) {
	switch c {
	case None:
		return append(dst, src...), nil
	case Gzip:
		buf := bytes.NewBuffer(dst)
		w := gzip.NewWriter(buf)
		if _, err := w.Write(src); err != nil {
			return dst, err
		}
		if err := w.Close(); err != nil {
			return dst, err
		}
		return buf.Bytes(), nil
	case Snappy:
		return append(dst, s2.EncodeSnappy(nil, src)...), nil
	case LZ4:
		buf := bytes.NewBuffer(dst)
		w := lz4.NewWriter(buf)
		if _, err := w.Write(src); err != nil {
			return dst, err
		}
		if err := w.Close(); err != nil {
			return dst, err
		}
		return buf.Bytes(), nil
	case Zstd:
		_, e, err := zstdCodecs()
		if err != nil {
			return dst, err
		}
		return e.EncodeAll(src, dst), nil
	}
	return dst, fmt.Errorf("record: unknown codec id %d", int8(c))
}
