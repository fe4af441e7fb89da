package broker

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// apiRange is the versions of one API the broker serves.
type apiRange struct{ key, min, max int16 }

const (
	apiVersionsKey int16 = 18
	apiVersionsMax int16 = 2
)

// apiTable is Kafka 2.3's version table (docs/reference/kafka.md §1.3 "Recommendation")
// restricted to what this broker implements. Every version here is
// non-flexible, so no request or response needs tagged fields.
//
// Minimums: Produce 3 and Fetch 4 are the RecordBatch v2 versions
// (clients then never send MessageSet v0/v1); librdkafka turns features
// on only when the range overlaps its own (MSGVER2 = Produce 3 + Fetch 4,
// OFFSET_TIME = ListOffsets 1). kafka-python infers "2.3" from Fetch 11
// and then sends Produce 7 and Fetch 4 — both in range.
//
// Not advertised, on purpose (docs/reference/kafka.md §10: fakes that advertise what
// they do not implement break clients): the group APIs (chapter 9) and
// InitProducerId, so kgo produces without a producer id (gotcha 3).
var apiTable = []apiRange{
	{0, 3, 7},  // Produce
	{1, 4, 11}, // Fetch
	{2, 1, 5},  // ListOffsets
	{3, 0, 8},  // Metadata
	{apiVersionsKey, 0, apiVersionsMax},
	{19, 0, 3}, // CreateTopics
}

func supported(key, version int16) bool {
	for _, a := range apiTable {
		if a.key == key {
			return a.min <= version && version <= a.max
		}
	}
	return false
}

// apiVersions answers ApiVersions v0-2 with the table.
func apiVersions(r *kmsg.ApiVersionsRequest) kmsg.Response {
	resp := kmsg.NewPtrApiVersionsResponse()
	resp.Version = r.Version
	for _, a := range apiTable {
		resp.ApiKeys = append(resp.ApiKeys, kmsg.ApiVersionsResponseApiKey{ApiKey: a.key, MinVersion: a.min, MaxVersion: a.max})
	}
	return resp
}

// unsupportedApiVersions answers an ApiVersions newer than v2 the way a
// real broker does (docs/reference/kafka.md §1.2; AK ApiVersionsRequest.getErrorResponse):
// a v0 body, UNSUPPORTED_VERSION, and (KIP-511) the one entry for
// ApiVersions itself, so that kgo retries with v2 at once and librdkafka
// with min(v-1, 2).
func unsupportedApiVersions() kmsg.Response {
	resp := kmsg.NewPtrApiVersionsResponse()
	resp.Version = 0
	resp.ErrorCode = kerr.UnsupportedVersion.Code
	resp.ApiKeys = []kmsg.ApiVersionsResponseApiKey{{ApiKey: apiVersionsKey, MinVersion: 0, MaxVersion: apiVersionsMax}}
	return resp
}
