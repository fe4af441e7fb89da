package zkdata

import (
	"reflect"
	"testing"
)

// FuzzDecoders feeds arbitrary bytes to every decoder: none may panic,
// every failure is a DecodeError, and whatever decodes re-encodes to data
// that decodes to the same value (for the kinds whose encoding is
// canonical).
func FuzzDecoders(f *testing.F) {
	for _, s := range []string{
		`{"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://h:9092"],"jmx_port":-1,"host":"h","timestamp":"1","port":9092,"version":4}`,
		`{"version":1,"host":"h","port":1,"jmx_port":-1}`,
		`{"version":1,"brokerid":1,"timestamp":"1"}`,
		`{"version":"1","id":"x"}`,
		`{"version":2,"partitions":{"0":[1,2]},"adding_replicas":{"0":[2]},"removing_replicas":{}}`,
		`{"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1]}`,
		`{"version":1,"config":{"a":"b"}}`,
		`{"version":2,"entity_path":"topics/t"}`,
		`{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1]}]}`,
		`{"version":1,"broker":1,"block_start":"0","block_end":"999"}`,
		"#\nversion=0\nbroker.id=1\n", "12", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(name string, err error) {
			if err != nil {
				if _, ok := err.(*DecodeError); !ok {
					t.Fatalf("%s: error %T %v is not a DecodeError", name, err, err)
				}
			}
		}
		if b, err := DecodeBroker(1, data); err == nil {
			b2, err := DecodeBroker(1, EncodeBroker(b))
			if err != nil || !reflect.DeepEqual(b2.Endpoints, b.Endpoints) || b2.Rack != b.Rack || b2.JmxPort != b.JmxPort {
				t.Fatalf("broker round trip: %+v -> %+v %v", b, b2, err)
			}
		} else {
			check("broker", err)
		}
		if c, err := DecodeController(data); err == nil {
			if c2, err := DecodeController(EncodeController(c)); err != nil || c2 != c {
				t.Fatalf("controller round trip: %+v -> %+v %v", c, c2, err)
			}
		} else {
			check("controller", err)
		}
		if a, err := DecodeTopic(data); err == nil {
			a2, err := DecodeTopic(EncodeTopic(a))
			if err != nil || len(a2.Partitions) != len(a.Partitions) {
				t.Fatalf("topic round trip: %+v -> %+v %v", a, a2, err)
			}
			for p, r := range a.Partitions {
				if !reflect.DeepEqual(a2.Partitions[p], r) {
					t.Fatalf("topic round trip: partition %d %v -> %v", p, r, a2.Partitions[p])
				}
			}
		} else {
			check("topic", err)
		}
		if s, err := DecodePartitionState(data); err == nil {
			if s2, err := DecodePartitionState(EncodePartitionState(s)); err != nil || !reflect.DeepEqual(s2, s) {
				t.Fatalf("state round trip: %+v -> %+v %v", s, s2, err)
			}
		} else {
			check("state", err)
		}
		if m, err := DecodeEntityConfig(data); err == nil {
			if m2, err := DecodeEntityConfig(EncodeEntityConfig(m)); err != nil || !reflect.DeepEqual(m2, m) {
				t.Fatalf("config round trip: %v -> %v %v", m, m2, err)
			}
		} else {
			check("config", err)
		}
		if c, err := DecodeConfigChange(data); err == nil {
			if c2, err := DecodeConfigChange(EncodeConfigChange(c)); err != nil || c2 != c {
				t.Fatalf("config change round trip: %+v -> %+v %v", c, c2, err)
			}
		} else {
			check("config change", err)
		}
		if ps, err := DecodeIsrChange(data); err == nil {
			if ps2, err := DecodeIsrChange(EncodeIsrChange(ps)); err != nil || !reflect.DeepEqual(ps2, ps) {
				t.Fatalf("isr change round trip: %v -> %v %v", ps, ps2, err)
			}
		} else {
			check("isr change", err)
		}
		if rs, err := DecodeReassignment(data); err == nil {
			if rs2, err := DecodeReassignment(EncodeReassignment(rs)); err != nil || !reflect.DeepEqual(rs2, rs) {
				t.Fatalf("reassignment round trip: %v -> %v %v", rs, rs2, err)
			}
		} else {
			check("reassignment", err)
		}
		if b, err := DecodeProducerIDBlock(data); err == nil {
			if b2, err := DecodeProducerIDBlock(EncodeProducerIDBlock(b)); err != nil || b2 != b {
				t.Fatalf("producer id block round trip: %+v -> %+v %v", b, b2, err)
			}
		} else {
			check("producer id block", err)
		}
		_, err := DecodeClusterID(data)
		check("cluster id", err)
		_, err = DecodeControllerEpoch(data)
		check("controller epoch", err)
		_, err = DecodeConsumerOffset(data)
		check("consumer offset", err)
		_, err = DecodePreferredReplicaElection(data)
		check("preferred election", err)
		_, err = DecodeLogDirEvent(data)
		check("log dir event", err)
		_, err = DecodeMetaProperties(data)
		check("meta.properties", err)
	})
}
