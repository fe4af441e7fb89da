package acl

import (
	"crypto/sha1"
	"encoding/base64"
	"strings"

	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// DigestID returns the digest scheme's id for "user:password":
// "user:" + base64(sha1("user:password")) (DigestAuthenticationProvider.
// generateDigest). The hash covers the whole string, user included.
func DigestID(userPassword string) string {
	user, _, _ := strings.Cut(userPassword, ":")
	sum := sha1.Sum([]byte(userPassword))
	return user + ":" + base64.StdEncoding.EncodeToString(sum[:])
}

// DigestOf is DigestID(user + ":" + password).
func DigestOf(user, password string) string { return DigestID(user + ":" + password) }

// AddAuth returns the ids an auth packet (op 100) adds to a session.
// scheme "digest" with auth "user:pw" adds Id{"digest", DigestID(...)},
// preceded by SuperID when that digest equals superDigest (the server's
// zookeeper.DigestAuthenticationProvider.superDigest; "" disables it).
// Other schemes have no provider here: AUTHFAILED, which makes the Java
// server close the connection.
func AddAuth(scheme string, auth []byte, superDigest string) ([]proto.Id, error) {
	if scheme != Digest {
		return nil, zkerr.AuthFailed
	}
	d := DigestID(string(auth))
	ids := make([]proto.Id, 0, 2)
	if superDigest != "" && d == superDigest {
		ids = append(ids, SuperID)
	}
	return append(ids, proto.Id{Scheme: Digest, ID: d}), nil
}

// IPID is the id the server gives every connection from addr (an IPv4
// address without port), as IPAuthenticationProvider does.
func IPID(addr string) proto.Id { return proto.Id{Scheme: IP, ID: addr} }
