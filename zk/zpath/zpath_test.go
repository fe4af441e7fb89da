package zpath

import (
	"errors"
	"testing"

	"github.com/zkafka/zkafka/zk/zkerr"
)

// Reference: docs/reference/zookeeper.md §1.5; PathUtils.validatePath (3.8).
func TestValidate(t *testing.T) {
	tests := []struct {
		path string
		ok   bool
	}{
		{"/", true},
		{"/a", true},
		{"/a/b/c", true},
		{"/a.b", true},
		{"/...", true}, // three dots is a name, not a relative component
		{"/a/.b", true},
		{"/a/b..", true},
		{"/zookeeper", true},
		{"/\u00e9t\u00e9", true}, // é is fine
		{"/\u4e2d\u6587", true},  // CJK is fine
		{"/a b", true},           // spaces are allowed
		{"", false},              // empty
		{"a", false},             // relative
		{"a/b", false},           // relative
		{"/a/", false},           // trailing slash
		{"//", false},            // trailing slash
		{"/a//b", false},         // empty component
		{"/.", false},            // relative
		{"/..", false},           // relative
		{"/a/./b", false},        // relative
		{"/a/../b", false},       // relative
		{"/a/..", false},         // relative
		{"/a\x00b", false},       // NUL
		{"/a\x01", false},        // C0 control
		{"/a\x1f", false},        // C0 control
		{"/a\x7f", false},        // DEL
		{"/a\u0085", false},      // C1 control
		{"/a\u009f", false},      // last C1 control
		{"/a\u00a0", true},       // first char after C1
		{"/a\ue000", false},      // private use
		{"/a\uf8ff", false},      // last private use
		{"/a\uf900", true},       // first char after private use
		{"/a\ufff0", false},      // specials
		{"/a\uffff", false},      // specials
		{"/a\U0001F600", false},  // outside the BMP: a surrogate pair in Java
		{"/a\xff", false},        // not UTF-8: U+FFFD for Java
	}
	for _, tt := range tests {
		err := Validate(tt.path)
		if tt.ok && err != nil {
			t.Errorf("Validate(%q) = %v, want nil", tt.path, err)
		}
		if !tt.ok {
			if err == nil {
				t.Errorf("Validate(%q) = nil, want BADARGUMENTS", tt.path)
			} else if !errors.Is(err, zkerr.BadArguments) || zkerr.CodeOf(err) != zkerr.BadArguments {
				t.Errorf("Validate(%q) = %v, does not wrap BADARGUMENTS", tt.path, err)
			}
		}
	}
}

// Reference: PathUtils.validatePath(String, boolean) appends "1" for sequential paths.
func TestValidateCreate(t *testing.T) {
	if err := ValidateCreate("/queue/", true); err != nil {
		t.Errorf("sequential /queue/ = %v, want nil", err)
	}
	if err := ValidateCreate("/queue/", false); err == nil {
		t.Error("persistent /queue/ accepted")
	}
	if err := ValidateCreate("/a//", true); err == nil {
		t.Error("sequential /a// accepted")
	}
}

// Reference: PrepRequestProcessor.validatePathForCreate, getParentPathAndValidate.
func TestParentForCreateAndDelete(t *testing.T) {
	if p, err := ParentForCreate("/a/"); err != nil || p != "/a" {
		t.Errorf("ParentForCreate(/a/) = %q, %v", p, err)
	}
	if p, err := ParentForCreate("/a"); err != nil || p != "/" {
		t.Errorf("ParentForCreate(/a) = %q, %v", p, err)
	}
	for _, bad := range []string{"", "a", "/a\x00"} {
		if _, err := ParentForCreate(bad); !errors.Is(err, zkerr.BadArguments) {
			t.Errorf("ParentForCreate(%q) = %v", bad, err)
		}
	}
	for _, special := range []string{"/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"} {
		if _, err := ParentForDelete(special); !errors.Is(err, zkerr.BadArguments) {
			t.Errorf("ParentForDelete(%q) = %v, want BADARGUMENTS", special, err)
		}
	}
	if p, err := ParentForDelete("/a/"); err != nil || p != "/a" {
		t.Errorf("ParentForDelete(/a/) = %q, %v (ZooKeeper does not fully validate deletes)", p, err)
	}
}

func TestParentBaseJoin(t *testing.T) {
	tests := []struct{ path, parent, base string }{
		{"/", "", ""},
		{"/a", "/", "a"},
		{"/a/b", "/a", "b"},
		{"/a/b/c", "/a/b", "c"},
	}
	for _, tt := range tests {
		if got := Parent(tt.path); got != tt.parent {
			t.Errorf("Parent(%q) = %q, want %q", tt.path, got, tt.parent)
		}
		if got := Base(tt.path); got != tt.base {
			t.Errorf("Base(%q) = %q, want %q", tt.path, got, tt.base)
		}
		if tt.path != "/" {
			if got := Join(tt.parent, tt.base); got != tt.path {
				t.Errorf("Join(%q, %q) = %q, want %q", tt.parent, tt.base, got, tt.path)
			}
		}
	}
	if Depth("/") != 0 || Depth("/a") != 1 || Depth("/a/b") != 2 {
		t.Error("Depth")
	}
	// Garbage in: no panic.
	for _, s := range []string{"", "a", "//", "a/"} {
		_ = Parent(s)
		_ = Base(s)
	}
}

// FuzzValidate checks Validate never panics and agrees with a direct
// restatement of the rules on what it accepts.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{"/", "/a/b", "/a//b", "/.", "/a\x00", "/\U0001F600", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if Validate(s) == nil && s != "/" {
			if s[0] != '/' || s[len(s)-1] == '/' {
				t.Fatalf("accepted %q", s)
			}
			if Base(s) == "" || Parent(s) == "" {
				t.Fatalf("accepted %q with empty base or parent", s)
			}
		}
	})
}
