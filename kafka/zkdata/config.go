package zkdata

import (
	"encoding/json"
	"strings"
)

// EncodeEntityConfig writes /config/<type>/<name> (ConfigEntityZNode):
// {"version":1,"config":{"retention.ms":"1000",...}}. Every value is a
// string. Keys are sorted; Kafka writes a java.util.Properties, whose
// order is a hash table's. Topic creation writes /config/topics/<t> first,
// then /brokers/topics/<t> (AdminZkClient.createTopicWithAssignment), so
// a broker that sees the topic can read its config.
func EncodeEntityConfig(config map[string]string) []byte {
	if config == nil {
		config = map[string]string{}
	}
	return (&writer{}).open().int("version", 1).raw("config", appendStringMap(nil, config)).close()
}

// DecodeEntityConfig reads an entity's config. Like
// ConfigEntityZNode.decode it is lenient about the envelope — no data or
// no "config" object is an empty config — but a value that is not a
// string is an error (Kafka's v.to[String] throws).
func DecodeEntityConfig(data []byte) (map[string]string, error) {
	if len(data) == 0 {
		return map[string]string{}, nil
	}
	o, err := parseObject("entity config", data)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	raw, ok := o.fields["config"]
	if !ok || string(raw) == "null" {
		return out, nil
	}
	obj, err := o.objectOf("config", raw)
	if err != nil {
		return nil, err
	}
	for k, v := range obj.fields {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, o.fail("config", "value of %q is not a string: %s", k, truncate(v))
		}
		out[k] = s
	}
	return out, nil
}

// ConfigChange is /config/changes/config_change_<seq>, PERSISTENT_SEQUENTIAL
// (ConfigEntityChangeNotificationSequenceZNode): "the config of this entity
// changed, re-read it". Every broker watches /config/changes and applies
// the notices in sequence order.
type ConfigChange struct {
	EntityType string // "topics", "clients", "users", "brokers"
	EntityName string // the topic name (sanitized for users and clients)
}

// EntityPath is "topics/<t>".
func (c ConfigChange) EntityPath() string { return c.EntityType + "/" + c.EntityName }

// EncodeConfigChange writes version 2: {"version":2,"entity_path":"topics/<t>"}.
func EncodeConfigChange(c ConfigChange) []byte {
	return (&writer{}).open().int("version", 2).str("entity_path", c.EntityPath()).close()
}

// DecodeConfigChange reads version 1 ({"version":1,"entity_type":"topics",
// "entity_name":"t"}) and version 2, with DynamicConfigManager's checks:
// the entity type must be one of ConfigTypes.
func DecodeConfigChange(data []byte) (ConfigChange, error) {
	o, err := parseObject("config change notification", data)
	if err != nil {
		return ConfigChange{}, err
	}
	v, err := o.version(1, 2)
	if err != nil {
		return ConfigChange{}, err
	}
	var c ConfigChange
	if v == 1 {
		if c.EntityType, err = o.string("entity_type"); err != nil {
			return ConfigChange{}, err
		}
		if c.EntityName, err = o.string("entity_name"); err != nil {
			return ConfigChange{}, err
		}
	} else {
		p, err := o.string("entity_path")
		if err != nil {
			return ConfigChange{}, err
		}
		i := strings.IndexByte(p, '/')
		if i < 0 || i == len(p)-1 {
			return ConfigChange{}, o.fail("entity_path", "want <type>/<name>, got %q", p)
		}
		c.EntityType, c.EntityName = p[:i], p[i+1:]
	}
	for _, t := range ConfigTypes {
		if c.EntityType == t {
			return c, nil
		}
	}
	return ConfigChange{}, o.fail("entity_type", "unknown config entity type %q", c.EntityType)
}
