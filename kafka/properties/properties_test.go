package properties

import (
	"maps"
	"testing"
)

// The cases of java.util.Properties.load that Kafka's and ZooKeeper's
// files use: comments, the three separators, escapes, continued lines, a
// later key replacing an earlier one.
func TestParse(t *testing.T) {
	in := "# a comment\n! another\n" +
		"broker.id=1\n" +
		"listeners : PLAINTEXT://:9092\n" +
		"log.dirs /tmp/a,\\\n    /tmp/b\n" +
		"key\\ with\\ spaces=v\\tw\n" +
		"uni=\\u0041\\u00e9\n" +
		"empty=\n" +
		"broker.id=2\n" +
		"   \n"
	got, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"broker.id":       "2",
		"listeners":       "PLAINTEXT://:9092",
		"log.dirs":        "/tmp/a,/tmp/b",
		"key with spaces": "v\tw",
		"uni":             "Aé",
		"empty":           "",
	}
	if !maps.Equal(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

// A malformed \u escape is an error, as Java's IllegalArgumentException
// ("Malformed \uxxxx encoding"); so is input that is not UTF-8.
func TestParseRefuses(t *testing.T) {
	for _, bad := range []string{"k=\\u00g1\n", "k=\\u12\n", "k=\xff\n"} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("a=b\nc : d\\\n e\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		Parse(b) // never panics
	})
}
