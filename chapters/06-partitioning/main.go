// Chapter 6 — partitioning, and brokers on ZooKeeper.
//
//	go run ./chapters/06-partitioning          # the reference
//	make run-chapter 6                         # with your labs swapped in
//
// Starts a 3-server ZooKeeper ensemble on 127.0.0.1:2181-2183 and three
// Kafka brokers on 127.0.0.1:9092-9094 on it, and narrates: each broker
// registering under /brokers/ids (its broker epoch is the czxid of that
// znode), a 6-partition topic created with Kafka's replica assignment
// (/brokers/topics/<t>, each partition's state znode), keyed records
// landing on the partition murmur2 names (beside kafka-python's choice
// when python3-kafka is installed). Then it stays up with experiments:
// kill a broker and watch its partitions move to the next live replica —
// which has none of their records, since nothing replicates until
// chapter 7 — restart it, add a fourth broker, browse the znodes, and
// chapter 4's ZooKeeper experiments.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/zkafka/zkafka/chapters/stage"
	"github.com/zkafka/zkafka/kafka/broker"
	"github.com/zkafka/zkafka/kafka/broker/metadata"
	"github.com/zkafka/zkafka/kafka/client"
	"github.com/zkafka/zkafka/kafka/partition"
	zkclient "github.com/zkafka/zkafka/zk/client"
)

const (
	tick   = 500 * time.Millisecond
	topic  = "orders" // the walkthrough's topic
	nparts = 6
)

func main() {
	clientPort := stage.EnsemblePortFlags("ZooKeeper server")
	kport := flag.Int("kafka-port", 9092, "port of broker 1; broker i listens on kafka-port+i-1 (0: free ports)")
	quiet := flag.Bool("quiet", false, "skip the walkthrough (the brokers and the topic are still made)")
	flag.Parse()
	port := clientPort()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	n := &stage.Narrator{W: os.Stdout}
	n.Title(6, "partitioning: brokers on ZooKeeper")
	ens, err := stage.StartEnsemble(3, []int{port, port + 1, port + 2}, tick, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer ens.Close()
	ens.Trace.Set(false)
	leader, err := ens.WaitServing(30 * time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		fmt.Fprintln(os.Stderr, "(the brokers need a serving ensemble: with your labs swapped in, `make test-chapter 3` and `make test-chapter 4` show what keeps it from electing; `make run-chapter 6 SOLUTION=1` runs the reference)")
		os.Exit(1)
	}
	n.Step("The ensemble is up")
	n.Say("Three ZooKeeper servers elected s%d, as in chapter 4. Kafka's brokers will keep their metadata in it: zookeeper.connect=%s.", leader, strings.Join(ens.Addrs(), ","))

	kc, err := stage.StartKafkaCluster(broker.Config{ZooKeeperConnect: strings.Join(ens.Addrs(), ",")}, nil, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer kc.Close()
	zk, err := zkclient.Connect(ens.Addrs(), 10*time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer zk.Close()
	w := &walk{n: n, kc: kc, zk: zk}

	if err := w.run(ctx, *kport, *quiet); err != nil {
		n.Say("The walkthrough stopped: %v", err)
	}
	if err := partition.Unimplemented(); err != nil {
		n.Say("Your lab 6 is not finished (%v): topics cannot be assigned and keyed records do not land where Java's client puts them. `make test-chapter 6` shows what is missing.", err)
	}

	ens.Trace.Set(false)
	n.Step("Your turn")
	n.Say("Try: kill-broker 2 (like kill -9: its partitions move once its ZooKeeper session expires — to a replica that has none of their records, since nothing replicates yet), restart-broker 2, add-broker, produce 60, assignment, keys alice bob, ls /brokers/ids, get /brokers/topics/%s. The ZooKeeper experiments of chapter 4 are here too (status, kill, restart, partition, heal).", topic)
	seeds := strings.Join(kc.Seeds(), ",")
	n.Say("Or use real clients:")
	n.Out("kcat -b %s -L", seeds)
	n.Out("printf 'alice:1\\nbob:2\\n' | kcat -b %s -t %s -P -K: -X partitioner=murmur2_random", seeds, topic)
	n.Out("kcat -b %s -t %s -C -o beginning -e -f '%%p %%o %%k %%s\\n'", seeds, topic)
	n.Out("/usr/share/zookeeper/bin/zkCli.sh -server %s ls /brokers/ids", ens.Addrs()[0])
	stage.Prompt(ctx, os.Stdin, os.Stdout, stage.MergeExperiments(ens.Experiments(os.Stdout), w.experiments(ctx)))
}

type walk struct {
	n  *stage.Narrator
	kc *stage.KafkaCluster
	zk *zkclient.Conn
	c  *client.Client
}

// kafka is a client on the running brokers, made afresh when the set
// of brokers changed.
func (w *walk) kafka() (*client.Client, error) {
	if w.c != nil {
		return w.c, nil
	}
	c, err := client.New(client.Config{Brokers: w.kc.Seeds(), ClientID: "chapter-6"})
	if err != nil {
		return nil, err
	}
	w.c = c
	return c, nil
}

func (w *walk) resetClient() {
	if w.c != nil {
		w.c.Close()
		w.c = nil
	}
}

func (w *walk) run(ctx context.Context, kport int, quiet bool) error {
	ctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	n := w.n
	say := func(f string, a ...any) {
		if !quiet {
			n.Say(f, a...)
		}
	}

	if !quiet {
		n.Step("Brokers register in ZooKeeper")
	}
	say("Each broker connects to ZooKeeper, makes sure Kafka's persistent paths exist (/brokers/ids, /brokers/topics, /config/topics, …), reads /cluster/id (the first broker writes it), then registers itself: an EPHEMERAL znode /brokers/ids/<id> holding its endpoints, written as one multi (create + setData). The znode lives as long as the broker's session; its czxid is the broker epoch (KIP-380), new on every registration.")
	for id := int32(1); id <= 3; id++ {
		p := 0
		if kport != 0 {
			p = kport + int(id) - 1
		}
		if err := w.kc.StartBroker(id, p); err != nil {
			return err
		}
		if err := w.kc.WaitLive(ctx, ids(id)...); err != nil {
			return err
		}
		if !quiet {
			n.Cmd("ls /brokers/ids")
			kids, _, err := w.zk.Children(ctx, "/brokers/ids")
			if err != nil {
				return err
			}
			n.Out("[%s]    ← broker %d is up on %s", strings.Join(kids, ", "), id, w.kc.Addr(id))
		}
	}
	if !quiet {
		n.Cmd("get /brokers/ids/1")
		if err := w.get(ctx, "/brokers/ids/1", true); err != nil {
			return err
		}
		n.Say("That is Kafka 2.3's JSON, version 4. Its ephemeralOwner is broker 1's session; its czxid is broker 1's epoch:")
		w.brokers()
		n.Cmd("get /cluster/id")
		w.get(ctx, "/cluster/id", false)
	}

	if !quiet {
		n.Step("A topic: its assignment lives in ZooKeeper")
	}
	say("We create %q with %d partitions and replication factor 3. The broker that takes CreateTopics (until chapter 8's controller: the lowest live id) draws the replica assignment as Kafka's AdminUtils.assignReplicasToBrokers does — your lab 6 — writes /config/topics/%s, then /brokers/topics/%s, and each partition's state znode with leader = the first live replica. Every broker watches /brokers/topics and creates the logs of the partitions assigned to it.", topic, nparts, topic, topic)
	say("   $ kafka-topics.sh --create --topic %s --partitions %d --replication-factor 3", topic, nparts)
	c, err := w.kafka()
	if err != nil {
		return err
	}
	if err := c.CreateTopics(ctx, client.TopicSpec{Name: topic, Partitions: nparts, ReplicationFactor: 3}); err != nil {
		return fmt.Errorf("create %s: %w", topic, err)
	}
	if err := w.kc.Wait(ctx, func(s *metadata.Snapshot) bool { return s.Topics[topic] != nil }); err != nil {
		return err
	}
	if quiet {
		return nil
	}
	n.Cmd("get /brokers/topics/%s", topic)
	w.get(ctx, "/brokers/topics/"+topic, false)
	n.Cmd("get /brokers/topics/%s/partitions/0/state", topic)
	w.get(ctx, "/brokers/topics/"+topic+"/partitions/0/state", false)
	n.Say("The assignment, as Metadata answers it: the first replica of each list is the preferred leader, and the lists are rotations that start at a random broker, so leaders (and followers) are spread evenly.")
	if err := w.assignment(ctx, topic); err != nil {
		return err
	}

	n.Step("Keyed records land where murmur2 says")
	n.Say("A producer sends a keyed record to partition toPositive(murmur2(key)) %% partitions — Java's DefaultPartitioner, and kafka-python's; librdkafka (kcat) only with partitioner=murmur2_random (its default, consistent_random, hashes with CRC32). Our producer's choice is your lab 6's ForKey.")
	if err := w.keys(ctx, topic, []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar"}); err != nil {
		return err
	}
	n.Say("Now 60 keyed records (user-0 … user-59), and where they are: each partition's records are only in its leader's log.")
	if err := w.produce(ctx, topic, 60); err != nil {
		return err
	}

	n.Step("The znode tree")
	n.Say("Everything the brokers agree on is in ZooKeeper, readable with any ZooKeeper client: `ls PATH` and `get PATH` at the prompt, zkCli.sh, or the tree in the live picture.")
	n.Cmd("ls /brokers/topics/%s/partitions", topic)
	kids, _, err := w.zk.Children(ctx, "/brokers/topics/"+topic+"/partitions")
	if err != nil {
		return err
	}
	n.Out("[%s]", strings.Join(sortedNums(kids), ", "))
	return nil
}

func ids(upTo int32) []int32 {
	var out []int32
	for i := int32(1); i <= upTo; i++ {
		out = append(out, i)
	}
	return out
}

// get prints a znode's data (and, with stat, the Stat fields that matter).
func (w *walk) get(ctx context.Context, path string, stat bool) error {
	data, st, err := w.zk.Get(ctx, path)
	if err != nil {
		return fmt.Errorf("get %s: %w", path, err)
	}
	w.n.Out("%s", data)
	if stat {
		w.n.Out("czxid = 0x%x   ephemeralOwner = 0x%x   version = %d", st.Czxid, st.EphemeralOwner, st.Version)
	}
	return nil
}

// brokers prints each broker: up, registered, epoch, the partitions it leads.
func (w *walk) brokers() {
	s := w.kc.Snapshot()
	lead := map[int32][]string{}
	if s != nil {
		for _, name := range s.TopicNames() {
			for _, p := range s.Topics[name].Partitions {
				if p.Leader >= 0 {
					lead[p.Leader] = append(lead[p.Leader], fmt.Sprintf("%s-%d", name, p.ID))
				}
			}
		}
	}
	w.n.Out("%-7s %-16s %-5s %-22s %-14s %s", "broker", "address", "up", "in /brokers/ids", "broker epoch", "leads")
	for _, id := range w.kc.IDs() {
		b := w.kc.Broker(id)
		up, epoch := "down", "-"
		if b != nil {
			up, epoch = "up", fmt.Sprintf("0x%x", b.BrokerEpoch())
		}
		reg := "no"
		if s != nil && s.Alive(id) {
			reg = "yes"
		} else if s == nil {
			reg = "?"
		}
		if b == nil && reg == "yes" {
			reg = "yes (session alive)"
		}
		w.n.Out("%-7d %-16s %-5s %-22s %-14s %s", id, w.kc.Addr(id), up, reg, epoch, strings.Join(lead[id], " "))
	}
}

// assignment prints each partition: replicas, leader, ISR, offline, and
// the leader's log end offset.
func (w *walk) assignment(ctx context.Context, name string) error {
	c, err := w.kafka()
	if err != nil {
		return err
	}
	md, err := c.Metadata(ctx, name)
	if err != nil {
		w.resetClient()
		return err
	}
	if len(md.Topics) == 0 || md.Topics[0].Err != nil {
		return fmt.Errorf("topic %s: %v", name, md.Topics)
	}
	w.n.Out("%-10s %-10s %-7s %-10s %s", "partition", "replicas", "leader", "ISR", "log end offset (at the leader)")
	for _, p := range md.Topics[0].Partitions {
		end := "-"
		if p.Leader >= 0 {
			if e, _, err := c.ListOffsets(ctx, name, p.Partition, -1); err == nil {
				end = strconv.FormatInt(e, 10)
			} else {
				end = "? (" + err.Error() + ")"
			}
		} else if p.Err != nil {
			end = p.Err.Error()
		}
		w.n.Out("%-10d %-10s %-7d %-10s %s", p.Partition, list(p.Replicas), p.Leader, list(p.ISR), end)
	}
	return nil
}

func list(s []int32) string {
	var parts []string
	for _, x := range s {
		parts = append(parts, strconv.Itoa(int(x)))
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func sortedNums(s []string) []string {
	out := append([]string{}, s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			a, _ := strconv.Atoi(out[i])
			b, _ := strconv.Atoi(out[j])
			if b < a {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// keys produces one record per key and prints key → partition: murmur2,
// where it landed, and kafka-python's DefaultPartitioner's choice.
func (w *walk) keys(ctx context.Context, name string, keys []string) error {
	c, err := w.kafka()
	if err != nil {
		return err
	}
	t, err := c.Topic(ctx, name)
	if err != nil {
		w.resetClient()
		return err
	}
	np := int32(len(t.Partitions))
	p := client.NewProducer(c, client.DefaultProducerConfig())
	for _, k := range keys {
		p.Buffer(client.Record{Topic: name, Key: []byte(k), Value: []byte("hello " + k)})
	}
	res, err := p.Flush(ctx)
	if err != nil {
		w.resetClient()
		return err
	}
	py, pyErr := kafkaPython(keys, np)
	w.n.Out("%-10s %-12s %-20s %-10s %s", "key", "murmur2", "toPositive % "+strconv.Itoa(int(np)), "landed on", "kafka-python")
	agree := true
	for i, r := range res {
		k := r.Record.Key
		h := partition.Murmur2(k)
		kp := "-"
		if pyErr == nil {
			kp = strconv.Itoa(int(py[i]))
			if py[i] != r.Record.Partition {
				kp += "  ← differs"
				agree = false
			}
		}
		w.n.Out("%-10s %-12d %-20d %-10s %s", k, h, partition.ToPositive(h)%np, fmt.Sprintf("%d @%d", r.Record.Partition, r.Record.Offset), kp)
	}
	switch {
	case pyErr != nil:
		w.n.Say("(kafka-python is not installed here, so its column is empty: apt-get install -y python3-kafka, or compare with kcat: printf 'alice:x\\n' | kcat -b %s -t %s -P -K: -X partitioner=murmur2_random, then kcat -C -e -f '%%k %%p\\n'.)", strings.Join(w.kc.Seeds(), ","), name)
	case agree:
		w.n.Say("kafka-python's DefaultPartitioner picks the same partition for every key.")
	default:
		w.n.Say("kafka-python disagrees on some keys: your murmur2 or toPositive differs from Java's (make test-chapter 6).")
	}
	return nil
}

// kafkaPython asks kafka-python's DefaultPartitioner for each key's
// partition.
func kafkaPython(keys []string, np int32) ([]int32, error) {
	const script = `
import sys
from kafka.partitioner.default import DefaultPartitioner
n = int(sys.argv[1]); parts = list(range(n)); kp = DefaultPartitioner()
for line in sys.stdin:
    k = bytes.fromhex(line.strip())
    print(kp(k, parts, parts))
`
	return runPython(script, keys, np)
}

// produce sends n keyed records user-0 … user-(n-1) and prints how many
// landed on each partition.
func (w *walk) produce(ctx context.Context, name string, count int) error {
	c, err := w.kafka()
	if err != nil {
		return err
	}
	p := client.NewProducer(c, client.DefaultProducerConfig())
	for i := 0; i < count; i++ {
		p.Buffer(client.Record{Topic: name, Key: []byte(fmt.Sprintf("user-%d", i)), Value: []byte(fmt.Sprintf("record %d", i))})
	}
	res, err := p.Flush(ctx)
	if err != nil {
		w.resetClient()
		return err
	}
	per := map[int32]int{}
	wrong := 0
	var np int32
	if t, err := c.Topic(ctx, name); err == nil {
		np = int32(len(t.Partitions))
	}
	for _, r := range res {
		if r.Err != nil {
			return r.Err
		}
		per[r.Record.Partition]++
		if np > 0 && partition.ToPositive(partition.Murmur2(r.Record.Key))%np != r.Record.Partition {
			wrong++
		}
	}
	var parts []string
	for q := int32(0); q < np; q++ {
		parts = append(parts, fmt.Sprintf("p%d: %d", q, per[q]))
	}
	w.n.Out("produced %d keyed records to %s: %s", count, name, strings.Join(parts, ", "))
	if wrong > 0 {
		w.n.Out("%d of them are not on toPositive(murmur2(key)) %% %d", wrong, np)
	}
	return w.assignment(ctx, name)
}

// waitMoved waits until every running broker sees the live brokers as
// the cluster has them now, printing what it waits for.
func (w *walk) waitLive(ctx context.Context, timeout time.Duration) error {
	var live []int32
	for _, id := range w.kc.IDs() {
		if w.kc.Broker(id) != nil {
			live = append(live, id)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return w.kc.WaitLive(ctx, live...)
}

func (w *walk) experiments(ctx context.Context) map[string]stage.Experiment {
	n := w.n
	one := func(args []string) (int32, error) {
		if len(args) != 1 {
			return 0, errors.New("want one broker id")
		}
		id, err := strconv.Atoi(args[0])
		if err != nil {
			return 0, fmt.Errorf("%q is not a broker id", args[0])
		}
		return int32(id), nil
	}
	topicArg := func(args []string, i int) string {
		if len(args) > i {
			return args[i]
		}
		return topic
	}
	return map[string]stage.Experiment{
		"brokers": {Help: "every broker: address, up, registered in /brokers/ids, broker epoch, the partitions it leads", Run: func([]string) error {
			w.brokers()
			return nil
		}},
		"assignment": {Help: "assignment [topic]: each partition's replicas, leader, ISR and log end offset", Run: func(args []string) error {
			return w.assignment(ctx, topicArg(args, 0))
		}},
		"produce": {Help: "produce [N] [topic]: N keyed records (default 60) user-0 … and where they landed", Run: func(args []string) error {
			count := 60
			if len(args) > 0 {
				v, err := strconv.Atoi(args[0])
				if err != nil {
					return err
				}
				count = v
			}
			return w.produce(ctx, topicArg(args, 1), count)
		}},
		"keys": {Help: "keys K1 K2 …: produce one record per key; key → partition, ours beside kafka-python's", Run: func(args []string) error {
			if len(args) == 0 {
				args = []string{"alice", "bob", "carol"}
			}
			return w.keys(ctx, topic, args)
		}},
		"create": {Help: "create TOPIC [PARTITIONS] [RF]: create a topic (default 6 partitions, RF 3) and show its assignment", Run: func(args []string) error {
			if len(args) == 0 {
				return errors.New("want: create TOPIC [PARTITIONS] [RF]")
			}
			np, rf := 6, 3
			if len(args) > 1 {
				np, _ = strconv.Atoi(args[1])
			}
			if len(args) > 2 {
				rf, _ = strconv.Atoi(args[2])
			}
			c, err := w.kafka()
			if err != nil {
				return err
			}
			if err := c.CreateTopics(ctx, client.TopicSpec{Name: args[0], Partitions: int32(np), ReplicationFactor: int16(rf)}); err != nil {
				return err
			}
			return w.assignment(ctx, args[0])
		}},
		"kill-broker": {Help: "kill-broker N: stop broker N like kill -9 (its ZooKeeper session is left to expire)", Run: func(args []string) error {
			id, err := one(args)
			if err != nil {
				return err
			}
			if err := w.kc.Kill(id); err != nil {
				return err
			}
			w.resetClient()
			n.Say("Broker %d is dead, but ZooKeeper does not know yet: its session is not closed, so /brokers/ids/%d stays until the session times out (zookeeper.session.timeout.ms, here %v). Until then Metadata still names it leader and its partitions cannot be written. Waiting for the expiry…", id, id, stage.BrokerSessionTimeout)
			start := time.Now()
			if err := w.waitLive(ctx, 3*stage.BrokerSessionTimeout); err != nil {
				return err
			}
			n.Say("After %.1fs the session expired, the ephemeral /brokers/ids/%d went, and every broker's watch on /brokers/ids fired. Each partition broker %d led now has the next live replica of its list as leader — and that replica has none of the records: nothing replicates yet (chapter 7 adds followers that fetch from the leader, so a new leader has what was acknowledged).", time.Since(start).Seconds(), id, id)
			w.brokers()
			return w.assignment(ctx, topic)
		}},
		"stop-broker": {Help: "stop-broker N: shut broker N down cleanly (its session closes, its registration goes at once)", Run: func(args []string) error {
			id, err := one(args)
			if err != nil {
				return err
			}
			if err := w.kc.Stop(id); err != nil {
				return err
			}
			w.resetClient()
			if err := w.waitLive(ctx, 10*time.Second); err != nil {
				return err
			}
			n.Say("Broker %d closed its session: /brokers/ids/%d went at once and its partitions moved to the next live replica (empty: no replication until chapter 7).", id, id)
			return w.assignment(ctx, topic)
		}},
		"restart-broker": {Help: "restart-broker N: start broker N again on its log.dir (after a kill it waits for its old session to expire)", Run: func(args []string) error {
			id, err := one(args)
			if err != nil {
				return err
			}
			if err := w.kc.Restart(id); err != nil {
				return err
			}
			w.resetClient()
			if err := w.waitLive(ctx, 10*time.Second); err != nil {
				return err
			}
			n.Say("Broker %d registered again, with a new broker epoch (the czxid of its new /brokers/ids/%d). It is the first replica of its partitions again, so it leads them again — with the records it had; what the stand-in leaders took meanwhile stays on them, unseen: two diverging logs, which chapter 7's leader epochs and truncation exist to prevent.", id, id)
			w.brokers()
			return w.assignment(ctx, topic)
		}},
		"add-broker": {Help: "add-broker: start one more broker (the next id)", Run: func([]string) error {
			id, err := w.kc.Add()
			if err != nil {
				return err
			}
			w.resetClient()
			if err := w.waitLive(ctx, 10*time.Second); err != nil {
				return err
			}
			n.Say("Broker %d registered on %s. It holds nothing: Kafka never moves existing partitions by itself (kafka-reassign-partitions.sh does, on request). A topic created now spreads over all the brokers: try `create more 8 2`.", id, w.kc.Addr(id))
			w.brokers()
			return nil
		}},
		"ls": {Help: "ls PATH: a znode's children (e.g. ls /brokers/ids)", Run: func(args []string) error {
			p := "/"
			if len(args) > 0 {
				p = args[0]
			}
			kids, _, err := w.zk.Children(ctx, p)
			if err != nil {
				return err
			}
			n.Out("[%s]", strings.Join(kids, ", "))
			return nil
		}},
		"get": {Help: "get PATH: a znode's data and Stat (e.g. get /brokers/topics/orders)", Run: func(args []string) error {
			if len(args) != 1 {
				return errors.New("want: get PATH")
			}
			return w.get(ctx, args[0], true)
		}},
	}
}
