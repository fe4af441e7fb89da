package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/zkafka/zkafka/zk/client"
	"github.com/zkafka/zkafka/zk/proto"
	"github.com/zkafka/zkafka/zk/zkerr"
)

// shell runs zkCli.sh's commands against one session.
type shell struct {
	c      *client.Conn
	server string
	out    io.Writer // command output (zkCli prints results on stdout)
	errOut io.Writer // errors
	loc    *time.Location
	n      int  // command counter shown in the prompt
	quit   bool // close/quit was run
}

// usageError is a bad command line: print the command's usage.
type usageError struct{ usage string }

func (e usageError) Error() string { return e.usage }

type command struct {
	usage string
	run   func(s *shell, ctx context.Context, flags map[string]string, args []string) error
	// valueFlags take an argument (-v 3, -m PERSISTENT).
	valueFlags string
}

var commands map[string]command

func init() {
	commands = map[string]command{
		"create":               {"create [-s] [-e] [-c] [-t ttl] path [data] [acl]", (*shell).create, "t"},
		"get":                  {"get [-s] [-w] path", (*shell).get, ""},
		"set":                  {"set [-s] [-v version] path data", (*shell).set, "v"},
		"ls":                   {"ls [-s] [-w] [-R] path", (*shell).ls, ""},
		"stat":                 {"stat [-w] path", (*shell).stat, ""},
		"delete":               {"delete [-v version] path", (*shell).delete, "v"},
		"deleteall":            {"deleteall path", (*shell).deleteall, ""},
		"addauth":              {"addauth scheme auth", (*shell).addauth, ""},
		"getAcl":               {"getAcl [-s] path", (*shell).getACL, ""},
		"setAcl":               {"setAcl [-s] [-v version] [-R] path acl", (*shell).setACL, "v"},
		"sync":                 {"sync path", (*shell).sync, ""},
		"getEphemerals":        {"getEphemerals path", (*shell).getEphemerals, ""},
		"getAllChildrenNumber": {"getAllChildrenNumber path", (*shell).allChildren, ""},
		"whoami":               {"whoami", (*shell).whoami, ""},
		"addWatch":             {"addWatch [-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - default is PERSISTENT_RECURSIVE", (*shell).addWatch, "m"},
		"close":                {"close", (*shell).close, ""},
		"quit":                 {"quit", (*shell).close, ""},
		"help":                 {"help", (*shell).help, ""},
	}
}

// exec runs one command line.
func (s *shell) exec(ctx context.Context, line string) error {
	words, err := tokenize(line)
	if err != nil {
		return err
	}
	if len(words) == 0 {
		return nil
	}
	s.n++
	cmd, ok := commands[words[0]]
	if !ok {
		s.help(ctx, nil, nil)
		return nil
	}
	flags := map[string]string{}
	var args []string
	rest := words[1:]
	for i := 0; i < len(rest); i++ {
		w := rest[i]
		if len(args) == 0 && len(w) == 2 && w[0] == '-' {
			name := w[1:]
			if strings.Contains(cmd.valueFlags, name) {
				if i+1 == len(rest) {
					return usageError{cmd.usage}
				}
				flags[name] = rest[i+1]
				i++
			} else {
				flags[name] = ""
			}
			continue
		}
		args = append(args, w)
	}
	err = cmd.run(s, ctx, flags, args)
	var ue usageError
	if errors.As(err, &ue) {
		return fmt.Errorf("%s", ue.usage)
	}
	return err
}

// keeperText turns an error into zkCli's wording (ZooKeeperMain's handlers).
func keeperText(err error, path string) error {
	var code zkerr.Code
	if !errors.As(err, &code) {
		return err
	}
	switch code {
	case zkerr.NoNode:
		return fmt.Errorf("Node does not exist: %s", path)
	case zkerr.NodeExists:
		return fmt.Errorf("Node already exists: %s", path)
	case zkerr.NotEmpty:
		return fmt.Errorf("Node not empty: %s", path)
	case zkerr.BadVersion:
		return fmt.Errorf("version No is not valid : %s", path)
	case zkerr.NoAuth:
		return fmt.Errorf("Insufficient permission : %s", path)
	case zkerr.NoChildrenForEphemerals:
		return fmt.Errorf("Ephemerals cannot have children: %s", path)
	}
	return fmt.Errorf("KeeperErrorCode = %s for %s", code.Name(), path)
}

func need(args []string, min, max int, usage string) error {
	if len(args) < min || len(args) > max {
		return usageError{usage}
	}
	return nil
}

func version(flags map[string]string) (int32, error) {
	v, ok := flags["v"]
	if !ok {
		return -1, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("version %q is not a number", v)
	}
	return int32(n), nil
}

func has(flags map[string]string, f string) bool { _, ok := flags[f]; return ok }

func (s *shell) create(ctx context.Context, flags map[string]string, args []string) error {
	if err := need(args, 1, 3, commands["create"].usage); err != nil {
		return err
	}
	path := args[0]
	var data []byte
	if len(args) > 1 {
		data = []byte(args[1])
	}
	var acl []proto.ACL
	if len(args) > 2 {
		var err error
		if acl, err = parseACL(args[2]); err != nil {
			return err
		}
	}
	seq, eph := has(flags, "s"), has(flags, "e")
	mode := proto.ModePersistent
	switch {
	case has(flags, "c"):
		if seq || eph {
			return fmt.Errorf("-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.")
		}
		mode = proto.ModeContainer
	case seq && eph:
		mode = proto.ModeEphemeralSequential
	case eph:
		mode = proto.ModeEphemeral
	case seq:
		mode = proto.ModePersistentSequential
	}
	var (
		created string
		err     error
	)
	if ttl, ok := flags["t"]; ok {
		ms, perr := strconv.ParseInt(ttl, 10, 64)
		if perr != nil || eph {
			return fmt.Errorf("-t must be a number of milliseconds and cannot be combined with -e")
		}
		mode = proto.ModePersistentWithTTL
		if seq {
			mode = proto.ModePersistentSequentialWithTTL
		}
		created, _, err = s.c.CreateTTL(ctx, path, data, mode, acl, time.Duration(ms)*time.Millisecond)
	} else {
		created, err = s.c.Create(ctx, path, data, mode, acl)
	}
	if err != nil {
		return keeperText(err, path)
	}
	fmt.Fprintf(s.out, "Created %s\n", created)
	return nil
}

func (s *shell) get(ctx context.Context, flags map[string]string, args []string) error {
	if err := need(args, 1, 1, commands["get"].usage); err != nil {
		return err
	}
	var (
		data []byte
		st   proto.Stat
		ev   <-chan client.Event
		err  error
	)
	if has(flags, "w") {
		data, st, ev, err = s.c.GetW(ctx, args[0])
	} else {
		data, st, err = s.c.Get(ctx, args[0])
	}
	if err != nil {
		return keeperText(err, args[0])
	}
	s.watch(ev)
	if data == nil {
		fmt.Fprintln(s.out, "null")
	} else {
		fmt.Fprintln(s.out, string(data))
	}
	if has(flags, "s") {
		printStat(s.out, st, s.loc)
	}
	return nil
}

func (s *shell) set(ctx context.Context, flags map[string]string, args []string) error {
	if err := need(args, 2, 2, commands["set"].usage); err != nil {
		return err
	}
	v, err := version(flags)
	if err != nil {
		return err
	}
	st, err := s.c.Set(ctx, args[0], []byte(args[1]), v)
	if err != nil {
		return keeperText(err, args[0])
	}
	if has(flags, "s") {
		printStat(s.out, st, s.loc)
	}
	return nil
}

func (s *shell) ls(ctx context.Context, flags map[string]string, args []string) error {
	if err := need(args, 1, 1, commands["ls"].usage); err != nil {
		return err
	}
	path := args[0]
	if has(flags, "R") {
		// zkCli prints the subtree breadth first, one full path a line.
		queue := []string{path}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			fmt.Fprintln(s.out, p)
			children, _, err := s.c.Children(ctx, p)
			if err != nil {
				return keeperText(err, p)
			}
			sort.Strings(children)
			for _, ch := range children {
				queue = append(queue, join(p, ch))
			}
		}
		return nil
	}
	var (
		children []string
		st       proto.Stat
		ev       <-chan client.Event
		err      error
	)
	if has(flags, "w") {
		children, st, ev, err = s.c.ChildrenW(ctx, path)
	} else {
		children, st, err = s.c.Children(ctx, path)
	}
	if err != nil {
		return keeperText(err, path)
	}
	s.watch(ev)
	// The server's order is unspecified; zkCli sorts before printing.
	sort.Strings(children)
	fmt.Fprintf(s.out, "[%s]\n", strings.Join(children, ", "))
	if has(flags, "s") {
		printStat(s.out, st, s.loc)
	}
	return nil
}

func join(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

func (s *shell) stat(ctx context.Context, flags map[string]string, args []string) error {
	if err := need(args, 1, 1, commands["stat"].usage); err != nil {
		return err
	}
	var (
		ok  bool
		st  proto.Stat
		ev  <-chan client.Event
		err error
	)
	if has(flags, "w") {
		ok, st, ev, err = s.c.ExistsW(ctx, args[0])
		s.watch(ev)
	} else {
		ok, st, err = s.c.Exists(ctx, args[0])
	}
	if err != nil {
		return keeperText(err, args[0])
	}
	if !ok {
		return keeperText(zkerr.NoNode, args[0])
	}
	printStat(s.out, st, s.loc)
	return nil
}

func (s *shell) delete(ctx context.Context, flags map[string]string, args []string) error {
	if err := need(args, 1, 1, commands["delete"].usage); err != nil {
		return err
	}
	v, err := version(flags)
	if err != nil {
		return err
	}
	if err := s.c.Delete(ctx, args[0], v); err != nil {
		return keeperText(err, args[0])
	}
	return nil
}

// deleteall deletes a subtree, deepest nodes first (zkCli uses
// ZKUtil.deleteRecursive, batching deletes in multis of 1000).
func (s *shell) deleteall(ctx context.Context, flags map[string]string, args []string) error {
	if err := need(args, 1, 1, commands["deleteall"].usage); err != nil {
		return err
	}
	var nodes []string
	queue := []string{args[0]}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		nodes = append(nodes, p)
		children, _, err := s.c.Children(ctx, p)
		if err != nil {
			return keeperText(err, p)
		}
		for _, ch := range children {
			queue = append(queue, join(p, ch))
		}
	}
	for i := len(nodes); i > 0; i -= 1000 {
		var ops []client.Op
		for j := i - 1; j >= 0 && j >= i-1000; j-- {
			ops = append(ops, client.DeleteOp(nodes[j], -1))
		}
		if _, err := s.c.Multi(ctx, ops...); err != nil {
			return keeperText(err, args[0])
		}
	}
	return nil
}

func (s *shell) addauth(ctx context.Context, flags map[string]string, args []string) error {
	if err := need(args, 1, 2, commands["addauth"].usage); err != nil {
		return err
	}
	var auth []byte
	if len(args) == 2 {
		auth = []byte(args[1])
	}
	return s.c.AddAuth(ctx, args[0], auth)
}

func (s *shell) getACL(ctx context.Context, flags map[string]string, args []string) error {
	if err := need(args, 1, 1, commands["getAcl"].usage); err != nil {
		return err
	}
	acl, st, err := s.c.GetACL(ctx, args[0])
	if err != nil {
		return keeperText(err, args[0])
	}
	printACL(s.out, acl)
	if has(flags, "s") {
		printStat(s.out, st, s.loc)
	}
	return nil
}

func (s *shell) setACL(ctx context.Context, flags map[string]string, args []string) error {
	if err := need(args, 2, 2, commands["setAcl"].usage); err != nil {
		return err
	}
	acl, err := parseACL(args[1])
	if err != nil {
		return err
	}
	v, err := version(flags)
	if err != nil {
		return err
	}
	paths := []string{args[0]}
	if has(flags, "R") {
		for i := 0; i < len(paths); i++ {
			children, _, err := s.c.Children(ctx, paths[i])
			if err != nil {
				return keeperText(err, paths[i])
			}
			sort.Strings(children)
			for _, ch := range children {
				paths = append(paths, join(paths[i], ch))
			}
		}
	}
	for _, p := range paths {
		st, err := s.c.SetACL(ctx, p, acl, v)
		if err != nil {
			return keeperText(err, p)
		}
		if has(flags, "s") && p == args[0] {
			printStat(s.out, st, s.loc)
		}
	}
	return nil
}

func (s *shell) sync(ctx context.Context, flags map[string]string, args []string) error {
	if err := need(args, 1, 1, commands["sync"].usage); err != nil {
		return err
	}
	if _, err := s.c.Sync(ctx, args[0]); err != nil {
		return fmt.Errorf("Sync returned %v", err)
	}
	fmt.Fprintln(s.out, "Sync is OK")
	return nil
}

func (s *shell) getEphemerals(ctx context.Context, flags map[string]string, args []string) error {
	if err := need(args, 0, 1, commands["getEphemerals"].usage); err != nil {
		return err
	}
	prefix := "/"
	if len(args) == 1 {
		prefix = args[0]
	}
	eph, err := s.c.GetEphemerals(ctx, prefix)
	if err != nil {
		return keeperText(err, prefix)
	}
	fmt.Fprintf(s.out, "[%s]\n", strings.Join(eph, ", "))
	return nil
}

func (s *shell) allChildren(ctx context.Context, flags map[string]string, args []string) error {
	if err := need(args, 1, 1, commands["getAllChildrenNumber"].usage); err != nil {
		return err
	}
	n, err := s.c.GetAllChildrenNumber(ctx, args[0])
	if err != nil {
		return keeperText(err, args[0])
	}
	fmt.Fprintln(s.out, n)
	return nil
}

func (s *shell) whoami(ctx context.Context, flags map[string]string, args []string) error {
	ids, err := s.c.WhoAmI(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(s.out, "Auth scheme: User")
	for _, id := range ids {
		fmt.Fprintf(s.out, "%s: %s\n", id.AuthScheme, id.User)
	}
	return nil
}

func (s *shell) addWatch(ctx context.Context, flags map[string]string, args []string) error {
	if err := need(args, 1, 1, commands["addWatch"].usage); err != nil {
		return err
	}
	recursive := true
	if m, ok := flags["m"]; ok {
		switch m {
		case "PERSISTENT":
			recursive = false
		case "PERSISTENT_RECURSIVE":
		default:
			return usageError{commands["addWatch"].usage}
		}
	}
	ev, err := s.c.AddWatch(ctx, args[0], recursive)
	if err != nil {
		return keeperText(err, args[0])
	}
	s.watch(ev)
	return nil
}

func (s *shell) close(ctx context.Context, flags map[string]string, args []string) error {
	s.quit = true
	return nil
}

func (s *shell) help(ctx context.Context, flags map[string]string, args []string) error {
	fmt.Fprintln(s.out, "ZooKeeper -server host:port -timeout ms cmd args")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(s.out, "\t%s\n", commands[n].usage)
	}
	return nil
}

// watch prints the events of a watch as they arrive, like zkCli's
// default watcher.
func (s *shell) watch(ev <-chan client.Event) {
	if ev == nil {
		return
	}
	go func() {
		for e := range ev {
			if e.Err == nil {
				fmt.Fprint(s.out, formatEvent(e))
			}
		}
	}()
}

// prompt is zkCli's "[zk: host:port(CONNECTED) N] ".
func (s *shell) prompt() string {
	return fmt.Sprintf("[zk: %s(%v) %d] ", s.server, s.c.State(), s.n)
}
