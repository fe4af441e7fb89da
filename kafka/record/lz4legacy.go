package record

import (
	"encoding/binary"
	"math/bits"
)

// fixLZ4HeaderChecksum rewrites the header checksum (HC) byte of an LZ4
// frame in place. Kafka before 0.10 computed it over the frame's magic
// number too, not only the descriptor (KAFKA-3160), and magic 0 messages
// keep that mistake for compatibility: Kafka's reader ignores HC for magic
// 0 (KafkaLZ4BlockInputStream ignoreFlagDescriptorChecksum) and its
// writer produces the broken one (KafkaLZ4BlockOutputStream
// useBrokenFlagDescriptorChecksum). broken=false makes the byte correct,
// so a standard LZ4 decoder accepts the frame; broken=true writes Kafka's
// magic-0 value. A frame too short to hold a descriptor is left alone (the
// decoder will reject it).
func fixLZ4HeaderChecksum(frame []byte, broken bool) []byte {
	const magic = 0x184D2204
	if len(frame) < 7 || binary.LittleEndian.Uint32(frame) != magic {
		return frame
	}
	flg := frame[4]
	end := 6 // FLG, BD
	if flg&0x08 != 0 {
		end += 8 // content size
	}
	if flg&0x01 != 0 {
		end += 4 // dictionary id
	}
	if len(frame) <= end {
		return frame
	}
	from := 4
	if broken {
		from = 0
	}
	frame[end] = byte(xxh32(frame[from:end]) >> 8)
	return frame
}

// xxh32 is XXH32 with seed 0 for inputs shorter than 16 bytes (an LZ4
// frame descriptor is at most 15): the short-input path of the
// specification (github.com/Cyan4973/xxHash, doc/xxhash_spec.md).
func xxh32(b []byte) uint32 {
	const (
		p1 uint32 = 2654435761
		p2 uint32 = 2246822519
		p3 uint32 = 3266489917
		p4 uint32 = 668265263
		p5 uint32 = 374761393
	)
	if len(b) >= 16 {
		panic("record: xxh32 short path given 16 bytes or more")
	}
	h := p5 + uint32(len(b))
	for ; len(b) >= 4; b = b[4:] {
		h += binary.LittleEndian.Uint32(b) * p3
		h = bits.RotateLeft32(h, 17) * p4
	}
	for _, c := range b {
		h += uint32(c) * p5
		h = bits.RotateLeft32(h, 11) * p1
	}
	h ^= h >> 15
	h *= p2
	h ^= h >> 13
	h *= p3
	h ^= h >> 16
	return h
}
