package sim

// event is something due to happen to a node at a world tick: a message
// arriving, or the news that a connection broke.
type event[M any] struct {
	at   int64  // world tick it is due
	seq  uint64 // order of creation: breaks ties at the same tick
	kind eventKind
	from NodeID
	to   NodeID
	gen  uint32 // deliver: the link's connection generation when sent; disconnect: the target's incarnation
	msg  M
}

type eventKind uint8

const (
	evDeliver eventKind = iota
	evDisconnect
)

// queue is a binary min-heap of events ordered by (at, seq). Ordering by
// seq at equal ticks makes delivery order a pure function of the order
// events were created, and (with at never decreasing on a link) keeps each
// link FIFO. It is hand-written rather than container/heap so events are
// not boxed into interfaces (no allocation per message).
type queue[M any] struct{ h []event[M] }

func (q *queue[M]) len() int { return len(q.h) }

func (q *queue[M]) less(i, j int) bool {
	a, b := &q.h[i], &q.h[j]
	return a.at < b.at || (a.at == b.at && a.seq < b.seq)
}

func (q *queue[M]) push(e event[M]) {
	q.h = append(q.h, e)
	for i := len(q.h) - 1; i > 0; {
		p := (i - 1) / 2
		if !q.less(i, p) {
			break
		}
		q.h[i], q.h[p] = q.h[p], q.h[i]
		i = p
	}
}

// peekAt is the tick of the earliest event; only valid when len() > 0.
func (q *queue[M]) peekAt() int64 { return q.h[0].at }

func (q *queue[M]) pop() event[M] {
	top := q.h[0]
	last := len(q.h) - 1
	q.h[0] = q.h[last]
	var zero event[M]
	q.h[last] = zero // do not keep the message alive
	q.h = q.h[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(q.h) && q.less(l, m) {
			m = l
		}
		if r < len(q.h) && q.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		q.h[i], q.h[m] = q.h[m], q.h[i]
		i = m
	}
	return top
}
