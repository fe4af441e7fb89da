package zkdata

import (
	"errors"
	"fmt"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/zkafka/zkafka/kafka/properties"
	"github.com/zkafka/zkafka/labs/sim/vfs"
)

// MetaPropertiesFile is the file in every log directory that says which
// broker owns it (KafkaServer.brokerMetaPropsFile).
const MetaPropertiesFile = "meta.properties"

// EncodeMetaProperties writes meta.properties as Kafka 2.3's
// BrokerMetadataCheckpoint.write does, through java.util.Properties.store
// with an empty comment: a "#" line, a "#<date>" line in Date.toString's
// format, then the two properties:
//
//	#
//	#Tue Oct 22 10:00:00 UTC 2019
//	version=0
//	broker.id=1
//
// Properties.store writes in hash-table order: on Java 8 (a Hashtable of
// 11 buckets) that is version first, as here; Java 11's Properties (a
// ConcurrentHashMap) writes broker.id first. Readers take either.
func EncodeMetaProperties(brokerID int32, now time.Time) []byte {
	var b strings.Builder
	b.WriteString("#\n#")
	b.WriteString(now.Format("Mon Jan 02 15:04:05 MST 2006"))
	b.WriteString("\nversion=0\nbroker.id=")
	b.WriteString(itoa(brokerID))
	b.WriteString("\n")
	return []byte(b.String())
}

// DecodeMetaProperties reads meta.properties (BrokerMetadataCheckpoint.read):
// "version" must be 0 and "broker.id" an integer in [0, 2^31-1]; other
// keys (2.4+ adds cluster.id) are ignored.
func DecodeMetaProperties(data []byte) (int32, error) {
	const what = "meta.properties"
	props, err := properties.Parse(data)
	if err != nil {
		return 0, &DecodeError{What: what, Err: err}
	}
	get := func(key string) (int32, error) {
		s, ok := props[key]
		if !ok {
			return 0, &DecodeError{What: what, Field: key, Err: errors.New("missing required property")}
		}
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil || n < 0 {
			return 0, &DecodeError{What: what, Field: key, Err: fmt.Errorf("%q is not in the range 0..%d", s, int32(^uint32(0)>>1))}
		}
		return int32(n), nil
	}
	v, err := get("version")
	if err != nil {
		return 0, err
	}
	if v != 0 {
		return 0, &DecodeError{What: what, Field: "version", Err: fmt.Errorf("unrecognized version of the server meta.properties file: %d", v)}
	}
	return get("broker.id")
}

// ReadMetaProperties reads dir's meta.properties. ok is false if there is
// none. Like Kafka, it first removes a leftover meta.properties.tmp (a
// write that crashed before its rename).
func ReadMetaProperties(fs vfs.FS, dir string) (brokerID int32, ok bool, err error) {
	name := path.Join(dir, MetaPropertiesFile)
	if err := fs.Remove(name + ".tmp"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return 0, false, err
	}
	data, err := vfs.ReadFile(fs, name)
	if errors.Is(err, os.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	id, err := DecodeMetaProperties(data)
	if err != nil {
		return 0, false, fmt.Errorf("%s: %w", name, err)
	}
	return id, true, nil
}

// WriteMetaProperties writes dir's meta.properties durably: a temp file,
// fsync, rename over the old one (BrokerMetadataCheckpoint.write), and the
// directory fsync Kafka's atomicMoveWithFallback leaves out.
func WriteMetaProperties(fs vfs.FS, dir string, brokerID int32, now time.Time) error {
	return vfs.WriteFileAtomic(fs, path.Join(dir, MetaPropertiesFile), EncodeMetaProperties(brokerID, now))
}

// InconsistentBrokerIDError is Kafka's InconsistentBrokerIdException: the
// log directories belong to another broker, or to several. The broker must
// refuse to start: serving another broker's logs under its id would mix
// two replicas' histories.
type InconsistentBrokerIDError struct {
	Configured int32            // broker.id from the config, -1 if unset
	Stored     map[string]int32 // log dir → broker.id in its meta.properties
}

func (e *InconsistentBrokerIDError) Error() string {
	ids := map[int32]bool{}
	for _, id := range e.Stored {
		ids[id] = true
	}
	if len(ids) > 1 {
		dirs := make([]string, 0, len(e.Stored))
		for d := range e.Stored {
			dirs = append(dirs, d)
		}
		sort.Strings(dirs)
		var parts []string
		for _, d := range dirs {
			parts = append(parts, fmt.Sprintf("%s=%d", d, e.Stored[d]))
		}
		return "failed to match broker.id across log.dirs. This could happen if multiple brokers shared a log directory (log.dirs) " +
			"or partial data was manually copied from another broker. Found " + strings.Join(parts, ", ")
	}
	var stored int32
	for _, id := range e.Stored {
		stored = id
	}
	return fmt.Sprintf("configured broker.id %d doesn't match stored broker.id %d in meta.properties. "+
		"If you moved your data, make sure your configured broker.id matches. "+
		"If you intend to create a new broker, you should remove all data in your data directories (log.dirs).", e.Configured, stored)
}

// CheckBrokerID decides the broker's id from its configured broker.id
// (-1 if unset) and the ids stored in its log directories' meta.properties
// (dirs without one are left out), as KafkaServer.getBrokerIdAndOfflineDirs:
//   - different ids in different dirs → InconsistentBrokerIDError;
//   - a configured id that differs from the stored one → InconsistentBrokerIDError;
//   - a stored id and none configured → the stored id;
//   - nothing stored and none configured → generate is true (Kafka then
//     takes one from /brokers/seqid plus reserved.broker.max.id);
//   - otherwise the configured id.
//
// After registering, the broker writes meta.properties into every dir
// that has none (KafkaServer.checkpointBrokerId).
func CheckBrokerID(configured int32, stored map[string]int32) (id int32, generate bool, err error) {
	ids := map[int32]bool{}
	var one int32
	for _, s := range stored {
		ids[s] = true
		one = s
	}
	switch {
	case len(ids) > 1:
		return 0, false, &InconsistentBrokerIDError{Configured: configured, Stored: stored}
	case configured >= 0 && len(ids) == 1 && one != configured:
		return 0, false, &InconsistentBrokerIDError{Configured: configured, Stored: stored}
	case len(ids) == 0 && configured < 0:
		return -1, true, nil
	case len(ids) == 1:
		return one, false, nil
	}
	return configured, false, nil
}
