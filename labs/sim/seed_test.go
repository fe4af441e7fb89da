package sim

import "testing"

func TestRunPatternSelectsOneSubtest(t *testing.T) {
	for name, want := range map[string]string{
		"TestA":          "^TestA$",
		"TestNemesis/33": "^TestNemesis$/^33$",
		"TestX/a.b/c(d)": `^TestX$/^a\.b$/^c\(d\)$`,
	} {
		if got := RunPattern(name); got != want {
			t.Errorf("RunPattern(%q) = %q, want %q", name, got, want)
		}
	}
}
