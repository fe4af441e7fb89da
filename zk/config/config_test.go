package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zkafka/zkafka/zk/config"
)

// Reference: zoo_sample.cfg of ZooKeeper 3.8; QuorumPeerConfig.parseProperties.
func TestParseSample(t *testing.T) {
	cfg := `# The number of milliseconds of each tick
tickTime=2000
initLimit=10
syncLimit=5
dataDir=/tmp/zookeeper
clientPort=2181
#maxClientCnxns=60
autopurge.snapRetainCount=3
autopurge.purgeInterval=1
4lw.commands.whitelist=srvr, ruok ,mntr
metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider
server.1=127.0.0.1:2888:3888
server.2 = 127.0.0.1:2889:3889:observer;127.0.0.1:2182
`
	c, err := config.Parse(strings.NewReader(cfg))
	if err != nil {
		t.Fatal(err)
	}
	want := &config.Config{
		TickTime: 2000, DataDir: "/tmp/zookeeper", DataLogDir: "/tmp/zookeeper",
		ClientPort: 2181, MinSessionTimeout: 4000, MaxSessionTimeout: 40000,
		MaxClientCnxns: 60, InitLimit: 10, SyncLimit: 5, SnapCount: 100000,
		FourLetterWords:          []string{"srvr", "ruok", "mntr"},
		AutopurgeSnapRetainCount: 3, AutopurgePurgeInterval: 1,
		Servers: []config.Server{
			{ID: 1, Host: "127.0.0.1", QuorumPort: 2888, ElectionPort: 3888},
			{ID: 2, Host: "127.0.0.1", QuorumPort: 2889, ElectionPort: 3889, Observer: true, ClientAddr: "127.0.0.1:2182"},
		},
		Extra: map[string]string{"metricsProvider.className": "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider"},
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if c.ClientAddr() != ":2181" || !c.FourLetterWordAllowed("mntr") || c.FourLetterWordAllowed("envi") {
		t.Fatalf("ClientAddr %q / whitelist wrong", c.ClientAddr())
	}
}

// Reference: docs/reference/zookeeper.md §1.2 (timeouts default to 2 and 20 ticks), §2
// (whitelist default "srvr").
func TestDefaults(t *testing.T) {
	c, err := config.Parse(strings.NewReader("dataDir=d\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.TickTime != 3000 || c.MinSessionTimeout != 6000 || c.MaxSessionTimeout != 60000 {
		t.Fatalf("tick %d, timeouts %d..%d", c.TickTime, c.MinSessionTimeout, c.MaxSessionTimeout)
	}
	if c.DataLogDir != "d" || c.ClientPort != 2181 || !cmp.Equal(c.FourLetterWords, []string{"srvr"}) {
		t.Fatalf("defaults: %+v", c)
	}
	c, _ = config.Parse(strings.NewReader("dataDir=d\n4lw.commands.whitelist=*\nminSessionTimeout=100\n"))
	if !c.FourLetterWordAllowed("wchs") || c.MinSessionTimeout != 100 || c.MaxSessionTimeout != 60000 {
		t.Fatalf("whitelist * or explicit min: %+v", c)
	}
}

func TestErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct{ cfg, want string }{
		{"dataDir=d\ntickTime=abc\n", `line 2: tickTime: "abc" is not an integer`},
		{"dataDir=d\n\n# c\njust a line\n", "line 4: just a line: want key=value"},
		{"dataDir=d\nclientPort=70000\n", "line 2: clientPort: 70000 is not a port"},
		{"dataDir=d\nserver.1=h:1\n", `line 2: server.1: "h:1": want host:quorumPort:electionPort`},
		{"dataDir=d\nserver.x=h:1:2\n", `line 2: server.x: server id "x"`},
		{"dataDir=d\nserver.1=h:1:2\nserver.01=h:3:4\n", "line 3: server.01: server id 1 already defined on line 2"},
		{"dataDir=d\nserver.1=h:1:2:boss\n", `role "boss"`},
		{"dataDir=d\ntickTime=1\ntickTime=2\n", "line 3: tickTime: set again (first set on line 2)"},
		{"tickTime=10\n", "dataDir: is not set"},
		{"dataDir=d\nminSessionTimeout=9000\nmaxSessionTimeout=100\n", "line 2: minSessionTimeout: 9000 is above maxSessionTimeout 100"},
		{"dataDir=d\ntickTime=0\n", "line 2: tickTime: 0 is below the minimum 1"},
	} {
		_, err := config.Parse(strings.NewReader(tc.cfg))
		var le *config.LineError
		if err == nil || !errors.As(err, &le) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tc.cfg, err, tc.want)
		}
	}
}

// TestMyID checks that an ensemble configuration reads dataDir/myid and
// that a missing or foreign id is an error.
//
// Reference: QuorumPeerConfig.setupMyId ("myid file is missing").
func TestMyID(t *testing.T) {
	dir := t.TempDir()
	cfg := "dataDir=" + dir + "\nserver.1=127.0.0.1:2888:3888\nserver.2=127.0.0.1:2889:3889\n"
	name := filepath.Join(dir, "zoo.cfg")
	if err := os.WriteFile(name, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := config.ParseFile(name); err == nil {
		t.Fatal("an ensemble config without myid parsed")
	}
	os.WriteFile(filepath.Join(dir, "myid"), []byte("2\n"), 0o644)
	c, err := config.ParseFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if c.MyID != 2 {
		t.Fatalf("MyID = %d, want 2", c.MyID)
	}
	os.WriteFile(filepath.Join(dir, "myid"), []byte("7"), 0o644)
	if _, err := config.ParseFile(name); err == nil {
		t.Fatal("myid 7, not among the servers, parsed")
	}
}
