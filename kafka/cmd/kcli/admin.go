package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/zkafka/zkafka/kafka/client"
)

// kcli topics and kcli configs: what kafka-topics.sh and kafka-configs.sh
// do, over the Kafka protocol (CreateTopics, Metadata, CreatePartitions,
// DescribeConfigs, AlterConfigs) since no Java tool can be installed
// here. Output follows Kafka 2.3's tools.

// kvList collects repeated k=v flags (--config, and comma lists).
type kvList []string

func (l *kvList) String() string     { return strings.Join(*l, ",") }
func (l *kvList) Set(s string) error { *l = append(*l, strings.Split(s, ",")...); return nil }

func runAdmin(cmd string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kcli "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	brokers := fs.String("bootstrap-server", "127.0.0.1:9092", "bootstrap broker(s), host:port[,host:port...]")
	fs.StringVar(brokers, "b", "127.0.0.1:9092", "same as --bootstrap-server")
	create := fs.Bool("create", false, "create a topic (topics)")
	describe := fs.Bool("describe", false, "describe topics or configs")
	alter := fs.Bool("alter", false, "add partitions (topics) or change configs (configs)")
	topic := fs.String("topic", "", "the topic (topics)")
	partitions := fs.Int("partitions", -1, "partition count (create: default num.partitions; alter: the new total)")
	rf := fs.Int("replication-factor", -1, "replication factor (create: default default.replication.factor)")
	var configs, add, del kvList
	fs.Var(&configs, "config", "a topic config override k=v for --create (repeatable)")
	entityType := fs.String("entity-type", "topics", "topics or brokers (configs)")
	entityName := fs.String("entity-name", "", "the topic or broker id (configs)")
	fs.Var(&add, "add-config", "k=v[,k=v...] to set (configs --alter)")
	fs.Var(&del, "delete-config", "k[,k...] to remove (configs --alter)")
	timeout := fs.Duration("timeout", 30*time.Second, "request timeout")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	modes := 0
	for _, m := range []bool{*create, *describe, *alter} {
		if m {
			modes++
		}
	}
	if modes != 1 || (cmd == "configs" && *create) {
		fmt.Fprintf(stderr, "%% ERROR: give exactly one of %s\n", map[string]string{"topics": "--create, --describe, --alter", "configs": "--describe, --alter"}[cmd])
		fs.Usage()
		return 2
	}
	c, err := client.New(client.Config{Brokers: strings.Split(*brokers, ","), ClientID: "kcli"})
	if err != nil {
		return fatal(stderr, err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	a := admin{c: c, out: stdout, timeout: *timeout}
	switch {
	case cmd == "topics" && *create:
		err = a.create(ctx, *topic, *partitions, *rf, configs)
	case cmd == "topics" && *describe:
		err = a.describeTopics(ctx, *topic)
	case cmd == "topics":
		err = a.addPartitions(ctx, *topic, *partitions)
	case *describe:
		err = a.describeConfigs(ctx, *entityType, *entityName)
	default:
		err = a.alterConfigs(ctx, *entityType, *entityName, add, del)
	}
	if err != nil {
		return fatal(stderr, err)
	}
	return 0
}

type admin struct {
	c       *client.Client
	out     io.Writer
	timeout time.Duration
}

// controller is where topic changes go, as Kafka's AdminClient sends them.
func (a admin) controller(ctx context.Context) (int32, error) {
	md, err := a.c.Metadata(ctx)
	if err != nil {
		return 0, err
	}
	return md.ControllerID, nil
}

// apiErr turns a response's code and message into an error.
func apiErr(code int16, msg *string) error {
	if code == 0 {
		return nil
	}
	e := kerr.ErrorForCode(code)
	if msg != nil && *msg != "" {
		return fmt.Errorf("%v: %s", e, *msg)
	}
	return e
}

func parseKV(list []string) (map[string]string, error) {
	m := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("config %q: want key=value", kv)
		}
		m[k] = v
	}
	return m, nil
}

func (a admin) create(ctx context.Context, topic string, partitions, rf int, configs []string) error {
	if topic == "" {
		return fmt.Errorf("--topic is required with --create")
	}
	cfg, err := parseKV(configs)
	if err != nil {
		return err
	}
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = int32(a.timeout.Milliseconds())
	rt := kmsg.NewCreateTopicsRequestTopic()
	rt.Topic, rt.NumPartitions, rt.ReplicationFactor = topic, int32(partitions), int16(rf)
	for _, k := range sortedKeys(cfg) {
		c := kmsg.NewCreateTopicsRequestTopicConfig()
		c.Name, c.Value = k, kmsg.StringPtr(cfg[k])
		rt.Configs = append(rt.Configs, c)
	}
	req.Topics = append(req.Topics, rt)
	id, err := a.controller(ctx)
	if err != nil {
		return err
	}
	resp, err := a.c.Request(ctx, id, req)
	if err != nil {
		return err
	}
	t := resp.(*kmsg.CreateTopicsResponse).Topics[0]
	if err := apiErr(t.ErrorCode, t.ErrorMessage); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "Created topic %s.\n", topic)
	return nil
}

func (a admin) addPartitions(ctx context.Context, topic string, partitions int) error {
	if topic == "" || partitions < 0 {
		return fmt.Errorf("--alter needs --topic and --partitions")
	}
	req := kmsg.NewPtrCreatePartitionsRequest()
	req.TimeoutMillis = int32(a.timeout.Milliseconds())
	rt := kmsg.NewCreatePartitionsRequestTopic()
	rt.Topic, rt.Count = topic, int32(partitions)
	req.Topics = append(req.Topics, rt)
	id, err := a.controller(ctx)
	if err != nil {
		return err
	}
	resp, err := a.c.Request(ctx, id, req)
	if err != nil {
		return err
	}
	t := resp.(*kmsg.CreatePartitionsResponse).Topics[0]
	if err := apiErr(t.ErrorCode, t.ErrorMessage); err != nil {
		return err
	}
	fmt.Fprintln(a.out, "Adding partitions succeeded!")
	return nil
}

// describeTopics prints kafka-topics.sh --describe's layout (2.3
// TopicCommand): a topic line with its overrides, a line per partition.
func (a admin) describeTopics(ctx context.Context, topic string) error {
	var md *client.Metadata
	var err error
	if topic != "" {
		md, err = a.c.Metadata(ctx, topic)
	} else {
		md, err = a.c.Metadata(ctx)
	}
	if err != nil {
		return err
	}
	for _, t := range md.Topics {
		if t.Err != nil {
			return fmt.Errorf("topic '%s': %v", t.Name, t.Err)
		}
		overrides, err := a.overrides(ctx, t.Name)
		if err != nil {
			return err
		}
		rf := 0
		if len(t.Partitions) > 0 {
			rf = len(t.Partitions[0].Replicas)
		}
		fmt.Fprintf(a.out, "Topic:%s\tPartitionCount:%d\tReplicationFactor:%d\tConfigs:%s\n", t.Name, len(t.Partitions), rf, overrides)
		for _, p := range t.Partitions {
			fmt.Fprintf(a.out, "\tTopic: %s\tPartition: %d\tLeader: %s\tReplicas: %s\tIsr: %s\n",
				t.Name, p.Partition, leaderOf(p.Leader), ints(p.Replicas), ints(p.ISR))
		}
	}
	return nil
}

func leaderOf(id int32) string {
	if id < 0 {
		return "none"
	}
	return fmt.Sprint(id)
}

// describe asks for one resource's configs.
func (a admin) describe(ctx context.Context, typ kmsg.ConfigResourceType, name string) ([]kmsg.DescribeConfigsResponseResourceConfig, error) {
	req := kmsg.NewPtrDescribeConfigsRequest()
	res := kmsg.NewDescribeConfigsRequestResource()
	res.ResourceType, res.ResourceName = typ, name
	req.Resources = append(req.Resources, res)
	broker := int32(-1)
	if typ == kmsg.ConfigResourceTypeBroker && name != "" {
		var id int
		if _, err := fmt.Sscan(name, &id); err == nil {
			broker = int32(id)
		}
	}
	resp, err := a.c.Request(ctx, broker, req)
	if err != nil {
		return nil, err
	}
	r := resp.(*kmsg.DescribeConfigsResponse).Resources[0]
	if err := apiErr(r.ErrorCode, r.ErrorMessage); err != nil {
		return nil, err
	}
	return r.Configs, nil
}

// overrides are a topic's config overrides, "k=v,k=v".
func (a admin) overrides(ctx context.Context, topic string) (string, error) {
	cs, err := a.describe(ctx, kmsg.ConfigResourceTypeTopic, topic)
	if err != nil {
		return "", err
	}
	var kv []string
	for _, c := range cs {
		if c.Source == kmsg.ConfigSourceDynamicTopicConfig {
			kv = append(kv, c.Name+"="+deref(c.Value))
		}
	}
	sort.Strings(kv)
	return strings.Join(kv, ","), nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func entity(typ string) (kmsg.ConfigResourceType, string, error) {
	switch typ {
	case "topics":
		return kmsg.ConfigResourceTypeTopic, "topic", nil
	case "brokers":
		return kmsg.ConfigResourceTypeBroker, "broker", nil
	}
	return 0, "", fmt.Errorf("--entity-type %s: topics or brokers", typ)
}

// describeConfigs prints kafka-configs.sh --describe's line (2.3
// ConfigCommand): the overrides of a topic, or a broker's settings.
func (a admin) describeConfigs(ctx context.Context, typ, name string) error {
	t, word, err := entity(typ)
	if err != nil {
		return err
	}
	cs, err := a.describe(ctx, t, name)
	if err != nil {
		return err
	}
	var kv []string
	for _, c := range cs {
		if t == kmsg.ConfigResourceTypeBroker || c.Source == kmsg.ConfigSourceDynamicTopicConfig {
			kv = append(kv, c.Name+"="+deref(c.Value))
		}
	}
	sort.Strings(kv)
	fmt.Fprintf(a.out, "Configs for %s '%s' are %s\n", word, name, strings.Join(kv, ","))
	return nil
}

// alterConfigs is ConfigCommand's alter: read the current overrides, add
// and delete, and send the whole set (AlterConfigs replaces them).
func (a admin) alterConfigs(ctx context.Context, typ, name string, add, del []string) error {
	t, word, err := entity(typ)
	if err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("--entity-name is required with --alter")
	}
	if len(add) == 0 && len(del) == 0 {
		return fmt.Errorf("--alter needs --add-config or --delete-config")
	}
	adds, err := parseKV(add)
	if err != nil {
		return err
	}
	cs, err := a.describe(ctx, t, name)
	if err != nil {
		return err
	}
	cur := map[string]string{}
	for _, c := range cs {
		if c.Source == kmsg.ConfigSourceDynamicTopicConfig {
			cur[c.Name] = deref(c.Value)
		}
	}
	for _, k := range del {
		if _, ok := cur[k]; !ok {
			return fmt.Errorf("Invalid config(s): %s", k) // ConfigCommand's check
		}
		delete(cur, k)
	}
	for k, v := range adds {
		cur[k] = v
	}
	req := kmsg.NewPtrAlterConfigsRequest()
	res := kmsg.NewAlterConfigsRequestResource()
	res.ResourceType, res.ResourceName = t, name
	for _, k := range sortedKeys(cur) {
		c := kmsg.NewAlterConfigsRequestResourceConfig()
		c.Name, c.Value = k, kmsg.StringPtr(cur[k])
		res.Configs = append(res.Configs, c)
	}
	req.Resources = append(req.Resources, res)
	resp, err := a.c.Request(ctx, -1, req)
	if err != nil {
		return err
	}
	r := resp.(*kmsg.AlterConfigsResponse).Resources[0]
	if err := apiErr(r.ErrorCode, r.ErrorMessage); err != nil {
		return err
	}
	fmt.Fprintf(a.out, "Completed Updating config for entity: %s '%s'.\n", word, name)
	return nil
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
