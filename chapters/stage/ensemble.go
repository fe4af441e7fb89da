package stage

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zkafka/zkafka/zk/server"
	"github.com/zkafka/zkafka/zk/server/cluster"
)

// Ensemble is a ZooKeeper ensemble in this process (zk/server/cluster)
// whose zab traffic a Tracer narrates.
type Ensemble struct {
	*cluster.Cluster
	Trace *Tracer

	cutMu sync.Mutex
	cuts  map[[2]int64]bool // links cut by Partition, smaller id first
}

// StartEnsemble starts n members with the given client ports (missing
// ones are free ports) and tickTime, narrating their zab flow to w.
func StartEnsemble(n int, clientPorts []int, tick time.Duration, w io.Writer) (*Ensemble, error) {
	tr := NewTracer(w)
	c, err := cluster.Start(cluster.Options{
		N: n, ClientPorts: clientPorts, TickTime: tick,
		Logger: func(id int64) *slog.Logger {
			return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})).With("sid", id)
		},
		Observe: func(o server.Observation) {
			tr.Observe(o)
			if o.Ready.SoftState != nil {
				pokePicture() // a role changed: show it now
			}
		},
	})
	if err != nil {
		return nil, err
	}
	e := &Ensemble{Cluster: c, Trace: tr}
	pictureEnsemble(e)
	return e, nil
}

// StatusTable prints every member's mode, epochs and zxids.
func (e *Ensemble) StatusTable(w io.Writer) {
	fmt.Fprintf(w, "   %-4s %-9s %-8s %-6s %-9s %-9s %-12s %-12s %s\n", "id", "mode", "serving", "epoch", "accepted", "current", "zxid", "lastLogged", "client")
	for _, id := range e.IDs() {
		st, ok := e.Status(id)
		if !ok {
			fmt.Fprintf(w, "   s%-3d %-9s\n", id, "DOWN")
			continue
		}
		fmt.Fprintf(w, "   s%-3d %-9s %-8v %-6d %-9d %-9d %-12s %-12s %s\n", id, st.Mode, st.Serving, st.Epoch,
			st.AcceptedEpoch, st.CurrentEpoch, zx(st.Zxid), zx(st.LastLogged), e.Addr(id))
	}
}

// ParseIDs reads server ids ("1", "s2", "3").
func ParseIDs(args []string) ([]int64, error) {
	var out []int64
	for _, a := range args {
		n, err := strconv.ParseInt(strings.TrimPrefix(a, "s"), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a server id", a)
		}
		out = append(out, n)
	}
	return out, nil
}

// Experiments are the prompt's commands every ensemble chapter offers:
// status, kill, restart, partition, heal, trace, votes.
func (e *Ensemble) Experiments(w io.Writer) map[string]Experiment {
	one := func(args []string) (int64, error) {
		ids, err := ParseIDs(args)
		if err != nil {
			return 0, err
		}
		if len(ids) != 1 || ids[0] < 1 || int(ids[0]) > len(e.IDs()) {
			return 0, fmt.Errorf("want one server id between 1 and %d", len(e.IDs()))
		}
		return ids[0], nil
	}
	return map[string]Experiment{
		"status": {Help: "every server's mode, epochs and zxid", Run: func([]string) error {
			e.StatusTable(w)
			return nil
		}},
		"kill": {Help: "kill N: stop server N like kill -9 (only what it fsynced survives)", Run: func(args []string) error {
			id, err := one(args)
			if err != nil {
				return err
			}
			e.Kill(id)
			fmt.Fprintf(w, "   s%d killed\n", id)
			return nil
		}},
		"restart": {Help: "restart N: start server N again from its disk", Run: func(args []string) error {
			id, err := one(args)
			if err != nil {
				return err
			}
			return e.Restart(id)
		}},
		"partition": {Help: "partition 1 | 2 3: cut every link between the two groups", Run: func(args []string) error {
			left, right, ok := strings.Cut(strings.Join(args, " "), "|")
			if !ok {
				return fmt.Errorf("want: partition 1 | 2 3")
			}
			a, err := ParseIDs(strings.Fields(left))
			if err != nil {
				return err
			}
			b, err := ParseIDs(strings.Fields(right))
			if err != nil {
				return err
			}
			e.Partition(a, b)
			fmt.Fprintf(w, "   links cut between %v and %v\n", a, b)
			return nil
		}},
		"heal": {Help: "restore every link", Run: func([]string) error {
			e.Heal()
			return nil
		}},
		"trace": {Help: "trace on|off: the zab trace", Run: func(args []string) error {
			e.Trace.Set(len(args) == 0 || args[0] != "off")
			return nil
		}},
		"votes": {Help: "votes on|off: show election notifications in the trace", Run: func(args []string) error {
			e.Trace.SetVotes(len(args) == 0 || args[0] != "off")
			return nil
		}},
	}
}

// MergeExperiments adds more to a set of experiments.
func MergeExperiments(a, b map[string]Experiment) map[string]Experiment {
	out := map[string]Experiment{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// SortedIDs is a helper for narrations.
func SortedIDs(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
