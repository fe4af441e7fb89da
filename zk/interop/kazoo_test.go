//go:build interop

package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Debian's python3-kazoo loads with the system interpreter.
const python = "/usr/bin/python3"

type kazooLine struct {
	Name     string          `json:"name"`
	OK       bool            `json:"ok"`
	Error    string          `json:"error"`
	Trace    string          `json:"trace"`
	Observed json.RawMessage `json:"observed"`
}

// TestKazoo runs kazoo_scenarios.py (kazoo 2.8: CRUD, DataWatch and
// ChildrenWatch, ephemerals, transactions, Lock, Election, server_version
// and four-letter words) against each target, and checks that our server's
// observations equal Apache's scenario by scenario.
//
// Reference: docs/reference/zookeeper.md §1.9 (what kazoo sends), §7 (recipes), §2
// (kazoo's server_version reads envi; kazoo #626).
func TestKazoo(t *testing.T) {
	if err := exec.Command(python, "-c", "import kazoo.client").Run(); err != nil {
		t.Skipf("kazoo is not installed for %s (apt-get install -y python3-kazoo): %v", python, err)
	}
	observed := map[string]map[string]string{} // target -> scenario -> JSON
	forEachTarget(t, func(t *testing.T, tg *target) {
		s := connect(t, tg.addr, sessionTimeout)
		root := newRoot(t, s)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, python, "kazoo_scenarios.py", tg.addr, root)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		got := map[string]string{}
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			var l kazooLine
			if jerr := json.Unmarshal(sc.Bytes(), &l); jerr != nil {
				t.Errorf("unparsable line from kazoo_scenarios.py: %q", sc.Text())
				continue
			}
			if !l.OK {
				t.Errorf("kazoo scenario %s failed: %s\n%s", l.Name, l.Error, l.Trace)
				continue
			}
			got[l.Name] = string(l.Observed)
		}
		if err != nil && !t.Failed() {
			t.Errorf("kazoo_scenarios.py: %v\nstderr:\n%s", err, stderr.String())
		}
		if len(got) == 0 && !t.Failed() {
			t.Errorf("kazoo_scenarios.py printed no scenarios; stderr:\n%s", stderr.String())
		}
		observed[tg.name] = got
		if tg.name == "apache" {
			return
		}
		ref, ok := observed["apache"]
		if !ok {
			t.Logf("apache did not run; not comparing observations")
			return
		}
		for name, want := range ref {
			if diff := cmp.Diff(want, got[name]); diff != "" {
				t.Errorf("kazoo scenario %s observed differently from Apache (-apache +%s):\n%s", name, tg.name, diff)
			}
		}
	})
}
