// Package properties reads Java's .properties text format
// (java.util.Properties.load), the format of Kafka's server.properties and
// meta.properties: one reader for both (kafka/broker/config and
// kafka/zkdata). zk/config reads zoo.cfg itself, because it reports
// errors by line as QuorumPeerConfig does.
package properties

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Parse reads the java.util.Properties text format
// (Properties.load): "#" and "!" comment lines, key and value separated by
// '=', ':' or white space, backslash escapes (\t \n \r \f \uXXXX, any
// other character stands for itself) and lines continued by a trailing
// backslash. A later key replaces an earlier one. Input that is not UTF-8
// or has a bad \u escape is an error (Java reads it as ISO-8859-1 and
// throws on the escape; we only ever read ASCII).
func Parse(data []byte) (map[string]string, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not UTF-8")
	}
	props := map[string]string{}
	lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimLeft(lines[i], " \t\f")
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		// Join continuation lines: an odd number of trailing backslashes.
		for trailingBackslashes(line)%2 == 1 && i+1 < len(lines) {
			i++
			line = line[:len(line)-1] + strings.TrimLeft(lines[i], " \t\f")
		}
		if trailingBackslashes(line)%2 == 1 {
			line = line[:len(line)-1]
		}
		// The key ends at the first unescaped separator.
		end := len(line)
		for j := 0; j < len(line); j++ {
			if line[j] == '\\' {
				j++
				continue
			}
			if line[j] == '=' || line[j] == ':' || line[j] == ' ' || line[j] == '\t' || line[j] == '\f' {
				end = j
				break
			}
		}
		rawKey, rest := line[:end], line[end:]
		rest = strings.TrimLeft(rest, " \t\f")
		if rest != "" && (rest[0] == '=' || rest[0] == ':') {
			rest = strings.TrimLeft(rest[1:], " \t\f")
		}
		key, err := unescape(rawKey)
		if err != nil {
			return nil, err
		}
		val, err := unescape(rest)
		if err != nil {
			return nil, err
		}
		props[key] = val
	}
	return props, nil
}

func trailingBackslashes(s string) int {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n
}

func unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case 'u':
			if i+5 > len(s) {
				return "", errors.New(`malformed \uxxxx encoding`)
			}
			n, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
			if err != nil {
				return "", errors.New(`malformed \uxxxx encoding`)
			}
			b.WriteRune(rune(n))
			i += 4
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), nil
}
