package broker

import (
	"fmt"
	"sort"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// The handler registry. Each API the broker serves lives in its own file,
// named by its key as franz-go's kfake names them (00_produce.go,
// 01_fetch.go, ...), and registers itself from init:
//
//	func init() { register(0, 0, 7, (*Broker).handleProduce) }
//
// The router (conn.go) knows no API: it looks the key up here, checks the
// version, decodes the body with kmsg and calls the handler. ApiVersions
// answers with this table, so the broker advertises exactly what is
// registered — never a key without a handler (docs/reference/kafka.md
// §10). A chapter adds an API by adding a file.
//
// Reference: franz-go pkg/kfake (regKey in every NN_name.go file).

// handler serves one decoded request. It returns the response frame, or
// nil for none (acks=0); an error closes the connection.
type handler func(b *Broker, rc *request, req kmsg.Request) (*frame, error)

// api is one registered API: its key, the versions served, the handler.
type api struct {
	key, min, max int16
	handle        handler
}

var registry = map[int16]api{}

// register adds an API. h takes the concrete kmsg request type.
func register[R kmsg.Request](key, min, max int16, h func(*Broker, *request, R) (*frame, error)) {
	if _, dup := registry[key]; dup {
		panic(fmt.Sprintf("broker: api key %d registered twice", key))
	}
	if _, ok := kmsg.RequestForKey(key).(R); !ok {
		panic(fmt.Sprintf("broker: api key %d registered with the wrong request type", key))
	}
	registry[key] = api{key: key, min: min, max: max, handle: func(b *Broker, rc *request, req kmsg.Request) (*frame, error) {
		return h(b, rc, req.(R))
	}}
}

// apiTable is the registry sorted by key: what ApiVersions advertises.
func apiTable() []api {
	out := make([]api, 0, len(registry))
	for _, a := range registry {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// lookup returns the API serving key at version.
func lookup(key, version int16) (api, bool) {
	a, ok := registry[key]
	return a, ok && a.min <= version && version <= a.max
}

// request is what a handler may need besides the request body.
type request struct {
	h    requestHeader
	conn *conn // nil in fuzz tests
}

// respond frames a kmsg response to this request.
func (rc *request) respond(resp kmsg.Response) (*frame, error) {
	return responseFrame(rc.h.corr, resp), nil
}
