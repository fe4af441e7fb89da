package zab

import "sort"

// history is a peer's log as the core sees it: every logged proposal after
// base (the snapshot point), split like etcd raft's raftLog into a stable
// prefix (handed to the runtime in an earlier Ready) and an unstable tail
// (to hand out in the next Ready).
//
// Invariants: zxids strictly increase; base < entries[0].Zxid;
// 0 <= stable <= len(entries).
type history struct {
	base    int64
	entries []Entry
	stable  int

	// A truncation of the stable prefix, not yet handed out.
	truncate     bool
	truncateZxid int64
}

func (h *history) last() int64 {
	if n := len(h.entries); n > 0 {
		return h.entries[n-1].Zxid
	}
	return h.base
}

// index returns the number of entries with zxid <= z.
func (h *history) index(z int64) int {
	return sort.Search(len(h.entries), func(i int) bool { return h.entries[i].Zxid > z })
}

func (h *history) get(z int64) (Entry, bool) {
	i := h.index(z)
	if i == 0 || h.entries[i-1].Zxid != z {
		return Entry{}, false
	}
	return h.entries[i-1], true
}

// between returns the entries in (from, to].
func (h *history) between(from, to int64) []Entry {
	return h.entries[h.index(from):h.index(to)]
}

func (h *history) zxids() []int64 {
	out := make([]int64, len(h.entries))
	for i, e := range h.entries {
		out[i] = e.Zxid
	}
	return out
}

func (h *history) append(e Entry) { h.entries = append(h.entries, e) }

// cut drops every entry above z.
func (h *history) cut(z int64) {
	i := h.index(z)
	if i < h.stable {
		h.stable = i
		h.truncate, h.truncateZxid = true, z
	}
	h.entries = h.entries[:i:i]
}

// reset replaces the log by a snapshot at z.
func (h *history) reset(z int64) {
	*h = history{base: z}
}

// compact forgets entries up to z (covered by a snapshot), but for the
// last keep of them: base becomes the zxid just below the oldest entry
// kept (a zxid of the history, so a follower there can be sent a DIFF).
func (h *history) compact(z int64, keep int) {
	i := h.index(z)
	cut := i - keep
	if cut <= 0 {
		return // everything up to z fits in the window
	}
	h.base = h.entries[cut-1].Zxid
	h.entries = append([]Entry(nil), h.entries[cut:]...)
	h.stable = max(h.stable-cut, 0)
}

// unstable hands out the tail and the pending truncation.
func (h *history) takeUnstable(rd *Ready) {
	if h.truncate {
		rd.Truncate, rd.TruncateZxid = true, h.truncateZxid
		h.truncate = false
	}
	if h.stable < len(h.entries) {
		rd.Entries = append(rd.Entries, h.entries[h.stable:]...)
		h.stable = len(h.entries)
	}
}
