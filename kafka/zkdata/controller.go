package zkdata

import (
	"crypto/rand"
	"encoding/base64"
	"strconv"
)

// Controller is /controller (ControllerZNode), EPHEMERAL: the broker that
// created it is the controller for as long as its session lives. The first
// broker to create it wins; there is no sequential znode.
type Controller struct {
	BrokerID  int32
	Timestamp int64 // ms when it was elected; 0 if unreadable (Kafka reads only brokerid)
}

// EncodeController writes {"version":1,"brokerid":id,"timestamp":"<ms>"}
// (a 3-entry Scala Map keeps this order; the timestamp is a string).
func EncodeController(c Controller) []byte {
	w := (&writer{}).open()
	w.int("version", 1)
	w.int("brokerid", int64(c.BrokerID))
	w.str("timestamp", strconv.FormatInt(c.Timestamp, 10))
	return w.close()
}

// DecodeController reads /controller. Like ControllerZNode.decode it needs
// only "brokerid".
func DecodeController(data []byte) (Controller, error) {
	o, err := parseObject("controller", data)
	if err != nil {
		return Controller{}, err
	}
	var c Controller
	if c.BrokerID, err = o.int32("brokerid"); err != nil {
		return Controller{}, err
	}
	if ts, ok, _ := o.optString("timestamp"); ok {
		c.Timestamp, _ = strconv.ParseInt(ts, 10, 64)
	}
	return c, nil
}

// InitialControllerEpoch is the value /controller_epoch is created with
// (KafkaController.InitialControllerEpoch); its zkVersion is then 0. The
// first controller writes 1.
const InitialControllerEpoch = 0

// EncodeControllerEpoch writes /controller_epoch: the epoch as a plain
// decimal ("1"), no JSON (ControllerEpochZNode.encode).
func EncodeControllerEpoch(epoch int32) []byte { return []byte(itoa(epoch)) }

// DecodeControllerEpoch reads /controller_epoch (String.toInt).
func DecodeControllerEpoch(data []byte) (int32, error) {
	n, err := parseDecimal("controller epoch", data, 32)
	return int32(n), err
}

// ClusterIDVersion is /cluster/id's version. It is the string "1", not
// the number (ClusterIdZNode.toJson).
const ClusterIDVersion = "1"

// EncodeClusterID writes /cluster/id: {"version":"1","id":"<id>"}.
func EncodeClusterID(id string) []byte {
	return (&writer{}).open().str("version", ClusterIDVersion).str("id", id).close()
}

// DecodeClusterID reads /cluster/id (ClusterIdZNode.fromJson: only "id").
func DecodeClusterID(data []byte) (string, error) {
	o, err := parseObject("cluster id", data)
	if err != nil {
		return "", err
	}
	return o.string("id")
}

// NewClusterID makes a cluster id as Kafka does
// (CoreUtils.generateUuidAsBase64): a random (version 4) UUID's 16 bytes
// in URL-safe base64 without padding, 22 characters. The first broker to
// create /cluster/id fixes it for the cluster; the others read it.
func NewClusterID() string {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // IETF variant
	return base64.RawURLEncoding.EncodeToString(u[:])
}
