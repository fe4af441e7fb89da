package txnlog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/adler32"
	"strconv"
	"strings"

	"github.com/zkafka/zkafka/zk/proto"
)

// Magic is "ZKLG" read as a big-endian int, the first field of every log file.
const Magic int32 = 0x5a4b4c47

// Version is the log format version ZooKeeper writes.
const Version int32 = 2

// eor ends every entry (Util.writeTxnBytes writes 'B').
const eor = 0x42

// HeaderSize is the encoded size of a FileHeader.
const HeaderSize = 16

// entryOverhead is checksum (8) + length (4) + end-of-record (1).
const entryOverhead = 13

// FileHeader starts every log file (and, with magic "ZKSN", every snapshot).
type FileHeader struct {
	Magic   int32
	Version int32
	DBID    int64
}

func (h *FileHeader) Encode(e *proto.Encoder) { e.Int(h.Magic); e.Int(h.Version); e.Long(h.DBID) }
func (h *FileHeader) Decode(d *proto.Decoder) {
	h.Magic = d.Int()
	h.Version = d.Int()
	h.DBID = d.Long()
}

// Errors of the entry decoder. Both mean "the log ends here" to recovery.
var (
	// ErrTorn: the bytes stop in the middle of an entry.
	ErrTorn = errors.New("txnlog: torn entry")
	// ErrCorrupt: the entry is complete but wrong (checksum, length,
	// end-of-record byte, or an undecodable txn).
	ErrCorrupt = errors.New("txnlog: corrupt entry")
	// ErrEnd: zeros where the next entry would be, as in a preallocated
	// ZooKeeper log file.
	ErrEnd = errors.New("txnlog: end of log")
)

// AppendEntry appends txn's log entry to buf.
func AppendEntry(buf []byte, txn *proto.Txn) []byte {
	payload := proto.Encode(txn)
	buf = binary.BigEndian.AppendUint64(buf, uint64(adler32.Checksum(payload)))
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(payload)))
	buf = append(buf, payload...)
	return append(buf, eor)
}

// DecodeEntry reads one entry from the start of b. It returns the txn and
// the number of bytes the entry took, or ErrTorn, ErrCorrupt or ErrEnd
// (wrapped with the reason). It never panics.
func DecodeEntry(b []byte) (proto.Txn, int, error) {
	var txn proto.Txn
	if len(b) < 12 {
		if allZero(b) {
			return txn, 0, ErrEnd
		}
		return txn, 0, fmt.Errorf("%w: %d bytes, need 12 for checksum and length", ErrTorn, len(b))
	}
	sum := binary.BigEndian.Uint64(b)
	n := int32(binary.BigEndian.Uint32(b[8:]))
	if n == 0 && sum == 0 {
		return txn, 0, ErrEnd
	}
	if n <= 0 {
		return txn, 0, fmt.Errorf("%w: length %d", ErrCorrupt, n)
	}
	if int64(n) > int64(len(b)-entryOverhead) {
		return txn, 0, fmt.Errorf("%w: length %d but only %d bytes follow", ErrTorn, n, len(b)-12)
	}
	payload := b[12 : 12+int(n)]
	if b[12+int(n)] != eor {
		return txn, 0, fmt.Errorf("%w: end-of-record byte is %#x, want 0x42", ErrCorrupt, b[12+int(n)])
	}
	if sum>>32 != 0 || uint32(sum) != adler32.Checksum(payload) {
		return txn, 0, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	if err := proto.Decode(payload, &txn); err != nil {
		return txn, 0, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return txn, int(n) + entryOverhead, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// FileName is the name of a log file whose first txn has zxid.
func FileName(zxid int64) string { return "log." + strconv.FormatInt(zxid, 16) }

// ParseFileName returns the zxid in a name made by FileName (or by
// ZooKeeper), and whether name is a log file name at all.
func ParseFileName(name string) (int64, bool) { return parseZxidName(name, "log.") }

func parseZxidName(name, prefix string) (int64, bool) {
	hex, ok := strings.CutPrefix(name, prefix)
	if !ok || hex == "" {
		return 0, false
	}
	z, err := strconv.ParseUint(hex, 16, 64)
	if err != nil {
		return 0, false
	}
	return int64(z), true
}
