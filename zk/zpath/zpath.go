package zpath

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/zkafka/zkafka/zk/zkerr"
)

// Well-known paths of the tree every server starts with (DataTree's
// constructor). They are "special": they cannot be deleted.
const (
	Root      = "/"
	ZooKeeper = "/zookeeper"
	Quota     = "/zookeeper/quota"
	Config    = "/zookeeper/config"
)

// Error is a path that ZooKeeper rejects with BADARGUMENTS. It says why.
type Error struct {
	Path   string
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("zk: BADARGUMENTS: invalid path %q: %s", e.Path, e.Reason)
}

// Unwrap makes errors.Is(err, zkerr.BadArguments) true.
func (e *Error) Unwrap() error { return zkerr.BadArguments }

func bad(path, format string, args ...any) error {
	return &Error{Path: path, Reason: fmt.Sprintf(format, args...)}
}

// Validate reports whether path names a znode, exactly as
// PathUtils.validatePath does. Byte offsets in the reasons are offsets into
// the UTF-8 string (Java reports UTF-16 offsets).
func Validate(path string) error {
	if len(path) == 0 {
		return bad(path, "path length must be > 0")
	}
	if path[0] != '/' {
		return bad(path, "path must start with / character")
	}
	if len(path) == 1 {
		return nil // the root
	}
	if path[len(path)-1] == '/' {
		return bad(path, "path must not end with / character")
	}
	// Walk the components: each is non-empty, not "." or "..", and made of
	// allowed characters. Splitting by hand keeps this allocation-free.
	start := 1
	for i := 1; i <= len(path); i++ {
		if i < len(path) && path[i] != '/' {
			continue
		}
		comp := path[start:i]
		switch comp {
		case "":
			return bad(path, "empty node name specified @%d", i)
		case ".", "..":
			return bad(path, "relative paths not allowed @%d", start)
		}
		for j, r := range comp {
			if reserved(r) {
				if r == 0 {
					return bad(path, "null character not allowed @%d", start+j)
				}
				return bad(path, "invalid character %U @%d", r, start+j)
			}
		}
		start = i + 1
	}
	return nil
}

// reserved reports whether ZooKeeper refuses r in a path. Java sees a path
// as UTF-16: a character outside the Basic Multilingual Plane is a
// surrogate pair (U+D800–U+DFFF), which falls in the refused range
// U+D800–U+F8FF, so every rune >= U+10000 is refused too. Bytes that are
// not UTF-8 decode to U+FFFD, as Java's decoder does, which is refused.
func reserved(r rune) bool {
	switch {
	case r == 0:
		return true
	case r > 0 && r <= 0x1f:
		return true
	case r >= 0x7f && r <= 0x9f:
		return true
	case r >= 0xd800 && r <= 0xf8ff:
		return true
	case r >= 0xfff0 && r <= 0xffff:
		return true
	case r >= 0x10000:
		return true
	}
	return r == utf8.RuneError
}

// ValidateCreate is the client-side check of a create's path: a
// sequential path is checked as if its suffix were already appended
// (PathUtils.validatePath(path, isSequential) appends "1").
func ValidateCreate(path string, sequential bool) error {
	if sequential {
		if err := Validate(path + "1"); err != nil {
			return &Error{Path: path, Reason: err.(*Error).Reason}
		}
		return nil
	}
	return Validate(path)
}

// ParentForCreate is the server's first, cheap check of a create's path
// (PrepRequestProcessor.validatePathForCreate): it needs a '/' and no NUL.
// It returns the parent path; the full Validate runs later, on the path
// with its sequence suffix. The root's parent is "/" here only for "/x";
// for "/" itself the parent is "" (the root has none).
func ParentForCreate(path string) (string, error) {
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return "", bad(path, "path must start with / character")
	}
	if strings.IndexByte(path, 0) >= 0 {
		return "", bad(path, "null character not allowed")
	}
	return parentAt(path, i), nil
}

// ParentForDelete is the server's check of a delete's path
// (PrepRequestProcessor.getParentPathAndValidate): a '/', no NUL, and not
// one of the special nodes ("/", "/zookeeper", its quota and config).
// Note that it does not run the full Validate: deleting "/a/" is NONODE,
// not BADARGUMENTS.
func ParentForDelete(path string) (string, error) {
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return "", bad(path, "path must start with / character")
	}
	if strings.IndexByte(path, 0) >= 0 {
		return "", bad(path, "null character not allowed")
	}
	if Special(path) {
		return "", bad(path, "a special node cannot be deleted")
	}
	return parentAt(path, i), nil
}

// Special reports whether path is one of the nodes the server owns
// (DataTree.isSpecialPath).
func Special(path string) bool {
	return path == Root || path == ZooKeeper || path == Quota || path == Config
}

// Parent returns the parent of path: "/a/b" → "/a", "/a" → "/". The root
// has no parent: Parent("/") is "". Parent does not validate path.
func Parent(path string) string {
	if path == Root {
		return ""
	}
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return ""
	}
	return parentAt(path, i)
}

func parentAt(path string, slash int) string {
	if slash == 0 {
		return Root
	}
	return path[:slash]
}

// Base returns the last component of path: "/a/b" → "b", "/" → "".
func Base(path string) string {
	i := strings.LastIndexByte(path, '/')
	return path[i+1:]
}

// Join appends a child name to a parent path: Join("/", "a") is "/a",
// Join("/a", "b") is "/a/b".
func Join(parent, child string) string {
	if parent == Root || parent == "" {
		return Root + child
	}
	return parent + "/" + child
}

// Depth is the number of components: Depth("/") is 0, Depth("/a/b") is 2.
func Depth(path string) int {
	if path == Root || path == "" {
		return 0
	}
	return strings.Count(path, "/")
}
