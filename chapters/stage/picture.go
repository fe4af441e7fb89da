package stage

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/zkafka/zkafka/chapters/stage/picture"
	"github.com/zkafka/zkafka/zk/server"
)

// DefaultPictureAddr is where a stage serves its live picture unless
// PICTURE=host:port or -picture host:port says otherwise (PICTURE=off:
// no picture). If the default port is taken — another stage runs — the
// next free one up to 8099 is used, and printed.
const DefaultPictureAddr = "127.0.0.1:8080"

var pictureFlag = flag.String("picture", "", "address of the live picture (default $PICTURE, else "+DefaultPictureAddr+"; off: none)")

// The stage's picture: started by Narrator.Title, fed by StartEnsemble,
// StartZooKeeper and StartKafka, its buttons set by Prompt. A program
// that never calls Title (a test) serves none, and the hooks do nothing.
var pic struct {
	mu   sync.Mutex
	page *picture.Page
	url  string
}

func thePicture() *picture.Page {
	pic.mu.Lock()
	defer pic.mu.Unlock()
	return pic.page
}

// PictureURL is the live picture's address ("" if none is served).
func PictureURL() string {
	pic.mu.Lock()
	defer pic.mu.Unlock()
	return pic.url
}

// startPicture serves the stage's page and says where.
func startPicture(chapter int, title string, w io.Writer) {
	addr := *pictureFlag
	if addr == "" {
		addr = os.Getenv("PICTURE")
	}
	explicit := addr != ""
	if !explicit {
		addr = DefaultPictureAddr
	}
	if addr == "off" || addr == "none" {
		return
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil && !explicit && errors.Is(err, syscall.EADDRINUSE) {
		host, p, _ := net.SplitHostPort(addr)
		port, _ := strconv.Atoi(p)
		for next := port + 1; next <= 8099 && err != nil; next++ {
			ln, err = net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(next)))
		}
	}
	if err != nil {
		fmt.Fprintf(w, "   (no live picture: %v; PICTURE=127.0.0.1:PORT picks another address)\n", err)
		return
	}
	p := picture.New(picture.StageInfo{Chapter: chapter, Title: title})
	p.Start(context.Background())
	picture.Serve(context.Background(), ln, p)
	url := "http://" + ln.Addr().String() + "/"
	pic.mu.Lock()
	pic.page, pic.url = p, url
	pic.mu.Unlock()
	fmt.Fprintf(w, "  the live picture: %s   (PICTURE=host:port moves it, PICTURE=off: none)\n", url)
}

// noteStep puts a narration step on the picture's event list.
func noteStep(n int, title string) {
	if p := thePicture(); p != nil {
		p.Note("step %d: %s", n, title)
	}
}

// pokePicture asks the picture to read the cluster now.
func pokePicture() {
	if p := thePicture(); p != nil {
		p.Poke()
	}
}

// pictureEnsemble shows an ensemble: its servers, its tree, its cuts.
func pictureEnsemble(e *Ensemble) {
	p := thePicture()
	if p == nil {
		return
	}
	tree := &picture.ClientTree{Addrs: e.Addrs}
	p.SetTree(tree)
	p.AddSource(&picture.ZooKeeperSource{Servers: e, Ensemble: true, Cuts: e.Cuts, PictureSession: tree.Session})
}

// pictureStandalone shows one standalone server.
func pictureStandalone(z *ZooKeeper) {
	p := thePicture()
	if p == nil {
		return
	}
	tree := &picture.ClientTree{Addrs: func() []string { return []string{z.Addr()} }}
	p.SetTree(tree)
	p.AddSource(&picture.ZooKeeperSource{Servers: standalone{z}, PictureSession: tree.Session})
}

// standalone is one server seen as picture.Servers (id 0: a standalone
// server has no server id).
type standalone struct{ z *ZooKeeper }

func (s standalone) IDs() []int64      { return []int64{0} }
func (s standalone) Addr(int64) string { return s.z.Addr() }
func (s standalone) Status(int64) (server.Status, bool) {
	s.z.mu.Lock()
	srv := s.z.srv
	s.z.mu.Unlock()
	if srv == nil {
		return server.Status{Mode: "down"}, false
	}
	return srv.Status()
}

// pictureKafka shows a standalone broker: its topics, partitions and
// segments; the buttons are chapter 5's experiments (a page drops those
// the prompt does not offer).
func pictureKafka(k *Kafka) {
	p := thePicture()
	if p == nil {
		return
	}
	p.AddSource(&picture.KafkaSource{
		Endpoints: func() []picture.BrokerEndpoint {
			k.mu.Lock()
			up := k.b != nil
			k.mu.Unlock()
			return []picture.BrokerEndpoint{{Addr: k.Addr(), LogDir: k.LogDir(), Up: up}}
		},
		BrokerActions: func(picture.Broker) []picture.Action {
			return []picture.Action{{Label: "power cut", Command: "crash"}, {Label: "clean restart", Command: "restart"}}
		},
		TopicActions: func(t picture.Topic) []picture.Action {
			acts := []picture.Action{{Label: "produce 10", Command: "produce 10 " + t.Name}}
			if t.Name == "demo" {
				acts = append(acts, picture.Action{Label: "roll", Command: "roll"})
			}
			return acts
		},
	})
}

// pictureCommands gives the page the prompt's experiments.
func pictureCommands(exps map[string]Experiment, run picture.Runner) {
	p := thePicture()
	if p == nil {
		return
	}
	var cmds []picture.Command
	for name, e := range exps {
		cmds = append(cmds, picture.Command{Name: name, Help: e.Help})
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name < cmds[j].Name })
	p.SetCommands(cmds, run)
}

// Cuts are the links cut by Partition and not yet healed, each pair once.
func (e *Ensemble) Cuts() [][2]int64 {
	e.cutMu.Lock()
	defer e.cutMu.Unlock()
	out := make([][2]int64, 0, len(e.cuts))
	for c := range e.cuts {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] || out[i][0] == out[j][0] && out[i][1] < out[j][1] })
	return out
}

// Partition cuts every link between a member of a and a member of b (and
// remembers it for the picture).
func (e *Ensemble) Partition(a, b []int64) {
	e.cutMu.Lock()
	if e.cuts == nil {
		e.cuts = map[[2]int64]bool{}
	}
	for _, x := range a {
		for _, y := range b {
			if x != y {
				e.cuts[[2]int64{min(x, y), max(x, y)}] = true
			}
		}
	}
	e.cutMu.Unlock()
	e.Cluster.Partition(a, b)
	pokePicture()
}

// Heal restores every link.
func (e *Ensemble) Heal() {
	e.cutMu.Lock()
	e.cuts = nil
	e.cutMu.Unlock()
	e.Cluster.Heal()
	pokePicture()
}

// runLine is what typing line at the prompt does, for the prompt and the
// picture alike, one command at a time. It reports false for a line that
// is not an experiment.
func (r *runner) runLine(line string) (bool, error) {
	f := strings.Fields(line)
	if len(f) == 0 {
		return true, nil
	}
	e, ok := r.exps[f[0]]
	if !ok {
		return false, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	err := e.Run(f[1:])
	pokePicture()
	return true, err
}

type runner struct {
	mu   sync.Mutex
	exps map[string]Experiment
}

// pictureKafkaCluster shows chapter 6's brokers: one entry per broker
// the stage runs, up or down, with its broker epoch; its buttons kill or
// restart it.
func pictureKafkaCluster(kc *KafkaCluster) {
	p := thePicture()
	if p == nil {
		return
	}
	p.AddSource(&picture.KafkaSource{
		Cluster: true,
		Endpoints: func() []picture.BrokerEndpoint {
			var eps []picture.BrokerEndpoint
			for _, id := range kc.IDs() {
				e := picture.BrokerEndpoint{ID: id, Addr: kc.Addr(id), LogDir: kc.LogDir(id)}
				if b := kc.Broker(id); b != nil {
					e.Up, e.Epoch = true, b.BrokerEpoch()
				}
				eps = append(eps, e)
			}
			return eps
		},
		Actions: []picture.Action{{Label: "add a broker", Command: "add-broker"}},
		BrokerActions: func(b picture.Broker) []picture.Action {
			if b.ID < 0 {
				return nil
			}
			if b.Up {
				return []picture.Action{{Label: "kill", Command: fmt.Sprintf("kill-broker %d", b.ID)}}
			}
			return []picture.Action{{Label: "restart", Command: fmt.Sprintf("restart-broker %d", b.ID)}}
		},
		TopicActions: func(t picture.Topic) []picture.Action {
			return []picture.Action{{Label: "produce 60 keyed", Command: "produce 60 " + t.Name}}
		},
	})
}
