package client

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"

	"github.com/twmb/franz-go/pkg/kbin"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// fakeReq is one request as a fake broker read it.
type fakeReq struct {
	key, version int16
	corr         int32
	req          kmsg.Request
}

// readReq reads and decodes one request frame (header v1 or v2).
func readReq(nc net.Conn) (fakeReq, error) {
	var size [4]byte
	if _, err := io.ReadFull(nc, size[:]); err != nil {
		return fakeReq{}, err
	}
	frame := make([]byte, binary.BigEndian.Uint32(size[:]))
	if _, err := io.ReadFull(nc, frame); err != nil {
		return fakeReq{}, err
	}
	b := kbin.Reader{Src: frame}
	r := fakeReq{key: b.Int16(), version: b.Int16(), corr: b.Int32()}
	b.NullableString() // client id
	req := kmsg.RequestForKey(r.key)
	if req == nil {
		return r, fmt.Errorf("unknown key %d", r.key)
	}
	req.SetVersion(r.version)
	if req.IsFlexible() {
		kmsg.SkipTags(&b)
	}
	if err := req.ReadFrom(b.Src); err != nil {
		return r, err
	}
	r.req = req
	return r, nil
}

// writeResp writes resp with correlation id corr (header v0, or v1 with
// empty tags for flexible non-ApiVersions responses).
func writeResp(nc net.Conn, corr int32, resp kmsg.Response) error {
	b := make([]byte, 4)
	b = binary.BigEndian.AppendUint32(b, uint32(corr))
	if resp.IsFlexible() && resp.Key() != 18 {
		b = append(b, 0)
	}
	b = resp.AppendTo(b)
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	_, err := nc.Write(b)
	return err
}

// versionsResp is an ApiVersions response advertising Kafka 2.3's table
// (docs/reference/kafka.md §1.3 "Recommendation").
func versionsResp(version int16) *kmsg.ApiVersionsResponse {
	resp := kmsg.NewPtrApiVersionsResponse()
	resp.SetVersion(version)
	for _, k := range [][3]int16{{0, 3, 7}, {1, 4, 11}, {2, 1, 5}, {3, 0, 8}, {18, 0, 2}, {19, 0, 3}} {
		resp.ApiKeys = append(resp.ApiKeys, kmsg.ApiVersionsResponseApiKey{ApiKey: k[0], MinVersion: k[1], MaxVersion: k[2]})
	}
	return resp
}

// serveHandshake answers ApiVersions like a Kafka 2.3 broker: a version
// above 2 gets a v0 body with UNSUPPORTED_VERSION and key 18's range.
func serveHandshake(nc net.Conn) ([]int16, error) {
	var seen []int16
	for {
		r, err := readReq(nc)
		if err != nil {
			return seen, err
		}
		if r.key != 18 {
			return seen, fmt.Errorf("expected ApiVersions, got key %d", r.key)
		}
		seen = append(seen, r.version)
		if r.version > 2 {
			resp := kmsg.NewPtrApiVersionsResponse()
			resp.SetVersion(0)
			resp.ErrorCode = 35
			resp.ApiKeys = []kmsg.ApiVersionsResponseApiKey{{ApiKey: 18, MinVersion: 0, MaxVersion: 2}}
			if err := writeResp(nc, r.corr, resp); err != nil {
				return seen, err
			}
			continue
		}
		return seen, writeResp(nc, r.corr, versionsResp(r.version))
	}
}
