//go:build mutation

package mutation

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// edit replaces Old, which must occur exactly once, by New in File (a
// path from the repository root).
type edit struct {
	File     string
	Old, New string
}

// suite is a randomized suite a mutant is run against.
type suite struct {
	Test, Pkg string
}

var (
	nemesis       = suite{"TestNemesis", "./zk/zab/"}
	clientNemesis = suite{"TestClientNemesis", "./zk/zab/zabsim/zksim/"}
)

type mutant struct {
	Name   string
	Note   string // what the bug is, the JIRA or section
	Edits  []edit
	Suites []suite
	// Equivalent: no schedule can observe it (Note says why, and which
	// deterministic test pins the fix); not catching it is no failure.
	Equivalent bool
}

const (
	followerHold   = "\tif f.stage == fSyncing {\n\t\t// Not yet: an ACK says"
	followerNoHold = "\tif false && f.stage == fSyncing {\n\t\t// Not yet: an ACK says"
	leaderSynced   = "if l.established && ln.stage >= lSynced {"
	leaderAny      = "if l.established {"

	writeEpochs = `		if err := WriteEpoch(r.fs, r.cfg.SnapDir, AcceptedEpochFile, ep.Accepted); err != nil {
			return err
		}
		if err := WriteEpoch(r.fs, r.cfg.SnapDir, CurrentEpochFile, ep.Current); err != nil {
			return err
		}
		if h.Epochs != nil {
			h.Epochs(*ep)
		}
`
	persist = `	if err := r.persist(rd.Entries); err != nil {
		return err
	}
`
	persistThenEpochs = persist + "\tif ep := rd.Epochs; ep != nil {\n" + writeEpochs + "\t}\n"
	epochsThenPersist = "\tif ep := rd.Epochs; ep != nil {\n" + writeEpochs + "\t}\n" + persist
	// ZooKeeper 3.9.2's learner: currentEpoch set, NEWLEADER acked, the
	// synced txns logged after.
	ackBeforeFsync = "\tif ep := rd.Epochs; ep != nil && r.Role.State == quorum.Following {\n" + writeEpochs + `		if err := r.sendAll(rd.Messages); err != nil {
			return err
		}
		early = true
	}
` + persist + "\tif ep := rd.Epochs; ep != nil && r.Role.State != quorum.Following {\n" + writeEpochs + "\t}\n"
	inOrderCommit = `	var committed []int64
	for len(p.pending) > 0 && IsQuorum(p.voters, p.pending[0].acks) {
		z := p.pending[0].zxid
		p.pending = p.pending[1:]
		p.lastCommitted = z
		committed = append(committed, z)
	}
	return committed`
	anyOrderCommit = `	var committed []int64
	keep := p.pending[:0]
	for _, pr := range p.pending {
		if IsQuorum(p.voters, pr.acks) {
			p.lastCommitted = max(p.lastCommitted, pr.zxid)
			committed = append(committed, pr.zxid)
		} else {
			keep = append(keep, pr)
		}
	}
	p.pending = keep
	return committed`
	deliveryAll = `	out := append([]int64(nil), d.pending[:n]...)`
	deliveryOne = `	out := []int64{zxid}`
)

var mutants = []mutant{
	{
		Name:   "bug1-follower",
		Note:   "a syncing follower ACKs PROPOSALs before NEWLEADER (issue 9 bug 1, follower half; Learner.syncWithLeader)",
		Edits:  []edit{{"zk/zab/follower.go", followerHold, followerNoHold}},
		Suites: []suite{nemesis, clientNemesis},
	},
	{
		Name: "bug1-leader",
		Note: "the leader counts ACKs from learners that have not acked NEWLEADER (issue 9 bug 1, leader half). " +
			"Equivalent while the follower half holds: our followers send no ACK before their NEWLEADER ack, " +
			"and a learner's ACKs of an earlier session precede its FOLLOWERINFO on the FIFO link; " +
			"pinned by TestLeaderCountsNoAckFromASyncingLearner",
		Edits:      []edit{{"zk/zab/leader.go", leaderSynced, leaderAny}},
		Suites:     []suite{nemesis, clientNemesis},
		Equivalent: true,
	},
	{
		Name: "bug1-both",
		Note: "both halves of issue 9 bug 1: a sync-phase ACK completes a quorum for a txn the follower's vote does not carry",
		Edits: []edit{
			{"zk/zab/follower.go", followerHold, followerNoHold},
			{"zk/zab/leader.go", leaderSynced, leaderAny},
		},
		Suites: []suite{nemesis, clientNemesis},
	},
	{
		Name:   "bug2-epochs-before-log",
		Note:   "quorumpeer writes currentEpoch before it fsyncs the Ready's entries (issue 9 bug 2, ZOOKEEPER-4643)",
		Edits:  []edit{{"zk/zab/quorumpeer/runtime.go", persistThenEpochs, epochsThenPersist}},
		Suites: []suite{nemesis, clientNemesis},
	},
	{
		Name:   "bug4-ack-newleader-before-fsync",
		Note:   "a follower sets currentEpoch and ACKs NEWLEADER before the synced txns are fsynced (issue 9 bug 4, ZOOKEEPER-4646)",
		Edits:  []edit{{"zk/zab/quorumpeer/runtime.go", persistThenEpochs, ackBeforeFsync}},
		Suites: []suite{nemesis, clientNemesis},
	},
	{
		Name: "bug3-session-id-top-byte",
		Note: "a restarted member moves its session counter past every recovered id, other members' too (issue 9 bug 3; " +
			"SessionTrackerImpl.initializeNextSessionId): zk/session.FirstID, shared by zksim (and zk/server once it calls it)",
		Edits:  []edit{{"zk/session/ids.go", "if ServerOf(id) == own && id >= next {", "if _ = own; id >= next {"}},
		Suites: []suite{clientNemesis},
	},
	{
		Name: "commit-out-of-order",
		Note: "the leader commits any proposal with a quorum, even if an earlier one has none (Leader.tryToCommit's in-order rule; Zab paper §3.2 primary order). " +
			"Equivalent since followers re-ACK their uncommitted txns on rejoining (follower.newLeader): every follower ACKs in zxid order over a FIFO link, " +
			"so the voters that acked n+1 acked n first and n's quorum is never later than n+1's. Before that fix the suites caught it in ~1-2% of schedules " +
			"(a lost ACK never resent); pinned by TestCommitInOrder and lab 3's TestCommitInZxidOrder",
		Edits:      []edit{{"zk/zab/proposals.go", inOrderCommit, anyOrderCommit}},
		Suites:     []suite{nemesis, clientNemesis},
		Equivalent: true,
	},
	{
		Name:   "delivery-skips",
		Note:   "a follower's COMMIT (or UPTODATE) releases only the zxid it names, not the earlier pending ones (FollowerZooKeeperServer.commit; Zab paper §3.2 total order)",
		Edits:  []edit{{"zk/zab/delivery.go", deliveryAll, deliveryOne}},
		Suites: []suite{nemesis, clientNemesis},
	},
}

func repoRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// overlay writes the mutant's files under dir and returns the -overlay
// JSON's path.
func overlay(t *testing.T, root, dir string, m mutant) string {
	t.Helper()
	files := map[string]string{}
	text := map[string]string{}
	for _, e := range m.Edits {
		src, ok := text[e.File]
		if !ok {
			b, err := os.ReadFile(filepath.Join(root, e.File))
			if err != nil {
				t.Fatal(err)
			}
			src = string(b)
		}
		if n := strings.Count(src, e.Old); n != 1 {
			t.Fatalf("mutant %s: %s holds the text to replace %d times, want once (the reference changed: update the mutant)", m.Name, e.File, n)
		}
		text[e.File] = strings.Replace(src, e.Old, e.New, 1)
	}
	for f, src := range text {
		out := filepath.Join(dir, strings.ReplaceAll(f, "/", "_"))
		if err := os.WriteFile(out, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		files[filepath.Join(root, f)] = out
	}
	b, err := json.Marshal(map[string]any{"Replace": files})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var (
	failRE = regexp.MustCompile(`--- FAIL: (Test\w+)/(\d+)`)
	seedRE = regexp.MustCompile(`SEED=(\d+) \(replay`)
)

// TestMutants runs every mutant (or $MUTANT) against its suites and
// reports schedules-to-failure.
func TestMutants(t *testing.T) {
	root := repoRoot(t)
	soak := os.Getenv("ZAB_SOAK")
	if soak == "" {
		soak = "1000"
	}
	only := os.Getenv("MUTANT")
	var table []string
	for _, m := range mutants {
		if only != "" && !strings.Contains(","+only+",", ","+m.Name+",") {
			continue
		}
		t.Run(m.Name, func(t *testing.T) {
			dir := t.TempDir()
			if a := os.Getenv("ZKAFKA_ARTIFACTS"); a != "" {
				dir = filepath.Join(a, "mutant-"+m.Name)
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			ov := overlay(t, root, dir, m)
			caught := false
			for _, s := range m.Suites {
				start := time.Now()
				cmd := exec.Command("go", "test", "-overlay", ov, "-count=1", "-failfast", "-timeout", "30m",
					"-run", "^"+s.Test+"$", s.Pkg)
				cmd.Dir = root
				cmd.Env = append(os.Environ(), "ZAB_SOAK="+soak)
				out, err := cmd.CombinedOutput()
				took := time.Since(start).Round(time.Second)
				row := fmt.Sprintf("%-32s %-18s ", m.Name, s.Test)
				if err == nil {
					row += fmt.Sprintf("not found in %s schedules (%s)", soak, took)
					table = append(table, row)
					t.Log(row)
					continue
				}
				f := failRE.FindStringSubmatch(string(out))
				sd := seedRE.FindStringSubmatch(string(out))
				if f == nil || sd == nil {
					t.Errorf("%s: %s failed without a failing schedule (build error?):\n%s", m.Name, s.Test, tail(string(out), 40))
					continue
				}
				caught = true
				// The schedule exists only if the suite runs that many.
				row += fmt.Sprintf("schedule %s of %s  SEED=%s  (%s)\n    replay: ZAB_SOAK=%s SEED=%s go test -overlay %s -run '^%s$/^%s$' %s",
					f[2], soak, sd[1], took, soak, sd[1], ov, f[1], f[2], s.Pkg)
				table = append(table, row)
				t.Log(row)
				t.Logf("first lines of the failure:\n%s", head(failure(string(out)), 12))
			}
			if !caught && !m.Equivalent {
				t.Errorf("mutant %s (%s) survived every suite", m.Name, m.Note)
			}
		})
	}
	t.Logf("mutation table (ZAB_SOAK=%s):\n%s", soak, strings.Join(table, "\n"))
}

func failure(out string) string {
	if i := strings.Index(out, "--- FAIL:"); i >= 0 {
		return out[i:]
	}
	return out
}

func head(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
