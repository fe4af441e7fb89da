package zkdata

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// BrokerVersion is the registration JSON version Kafka 2.3 writes
// (BrokerInfo.apply: 4 from inter.broker.protocol.version 0.10.0 on; 2.7
// moved to 5, adding "features").
const BrokerVersion = 4

// The security protocols (SecurityProtocol.java). Our brokers speak only
// PLAINTEXT; the others are read so a registration written by a real Kafka
// decodes.
var securityProtocols = map[string]bool{"PLAINTEXT": true, "SSL": true, "SASL_PLAINTEXT": true, "SASL_SSL": true}

// Endpoint is one advertised listener (kafka.cluster.EndPoint).
type Endpoint struct {
	Listener         string // listener name, upper case ("PLAINTEXT", "CLIENT")
	SecurityProtocol string // "PLAINTEXT", "SSL", "SASL_PLAINTEXT" or "SASL_SSL"
	Host             string // "" means the default interface
	Port             int32
}

// ConnectionString is "LISTENER://host:port" (EndPoint.connectionString;
// an IPv6 host in brackets, as Utils.formatAddress; no host: "LISTENER://:port").
func (e Endpoint) ConnectionString() string {
	hostport := ":" + itoa(e.Port)
	if e.Host != "" {
		if strings.Contains(e.Host, ":") {
			hostport = "[" + e.Host + "]:" + itoa(e.Port)
		} else {
			hostport = e.Host + ":" + itoa(e.Port)
		}
	}
	return e.Listener + "://" + hostport
}

// endpointRE is EndPoint.uriParseExp, matched against the whole string as
// Scala's pattern match does.
var endpointRE = regexp.MustCompile(`^(.*)://\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$`)

// ParseEndpoint reads "LISTENER://host:port" (EndPoint.createEndPoint).
// protocols maps listener names to security protocols
// (listener_security_protocol_map); nil means each listener is named after
// its protocol, as before KIP-103.
func ParseEndpoint(s string, protocols map[string]string) (Endpoint, error) {
	m := endpointRE.FindStringSubmatch(s)
	if m == nil {
		return Endpoint{}, fmt.Errorf("unable to parse %q to a broker endpoint", s)
	}
	port, err := strconv.ParseInt(m[3], 10, 32)
	if err != nil {
		return Endpoint{}, fmt.Errorf("endpoint %q: bad port", s)
	}
	listener := strings.ToUpper(m[1]) // ListenerName.normalised
	var proto string
	if protocols == nil {
		if securityProtocols[listener] {
			proto = listener
		}
	} else {
		proto = protocols[listener]
	}
	if proto == "" {
		return Endpoint{}, fmt.Errorf("no security protocol defined for listener %s", listener)
	}
	return Endpoint{Listener: listener, SecurityProtocol: proto, Host: m[2], Port: int32(port)}, nil
}

// BrokerInfo is a broker's registration at /brokers/ids/<id>
// (BrokerIdZNode). The znode is EPHEMERAL: it lives as long as the
// broker's ZooKeeper session, and its czxid is the broker epoch (KIP-380).
type BrokerInfo struct {
	ID        int32      // from the path, not the JSON
	Version   int32      // as read; EncodeBroker writes BrokerVersion
	Endpoints []Endpoint // advertised.listeners, in order
	JmxPort   int32      // -1: JMX off
	Timestamp int64      // ms when the broker registered; 0 if absent or unreadable (Kafka never reads it)
	Rack      string     // broker.rack, "" for none

	// Host and Port are the top-level "host" and "port" written for
	// clients older than KIP-103: the first PLAINTEXT endpoint's, or
	// ""/-1 (JSON null/-1) if there is none. As read, they are what the
	// znode says; for version 1 they are the only endpoint.
	Host string
	Port int32
}

// EncodeBroker writes the version 4 registration exactly as Kafka 2.3
// (BrokerIdZNode.encode) does, e.g.
//
//	{"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://h:9092"],"jmx_port":-1,"host":"h","timestamp":"1570000000000","port":9092,"version":4}
//
// The field order is the iteration order of the Scala mutable.HashMap
// Kafka builds, which Jackson follows; it is the order every real 2.x
// registration shows. Where "rack" falls is not observed in any sample we
// could check; we put it where that hash order does for these keys, after
// "host" (see docs/reference/kafka-znodes.md). Host and Port are derived
// from Endpoints; b.Host, b.Port and b.Version are ignored.
func EncodeBroker(b BrokerInfo) []byte {
	host, port := "", int32(-1)
	for _, e := range b.Endpoints {
		if e.SecurityProtocol == "PLAINTEXT" {
			host, port = e.Host, e.Port
			break
		}
	}
	// listener_security_protocol_map: advertisedEndpoints.map(...).toMap,
	// a small immutable Map, which keeps the endpoints' order.
	lspm := []byte{'{'}
	seen := map[string]bool{}
	for _, e := range b.Endpoints {
		if seen[e.Listener] {
			continue
		}
		seen[e.Listener] = true
		if len(lspm) > 1 {
			lspm = append(lspm, ',')
		}
		lspm = appendString(lspm, e.Listener)
		lspm = append(lspm, ':')
		lspm = appendString(lspm, e.SecurityProtocol)
	}
	lspm = append(lspm, '}')
	eps := []byte{'['}
	for i, e := range b.Endpoints {
		if i > 0 {
			eps = append(eps, ',')
		}
		eps = appendString(eps, e.ConnectionString())
	}
	eps = append(eps, ']')

	w := (&writer{}).open()
	w.raw("listener_security_protocol_map", lspm)
	w.raw("endpoints", eps)
	w.int("jmx_port", int64(b.JmxPort))
	if host == "" && port == -1 {
		w.raw("host", []byte("null"))
	} else {
		w.str("host", host)
	}
	if b.Rack != "" {
		w.str("rack", b.Rack)
	}
	w.str("timestamp", strconv.FormatInt(b.Timestamp, 10))
	w.int("port", int64(port))
	w.int("version", BrokerVersion)
	return w.close()
}

// DecodeBroker reads a registration of any version 1..5 as Kafka 2.3's
// BrokerIdZNode.decode does: version 1 has only host and port (one
// PLAINTEXT endpoint); later versions list "endpoints", whose security
// protocols come from "listener_security_protocol_map" when present
// (version 4) or from the listener names; "rack" is optional; version 5's
// "features" is ignored. The order of the fields does not matter.
func DecodeBroker(id int32, data []byte) (BrokerInfo, error) {
	const what = "broker registration"
	o, err := parseObject(what, data)
	if err != nil {
		return BrokerInfo{}, err
	}
	b := BrokerInfo{ID: id, Port: -1}
	if b.Version, err = o.int32("version"); err != nil {
		return BrokerInfo{}, err
	}
	if b.Version < 1 {
		return BrokerInfo{}, o.fail("version", "unsupported version of broker registration: %d", b.Version)
	}
	if b.JmxPort, err = o.int32("jmx_port"); err != nil {
		return BrokerInfo{}, err
	}
	if b.Version == 1 {
		if b.Host, err = o.string("host"); err != nil {
			return BrokerInfo{}, err
		}
		if b.Port, err = o.int32("port"); err != nil {
			return BrokerInfo{}, err
		}
		b.Endpoints = []Endpoint{{Listener: "PLAINTEXT", SecurityProtocol: "PLAINTEXT", Host: b.Host, Port: b.Port}}
	} else {
		var protocols map[string]string
		if raw, ok := o.fields["listener_security_protocol_map"]; ok && string(raw) != "null" {
			if err := json.Unmarshal(raw, &protocols); err != nil || protocols == nil {
				return BrokerInfo{}, o.fail("listener_security_protocol_map", "want an object of strings, got %s", truncate(raw))
			}
			for l, p := range protocols {
				if !securityProtocols[strings.ToUpper(p)] {
					return BrokerInfo{}, o.fail("listener_security_protocol_map", "unknown security protocol %q", p)
				}
				protocols[l] = strings.ToUpper(p)
			}
		}
		raw, ok := o.fields["endpoints"]
		if !ok {
			return BrokerInfo{}, o.fail("endpoints", "missing")
		}
		var eps []string
		if err := json.Unmarshal(raw, &eps); err != nil || eps == nil {
			return BrokerInfo{}, o.fail("endpoints", "want an array of strings, got %s", truncate(raw))
		}
		for _, s := range eps {
			e, err := ParseEndpoint(s, protocols)
			if err != nil {
				return BrokerInfo{}, o.fail("endpoints", "%v", err)
			}
			b.Endpoints = append(b.Endpoints, e)
		}
		// The top-level host and port are informational from version 2 on.
		if h, ok, _ := o.optString("host"); ok {
			b.Host = h
		}
		if raw, ok := o.fields["port"]; ok {
			if p, err := o.int32Of("port", raw); err == nil {
				b.Port = p
			}
		}
	}
	if b.Rack, _, err = o.optString("rack"); err != nil {
		return BrokerInfo{}, err
	}
	if ts, ok, _ := o.optString("timestamp"); ok {
		b.Timestamp, _ = strconv.ParseInt(ts, 10, 64)
	}
	return b, nil
}
