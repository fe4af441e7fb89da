package picture

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxEvents is how many events a State keeps.
const MaxEvents = 100

// Changes says, in words, what changed from prev to next: servers going
// down and coming back, roles and epochs, leaders, links cut and healed,
// brokers, topics, segments rolled and deleted. A later chapter adds its
// own lines here (ISR shrinks, controller moves, rebalances).
func Changes(prev, next *State) []string {
	var out []string
	out = append(out, zkChanges(prev.ZooKeeper, next.ZooKeeper)...)
	out = append(out, kafkaChanges(prev.Kafka, next.Kafka)...)
	return out
}

func zkChanges(a, b *ZooKeeper) []string {
	if a == nil || b == nil {
		return nil
	}
	var out []string
	old := map[int64]ZKServer{}
	for _, s := range a.Servers {
		old[s.ID] = s
	}
	for _, s := range b.Servers {
		o, ok := old[s.ID]
		if !ok {
			continue
		}
		name := "s" + strconv.FormatInt(s.ID, 10)
		switch {
		case o.Up && !s.Up:
			out = append(out, name+" is down")
			continue
		case !o.Up && s.Up:
			out = append(out, fmt.Sprintf("%s is back (%s)", name, s.Mode))
			continue
		case !s.Up:
			continue
		}
		if o.Mode != s.Mode || o.Serving != s.Serving || o.Epoch != s.Epoch {
			out = append(out, name+" "+role(s))
		}
	}
	if a.Leader != b.Leader {
		switch {
		case b.Leader == 0:
			out = append(out, "no leader serves")
		default:
			epoch := int64(0)
			for _, s := range b.Servers {
				if s.ID == b.Leader {
					epoch = s.Epoch
				}
			}
			out = append(out, fmt.Sprintf("s%d is the leader (epoch %d)", b.Leader, epoch))
		}
	}
	was := map[[2]int64]bool{}
	for _, c := range a.Cuts {
		was[c] = true
	}
	is := map[[2]int64]bool{}
	for _, c := range b.Cuts {
		is[c] = true
		if !was[c] {
			out = append(out, fmt.Sprintf("link s%d-s%d cut", c[0], c[1]))
		}
	}
	for _, c := range a.Cuts {
		if !is[c] {
			out = append(out, fmt.Sprintf("link s%d-s%d healed", c[0], c[1]))
		}
	}
	return out
}

func role(s ZKServer) string {
	switch {
	case s.Mode == "looking":
		return "is LOOKING (electing)"
	case s.Mode == "leader" && s.Serving:
		return fmt.Sprintf("LEADS epoch %d and serves", s.Epoch)
	case s.Mode == "leader" && s.Epoch == 0:
		return "won the election: LEADING, gathering FOLLOWERINFO for a new epoch"
	case s.Mode == "leader":
		return fmt.Sprintf("leads epoch %d, synchronizing followers", s.Epoch)
	case s.Mode == "follower" && s.Epoch == 0:
		return fmt.Sprintf("lost the election to s%d: FOLLOWING, sends FOLLOWERINFO", s.Leader)
	case s.Mode == "follower" && s.Serving:
		return fmt.Sprintf("FOLLOWS s%d in epoch %d and serves", s.Leader, s.Epoch)
	case s.Mode == "follower":
		return fmt.Sprintf("follows s%d, synchronizing", s.Leader)
	}
	return "is " + s.Mode
}

func kafkaChanges(a, b *Kafka) []string {
	if a == nil || b == nil {
		return nil
	}
	var out []string
	old := map[string]Broker{}
	for _, br := range a.Brokers {
		old[br.Addr] = br
	}
	for _, br := range b.Brokers {
		o, ok := old[br.Addr]
		if !ok {
			if len(a.Brokers) > 0 {
				out = append(out, fmt.Sprintf("broker %d joined (%s)", br.ID, br.Addr))
			}
			continue
		}
		if o.Up != br.Up {
			if br.Up {
				out = append(out, fmt.Sprintf("broker %d is back", br.ID))
			} else {
				out = append(out, fmt.Sprintf("broker %d is down", br.ID))
			}
		}
		// Chapter 6 on: /brokers/ids/<id> and the broker epoch.
		switch {
		case o.Registered && !br.Registered:
			out = append(out, fmt.Sprintf("broker %d left /brokers/ids (its session ended)", br.ID))
		case !o.Registered && br.Registered:
			out = append(out, fmt.Sprintf("broker %d registered in /brokers/ids", br.ID))
		}
		if br.Epoch != 0 && o.Epoch != 0 && br.Epoch != o.Epoch {
			out = append(out, fmt.Sprintf("broker %d has a new broker epoch: 0x%x → 0x%x", br.ID, o.Epoch, br.Epoch))
		}
	}
	leaders := map[string]int32{}
	for _, t := range a.Topics {
		for _, p := range t.Partitions {
			leaders[t.Name+"-"+strconv.Itoa(int(p.Partition))] = p.Leader
		}
	}
	for _, t := range b.Topics {
		for _, p := range t.Partitions {
			tp := t.Name + "-" + strconv.Itoa(int(p.Partition))
			o, ok := leaders[tp]
			switch {
			case !ok || o == p.Leader:
			case p.Leader < 0:
				out = append(out, fmt.Sprintf("%s is offline: no live replica (leader was %d)", tp, o))
			case o < 0:
				out = append(out, fmt.Sprintf("%s: leader %d (was offline)", tp, p.Leader))
			default:
				out = append(out, fmt.Sprintf("%s: leader %d → %d", tp, o, p.Leader))
			}
		}
	}
	type seg struct {
		tp   string
		base int64
	}
	segsOf := func(k *Kafka) (map[string]bool, map[seg]bool, map[string]int64) {
		topics, segs, start := map[string]bool{}, map[seg]bool{}, map[string]int64{}
		for _, t := range k.Topics {
			topics[t.Name] = true
			for _, p := range t.Partitions {
				tp := t.Name + "-" + strconv.Itoa(int(p.Partition))
				for _, l := range p.Logs {
					for _, s := range l.Segments {
						segs[seg{tp, s.BaseOffset}] = true
					}
					if l.Broker == p.Leader {
						start[tp] = l.LogStartOffset
					}
				}
			}
		}
		return topics, segs, start
	}
	endOf := func(k *Kafka) map[string]int64 {
		end := map[string]int64{}
		for _, t := range k.Topics {
			for _, p := range t.Partitions {
				for _, l := range p.Logs {
					if l.Broker == p.Leader {
						end[t.Name+"-"+strconv.Itoa(int(p.Partition))] = l.LogEndOffset
					}
				}
			}
		}
		return end
	}
	t0, s0, st0 := segsOf(a)
	t1, s1, st1 := segsOf(b)
	e0, e1 := endOf(a), endOf(b)
	for _, t := range b.Topics {
		if !t0[t.Name] {
			out = append(out, fmt.Sprintf("topic %s created (%s)", t.Name, plural(len(t.Partitions), "partition")))
		}
	}
	for _, t := range a.Topics {
		if !t1[t.Name] {
			out = append(out, "topic "+t.Name+" deleted")
		}
	}
	var rolled, deleted []string
	for _, t := range b.Topics {
		for _, p := range t.Partitions {
			tp := t.Name + "-" + strconv.Itoa(int(p.Partition))
			if !t0[t.Name] {
				continue
			}
			for _, l := range p.Logs {
				for _, s := range l.Segments {
					if !s0[seg{tp, s.BaseOffset}] {
						rolled = append(rolled, fmt.Sprintf("%s rolled: a new segment at offset %d", tp, s.BaseOffset))
					}
				}
			}
		}
	}
	for _, t := range a.Topics {
		for _, p := range t.Partitions {
			tp := t.Name + "-" + strconv.Itoa(int(p.Partition))
			if !t1[t.Name] {
				continue
			}
			for _, l := range p.Logs {
				for _, s := range l.Segments {
					if !s1[seg{tp, s.BaseOffset}] {
						deleted = append(deleted, fmt.Sprintf("%s: segment %020d deleted", tp, s.BaseOffset))
					}
				}
			}
		}
	}
	out = append(out, rolled...)
	out = append(out, deleted...)
	for _, t := range b.Topics {
		for _, p := range t.Partitions {
			tp := t.Name + "-" + strconv.Itoa(int(p.Partition))
			if o, ok := st0[tp]; ok && st1[tp] > o && o >= 0 {
				out = append(out, fmt.Sprintf("%s: log start offset %d → %d", tp, o, st1[tp]))
			}
			// The log end never moves back but by a truncation: recovery
			// cutting a torn tail (chapter 5), a follower truncating to its
			// leader (chapter 7).
			if o, ok := e0[tp]; ok && e1[tp] >= 0 && e1[tp] < o {
				out = append(out, fmt.Sprintf("%s: log end offset %d → %d: truncated", tp, o, e1[tp]))
			}
		}
	}
	return out
}

// sameState reports whether two states show the same cluster (Seq, the
// time and the events aside).
func sameState(a, b *State) bool {
	if a == nil || b == nil {
		return false
	}
	x, y := *a, *b
	x.Seq, y.Seq, x.AtMs, y.AtMs, x.Events, y.Events = 0, 0, 0, 0, nil, nil
	return mustJSON(&x) == mustJSON(&y)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
