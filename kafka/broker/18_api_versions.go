package broker

import (
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// ApiVersions: v0-2 (Kafka 2.3's range; v3 is flexible, 2.4).
//
// Behavior:
//   - The answer is the handler registry (handler.go): every API this
//     broker has a handler for, with Kafka 2.3's full version range —
//     Produce 0-7, Fetch 0-11, ListOffsets 0-5, Metadata 0-8, ApiVersions
//     0-2, CreateTopics 0-3 (docs/reference/kafka.md §11 "API versions
//     Kafka 2.3 advertised"). Nothing else: the group APIs arrive with
//     chapter 9, InitProducerId is not implemented (kgo then produces
//     without a producer id, §1.3 gotcha 3).
//   - Old versions are served, not just advertised: librdkafka turns
//     compression on only when Produce v0 is in range (§11 "librdkafka
//     2.0.2 gates"), and an old client (kafka-python with api_version
//     (0,10,0)) speaks Produce v2 / Fetch v2 / ListOffsets v0 with
//     magic 1 message sets, which the broker up- and down-converts
//     (00_produce.go, 01_fetch.go).
//   - A newer ApiVersions than v2 is answered the way a real broker does
//     (AK ApiVersionsRequest.getErrorResponse, KIP-511): a v0 body with
//     UNSUPPORTED_VERSION and the one entry for ApiVersions itself, so
//     kgo retries with v2 at once and librdkafka with min(v-1, 2).
func init() { register(apiVersionsKey, 0, apiVersionsMax, (*Broker).handleApiVersions) }

const (
	apiVersionsKey int16 = 18
	apiVersionsMax int16 = 2
)

func (b *Broker) handleApiVersions(rc *request, r *kmsg.ApiVersionsRequest) (*frame, error) {
	resp := kmsg.NewPtrApiVersionsResponse()
	resp.Version = r.Version
	for _, a := range apiTable() {
		resp.ApiKeys = append(resp.ApiKeys, kmsg.ApiVersionsResponseApiKey{ApiKey: a.key, MinVersion: a.min, MaxVersion: a.max})
	}
	return rc.respond(resp)
}

func unsupportedApiVersions() kmsg.Response {
	resp := kmsg.NewPtrApiVersionsResponse()
	resp.Version = 0
	resp.ErrorCode = kerr.UnsupportedVersion.Code
	resp.ApiKeys = []kmsg.ApiVersionsResponseApiKey{{ApiKey: apiVersionsKey, MinVersion: 0, MaxVersion: apiVersionsMax}}
	return resp
}
